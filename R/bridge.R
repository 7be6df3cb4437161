# The Python side: kerasr_bridge holds every check and the composition logic,
# so R and Python users get the same behaviour and the same messages.

bridge <- NULL

#' The Python keras module
#'
#' `keras` is the Python `keras` module, imported lazily through reticulate
#' (as keras3 does), so you can make Inputs, Sequential models and other
#' layers without keras3. Where keras3 is installed, its objects work too.
#'
#' @format A Python module (`python.builtin.module`), loaded on first use.
#' @examples
#' model <- keras$Sequential(list(keras$Input(shape = list(28L, 28L, 3L)),
#'                                keras$layers$Conv2D(8L, kernel_size = 1L)))
#' model$output_shape
#' @export
keras <- NULL

# The Python entry point, looked up once: `bridge$from_r$call` costs two
# attribute lookups and new R wrappers on every call.
bridge_cache <- new.env(parent = emptyenv())

bridge_call <- function() {
  if (is.null(bridge_cache$call)) {
    # Every failure to get Python or kerasr_bridge becomes bridge_unavailable()'s
    # one message. reticulate 1.28 prints its whole configuration before
    # failing on a missing module: that stays out of the user's output.
    output <- utils::capture.output(entry <- tryCatch(bridge$from_r$call, error = identity))
    if (inherits(entry, "error")) stop(bridge_unavailable(entry))
    if (length(output)) writeLines(output)
    bridge_cache$call <- entry
  }
  bridge_cache$call
}

# Forward the calling layer function's supplied arguments, by name, to the
# Python function of the same name through kerasr_bridge.from_r.call, which
# renders values in R syntax and returns errors instead of raising them.
# Missing arguments are left to Python's defaults, which mirror keras3's formals.
call_bridge <- function(name) {
  env <- parent.frame()
  call <- sys.call(-1L)
  # Python, or kerasr_bridge in it, that cannot be had: bridge_unavailable()'s error, with the user's call.
  entry <- tryCatch(bridge_call(), kerasrbridge_error = function(e) stop(`[[<-`(e, "call", call)))
  matched <- match.call(sys.function(-1L), call, expand.dots = FALSE, envir = parent.frame(2L))
  supplied <- setdiff(as.character(names(matched)[-1L]), "...")
  args <- c(mget(supplied, envir = env), eval(quote(list(...)), env))
  for (i in seq_along(args)) {
    if (!is.null(args[[i]])) args[i] <- list(to_python(args[[i]]))
  }
  result <- call_by_reference(entry, c(list(name), args))
  if (inherits(result, "kerasr_bridge.from_r.RError")) raise_python_error(result, call)
  if (inherits(result, "kerasr_bridge.from_r.RWarned")) {
    # Python's warnings for R (reticulate hands none over), e.g. a callable a saved model cannot restore.
    for (message in unlist(result$warnings)) {
      warning(structure(class = c("kerasrbridge_warning", "warning", "condition"), list(message = message, call = call)))
    }
    result <- result$value
  }
  result
}

# `fn(<args>)`, with the call naming each value instead of holding it.
# do.call() puts the values themselves into the call it evaluates, and
# reticulate >= 1.40's Python callables evaluate their own sys.call() again
# (through rlang::list2()), which copies every value held in the call: for a
# 32x64x64x32 array, a 33.5 MB copy to fresh memory, 40% of our whole call.
# Bound in an environment of their own, the values are passed by reference.
call_by_reference <- function(fn, args) {
  values <- new.env(parent = baseenv(), size = length(args))
  keys <- paste0(".arg", seq_along(args))
  for (i in seq_along(args)) assign(keys[i], args[[i]], envir = values)
  names(keys) <- names(args)
  eval(as.call(c(list(fn), lapply(keys, as.name))), values)
}

# R values as Python should see them: what reticulate converts faithfully
# passes as is. R's NA must survive as NA: reticulate would turn a logical NA
# into TRUE and an integer NA into -2147483648, so non-double NA becomes the
# double NA (as as.double() does), which Python recognises by its bits. Values
# with no faithful Python form (data.frames, factors, environments, other
# classed objects) travel as a description that every check refuses.
to_python <- function(value) {
  if (inherits(value, "python.builtin.object")) return(value)
  if (is.function(value)) return(r_function(value))
  if (is.object(value) || !(is.atomic(value) || is.list(value))) return(r_value(value))
  # reticulate 1.28 cannot convert a raw array (1.29+ makes NumPy void bytes): described alike in every version.
  if (is.raw(value) && !is.null(dim(value))) {
    return(bridge$from_r$RValue(classes = list("raw", "array"), size = as.list(as.integer(dim(value)))))
  }
  if (is.list(value)) {
    items <- lapply(value, function(item) if (is.null(item)) item else to_python(item))
    # An unnamed list goes as kerasr_bridge's RList, a tuple (an atomic vector arrives as a Python
    # list), so that a message can write it as R does, list(1, 2), not c(1, 2).
    if (length(items) && is.null(names(value))) return(r_list(items))
    return(items)
  }
  if (is.double(value) || !anyNA(value)) return(value)
  if (!is.null(dim(value))) {
    if (is.logical(value) || is.integer(value)) storage.mode(value) <- "double"
    return(value)
  }
  if (length(value) == 1L) return(NA_real_)
  items <- as.list(value)
  items[is.na(value)] <- list(NA_real_)
  items
}

# An R function, handed over with its formals so Python can check its signature.
# A primitive (such as abs) has none, and reticulate cannot convert it: it
# goes as a closure with the formals args() shows.
r_function <- function(fn) {
  # keras3's wrapper of one of Keras's own functions (activation_gelu) goes as that function,
  # so a saved model stores its name, as keras3's own layers do (see keras_function()).
  keras_fn <- keras_function(fn)
  if (!is.null(keras_fn)) return(keras_fn)
  if (is.primitive(fn)) {
    closure <- args(fn)
    if (is.null(closure)) return(fn)
    body(closure) <- as.call(c(fn, lapply(names(formals(closure)), as.name)))
    fn <- closure
  }
  formals <- formals(fn)
  has_default <- vapply(formals, function(default) !identical(default, quote(expr = )), logical(1))
  bridge$from_r$r_function(fn, as.list(names(formals)), as.list(unname(has_default)))
}

# The Keras function a package's R wrapper only forwards to, or NULL. As keras3's
# resolve_wrapper_py_obj_expr() reads its own wrappers: a plain function of a
# package namespace whose last expression is `do.call(keras$a$b, args)` or
# `keras$a$b(<its formals>)`. The path is looked up in our own `keras` module:
# nothing of the wrapper's package is called. A user's closure is never one.
keras_function <- function(fn) {
  env <- environment(fn)
  if (!identical(class(fn), "function") || is.null(env) || !isNamespace(env)) return(NULL)
  last <- body(fn)
  if (is.call(last) && identical(last[[1L]], as.name("{"))) last <- last[[length(last)]]
  if (!is.call(last)) return(NULL)
  if (identical(last[[1L]], quote(do.call)) && length(last) == 3L) {
    target <- last[[2L]]
  } else if (identical(lapply(as.list(last)[-1L], as.character), as.list(names(formals(fn))))) {
    target <- last[[1L]]
  } else {
    return(NULL)
  }
  path <- character()
  while (is.call(target) && identical(target[[1L]], as.name("$")) && is.name(target[[3L]])) {
    path <- c(as.character(target[[3L]]), path)
    target <- target[[2L]]
  }
  if (!identical(target, as.name("keras")) || !length(path)) return(NULL)
  found <- tryCatch(Reduce(reticulate::py_get_attr, path, keras), error = function(e) NULL)
  if (inherits(found, "python.builtin.object")) found else NULL
}

r_list <- function(items) {
  # Not converted back: reticulate would turn the tuple into an R list again.
  if (is.null(bridge_cache$r_values)) bridge_cache$r_values <- reticulate::import("kerasr_bridge.r_values", convert = FALSE)
  bridge_cache$r_values$RList(items)
}

r_value <- function(value) {
  size <- if (is.data.frame(value)) dim(value) else length(value)
  bridge$from_r$RValue(classes = as.list(class(value)), size = as.list(as.integer(size)))
}

# A Python error, raised in R with exactly Python's message, the user's call,
# our classes and the classes reticulate gives that Python exception (so
# handlers written for keras3 or reticulate, `python.builtin.ValueError = `,
# catch it too).
raise_python_error <- function(error, call) {
  # An error the user's own R function raised keeps its R classes, first (reticulate 1.29+ hands them over).
  r_classes <- setdiff(as.character(unlist(error$r_classes)), c("error", "condition"))
  classes <- c(r_classes, paste0("kerasrbridge_", error$type), "kerasrbridge_error", unlist(error$classes), "error", "condition")
  stop(structure(class = classes, list(message = error$message, call = call)))
}
