# What users bring as values, from R: R's words for
# complex, raw and character values; Keras's own sentences said in our template;
# quantized dtype policies refused at construction; messages within 300
# characters whatever name they quote.

test_that("complex, raw and character values read as R writes them", {
  for (case in list(list(3+0i, "received 3+0i."), list(as.raw(3), "received as.raw(0x03)."))) {
    error <- expect_bridge_error(quote(layer_depthwise_conv_2d(kernel_size = value)), "kernel_size",
                                 env = list2env(list(value = case[[1]])))
    expect_match(conditionMessage(error), case[[2]], fixed = TRUE)
    expect_false(grepl("builtins|Python object", conditionMessage(error)))
  }
  error <- expect_bridge_error(quote(layer_depthwise_conv_2d(array(1+2i, c(1, 2, 2, 1)), kernel_size = 1)), "object")
  expect_match(conditionMessage(error), "a complex array of dim c(1, 2, 2, 1) (c(1+2i, ", fixed = TRUE)
  # A raw array: described alike under every reticulate (1.28 cannot convert it).
  error <- expect_bridge_error(quote(layer_depthwise_conv_2d(array(as.raw(1:4), c(1, 2, 2, 1)), kernel_size = 1)),
                               "object")
  expect_match(conditionMessage(error), "received a raw array of dim c(1, 2, 2, 1).", fixed = TRUE)
  error <- expect_bridge_error(quote(layer_depthwise_conv_2d(array("a", c(1, 2, 2, 1)), kernel_size = 1)), "object")
  expect_match(conditionMessage(error), 'a character array of dim c(1, 2, 2, 1) (c("a", ', fixed = TRUE)
})

test_that("Keras's own sentences are said in our template, in R syntax", {
  error <- expect_bridge_error(quote(layer_depthwise_conv_2d(kernel_size = 2, name = "a/b")), "name")
  expect_match(conditionMessage(error), 'expected a string without "/" (Keras uses "/" to separate scopes); received "a/b".',
               fixed = TRUE)
  error <- expect_bridge_error(quote(layer_depthwise_conv_2d(keras$Input(shape = list(6L, 6L, NULL)), kernel_size = 2)),
                               "object")
  expect_match(conditionMessage(error), "unknown number of channels", fixed = TRUE)
  expect_false(grepl("NoneType|unsupported operand", conditionMessage(error)))
})

test_that("quantized dtype policies are refused at construction", {
  for (policy in c("int8_from_float32", "float8_from_float32", "int4_from_float32")) {
    error <- expect_bridge_error(quote(layer_depthwise_conv_1d(kernel_size = 3, dtype = policy)), "dtype",
                                 env = list2env(list(policy = policy)))
    expect_match(conditionMessage(error), sprintf('^Invalid `dtype`: .*quantize\\(\\).*received "%s"\\.$', policy))
  }
})

test_that("a long layer or model name keeps every message within 300 characters", {
  for (length in c(3000, 100000)) {
    name <- strrep("n", length)
    error <- expect_bridge_error(quote(layer_depthwise_conv_2d(array(0, c(2, 2, 2, 3)), kernel_size = 3, name = name)),
                                 "kernel_size", env = list2env(list(name = name)))
    expect_lte(nchar(conditionMessage(error)), 300)
    model <- keras$Sequential(list(keras$Input(shape = list(2L, 2L, 3L))), name = strrep("m", length))
    error <- expect_bridge_error(quote(layer_depthwise_conv_2d(model, kernel_size = 3, name = name)), "object",
                                 env = list2env(list(name = name, model = model)))
    expect_lte(nchar(conditionMessage(error)), 300)
    expect_length(model$layers, 0L)
  }
})

test_that("an unnamed R list reads list(...), an atomic vector c(...)", {
  error <- expect_bridge_error(quote(layer_depthwise_conv_2d(kernel_size = list(1, 2, 3))), "kernel_size")
  expect_match(conditionMessage(error), "received list(1, 2, 3).", fixed = TRUE)
  error <- expect_bridge_error(quote(layer_depthwise_conv_2d(kernel_size = c(1, 2, 3))), "kernel_size")
  expect_match(conditionMessage(error), "received c(1, 2, 3).", fixed = TRUE)
  layer <- layer_depthwise_conv_2d(kernel_size = list(3L, 2L), strides = list(1L, 1L), input_shape = list(NULL, NULL, 3))
  expect_identical(unlist(layer$kernel_size), c(3L, 2L))
})
