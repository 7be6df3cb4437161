# A fresh R session that attaches the package and uses it prints nothing of
# TensorFlow's start-up unless the user asked for it (TF_CPP_MIN_LOG_LEVEL).
run_fresh_r <- function(code, level = NA) {
  rscript <- file.path(R.home("bin"), "Rscript")
  env <- c(
    paste0("R_LIBS=", paste(.libPaths(), collapse = .Platform$path.sep)),
    if (is.na(level)) "TF_CPP_MIN_LOG_LEVEL=" else paste0("TF_CPP_MIN_LOG_LEVEL=", level)
  )
  script <- tempfile(fileext = ".R")
  writeLines(code, script)
  # An empty TF_CPP_MIN_LOG_LEVEL counts as unset for TensorFlow; unset it outright to be sure.
  output <- suppressWarnings(system2("env", c(if (is.na(level)) "-u TF_CPP_MIN_LOG_LEVEL", env[1],
                                              if (!is.na(level)) env[2], rscript, script),
                                     stdout = TRUE, stderr = TRUE))
  list(output = output, status = attr(output, "status") %||% 0L)
}

`%||%` <- function(x, y) if (is.null(x)) y else x

test_that("attaching and using the package prints no TensorFlow start-up lines", {
  result <- run_fresh_r(c(
    "library(kerasrbridge)",
    "y <- layer_depthwise_conv_2d(array(1, c(1, 4, 4, 2)), kernel_size = 3)",
    "model <- keras$Sequential()",
    "cat('done\\n')"
  ))
  expect_identical(result$status, 0L)
  expect_identical(result$output, "done")
})

test_that("a user's TF_CPP_MIN_LOG_LEVEL = 0 lets TensorFlow's lines through", {
  result <- run_fresh_r(c("library(kerasrbridge)", "model <- keras$Sequential()", "cat('done\\n')"), level = 0)
  expect_identical(result$status, 0L)
  expect_true(length(result$output) > 1L)
  expect_identical(result$output[length(result$output)], "done")
})
