# Golden fixtures: cases computed by an independent NumPy reference
# (tests/fixtures/make_fixtures.py, tests/reference.py), checked from R here
# and from Python in tests/python/test_golden_fixtures.py.

fixture_file <- test_path("..", "fixtures", "depthwise_cases.json")

# JSON nested lists are row-major (NumPy's tolist()); build the R array with
# the same indices: element [i, j, k] of the R array is x[[i]][[j]][[k]].
nested_dim <- function(x) {
  if (is.list(x)) c(length(x), nested_dim(x[[1]])) else integer()
}

nested_to_array <- function(x) {
  dims <- nested_dim(x)
  values <- as.double(unlist(x))
  stopifnot(length(dims) >= 1L, length(values) == prod(dims))
  if (length(dims) == 1L) return(array(values, dim = dims))
  aperm(array(values, dim = rev(dims)), rev(seq_along(dims)))
}

fixture_function <- function(case) {
  name <- case[["function"]]
  if (is.null(name)) name <- sprintf("layer_depthwise_conv_%sd", case$args$rank)
  getExportedValue("kerasrbridge", name)
}

test_that("nested_to_array() keeps NumPy's indices", {
  x <- list(list(list(1, 2, 3), list(4, 5, 6)))  # shape (1, 2, 3)
  a <- nested_to_array(x)
  expect_identical(dim(a), c(1L, 2L, 3L))
  expect_identical(a[1, 2, 3], 6)
  expect_identical(a[1, 1, 2], 2)
  expect_identical(a[1, 2, 1], 4)
  expect_identical(nested_to_array(list(1, 2)), array(c(1, 2), dim = 2L))
})

if (!file.exists(fixture_file)) {
  test_that("golden fixtures are present", {
    message <- paste0("Fixture file ", fixture_file, " (from tests/testthat) is missing; ",
                      "generate it with `.venv/bin/python tests/fixtures/make_fixtures.py`.")
    fail(message)
  })
} else {
  fixtures <- jsonlite::fromJSON(fixture_file, simplifyVector = FALSE)
  cases <- if (!is.null(names(fixtures)) && "cases" %in% names(fixtures)) fixtures$cases else fixtures

  test_that("the fixture file holds cases", {
    expect_gt(length(cases), 0L)
  })

  for (index in seq_along(cases)) {
    case <- cases[[index]]
    label <- if (is.null(case$name)) paste("case", index) else case$name
    test_that(paste("golden fixture:", label), {
      layer_function <- fixture_function(case)
      args <- case$args
      args$rank <- NULL
      input <- nested_to_array(case$input)
      weights <- lapply(case$weights, nested_to_array)
      expected <- nested_to_array(case$expected)

      # As an R user would: the array piped into the layer function.
      output <- as.array(do.call(layer_function, c(list(input), args, list(weights = weights))))
      expect_identical(dim(output), dim(expected))
      # Compared as vectors (same dims checked above): waldo cannot print
      # differences between arrays of rank 4.
      expect_equal(as.vector(output), as.vector(expected), tolerance = 1e-5)

      # And the layer made first, then called on the array.
      layer <- do.call(layer_function, c(args, list(weights = weights)))
      expect_equal(as.vector(as.array(layer(input))), as.vector(expected), tolerance = 1e-5)
    })
  }
}
