# Converting results (backend tensors) back to R values: as.array(), dim(),
# length(), as.numeric() / as.double() and as.integer() on TensorFlow, JAX and
# PyTorch tensors, with or without keras3.
#
# keras3 and the tensorflow R package bring some of these conversions; ours
# must never replace or hide theirs, whichever package is loaded first, and
# keras3 registers some of its methods only when Python imports keras. So ours
# are registered for a class of our own, "kerasrbridge.tensor", which a
# reticulate class filter inserts just before "python.builtin.object" in the
# classes of every backend tensor. S3 dispatch tries a tensor's classes in
# order, so any method another package registers for a backend class
# ("tensorflow.tensor", "jax.Array", "torch.Tensor", ...) comes first, and ours
# only answer where nobody else does (reticulate's generic
# `length.python.builtin.object`, which counts the first axis, comes after).

tensor_class <- "kerasrbridge.tensor"

# The Python classes every tensor of each backend inherits from.
backend_tensor_classes <- c(
  "tensorflow.python.types.core.Tensor", # EagerTensor (TensorFlow >= 2.14)
  "tensorflow.python.framework.ops.Tensor", # older TensorFlow
  # JAX arrays: "jax.jaxlib._jax.Array" in jax 0.10 (jax.Array's own name,
  # as reticulate spells it); the concrete class names of older releases.
  "jax.jaxlib._jax.Array", "jax.Array", "jaxlib._jax.ArrayImpl", "jaxlib.xla_extension.ArrayImpl",
  "torch.Tensor"
)

# Runs for every Python object reticulate wraps, so it is kept cheap.
tensor_class_filter <- function(classes) {
  n <- length(classes)
  if (n < 2L || !any(backend_tensor_classes %in% classes) || tensor_class %in% classes) return(classes)
  c(classes[-n], tensor_class, classes[n])
}

register_tensor_methods <- function() {
  reticulate::register_class_filter(tensor_class_filter)
  methods <- list(
    as.array = function(x, ...) tensor_to_r(x),
    dim = function(x) tensor_dim(x),
    length = function(x) tensor_length(x),
    as.double = function(x, ...) tensor_as_double(x),
    as.numeric = function(x, ...) tensor_as_double(x),
    as.integer = function(x, ...) as.integer(tensor_to_r(x))
  )
  for (generic in names(methods)) {
    # The class is ours, so this only guards against registering twice.
    if (is.null(utils::getS3method(generic, tensor_class, optional = TRUE))) {
      registerS3method(generic, tensor_class, methods[[generic]], envir = asNamespace("base"))
    }
  }
}

# kerasr_bridge.to_r, looked up once (convert = TRUE: arrays come back as R arrays).
to_r_module <- function() {
  if (is.null(bridge_cache$to_r)) {
    bridge_cache$to_r <- reticulate::import("kerasr_bridge.to_r")
  }
  bridge_cache$to_r
}

# The tensor's values as an R array, the same as reticulate's conversion of
# the backend's own NumPy array (see kerasr_bridge/to_r.py). A large float
# tensor is written straight into a new R double array: R allocates it, and
# Python fills it through reticulate's view of R's memory, in one pass.
tensor_to_r <- function(x) {
  value <- to_r_module()$for_r(x)
  if (!inherits(value, "python.builtin.object")) return(value)
  shape <- as.integer(value$dim)
  out <- vector("double", prod(shape))
  dim(out) <- shape
  value$into(out)
  out
}

tensor_dim <- function(x) {
  shape <- to_r_module()$dim(x)
  if (is.null(shape) || !length(shape)) return(NULL)
  if (is.list(shape)) shape <- vapply(shape, function(n) if (is.null(n)) NA_integer_ else as.integer(n), 1L)
  as.integer(shape)
}

# The number of elements, as length() of the R array would say.
tensor_length <- function(x) {
  shape <- tensor_dim(x)
  if (is.null(shape)) return(if (is.null(to_r_module()$dim(x))) NA_integer_ else 1L)
  n <- prod(shape)
  if (is.na(n) || n <= .Machine$integer.max) as.integer(n) else n
}

# as.double() drops the dimensions; a double array of ours is not shared, so
# dropping them in place saves a copy.
tensor_as_double <- function(x) {
  values <- tensor_to_r(x)
  if (!is.double(values)) return(as.double(values))
  dim(values) <- NULL
  values
}
