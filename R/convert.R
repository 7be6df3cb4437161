# Converting results (backend tensors) back to R values.

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
