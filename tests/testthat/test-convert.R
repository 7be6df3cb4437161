# Results (backend tensors) back to R values: as.array(), dim(), length(),
# as.numeric() / as.double() and as.integer(), equal to reticulate's conversion
# of the backend's own NumPy array, quietly, and never in place of another
# package's methods. These run on the backend of the session (TensorFlow in
# R CMD check); tests/backends runs fresh sessions on JAX and PyTorch, and with
# keras3 attached before and after us.

numpy <- function() reticulate::import("numpy", convert = FALSE)

# What keras3 and the tensorflow R package give: reticulate's conversion of
# the backend's NumPy array (`keras` converts what it returns).
reference <- function(tensor) keras$ops$convert_to_numpy(tensor)

expect_converts_like_reference <- function(tensor) {
  ref <- reference(tensor)
  expect_identical(expect_silent(as.array(tensor)), ref)
  expect_identical(expect_silent(dim(tensor)), dim(ref))
  expect_identical(expect_silent(length(tensor)), length(ref))
  expect_identical(expect_silent(as.numeric(tensor)), as.numeric(ref))
  expect_identical(expect_silent(as.double(tensor)), as.double(ref))
  expect_identical(suppressWarnings(as.integer(tensor)), suppressWarnings(as.integer(ref)))
}

test_that("backend tensors carry our class just before python.builtin.object; other objects do not", {
  y <- layer_depthwise_conv_2d(random_array(1, 4, 4, 2), kernel_size = 3)
  classes <- class(y)
  expect_identical(utils::tail(classes, 2L), c("kerasrbridge.tensor", "python.builtin.object"))
  expect_identical(sum(classes == "kerasrbridge.tensor"), 1L)
  expect_false("kerasrbridge.tensor" %in% class(layer_depthwise_conv_2d(kernel_size = 3)))
  expect_false("kerasrbridge.tensor" %in% class(keras$Input(shape = list(4L, 4L, 2L))))
  expect_false("kerasrbridge.tensor" %in% class(numpy()$zeros(3L)))
})

test_that("a layer's result converts like the backend's NumPy array, small and large (direct fill)", {
  set.seed(11)
  small <- layer_depthwise_conv_2d(random_array(2, 6, 5, 3), kernel_size = 3)
  expect_converts_like_reference(small)
  expect_identical(dim(small), c(2L, 4L, 3L, 3L))
  expect_identical(length(small), 72L)
  # Over kerasr_bridge.to_r.FILL_MIN_SIZE elements: written straight into R's memory.
  large <- layer_depthwise_conv_2d(random_array(4, 34, 34, 16), kernel_size = 3)
  expect_gte(length(large), reticulate::import("kerasr_bridge.to_r")$FILL_MIN_SIZE)
  expect_converts_like_reference(large)
  one_d <- layer_depthwise_conv_1d(random_array(8, 3000, 4), kernel_size = 3)
  expect_converts_like_reference(one_d)
  expect_identical(dim(one_d), c(8L, 2998L, 4L))
})

test_that("NA and NaN come back as the backend's NumPy conversion has them, in float32 and float64", {
  for (dtype in c("float32", "float64")) {
    for (shape in list(c(1, 5, 5, 2), c(4, 40, 40, 16))) {
      x <- random_array(shape)
      x[1] <- NA
      x[length(x)] <- NaN
      y <- layer_depthwise_conv_2d(x, kernel_size = 1, weights = list(array(1, c(1, 1, shape[4], 1)), array(0, shape[4])),
                                   dtype = dtype)
      expect_converts_like_reference(y)
      out <- as.array(y)
      expect_true(is.na(out[1]))
      expect_true(is.nan(out[length(out)]))
      # In float64, R's NA keeps its payload: still NA, not just NaN; the values are exact.
      if (dtype == "float64") {
        expect_false(is.nan(out[1]))
        expect_identical(out[2], x[2])
      } else {
        expect_equal(out[2], x[2], tolerance = 1e-7)
      }
    }
  }
})

test_that("integer and boolean tensors convert as reticulate converts them (integer, double for int64, logical)", {
  x <- array(c(-3L, 0L, 7L, NA), c(2, 2))
  values <- keras$ops$convert_to_tensor(array(c(-3.5, 0, 7.25, 1e10), c(2, 2)))
  for (dtype in c("int32", "int64", "uint8", "bool")) {
    tensor <- keras$ops$cast(values, dtype)
    expect_s3_class(tensor, "kerasrbridge.tensor")
    expect_converts_like_reference(tensor)
  }
  expect_type(as.array(keras$ops$cast(values, "int32")), "integer")
  expect_type(as.array(keras$ops$cast(values, "int64")), "double")
  expect_identical(as.array(keras$ops$cast(values, "bool")), array(c(TRUE, FALSE, TRUE, TRUE), c(2, 2)))
  expect_identical(as.integer(keras$ops$cast(values, "bool")), c(1L, 0L, 1L, 1L))
  expect_identical(as.numeric(keras$ops$convert_to_tensor(x, "int32")), c(-3, 0, 7, NA))
})

test_that("dim() and length() follow R: no dim for a scalar, whose array is one long", {
  scalar <- keras$ops$convert_to_tensor(2.5)
  # Ours says NULL; the tensorflow R package's (first where loaded) integer(0).
  expect_length(dim(scalar), 0L)
  expect_identical(length(scalar), 1L)
  expect_identical(as.numeric(scalar), 2.5)
  expect_identical(as.array(scalar), reference(scalar))
  empty <- keras$ops$zeros(list(0L, 3L))
  expect_identical(dim(empty), c(0L, 3L))
  expect_identical(length(empty), 0L)
  expect_identical(as.array(empty), reference(empty))
})

test_that("the methods are ours only for our class: none stands for another package's, whatever is loaded", {
  y <- layer_depthwise_conv_2d(random_array(1, 4, 4, 2), kernel_size = 3)
  ours <- asNamespace("kerasrbridge")
  for (generic in c("as.array", "dim", "length", "as.double", "as.numeric", "as.integer")) {
    method <- utils::getS3method(generic, "kerasrbridge.tensor", optional = TRUE)
    expect_false(is.null(method), label = paste(generic, "for kerasrbridge.tensor"))
    expect_identical(topenv(environment(method)), ours)
    for (class in setdiff(class(y), "kerasrbridge.tensor")) {
      other <- utils::getS3method(generic, class, optional = TRUE)
      if (!is.null(other)) {
        expect_false(identical(topenv(environment(other)), ours), label = paste0(generic, ".", class, " is not ours"))
      }
    }
  }
  # Where keras3 (and so the tensorflow R package) is loaded, theirs answer first.
  if ("tensorflow" %in% loadedNamespaces()) {
    method <- NULL
    for (class in class(y)) if (is.null(method)) method <- utils::getS3method("as.array", class, optional = TRUE)
    expect_false(identical(topenv(environment(method)), ours))
  }
})

test_that("converting the large float path writes only into the new array it made", {
  y <- layer_depthwise_conv_2d(random_array(4, 34, 34, 16), kernel_size = 3)
  first <- as.array(y)
  second <- as.array(y)
  expect_identical(first, second)
  second[1] <- 0
  expect_false(identical(first[1], second[1]))
  expect_identical(as.array(y), first)
  # A target that does not share R's memory is refused rather than filled in vain.
  fill <- reticulate::import("kerasr_bridge.to_r", convert = FALSE)$for_r(y)
  expect_error(fill$into(numpy()$zeros(dim(y), order = "F")), "new R double array")
})

test_that("bfloat16, float16 and mixed_bfloat16 results come back as R doubles", {
  x <- array(1, c(1, 4, 4, 1))
  for (dtype in c("bfloat16", "float16", "mixed_bfloat16")) {
    y <- layer_depthwise_conv_2d(x, kernel_size = 2, dtype = dtype, depthwise_initializer = "ones")
    expect_identical(as.array(y), array(4, c(1, 3, 3, 1)), label = dtype)
    expect_identical(as.numeric(y), rep(4, 9), label = dtype)
  }
  large <- layer_depthwise_conv_2d(array(1, c(4, 40, 40, 16)), kernel_size = 1, dtype = "bfloat16",
                                   depthwise_initializer = "ones")
  expect_identical(dim(as.array(large)), c(4L, 40L, 40L, 16L))
  expect_true(all(as.array(large) == 1))
})
