test_that("kernel_size = 3, 3L, c(3, 3), list(3L, 3L) give the same config", {
  reference <- config_of(layer_depthwise_conv_2d(kernel_size = 3))
  expect_identical(reference$kernel_size, list(3L, 3L))
  for (kernel_size in list(3L, c(3, 3), c(3L, 3L), list(3L, 3L), list(3, 3))) {
    expect_identical(config_of(layer_depthwise_conv_2d(kernel_size = kernel_size)), reference)
  }
})

test_that("1D: kernel_size = 3, 3L, c(3), list(3L) give the same config", {
  reference <- config_of(layer_depthwise_conv_1d(kernel_size = 3))
  expect_identical(reference$kernel_size, list(3L))
  for (kernel_size in list(3L, c(3), list(3L), list(3))) {
    expect_identical(config_of(layer_depthwise_conv_1d(kernel_size = kernel_size)), reference)
  }
})

test_that("R doubles become integers for every size argument", {
  config <- config_of(layer_depthwise_conv_2d(kernel_size = c(3, 2), strides = 2, depth_multiplier = 2))
  expect_identical(config$kernel_size, list(3L, 2L))
  expect_identical(config$strides, list(2L, 2L))
  expect_identical(config$depth_multiplier, 2L)
  config <- config_of(layer_depthwise_conv_2d(kernel_size = 3, dilation_rate = c(2, 1)))
  expect_identical(config$dilation_rate, list(2L, 1L))
})

test_that("defaults are keras3's", {
  config <- config_of(layer_depthwise_conv_2d(kernel_size = 3))
  expect_identical(config$strides, list(1L, 1L))
  expect_identical(config$dilation_rate, list(1L, 1L))
  expect_identical(config$padding, "valid")
  expect_identical(config$depth_multiplier, 1L)
  expect_identical(config$data_format, "channels_last")
  expect_identical(config$activation, "linear")
  expect_true(config$use_bias)
  expect_identical(config$depthwise_initializer$class_name, "GlorotUniform")
  expect_identical(config$bias_initializer$class_name, "Zeros")
})

test_that("strings are case-insensitive and NULL initializers take the defaults", {
  config <- config_of(layer_depthwise_conv_2d(kernel_size = 3, padding = "Same",
                                              data_format = "CHANNELS_FIRST",
                                              depthwise_initializer = NULL, bias_initializer = NULL))
  expect_identical(config$padding, "same")
  expect_identical(config$data_format, "channels_first")
  expect_identical(config$depthwise_initializer$class_name, "GlorotUniform")
  expect_identical(config$bias_initializer$class_name, "Zeros")
})

test_that("no object gives the plain, unbuilt Keras layer", {
  layer <- layer_depthwise_conv_2d(kernel_size = 3)
  expect_s3_class(layer, "keras.src.layers.convolutional.depthwise_conv2d.DepthwiseConv2D")
  expect_false(layer$built)
  expect_s3_class(layer_depthwise_conv_1d(kernel_size = 3),
                  "keras.src.layers.convolutional.depthwise_conv1d.DepthwiseConv1D")
  expect_identical(config_of(layer_depthwise_conv_2d(NULL, kernel_size = 3)), config_of(layer))
})
