test_that("bad kernel_size values give kerasrbridge errors naming the argument, with the user's call", {
  bad_values <- list(2.5, 0, -1, NA, NA_integer_, NA_real_, "3", c(3, 3, 3), list(3L, "a"),
                     factor("3"), new.env(), Inf, TRUE)
  for (value in bad_values) {
    expect_bridge_error(bquote(layer_depthwise_conv_2d(kernel_size = .(value))), "kernel_size")
    expect_bridge_error(bquote(layer_depthwise_conv_1d(kernel_size = .(value))), "kernel_size")
  }
})

test_that("expect_error() sees class kerasrbridge_error and the argument's name", {
  expect_error(layer_depthwise_conv_2d(kernel_size = 2.5), class = "kerasrbridge_error", regexp = "`kernel_size`")
  expect_error(layer_depthwise_conv_2d(kernel_size = 0), class = "kerasrbridge_error", regexp = "`kernel_size`")
  expect_error(layer_depthwise_conv_2d(kernel_size = NA), class = "kerasrbridge_error", regexp = "`kernel_size`")
  expect_error(layer_depthwise_conv_2d(kernel_size = NA_integer_), class = "kerasrbridge_error",
               regexp = "`kernel_size`")
  expect_error(layer_depthwise_conv_2d(kernel_size = "3"), class = "kerasrbridge_error", regexp = "`kernel_size`")
  expect_error(layer_depthwise_conv_2d(kernel_size = c(3, 3, 3)), class = "kerasrbridge_error",
               regexp = "`kernel_size`")
  expect_error(layer_depthwise_conv_2d(kernel_size = factor(3)), class = "kerasrbridge_error",
               regexp = "`kernel_size`")
  utils::capture.output(
    expect_error(layer_depthwise_conv_2d(kernel_size = new.env()), class = "kerasrbridge_error",
                 regexp = "`kernel_size`")
  )
})

test_that("messages say what was received, and Python's error type is a class", {
  error <- expect_bridge_error(quote(layer_depthwise_conv_2d(kernel_size = 2.5)), "kernel_size",
                               class = "kerasrbridge_ValueError")
  expect_identical(class(error), c("kerasrbridge_ValueError", "kerasrbridge_error", "python.builtin.ValueError",
                                   "python.builtin.Exception", "error", "condition"))
  expect_match(conditionMessage(error), "2.5", fixed = TRUE)
  expect_no_match(conditionMessage(error), "Traceback")
  error <- expect_bridge_error(quote(layer_depthwise_conv_2d(kernel_size = "3")), "kernel_size",
                               class = "kerasrbridge_TypeError")
  expect_identical(class(error), c("kerasrbridge_TypeError", "kerasrbridge_error", "python.builtin.TypeError",
                                   "python.builtin.Exception", "error", "condition"))
  error <- expect_bridge_error(quote(layer_depthwise_conv_2d(kernel_size = NA)), "kernel_size")
  expect_match(conditionMessage(error), "NA", fixed = TRUE)
  error <- expect_bridge_error(quote(layer_depthwise_conv_2d(kernel_size = factor("3"))), "kernel_size")
  expect_match(conditionMessage(error), "factor", fixed = TRUE)
})

test_that("bad values of the other arguments name them", {
  expect_bridge_error(quote(layer_depthwise_conv_2d(kernel_size = 3, strides = 0)), "strides")
  expect_bridge_error(quote(layer_depthwise_conv_2d(kernel_size = 3, strides = NA)), "strides")
  expect_bridge_error(quote(layer_depthwise_conv_2d(kernel_size = 3, strides = c(1, 1, 1))), "strides")
  expect_bridge_error(quote(layer_depthwise_conv_2d(kernel_size = 3, dilation_rate = 1.5)), "dilation_rate")
  expect_bridge_error(quote(layer_depthwise_conv_2d(kernel_size = 3, depth_multiplier = 0)), "depth_multiplier")
  expect_bridge_error(quote(layer_depthwise_conv_2d(kernel_size = 3, depth_multiplier = 2.5)), "depth_multiplier")
  expect_bridge_error(quote(layer_depthwise_conv_2d(kernel_size = 3, padding = "full")), "padding")
  expect_bridge_error(quote(layer_depthwise_conv_2d(kernel_size = 3, padding = NA)), "padding")
  expect_bridge_error(quote(layer_depthwise_conv_2d(kernel_size = 3, data_format = "nchw")), "data_format")
  expect_bridge_error(quote(layer_depthwise_conv_2d(kernel_size = 3, use_bias = NA)), "use_bias")
  expect_bridge_error(quote(layer_depthwise_conv_2d(kernel_size = 3, use_bias = "yes")), "use_bias")
  expect_bridge_error(quote(layer_depthwise_conv_2d(kernel_size = 3, activation = "no_such_activation")),
                      "activation")
  expect_bridge_error(quote(layer_depthwise_conv_2d(kernel_size = 3, activation = 42)), "activation")
  expect_bridge_error(quote(layer_depthwise_conv_2d(kernel_size = 3, depthwise_initializer = "nope")),
                      "depthwise_initializer")
  expect_bridge_error(quote(layer_depthwise_conv_2d(kernel_size = 3, bias_constraint = "nope")),
                      "bias_constraint")
  expect_bridge_error(quote(layer_depthwise_conv_1d(kernel_size = 3, padding = factor("same"))), "padding")
})

test_that('padding = "causal" is refused for depthwise convolution', {
  for (fn in c("layer_depthwise_conv_1d", "layer_depthwise_conv_2d")) {
    call <- call(fn, kernel_size = 3, padding = "causal")
    error <- expect_bridge_error(call, "padding")
    expect_match(conditionMessage(error), "causal", fixed = TRUE)
  }
})

test_that("a missing kernel_size is an error naming it", {
  expect_bridge_error(quote(layer_depthwise_conv_2d()), "kernel_size", class = "kerasrbridge_TypeError")
  expect_bridge_error(quote(layer_depthwise_conv_1d()), "kernel_size", class = "kerasrbridge_TypeError")
  expect_bridge_error(quote(layer_depthwise_conv_2d(strides = 2)), "kernel_size")
  model <- keras$Sequential()
  expect_bridge_error(quote(layer_depthwise_conv_2d(model)), "kernel_size")
  expect_length(model$layers, 0L)
})

test_that("unnamed extra arguments are refused", {
  # Every formal filled by position, so the 17th value lands unnamed in `...`.
  expect_bridge_error(
    quote(layer_depthwise_conv_2d(NULL, 3, 1, "valid", 1, NULL, 1, NULL, TRUE, "glorot_uniform", "zeros",
                                  NULL, NULL, NULL, NULL, NULL, c(8, 8, 2))),
    "..."
  )
  expect_error(
    layer_depthwise_conv_1d(NULL, 3, 1, "valid", 1, NULL, 1, NULL, TRUE, "glorot_uniform", "zeros",
                            NULL, NULL, NULL, NULL, NULL, name = "ok", 5),
    class = "kerasrbridge_error", regexp = "must be named"
  )
})

test_that("unknown named extra arguments are refused, naming them", {
  error <- expect_bridge_error(quote(layer_depthwise_conv_2d(kernel_size = 3, filters = 8)), "filters",
                               class = "kerasrbridge_TypeError")
  expect_match(conditionMessage(error), "input_shape", fixed = TRUE)
})

test_that("a wrong object is an error naming `object`, with the pipe's call", {
  x <- random_array(2, 5, 5)
  error <- expect_bridge_error(quote(x |> layer_depthwise_conv_2d(kernel_size = 3)), "object")
  expect_identical(conditionCall(error), quote(layer_depthwise_conv_2d(x, kernel_size = 3)))
  expect_bridge_error(quote(layer_depthwise_conv_2d("a string", kernel_size = 3)), "object")
  expect_bridge_error(quote(layer_depthwise_conv_2d(kernel_size = 3, 7)), "object")
  letters_array <- array(letters[1:16], dim = c(1, 4, 4, 1))
  expect_bridge_error(quote(layer_depthwise_conv_2d(letters_array, kernel_size = 3)), "object")
})

test_that("errors are raised inside a function with that function's call", {
  build <- function() layer_depthwise_conv_2d(kernel_size = 2.5)
  error <- tryCatch(build(), error = function(e) e)
  expect_s3_class(error, "kerasrbridge_error")
  expect_identical(conditionCall(error), quote(layer_depthwise_conv_2d(kernel_size = 2.5)))
})
