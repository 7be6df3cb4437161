# A layer made from R says R in the messages it raises later:
# its own checks run in its __call__, also on a direct call such as lay(x), and
# quote values in R syntax. The error class and hint line of a direct call are
# reticulate's, as for any keras3 layer.

test_that("a direct call of a layer made from R quotes values in R syntax", {
  lay <- layer_depthwise_conv_2d(kernel_size = 3, strides = c(2, 1), padding = "same")
  error <- tryCatch(lay(keras$Input(shape = list(NULL, NULL, 3L))), error = identity)
  # reticulate's class: a Python ValueError from 1.29 on, a C++ exception in 1.28.
  expect_s3_class(error, if (utils::packageVersion("reticulate") >= "1.29") "python.builtin.ValueError" else "error")
  message <- conditionMessage(error)
  expect_match(message, "Invalid `object` for unequal `strides` c(2, 1)", fixed = TRUE)
  expect_match(message, "received input shape list(NULL, NULL, NULL, 3).", fixed = TRUE)
  expect_false(grepl("(2, 1)", message, fixed = TRUE) && !grepl("c(2, 1)", message, fixed = TRUE))
  expect_false(grepl("None", message, fixed = TRUE))
})

test_that("the same check reached through our function reads the same", {
  error <- tryCatch(layer_depthwise_conv_2d(keras$Input(shape = list(NULL, NULL, 3L)), kernel_size = 3,
                                            strides = c(2, 1), padding = "same"), error = identity)
  expect_s3_class(error, "kerasrbridge_error")
  expect_match(conditionMessage(error), "unequal `strides` c(2, 1) with padding \"same\"", fixed = TRUE)
  expect_match(conditionMessage(error), "list(NULL, NULL, NULL, 3).", fixed = TRUE)
})
