# The separable family from R: layer_separable_conv_1d() and
# layer_separable_conv_2d() take every kind of object keras3's do, give results
# that convert back to R, raise kerasrbridge errors naming the argument, and
# accept the older R keras arguments (`input_shape`, ..., `weights` with the
# depthwise kernel, the pointwise kernel and the bias).

SEPARABLE_2D_CLASS <- "keras.src.layers.convolutional.separable_conv2d.SeparableConv2D"
SEPARABLE_1D_CLASS <- "keras.src.layers.convolutional.separable_conv1d.SeparableConv1D"

# What keras3 and the tensorflow R package give for a tensor: reticulate's
# conversion of the backend's NumPy array.
numpy_of <- function(tensor) keras$ops$convert_to_numpy(tensor)

# ---------------------------------------------------------------- object kinds

test_that("a missing or NULL object gives the Keras layer, with its arguments", {
  layer <- layer_separable_conv_2d(filters = 8, kernel_size = 3, depth_multiplier = 2, padding = "same")
  expect_s3_class(layer, SEPARABLE_2D_CLASS)
  expect_false(layer$built)
  config <- layer$get_config()
  expect_identical(config$filters, 8L)
  expect_identical(unlist(config$kernel_size), c(3L, 3L))
  expect_identical(config$depth_multiplier, 2L)
  expect_identical(config$padding, "same")
  expect_s3_class(layer_separable_conv_2d(NULL, filters = 8, kernel_size = 3), SEPARABLE_2D_CLASS)
  layer1 <- layer_separable_conv_1d(filters = 4, kernel_size = 5, strides = 2)
  expect_s3_class(layer1, SEPARABLE_1D_CLASS)
  expect_identical(unlist(layer1$get_config()$kernel_size), 5L)
  expect_identical(unlist(layer1$get_config()$strides), 2L)
  expect_s3_class(layer_separable_conv_1d(NULL, filters = 4, kernel_size = 5), SEPARABLE_1D_CLASS)
})

test_that("the configuration equals keras.layers.SeparableConv*D's for the same arguments", {
  ours <- layer_separable_conv_2d(filters = 6, kernel_size = c(3, 2), strides = 2, padding = "same",
                                  depth_multiplier = 3, activation = "relu", use_bias = FALSE,
                                  pointwise_initializer = "he_normal")
  theirs <- keras$layers$SeparableConv2D(6L, kernel_size = list(3L, 2L), strides = 2L, padding = "same",
                                         depth_multiplier = 3L, activation = "relu", use_bias = FALSE,
                                         pointwise_initializer = "he_normal")
  expect_identical(config_of(ours), config_of(theirs))
  ours1 <- layer_separable_conv_1d(filters = 5, kernel_size = 4, dilation_rate = 2, depth_multiplier = 2)
  theirs1 <- keras$layers$SeparableConv1D(5L, kernel_size = 4L, dilation_rate = 2L, depth_multiplier = 2L)
  expect_identical(config_of(ours1), config_of(theirs1))
})

test_that("a Sequential model gets the layer added and is returned; pipes chain", {
  model <- keras$Sequential(list(keras$Input(shape = list(16L, 16L, 3L))))
  result <- model |> layer_separable_conv_2d(filters = 8, kernel_size = 3)
  expect_identical(reticulate::py_id(result), reticulate::py_id(model))
  expect_length(model$layers, 1L)
  expect_s3_class(model$layers[[1]], SEPARABLE_2D_CLASS)
  expect_equal(model$output_shape, list(NULL, 14L, 14L, 8L))
  model |>
    layer_separable_conv_2d(filters = 16, kernel_size = 3, strides = 2, padding = "same") |>
    layer_separable_conv_2d(filters = 4, kernel_size = 1)
  expect_length(model$layers, 3L)
  expect_equal(model$output_shape, list(NULL, 7L, 7L, 4L))

  model1 <- keras$Sequential(list(keras$Input(shape = list(20L, 4L)))) |>
    layer_separable_conv_1d(filters = 6, kernel_size = 3, depth_multiplier = 2) |>
    layer_separable_conv_1d(filters = 2, kernel_size = 3, strides = 2)
  expect_equal(model1$output_shape, list(NULL, 8L, 2L))
  expect_identical(model1$count_params(), as.integer((3 * 4 * 2 + 8 * 6 + 6) + (3 * 6 + 6 * 2 + 2)))
})

test_that("a layer that does not fit leaves the Sequential model unchanged; a functional model is refused", {
  model <- keras$Sequential(list(keras$Input(shape = list(4L, 4L, 2L)))) |>
    layer_separable_conv_2d(filters = 3, kernel_size = 3)
  expect_bridge_error(quote(layer_separable_conv_2d(model, filters = 3, kernel_size = 5)), "object")
  expect_length(model$layers, 1L)
  expect_equal(model$output_shape, list(NULL, 2L, 2L, 3L))
  inputs <- keras$Input(shape = list(4L))
  functional <- keras$Model(inputs, keras$layers$Dense(2L)(inputs))
  expect_bridge_error(quote(layer_separable_conv_2d(functional, filters = 2, kernel_size = 3)), "object")
  expect_bridge_error(quote(layer_separable_conv_1d(functional, filters = 2, kernel_size = 3)), "object")
})

test_that("R arrays pass through the layer (with |> too) and give tensors of our class", {
  x <- random_array(2, 9, 7, 3)
  y <- layer_separable_conv_2d(x, filters = 5, kernel_size = 3, depth_multiplier = 2)
  expect_s3_class(y, "kerasrbridge.tensor")
  expect_identical(dim(y), c(2L, 7L, 5L, 5L))
  piped <- x |> layer_separable_conv_2d(filters = 5, kernel_size = c(3, 1), strides = c(2, 1), padding = "same")
  expect_identical(dim(piped), c(2L, 5L, 7L, 5L))
  x1 <- random_array(3, 12, 4)
  y1 <- x1 |> layer_separable_conv_1d(filters = 7, kernel_size = 4, activation = "relu")
  expect_s3_class(y1, "kerasrbridge.tensor")
  expect_identical(dim(y1), c(3L, 9L, 7L))
  expect_gte(min(as.array(y1)), 0)
  # Integer arrays are cast to the layer's dtype.
  integer_input <- array(1:(2 * 6 * 6 * 1), c(2, 6, 6, 1))
  expect_identical(dim(layer_separable_conv_2d(integer_input, filters = 2, kernel_size = 3)), c(2L, 4L, 4L, 2L))
})

test_that("keras$Input() passes through the layer symbolically and makes a functional model", {
  input <- keras$Input(shape = list(10L, 10L, 3L))
  output <- input |> layer_separable_conv_2d(filters = 12, kernel_size = 3, padding = "same")
  expect_false("kerasrbridge.tensor" %in% class(output))
  expect_identical(unlist(output$shape[-1]), c(10L, 10L, 12L))
  model <- keras$Model(input, output)
  expect_equal(model$output_shape, list(NULL, 10L, 10L, 12L))
  # The layer is a separable convolution: 3x3x3 depthwise, 3x12 pointwise, 12 biases.
  expect_identical(model$count_params(), as.integer(3 * 3 * 3 + 3 * 12 + 12))
  input1 <- keras$Input(shape = list(NULL, 6L))
  output1 <- layer_separable_conv_1d(input1, filters = 2, kernel_size = 3)
  expect_identical(unlist(output1$shape[-1]), 2L)
  expect_null(output1$shape[[2]])
})

# ---------------------------------------------------------------- results back in R

expect_converts_like_numpy <- function(tensor) {
  ref <- numpy_of(tensor)
  expect_identical(expect_silent(as.array(tensor)), ref)
  expect_identical(expect_silent(dim(tensor)), dim(ref))
  expect_identical(expect_silent(length(tensor)), length(ref))
  expect_identical(expect_silent(as.numeric(tensor)), as.numeric(ref))
  expect_identical(expect_silent(as.double(tensor)), as.double(ref))
}

test_that("results convert back with as.array(), dim(), length() and as.numeric(), small and large", {
  set.seed(5)
  small <- layer_separable_conv_2d(random_array(2, 6, 5, 3), filters = 4, kernel_size = 3)
  expect_converts_like_numpy(small)
  expect_identical(dim(small), c(2L, 4L, 3L, 4L))
  expect_identical(length(small), 96L)
  # Over kerasr_bridge.to_r.FILL_MIN_SIZE elements: written straight into R's memory.
  large <- layer_separable_conv_2d(random_array(4, 34, 34, 8), filters = 16, kernel_size = 3)
  expect_gte(length(large), reticulate::import("kerasr_bridge.to_r")$FILL_MIN_SIZE)
  expect_converts_like_numpy(large)
  one_d <- layer_separable_conv_1d(random_array(8, 3000, 4), filters = 3, kernel_size = 3)
  expect_converts_like_numpy(one_d)
  expect_identical(dim(one_d), c(8L, 2998L, 3L))
})

test_that("the values are the separable convolution's: by hand, and as Keras's layer with the same weights", {
  # 1D, by hand: depthwise kernel c(1, 2) on channel 1 and c(-1, 1) on channel 2,
  # then the pointwise kernel mixes the two into filters (1, 1) and (1, -1), biases 0 and 10.
  depthwise <- array(c(1, 2, -1, 1), c(2, 2, 1))
  pointwise <- array(c(1, 1, 1, -1), c(1, 2, 2))
  bias <- array(c(0, 10))
  x <- array(c(1, 2, 3, 10, 20, 40), c(1, 3, 2))
  y <- layer_separable_conv_1d(x, filters = 2, kernel_size = 2, weights = list(depthwise, pointwise, bias))
  channel1 <- c(1 * 1 + 2 * 2, 2 * 1 + 3 * 2)       # 5, 8
  channel2 <- c(-1 * 10 + 1 * 20, -1 * 20 + 1 * 40)  # 10, 20
  expect_identical(as.array(y), array(c(channel1 + channel2, channel1 - channel2 + 10), c(1, 2, 2)))
  expect_identical(as.numeric(y), c(15, 28, 5, -2))

  # 2D, against keras.layers.SeparableConv2D with the same weights, channels_last and channels_first.
  set.seed(9)
  x <- random_array(2, 7, 6, 3)
  weights <- list(random_array(3, 3, 3, 2) - 0.5, random_array(1, 1, 6, 4) - 0.5, array(stats::runif(4)))
  ours <- layer_separable_conv_2d(x, filters = 4, kernel_size = 3, depth_multiplier = 2, weights = weights)
  keras_layer <- keras$layers$SeparableConv2D(4L, kernel_size = 3L, depth_multiplier = 2L)
  keras_layer$build(list(NULL, 7L, 6L, 3L))
  keras_layer$set_weights(weights)
  expect_equal(as.array(ours), numpy_of(keras_layer(x)), tolerance = 1e-6)
  x_first <- aperm(x, c(1, 4, 2, 3))
  first <- layer_separable_conv_2d(x_first, filters = 4, kernel_size = 3, depth_multiplier = 2, weights = weights,
                                   data_format = "channels_first")
  expect_identical(dim(first), c(2L, 4L, 5L, 4L))
  expect_equal(aperm(as.array(first), c(1, 3, 4, 2)), as.array(ours), tolerance = 1e-5)
})

# ---------------------------------------------------------------- errors

test_that("bad filters values are kerasrbridge errors naming `filters`, with the user's call", {
  bad_values <- list(2.5, 0, -1, NA, NA_integer_, NA_real_, "3", c(4, 4), list(4L, 4L), factor("4"), Inf, TRUE)
  for (value in bad_values) {
    expect_bridge_error(bquote(layer_separable_conv_2d(filters = .(value), kernel_size = 3)), "filters")
    expect_bridge_error(bquote(layer_separable_conv_1d(filters = .(value), kernel_size = 3)), "filters")
  }
  error <- expect_bridge_error(quote(layer_separable_conv_2d(filters = 2.5, kernel_size = 3)), "filters",
                               class = "kerasrbridge_ValueError")
  expect_identical(class(error), c("kerasrbridge_ValueError", "kerasrbridge_error", "python.builtin.ValueError",
                                   "python.builtin.Exception", "error", "condition"))
  expect_match(conditionMessage(error), "2.5", fixed = TRUE)
  expect_no_match(conditionMessage(error), "Traceback")
  expect_error(layer_separable_conv_1d(filters = 0, kernel_size = 3), class = "kerasrbridge_error",
               regexp = "`filters`")
})

test_that("a missing filters (or kernel_size) is a TypeError naming it, and a Sequential model stays unchanged", {
  expect_bridge_error(quote(layer_separable_conv_2d(kernel_size = 3)), "filters", class = "kerasrbridge_TypeError")
  expect_bridge_error(quote(layer_separable_conv_1d(kernel_size = 3)), "filters", class = "kerasrbridge_TypeError")
  expect_bridge_error(quote(layer_separable_conv_2d(filters = 4)), "kernel_size", class = "kerasrbridge_TypeError")
  model <- keras$Sequential()
  expect_bridge_error(quote(layer_separable_conv_2d(model, kernel_size = 3)), "filters")
  expect_length(model$layers, 0L)
  x <- random_array(1, 5, 5, 2)
  error <- expect_bridge_error(quote(x |> layer_separable_conv_2d(filters = 2.5, kernel_size = 3)), "filters")
  expect_identical(conditionCall(error), quote(layer_separable_conv_2d(x, filters = 2.5, kernel_size = 3)))
})

test_that("bad pointwise_initializer values (and the other pointwise arguments) are errors naming them", {
  expect_bridge_error(quote(layer_separable_conv_2d(filters = 4, kernel_size = 3, pointwise_initializer = "nope")),
                      "pointwise_initializer")
  expect_bridge_error(quote(layer_separable_conv_1d(filters = 4, kernel_size = 3, pointwise_initializer = "nope")),
                      "pointwise_initializer")
  expect_bridge_error(quote(layer_separable_conv_2d(filters = 4, kernel_size = 3, pointwise_initializer = 42)),
                      "pointwise_initializer")
  expect_bridge_error(quote(layer_separable_conv_2d(filters = 4, kernel_size = 3, pointwise_initializer = NA)),
                      "pointwise_initializer")
  expect_error(layer_separable_conv_2d(filters = 4, kernel_size = 3, pointwise_initializer = "nope"),
               class = "kerasrbridge_error", regexp = "`pointwise_initializer`")
  expect_bridge_error(quote(layer_separable_conv_2d(filters = 4, kernel_size = 3, pointwise_regularizer = "nope")),
                      "pointwise_regularizer")
  expect_bridge_error(quote(layer_separable_conv_2d(filters = 4, kernel_size = 3, pointwise_constraint = "nope")),
                      "pointwise_constraint")
  expect_bridge_error(quote(layer_separable_conv_2d(filters = 4, kernel_size = 3, depthwise_initializer = "nope")),
                      "depthwise_initializer")
  # Known names and Keras objects are accepted.
  layer <- layer_separable_conv_2d(filters = 4, kernel_size = 3, pointwise_initializer = "he_normal",
                                   pointwise_regularizer = keras$regularizers$L2(0.01),
                                   pointwise_constraint = keras$constraints$NonNeg())
  expect_identical(layer$get_config()$pointwise_initializer$class_name, "HeNormal")
})

test_that("the other arguments' bad values name them, causal padding included", {
  expect_bridge_error(quote(layer_separable_conv_2d(filters = 4, kernel_size = 2.5)), "kernel_size")
  expect_bridge_error(quote(layer_separable_conv_2d(filters = 4, kernel_size = c(3, 3, 3))), "kernel_size")
  expect_bridge_error(quote(layer_separable_conv_2d(filters = 4, kernel_size = 3, strides = 0)), "strides")
  expect_bridge_error(quote(layer_separable_conv_2d(filters = 4, kernel_size = 3, depth_multiplier = 1.5)),
                      "depth_multiplier")
  expect_bridge_error(quote(layer_separable_conv_2d(filters = 4, kernel_size = 3, dilation_rate = 0)),
                      "dilation_rate")
  expect_bridge_error(quote(layer_separable_conv_2d(filters = 4, kernel_size = 3, padding = "full")), "padding")
  expect_bridge_error(quote(layer_separable_conv_2d(filters = 4, kernel_size = 3, use_bias = NA)), "use_bias")
  expect_bridge_error(quote(layer_separable_conv_2d(filters = 4, kernel_size = 3, activation = "nope")), "activation")
  for (fn in c("layer_separable_conv_1d", "layer_separable_conv_2d")) {
    error <- expect_bridge_error(call(fn, filters = 4, kernel_size = 3, padding = "causal"), "padding")
    expect_match(conditionMessage(error), "causal", fixed = TRUE)
  }
  error <- expect_bridge_error(quote(layer_separable_conv_2d(filters = 4, kernel_size = 3, channels_first = TRUE)),
                               "channels_first", class = "kerasrbridge_TypeError")
  expect_match(conditionMessage(error), "input_shape", fixed = TRUE)
  expect_bridge_error(quote(layer_separable_conv_2d("a string", filters = 4, kernel_size = 3)), "object")
})

# ---------------------------------------------------------------- the older R keras arguments

test_that("input_shape starts an empty Sequential model with the matching Input", {
  model <- keras$Sequential() |> layer_separable_conv_2d(filters = 4, kernel_size = 3, input_shape = c(8, 8, 2))
  expect_equal(model$output_shape, list(NULL, 6L, 6L, 4L))
  model1 <- keras$Sequential() |> layer_separable_conv_1d(filters = 3, kernel_size = 3, input_shape = list(10L, 4L))
  expect_equal(model1$output_shape, list(NULL, 8L, 3L))
  expect_bridge_error(quote(layer_separable_conv_2d(filters = 4, kernel_size = 3, input_shape = c(8, 8))),
                      "input_shape")
  expect_bridge_error(quote(layer_separable_conv_1d(filters = 4, kernel_size = 3, input_shape = c(8, 2.5))),
                      "input_shape")
})

test_that("batch_input_shape and batch_size set the batch size", {
  model <- keras$Sequential() |>
    layer_separable_conv_2d(filters = 4, kernel_size = 3, batch_input_shape = list(4L, 8L, 8L, 2L))
  expect_equal(model$output_shape, list(4L, 6L, 6L, 4L))
  model <- keras$Sequential() |>
    layer_separable_conv_1d(filters = 2, kernel_size = 3, input_shape = c(9, 2), batch_size = 5)
  expect_equal(model$output_shape, list(5L, 7L, 2L))
  expect_bridge_error(quote(layer_separable_conv_2d(filters = 4, kernel_size = 3, batch_input_shape = c(8, 8, 2))),
                      "batch_input_shape")
})

test_that("name, trainable and dtype reach the layer", {
  layer <- layer_separable_conv_2d(filters = 4, kernel_size = 3, name = "my_separable", trainable = FALSE)
  expect_identical(layer$name, "my_separable")
  expect_false(layer$trainable)
  layer1 <- layer_separable_conv_1d(filters = 4, kernel_size = 3, name = "sep1d")
  expect_identical(layer1$name, "sep1d")
  y <- random_array(1, 5, 5, 2) |> layer_separable_conv_2d(filters = 3, kernel_size = 3, dtype = "float64")
  expect_identical(y$dtype$name, "float64")
  expect_type(as.array(y), "double")
  y1 <- random_array(1, 6, 2) |> layer_separable_conv_1d(filters = 3, kernel_size = 3, dtype = "float64")
  expect_identical(y1$dtype$name, "float64")
  expect_bridge_error(quote(layer_separable_conv_2d(filters = 4, kernel_size = 3, name = 42)), "name")
  expect_bridge_error(quote(layer_separable_conv_2d(filters = 4, kernel_size = 3, trainable = "no")), "trainable")
  expect_bridge_error(quote(layer_separable_conv_1d(filters = 4, kernel_size = 3, dtype = "int32")), "dtype")
})

test_that("weights set the depthwise kernel, the pointwise kernel and the bias", {
  depthwise <- array(stats::runif(3 * 3 * 2 * 2), c(3, 3, 2, 2))
  pointwise <- array(stats::runif(1 * 1 * 4 * 5), c(1, 1, 4, 5))
  bias <- array(c(0.1, 0.2, 0.3, 0.4, 0.5))
  layer <- layer_separable_conv_2d(filters = 5, kernel_size = 3, depth_multiplier = 2,
                                   weights = list(depthwise, pointwise, bias))
  expect_true(layer$built)
  weights <- layer$get_weights()
  expect_length(weights, 3L)
  expect_equal(weights[[1]], depthwise, tolerance = 1e-6)
  expect_equal(weights[[2]], pointwise, tolerance = 1e-6)
  expect_equal(as.vector(weights[[3]]), as.vector(bias), tolerance = 1e-6)
  # The layer built by `weights` takes inputs of the channels the kernels imply.
  expect_identical(dim(layer(random_array(1, 5, 5, 2))), c(1L, 3L, 3L, 5L))
  # Without a bias, two arrays.
  no_bias <- layer_separable_conv_1d(filters = 3, kernel_size = 2, use_bias = FALSE,
                                     weights = list(array(1, c(2, 4, 1)), array(0.5, c(1, 4, 3))))
  expect_length(no_bias$get_weights(), 2L)
  expect_identical(as.array(no_bias(array(1, c(1, 3, 4)))), array(4, c(1, 2, 3)))
  # Shapes that do not fit, or a missing pointwise kernel, name `weights`.
  error <- expect_bridge_error(quote(layer_separable_conv_2d(filters = 4, kernel_size = 3,
                                                             weights = list(array(0.1, c(3, 3, 2, 1))))),
                               "weights")
  expect_match(conditionMessage(error), "pointwise kernel", fixed = TRUE)
  expect_bridge_error(quote(layer_separable_conv_2d(filters = 4, kernel_size = 3,
                                                    weights = list(array(0.1, c(3, 3, 2, 1)),
                                                                   array(0.1, c(1, 1, 2, 3)),
                                                                   array(0, 4)))),
                      "weights")
  expect_bridge_error(quote(layer_separable_conv_1d(filters = 2, kernel_size = 3, use_bias = FALSE,
                                                    weights = list(array(1, c(3, 2, 1)), array(1, c(1, 2, 2)),
                                                                   array(0, 2)))),
                      "weights")
})

test_that("a model of separable layers trains, and its weights change", {
  keras$utils$set_random_seed(4L)
  x <- random_array(16, 8, 8, 2)
  y <- array(stats::runif(16 * 3), c(16, 3))
  model <- keras$Sequential(list(keras$Input(shape = list(8L, 8L, 2L)))) |>
    layer_separable_conv_2d(filters = 4, kernel_size = 3, activation = "relu") |>
    layer_separable_conv_2d(filters = 3, kernel_size = 3, strides = 2)
  model$add(keras$layers$GlobalAveragePooling2D())
  before <- model$get_weights()
  model$compile(optimizer = keras$optimizers$SGD(0.1), loss = "mse")
  history <- model$fit(x, y, epochs = 2L, batch_size = 8L, verbose = 0L)
  expect_length(history$history$loss, 2L)
  expect_true(all(is.finite(unlist(history$history$loss))))
  after <- model$get_weights()
  expect_length(after, 6L)
  expect_false(isTRUE(all.equal(before[[2]], after[[2]])))
  expect_identical(dim(model$predict(x, verbose = 0L)), c(16L, 3L))
})
