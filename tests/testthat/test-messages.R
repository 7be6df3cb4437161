# Full messages, as an R user reads them: exactly the Python message (no
# reticulate hint line, under any reticulate version), values quoted in R
# syntax, bounded in length.

test_that("representative messages are exactly the Python ones, values rendered in R syntax", {
  expected <- list(
    list(quote(layer_depthwise_conv_2d(kernel_size = 2.5)),
         "Invalid `kernel_size`: expected a whole number >= 1; received 2.5."),
    list(quote(layer_depthwise_conv_2d(kernel_size = 0)),
         "Invalid `kernel_size`: expected a whole number >= 1; received 0."),
    list(quote(layer_depthwise_conv_2d(kernel_size = NA)),
         "Invalid `kernel_size`: expected a whole number >= 1; received NA."),
    list(quote(layer_depthwise_conv_2d(kernel_size = c(3L, NA))),
         "Invalid `kernel_size`: expected whole numbers >= 1, 2 of them; received c(3, NA)."),
    # An unnamed R list reads as R writes it, list(...), not as a vector.
    list(quote(layer_depthwise_conv_2d(kernel_size = list(NA, 3))),
         "Invalid `kernel_size`: expected whole numbers >= 1, 2 of them; received list(NA, 3)."),
    # Sizes go by position: names are refused as such.
    list(quote(layer_depthwise_conv_2d(kernel_size = list(a = 3))),
         "Invalid `kernel_size`: expected a whole number >= 1 or an unnamed list of 2 of them; received list(a = 3)."),
    list(quote(layer_depthwise_conv_2d(kernel_size = data.frame(a = 3))),
         "Invalid `kernel_size`: expected a whole number >= 1; received a data.frame of 1 row and 1 column."),
    list(quote(layer_depthwise_conv_2d(kernel_size = factor("3"))),
         "Invalid `kernel_size`: expected a whole number >= 1; received a factor of length 1."),
    list(quote(layer_depthwise_conv_2d(kernel_size = 3, use_bias = NA)),
         "Invalid `use_bias`: expected TRUE or FALSE; received NA."),
    list(quote(layer_depthwise_conv_2d(kernel_size = 3, use_bias = "TRUE")),
         "Invalid `use_bias`: expected TRUE or FALSE; received \"TRUE\"."),
    list(quote(layer_depthwise_conv_2d(kernel_size = 3, padding = "full")),
         "Invalid `padding`: expected one of \"valid\", \"same\"; received \"full\"."),
    list(quote(layer_depthwise_conv_2d(kernel_size = NULL)),
         "Invalid `kernel_size`: expected a whole number >= 1; received NULL."),
    list(quote(layer_depthwise_conv_1d(kernel_size = c(3, 3))),
         "Invalid `kernel_size`: expected a whole number; received c(3, 3)."),
    list(quote(layer_depthwise_conv_2d(kernel_size = 3, strides = c(1, 1, 1))),
         "Invalid `strides`: expected a whole number or a list of 2 whole numbers; received c(1, 1, 1).")
  )
  for (case in expected) {
    expect_identical(error_message_of(eval(case[[1]])), case[[2]], label = deparse1(case[[1]]))
  }
})

test_that("no message carries reticulate's hint line or grows with its input", {
  for (value in list(rep(3, 300), as.list(1:1e5), seq_len(1e6))) {
    message <- error_message_of(layer_depthwise_conv_2d(kernel_size = 3, weights = value))
    expect_no_match(message, "py_last_error", fixed = TRUE)
    expect_lte(nchar(message), 300L)
    expect_match(message, "`weights`", fixed = TRUE)
  }
  message <- error_message_of(layer_depthwise_conv_2d(kernel_size = seq_len(1e6)))
  expect_identical(
    message,
    "Invalid `kernel_size`: expected a whole number or a list of 2 whole numbers; received c(1, 2, 3, 4, 5, ...) (a vector of length 1000000)."
  )
})

test_that("handlers written for keras3 or reticulate catch our errors, and so do ours", {
  caught <- function(expr, ...) tryCatch({ force(expr); "nothing" }, ...)
  expect_identical(
    caught(layer_depthwise_conv_2d(kernel_size = 2.5), python.builtin.ValueError = function(e) "ValueError"),
    "ValueError"
  )
  expect_identical(
    caught(layer_depthwise_conv_2d(kernel_size = "3"), python.builtin.TypeError = function(e) "TypeError"),
    "TypeError"
  )
  expect_identical(
    caught(layer_depthwise_conv_2d(kernel_size = 2.5), python.builtin.Exception = function(e) conditionMessage(e)),
    "Invalid `kernel_size`: expected a whole number >= 1; received 2.5."
  )
  expect_identical(
    caught(layer_depthwise_conv_2d(kernel_size = 2.5), kerasrbridge_ValueError = function(e) "ours"),
    "ours"
  )
  expect_identical(caught(layer_depthwise_conv_2d(kernel_size = 2.5), kerasrbridge_error = function(e) "ours"), "ours")
  # A ValueError handler leaves a TypeError to the next one.
  expect_identical(
    caught(layer_depthwise_conv_2d(kernel_size = "3"),
           python.builtin.ValueError = function(e) "wrong", error = function(e) "other"),
    "other"
  )
  # withCallingHandlers sees the same condition; `$message` and `$call` read as for any R condition.
  seen <- NULL
  try(withCallingHandlers(layer_depthwise_conv_2d(kernel_size = 2.5),
                          python.builtin.ValueError = function(e) seen <<- e), silent = TRUE)
  expect_identical(seen$message, "Invalid `kernel_size`: expected a whole number >= 1; received 2.5.")
  expect_identical(seen$call, quote(layer_depthwise_conv_2d(kernel_size = 2.5)))
})

test_that("NA in integer and logical arrays becomes NaN, as as.double() does, and double NA stays NaN quietly", {
  one <- list(array(1, c(1, 1, 1, 1)), array(0, 1))
  integer_input <- array(c(1L, NA, 3L, 4L), c(1, 2, 2, 1))
  logical_input <- array(c(TRUE, NA, FALSE, TRUE), c(1, 2, 2, 1))
  double_input <- array(c(1, NA, 3, 4), c(1, 2, 2, 1))
  for (input in list(integer_input, logical_input, double_input)) {
    out <- expect_silent(as.array(layer_depthwise_conv_2d(input, kernel_size = 1, weights = one)))
    expect_identical(is.na(out), is.na(input))
    expect_equal(out[!is.na(out)], as.double(input)[!is.na(input)])
  }
  out <- as.array(layer_depthwise_conv_1d(array(c(2L, NA), c(1, 2, 1)), kernel_size = 1,
                                          weights = list(array(1, c(1, 1, 1)), array(0, 1))))
  expect_false(any(out == -2147483648, na.rm = TRUE))
})
