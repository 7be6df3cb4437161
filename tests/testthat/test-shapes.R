test_that("the pipe example gives an R array of dim c(4, 8, 8, 36)", {
  x <- random_array(4, 10, 10, 12)
  y <- x |> layer_depthwise_conv_2d(kernel_size = 3, depth_multiplier = 3, activation = "relu")
  out <- as.array(y)
  expect_true(is.array(out))
  expect_type(out, "double")
  expect_identical(dim(out), c(4L, 8L, 8L, 36L))
  expect_identical(dim(y), c(4L, 8L, 8L, 36L))
  expect_gte(min(out), 0)
})

test_that("1D: an R array of dim c(4, 10, 12) gives c(4, 8, 36)", {
  y <- random_array(4, 10, 12) |>
    layer_depthwise_conv_1d(kernel_size = 3, depth_multiplier = 3, activation = "relu")
  expect_identical(dim(as.array(y)), c(4L, 8L, 36L))
})

test_that("padding, strides, dilation and channels_first shape the output as keras does", {
  x <- random_array(2, 9, 9, 4)
  expect_identical(dim(as.array(layer_depthwise_conv_2d(x, kernel_size = 3, padding = "same"))),
                   c(2L, 9L, 9L, 4L))
  expect_identical(dim(as.array(layer_depthwise_conv_2d(x, kernel_size = 3, strides = 2))),
                   c(2L, 4L, 4L, 4L))
  expect_identical(dim(as.array(layer_depthwise_conv_2d(x, kernel_size = 3, dilation_rate = 2))),
                   c(2L, 5L, 5L, 4L))
  expect_identical(dim(as.array(layer_depthwise_conv_2d(x, kernel_size = 3, padding = "SAME",
                                                        strides = c(2, 2)))),
                   c(2L, 5L, 5L, 4L))
  x1 <- random_array(2, 3, 10)
  y1 <- layer_depthwise_conv_1d(x1, kernel_size = 3, data_format = "channels_first", depth_multiplier = 2)
  expect_identical(dim(as.array(y1)), c(2L, 6L, 8L))
})

test_that("unequal strides list(2L, 1L) work (valid and same padding)", {
  x <- random_array(2, 9, 8, 3)
  y <- x |> layer_depthwise_conv_2d(kernel_size = 3, strides = list(2L, 1L))
  expect_identical(dim(as.array(y)), c(2L, 4L, 6L, 3L))
  y_same <- x |> layer_depthwise_conv_2d(kernel_size = 3, strides = list(2L, 1L), padding = "same")
  expect_identical(dim(as.array(y_same)), c(2L, 5L, 8L, 3L))
  # The same windows as a stride-1 convolution with every other row kept.
  w <- list(array(stats::runif(3 * 3 * 3), dim = c(3, 3, 3, 1)), array(0, dim = 3))
  strided <- as.array(layer_depthwise_conv_2d(x, kernel_size = 3, strides = list(2L, 1L), weights = w))
  dense <- as.array(layer_depthwise_conv_2d(x, kernel_size = 3, weights = w))
  expect_equal(strided, dense[, c(1, 3, 5, 7), , , drop = FALSE], tolerance = 1e-6)
})

test_that("strides together with dilation_rate > 1 work, as in keras3 (both ranks, equal and unequal strides)", {
  # Valid padding: the same windows as the stride-1 dilated convolution, with
  # every k-th row/column kept.
  x <- random_array(2, 9, 8, 3)
  w <- list(array(stats::runif(3 * 3 * 3), dim = c(3, 3, 3, 1)), array(0.25, dim = 3))
  dense <- as.array(layer_depthwise_conv_2d(x, kernel_size = 3, dilation_rate = 2, weights = w))
  expect_identical(dim(dense), c(2L, 5L, 4L, 3L))
  unequal <- as.array(layer_depthwise_conv_2d(x, kernel_size = 3, strides = c(2, 1), dilation_rate = 2, weights = w))
  expect_equal(unequal, dense[, c(1, 3, 5), , , drop = FALSE], tolerance = 1e-6)
  equal <- as.array(layer_depthwise_conv_2d(x, kernel_size = 3, strides = 2L, dilation_rate = 2L, weights = w))
  expect_equal(equal, dense[, c(1, 3, 5), c(1, 3), , drop = FALSE], tolerance = 1e-6)
  same <- layer_depthwise_conv_2d(x, kernel_size = 3, strides = list(2L, 1L), dilation_rate = c(1, 2),
                                  padding = "same", data_format = "channels_last")
  expect_identical(dim(as.array(same)), c(2L, 5L, 8L, 3L))
  x1 <- random_array(2, 11, 2)
  w1 <- list(array(stats::runif(2 * 2), dim = c(2, 2, 1)), array(0, dim = 2))
  dense1 <- as.array(layer_depthwise_conv_1d(x1, kernel_size = 2, dilation_rate = 2, weights = w1))
  strided1 <- as.array(layer_depthwise_conv_1d(x1, kernel_size = 2, strides = 3, dilation_rate = 2, weights = w1))
  expect_equal(strided1, dense1[, c(1, 4, 7), , drop = FALSE], tolerance = 1e-6)
})

test_that("R integer arrays work and give the double array's result", {
  ints <- array(seq_len(2 * 6 * 6 * 3), dim = c(2, 6, 6, 3))
  expect_type(ints, "integer")
  w <- list(array(stats::runif(2 * 2 * 3), dim = c(2, 2, 3, 1)), array(0.5, dim = 3))
  from_int <- ints |> layer_depthwise_conv_2d(kernel_size = 2, weights = w)
  from_double <- (ints + 0) |> layer_depthwise_conv_2d(kernel_size = 2, weights = w)
  expect_identical(from_int$dtype$name, "float32")
  expect_equal(as.array(from_int), as.array(from_double))
  ints1 <- array(seq_len(2 * 5 * 2), dim = c(2, 5, 2))
  expect_identical(dim(as.array(layer_depthwise_conv_1d(ints1, kernel_size = 2))), c(2L, 4L, 2L))
})

test_that("the layer computes a depthwise convolution (R arithmetic check)", {
  x <- random_array(1, 4, 4, 2)
  kernel <- array(stats::runif(2 * 2 * 2), dim = c(2, 2, 2, 1))
  bias <- c(0.25, -0.5)
  y <- as.array(layer_depthwise_conv_2d(x, kernel_size = 2, weights = list(kernel, bias)))
  expected <- array(0, dim = c(1, 3, 3, 2))
  for (i in 1:3) for (j in 1:3) for (ch in 1:2) {
    expected[1, i, j, ch] <- sum(x[1, i:(i + 1), j:(j + 1), ch] * kernel[, , ch, 1]) + bias[ch]
  }
  expect_equal(y, expected, tolerance = 1e-5)
})

test_that("a keras Input is passed through symbolically", {
  inputs <- keras$Input(shape = list(9L, 9L, 4L))
  outputs <- inputs |>
    layer_depthwise_conv_2d(kernel_size = 3, depth_multiplier = 2) |>
    layer_depthwise_conv_2d(kernel_size = 3)
  model <- keras$Model(inputs, outputs)
  expect_equal(model$output_shape, list(NULL, 5L, 5L, 8L))
})
