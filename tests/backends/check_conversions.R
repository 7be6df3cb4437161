# One fresh R session on the Keras backend in KERAS_BACKEND: a layer on an R
# array (strides = c(2, 1), a known kernel), its result converted back with
# as.array(), dim(), length(), as.numeric(), as.double() and as.integer(),
# checked against a hand computation; a large result (the direct fill) against
# reticulate's conversion of the backend's NumPy array.
#
#   Rscript tests/backends/check_conversions.R none|before|after
#
# none: keras3 is not loaded at all; before / after: keras3 is attached before
# or after kerasrbridge. Prints one line per conversion, "method <generic>
# <package>", naming the package whose method answered, and "ok" at the end.
# Any failure stops with an error; tests/backends/test_r_backends.py also
# requires stderr to be empty.

keras3_order <- commandArgs(trailingOnly = TRUE)[1]
stopifnot(keras3_order %in% c("none", "before", "after"))
# Attaching both, the later one masks the other's layer functions and `keras`:
# R's notice of that is expected, so it is not printed; any other output is.
if (keras3_order == "before") library(keras3)
library(kerasrbridge, warn.conflicts = FALSE)
if (keras3_order == "after") library(keras3, warn.conflicts = FALSE)

check <- function(ok, what) if (!isTRUE(ok)) stop(what, call. = FALSE)

# x[1, i, j, c] = 100 * c + 10 * i + j: small whole numbers, exact in float32.
x <- array(0, c(1, 5, 4, 2))
for (i in 1:5) for (j in 1:4) for (c in 1:2) x[1, i, j, c] <- 100 * c + 10 * i + j
kernel <- array(c(1, 2, -1, 0.5, 0, 1, 2, -2), c(2, 2, 2, 1))
y <- kerasrbridge::layer_depthwise_conv_2d(x, kernel_size = c(2, 2), strides = c(2, 1), use_bias = FALSE,
                             weights = list(kernel))

# By hand: valid padding, rows every 2nd from 1, columns every one.
expected <- array(0, c(1, 2, 3, 2))
for (i in 1:2) for (j in 1:3) for (c in 1:2) {
  rows <- (i - 1) * 2 + 1:2
  cols <- j + 0:1
  expected[1, i, j, c] <- sum(x[1, rows, cols, c] * kernel[, , c, 1])
}

check(identical(as.array(y), expected), "as.array() differs from the hand computation")
check(identical(dim(y), c(1L, 2L, 3L, 2L)), "dim() is not 1 2 3 2")
check(identical(length(y), 12L), "length() is not 12")
check(identical(as.numeric(y), as.vector(expected)), "as.numeric() differs from the hand computation")
check(identical(as.double(y), as.vector(expected)), "as.double() differs from the hand computation")
check(identical(as.integer(y), as.integer(expected)), "as.integer() differs from the hand computation")

# A large result goes the direct way (written into R's memory): the same as
# reticulate's conversion of the backend's own NumPy array.
set.seed(1)
big <- kerasrbridge::layer_depthwise_conv_2d(array(stats::rnorm(4 * 40 * 40 * 16), c(4, 40, 40, 16)), kernel_size = 3,
                               strides = c(2, 1))
reference <- kerasrbridge::keras$ops$convert_to_numpy(big)
check(identical(as.array(big), reference), "as.array() of a large result differs from the backend's NumPy conversion")
check(identical(dim(big), dim(reference)), "dim() of a large result is wrong")
check(identical(as.numeric(big), as.vector(reference)), "as.numeric() of a large result is wrong")

# Which package's method answered each generic (the first class with one).
for (generic in c("as.array", "dim", "length", "as.numeric", "as.double", "as.integer")) {
  method <- NULL
  for (class in class(y)) if (is.null(method)) method <- utils::getS3method(generic, class, optional = TRUE)
  cat("method", generic, if (is.null(method)) "none" else environmentName(topenv(environment(method))), "\n")
}
cat("backend", kerasrbridge::keras$config$backend(), "\n")
cat("keras3", if ("keras3" %in% loadedNamespaces()) keras3_order else "not loaded", "\n")
check(identical("keras3" %in% loadedNamespaces(), keras3_order != "none"), "keras3 loaded unexpectedly")
cat("ok\n")
