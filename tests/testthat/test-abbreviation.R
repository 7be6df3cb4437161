# A quoted value keeps its summary: however long its elements,
# the length (of a vector or list), the dim (of an array) or the number of
# characters (of a string) survives, within the message's 300 characters.
# What is shortened is the quoted elements: fewer significant digits, fewer
# characters of a string, fewer elements of a nested list.

test_that("runif(1000) keeps its length: the elements lose digits instead", {
  set.seed(19)
  values <- runif(1000)
  message <- error_message_of(layer_depthwise_conv_2d(kernel_size = values))
  expect_lte(nchar(message), 300L)
  expect_match(message, "received c\\((0\\.[0-9]+, ){5}\\.\\.\\.\\) \\(a vector of length 1000\\)\\.$")
  shown <- as.numeric(strsplit(sub(".*received c\\(", "", message), ", ", fixed = TRUE)[[1]][1:5])
  expect_equal(shown, values[1:5], tolerance = 1e-9)
})

test_that("long strings, nested lists and arrays keep their summary", {
  set.seed(19)
  cases <- list(
    list(rep(strrep("x", 200), 10), "(a vector of length 10)."),
    list(c(strrep("x", 200), strrep("y", 300)), "(a vector of length 2)."),
    list(strrep("z", 100000), "(a string of 100000 characters)."),
    list(list(runif(1000), 2), "(a list of length 2)."),
    list(list(list(list(list(rep(1.5, 10))))),
         "received list(list(list(list(c(1.5, 1.5, 1.5, 1.5, 1.5, ...))))) (a list of length 1)."),
    list(setNames(list(runif(1000), 2), c(strrep("a", 50), "b")), "(a list of length 2)."),
    list(array(runif(3 * 1000 * 7), dim = c(3, 1000, 7)), "a double array of dim c(3, 1000, 7) (c(")
  )
  for (case in cases) {
    message <- error_message_of(layer_depthwise_conv_2d(kernel_size = case[[1]]))
    label <- substr(deparse1(case[[1]]), 1, 60)
    expect_lte(nchar(message), 300L, label = label)
    expect_match(message, case[[2]], fixed = TRUE, label = label)
    expect_match(message, "^Invalid `kernel_size`", label = label)
  }
})
