test_that("keras$Sequential(...) |> layer_depthwise_conv_2d(...) extends the same model", {
  model <- keras$Sequential(list(keras$Input(shape = list(28L, 28L, 3L))))
  result <- model |> layer_depthwise_conv_2d(kernel_size = 3)
  expect_identical(reticulate::py_id(result), reticulate::py_id(model))
  expect_length(model$layers, 1L)
  expect_s3_class(model$layers[[1]], "keras.src.layers.convolutional.depthwise_conv2d.DepthwiseConv2D")
  expect_equal(model$output_shape, list(NULL, 26L, 26L, 3L))
  model |> layer_depthwise_conv_2d(kernel_size = 3, strides = 2)
  expect_length(model$layers, 2L)
  expect_equal(model$output_shape, list(NULL, 12L, 12L, 3L))
})

test_that("pipes chain on Sequential models, 1D too", {
  model <- keras$Sequential(list(keras$Input(shape = list(20L, 4L)))) |>
    layer_depthwise_conv_1d(kernel_size = 3, depth_multiplier = 2) |>
    layer_depthwise_conv_1d(kernel_size = 3, strides = 2)
  expect_equal(model$output_shape, list(NULL, 8L, 8L))
})

test_that("a layer that does not fit leaves the Sequential model unchanged", {
  model <- keras$Sequential(list(keras$Input(shape = list(4L, 4L, 2L))))
  model |> layer_depthwise_conv_2d(kernel_size = 3)
  expect_bridge_error(quote(layer_depthwise_conv_2d(model, kernel_size = 5)), "object")
  expect_length(model$layers, 1L)
  expect_equal(model$output_shape, list(NULL, 2L, 2L, 2L))
})

test_that("a functional model cannot be extended", {
  inputs <- keras$Input(shape = list(4L))
  functional <- keras$Model(inputs, keras$layers$Dense(2L)(inputs))
  expect_bridge_error(quote(layer_depthwise_conv_2d(functional, kernel_size = 3)), "object")
})

test_that("input_shape starts an empty Sequential model with the matching Input", {
  model <- keras$Sequential() |> layer_depthwise_conv_2d(kernel_size = 3, input_shape = c(8, 8, 2))
  expect_equal(model$output_shape, list(NULL, 6L, 6L, 2L))
  model1 <- keras$Sequential() |> layer_depthwise_conv_1d(kernel_size = 3, input_shape = list(10L, 4L))
  expect_equal(model1$output_shape, list(NULL, 8L, 4L))
  expect_bridge_error(quote(layer_depthwise_conv_2d(kernel_size = 3, input_shape = c(8, 8))), "input_shape")
  expect_bridge_error(quote(layer_depthwise_conv_2d(kernel_size = 3, input_shape = c(8, 8.5, 2))), "input_shape")
})

test_that("batch_input_shape and batch_size set the batch size", {
  model <- keras$Sequential() |>
    layer_depthwise_conv_2d(kernel_size = 3, batch_input_shape = list(4L, 8L, 8L, 2L))
  expect_equal(model$output_shape, list(4L, 6L, 6L, 2L))
  model <- keras$Sequential() |>
    layer_depthwise_conv_2d(kernel_size = 3, input_shape = c(8, 8, 2), batch_size = 5)
  expect_equal(model$output_shape, list(5L, 6L, 6L, 2L))
  model <- keras$Sequential() |>
    layer_depthwise_conv_2d(kernel_size = 3, batch_input_shape = list(NULL, 8L, 8L, 2L))
  expect_equal(model$output_shape, list(NULL, 6L, 6L, 2L))
  expect_bridge_error(quote(layer_depthwise_conv_2d(kernel_size = 3, batch_input_shape = c(8, 8, 2))),
                      "batch_input_shape")
})

test_that("name, trainable and dtype reach the layer", {
  layer <- layer_depthwise_conv_2d(kernel_size = 3, name = "my_depthwise", trainable = FALSE)
  expect_identical(layer$name, "my_depthwise")
  expect_false(layer$trainable)
  y <- random_array(1, 5, 5, 2) |> layer_depthwise_conv_2d(kernel_size = 3, dtype = "float64")
  expect_identical(y$dtype$name, "float64")
  expect_bridge_error(quote(layer_depthwise_conv_2d(kernel_size = 3, name = 42)), "name")
  expect_bridge_error(quote(layer_depthwise_conv_2d(kernel_size = 3, trainable = "no")), "trainable")
  expect_bridge_error(quote(layer_depthwise_conv_2d(kernel_size = 3, dtype = "int32")), "dtype")
})

test_that("weights set the initial kernel and bias", {
  kernel <- array(stats::runif(3 * 3 * 2 * 2), dim = c(3, 3, 2, 2))
  bias <- c(0.1, 0.2, 0.3, 0.4)
  layer <- layer_depthwise_conv_2d(kernel_size = 3, depth_multiplier = 2, weights = list(kernel, bias))
  expect_true(layer$built)
  weights <- layer$get_weights()
  expect_equal(weights[[1]], kernel, tolerance = 1e-6)
  expect_equal(as.vector(weights[[2]]), bias, tolerance = 1e-6)
  # A moving average of width 3, as in the documentation's example.
  smooth <- layer_depthwise_conv_1d(kernel_size = 3, padding = "same", use_bias = FALSE,
                                    weights = list(array(1 / 3, dim = c(3, 2, 1))))
  signal <- array(c(0, 0, 3, 0, 0, 1, 1, 1, 1, 1), dim = c(1, 5, 2))
  out <- as.array(smooth(signal))[1, , ]
  expect_equal(out, cbind(c(0, 1, 1, 1, 0), c(2, 3, 3, 3, 2) / 3), tolerance = 1e-6)
  expect_bridge_error(quote(layer_depthwise_conv_2d(kernel_size = 3, weights = list(array(1, dim = c(2, 2, 1, 1))))),
                      "weights")
  expect_bridge_error(quote(layer_depthwise_conv_2d(kernel_size = 3, weights = "a")), "weights")
  # nesting NumPy cannot make an array of
  expect_bridge_error(quote(layer_depthwise_conv_2d(kernel_size = 1, weights = list(list(1, c(2, 3))))), "weights")
})
