# Shared helpers. No skip() anywhere for missing Python or R pieces: if the
# Python package, Keras or TensorFlow cannot be reached, the tests must fail.

random_array <- function(...) {
  dims <- c(...)
  array(stats::runif(prod(dims)), dim = dims)
}

# The config of a layer without its (auto-generated) name, for comparisons.
config_of <- function(layer) {
  config <- layer$get_config()
  config$name <- NULL
  config
}

# Evaluate `expr` (a quoted call), expecting a kerasrbridge error that names
# `arg` and carries `expr` itself as its call. Returns the condition.
expect_bridge_error <- function(expr, arg, class = "kerasrbridge_error", env = parent.frame()) {
  error <- NULL
  # reticulate 1.28 prints objects it cannot convert (e.g. environments); keep
  # the test output clean.
  utils::capture.output(error <- tryCatch(eval(expr, env), error = function(e) e))
  label <- deparse1(expr)
  if (!inherits(error, "condition")) {
    fail(sprintf("%s did not raise an error.", label))
    return(invisible(NULL))
  }
  if (!inherits(error, "kerasrbridge_error")) {
    fail(sprintf("%s raised an error of class %s, not kerasrbridge_error: %s", label,
                 paste(class(error), collapse = "/"), conditionMessage(error)))
    return(invisible(error))
  }
  expect_s3_class(error, class)
  expect_match(conditionMessage(error), paste0("`", arg, "`"), fixed = TRUE)
  expect_identical(conditionCall(error), expr)
  invisible(error)
}

# The message of the error `expr` raises, or NA where it raises none.
error_message_of <- function(expr) {
  tryCatch({
    force(expr)
    NA_character_
  }, error = conditionMessage)
}
