# keras3's formals, written out literally (keras3 1.x, layer_depthwise_conv_*).

keras3_layer_depthwise_conv_2d <- function(object, kernel_size, strides = list(1L, 1L), padding = "valid",
                                           depth_multiplier = 1L, data_format = NULL,
                                           dilation_rate = list(1L, 1L), activation = NULL,
                                           use_bias = TRUE, depthwise_initializer = "glorot_uniform",
                                           bias_initializer = "zeros", depthwise_regularizer = NULL,
                                           bias_regularizer = NULL, activity_regularizer = NULL,
                                           depthwise_constraint = NULL, bias_constraint = NULL, ...) NULL

keras3_layer_depthwise_conv_1d <- function(object, kernel_size, strides = 1L, padding = "valid",
                                           depth_multiplier = 1L, data_format = NULL, dilation_rate = 1L,
                                           activation = NULL, use_bias = TRUE,
                                           depthwise_initializer = "glorot_uniform",
                                           bias_initializer = "zeros", depthwise_regularizer = NULL,
                                           bias_regularizer = NULL, activity_regularizer = NULL,
                                           depthwise_constraint = NULL, bias_constraint = NULL, ...) NULL

keras3_layer_separable_conv_1d <- function(object, filters, kernel_size, strides = 1L, padding = "valid",
                                           data_format = NULL, dilation_rate = 1L, depth_multiplier = 1L,
                                           activation = NULL, use_bias = TRUE,
                                           depthwise_initializer = "glorot_uniform",
                                           pointwise_initializer = "glorot_uniform", bias_initializer = "zeros",
                                           depthwise_regularizer = NULL, pointwise_regularizer = NULL,
                                           bias_regularizer = NULL, activity_regularizer = NULL,
                                           depthwise_constraint = NULL, pointwise_constraint = NULL,
                                           bias_constraint = NULL, ...) NULL

keras3_layer_separable_conv_2d <- function(object, filters, kernel_size, strides = list(1L, 1L),
                                           padding = "valid", data_format = NULL,
                                           dilation_rate = list(1L, 1L), depth_multiplier = 1L,
                                           activation = NULL, use_bias = TRUE,
                                           depthwise_initializer = "glorot_uniform",
                                           pointwise_initializer = "glorot_uniform", bias_initializer = "zeros",
                                           depthwise_regularizer = NULL, pointwise_regularizer = NULL,
                                           bias_regularizer = NULL, activity_regularizer = NULL,
                                           depthwise_constraint = NULL, pointwise_constraint = NULL,
                                           bias_constraint = NULL, ...) NULL

test_that("layer_separable_conv_1d() and layer_separable_conv_2d() have exactly keras3's formals", {
  expect_identical(formals(layer_separable_conv_1d), formals(keras3_layer_separable_conv_1d))
  expect_identical(formals(layer_separable_conv_2d), formals(keras3_layer_separable_conv_2d))
})

test_that("layer_depthwise_conv_2d() has exactly keras3's formals", {
  expect_true(identical(formals(layer_depthwise_conv_2d), formals(keras3_layer_depthwise_conv_2d)))
  expect_identical(formals(layer_depthwise_conv_2d), formals(keras3_layer_depthwise_conv_2d))
})

test_that("layer_depthwise_conv_1d() has exactly keras3's formals", {
  expect_true(identical(formals(layer_depthwise_conv_1d), formals(keras3_layer_depthwise_conv_1d)))
  expect_identical(formals(layer_depthwise_conv_1d), formals(keras3_layer_depthwise_conv_1d))
})

test_that("the exports are the four layer functions, `keras` and install_kerasrbridge()", {
  expect_setequal(getNamespaceExports("kerasrbridge"),
                  c("keras", "layer_depthwise_conv_1d", "layer_depthwise_conv_2d", "layer_separable_conv_1d",
                    "layer_separable_conv_2d", "install_kerasrbridge"))
})
