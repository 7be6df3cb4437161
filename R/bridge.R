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

.onLoad <- function(libname, pkgname) {
  bridge <<- reticulate::import(
    "kerasr_bridge",
    delay_load = list(on_error = function(e) stop(bridge_unavailable(e), call. = FALSE))
  )
  keras <<- reticulate::import("keras", delay_load = TRUE)
  register_tensor_methods()
}

bridge_unavailable <- function(error) {
  python <- tryCatch(reticulate::py_exe(), error = function(e) NULL)
  where <- if (is.null(python)) "the Python that reticulate found" else python
  paste0(
    "kerasrbridge cannot import the Python package 'kerasr_bridge' in ", where, ": ",
    trimws(conditionMessage(error)), "\n",
    "Install it there with `", if (is.null(python)) "python" else python,
    " -m pip install 'kerasr-bridge[cpu,r]'` (from this repository: `pip install -e '.[cpu,r]'`),",
    " or point RETICULATE_PYTHON at a Python that has it, before kerasrbridge is first used.",
    numpy_hint(python)
  )
}

# reticulate before 1.35 cannot load NumPy 2; say so when that Python has it.
numpy_hint <- function(python) {
  if (is.null(python) || utils::packageVersion("reticulate") >= "1.35") return("")
  # Read the installed version without importing NumPy (which may be what failed).
  version <- tryCatch(
    reticulate::py_eval("__import__('importlib.metadata').metadata.version('numpy')"),
    error = function(e) character()
  )
  if (length(version) != 1L || !grepl("^[2-9]\\.", version)) return("")
  paste0(
    "\nThat Python has NumPy ", version, ", which reticulate ", utils::packageVersion("reticulate"),
    " cannot load: install 'numpy<2' there (the 'r' extra does)."
  )
}

# The Python functions, looked up once: `bridge[[name]]` costs an attribute
# lookup and a new R wrapper on every call.
bridge_functions <- new.env(parent = emptyenv())

bridge_function <- function(name) {
  fn <- bridge_functions[[name]]
  if (is.null(fn)) {
    fn <- bridge[[name]]
    assign(name, fn, envir = bridge_functions)
  }
  fn
}

# Forward the calling layer function's supplied arguments, by name, to the
# Python function of the same name. Missing arguments are left to Python's
# defaults, which mirror keras3's formals.
call_bridge <- function(name) {
  env <- parent.frame()
  call <- sys.call(-1L)
  matched <- match.call(sys.function(-1L), call, expand.dots = FALSE, envir = parent.frame(2L))
  supplied <- setdiff(as.character(names(matched)[-1L]), "...")
  args <- mget(supplied, envir = env)
  dots <- eval(quote(list(...)), env)
  if (length(dots) && (is.null(names(dots)) || any(names(dots) == ""))) {
    bridge_error("Arguments in `...` must be named (e.g. `input_shape = c(28, 28, 3)`).", call)
  }
  args <- c(args, dots)
  for (arg in names(args)) {
    args[arg] <- list(to_python(args[[arg]], arg, call))
  }
  withCallingHandlers(
    do.call(bridge_function(name), args),
    error = function(e) rethrow(e, call)
  )
}

to_python <- function(value, arg, call) {
  if (is.null(value) || inherits(value, "python.builtin.object")) return(value)
  # A scalar NA of any type becomes the bridge's NA marker, so messages say "NA".
  if (is.atomic(value) && length(value) == 1L && is.na(value) && !is.nan(value)) {
    return(reticulate::py_get_attr(bridge$coerce, "NA"))
  }
  if (is.factor(value)) {
    bridge_error(sprintf(
      "Invalid `%s`: factors are not converted (use as.character() or as.numeric() on purpose); received factor %s.",
      arg, deparse1(as.character(value))
    ), call)
  }
  tryCatch(reticulate::r_to_py(value), error = function(e) {
    bridge_error(sprintf(
      "Invalid `%s`: cannot be passed to Python (%s); received an object of class %s.",
      arg, trimws(conditionMessage(e)), paste(class(value), collapse = "/")
    ), call)
  })
}

# An R-side refusal, raised like the Python ones: the user's call, our class.
bridge_error <- function(message, call) {
  stop(errorCondition(message, class = "kerasrbridge_error", call = call))
}

# Python's message, first line readable, with the user's call as the call.
rethrow <- function(error, call) {
  if (inherits(error, "kerasrbridge_error")) return()
  message <- trimws(conditionMessage(error))
  type <- regmatches(message, regexpr("^[A-Za-z_.]*(Error|Exception)(?=: )", message, perl = TRUE))
  if (length(type)) message <- sub("^[A-Za-z_.]*(Error|Exception): ", "", message)
  classes <- c(if (length(type)) paste0("kerasrbridge_", type), "kerasrbridge_error", "error", "condition")
  stop(structure(class = classes, list(message = message, call = call, python_type = type)))
}

register_tensor_methods <- function() {
  # keras3 gets these from the tensorflow R package; provide them where it is absent.
  tensor <- "tensorflow.python.types.core.Tensor"
  if (is.null(utils::getS3method("as.array", tensor, optional = TRUE))) {
    registerS3method("as.array", tensor, function(x, ...) as_r(x$numpy()), envir = asNamespace("base"))
  }
  if (is.null(utils::getS3method("dim", tensor, optional = TRUE))) {
    registerS3method("dim", tensor, function(x) {
      shape <- unlist(lapply(as_r(x$shape$as_list()), function(n) if (is.null(n)) NA_integer_ else n))
      if (length(shape)) as.integer(shape) else NULL
    }, envir = asNamespace("base"))
  }
}

# Results come back converted or not, depending on how the object was made.
as_r <- function(value) {
  if (inherits(value, "python.builtin.object")) reticulate::py_to_r(value) else value
}
