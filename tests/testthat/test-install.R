# install_kerasrbridge()'s own arguments are checked in R, before any Python
# exists; a bad one is a classed error naming it, and nothing is installed.
# (Installing for real is tested in tests/install, in fresh processes.)

test_that("install_kerasrbridge() refuses bad arguments by name, before installing anything", {
  cases <- list(
    list(quote(install_kerasrbridge(envname = "")), "envname"),
    list(quote(install_kerasrbridge(envname = c("a", "b"))), "envname"),
    list(quote(install_kerasrbridge(envname = NA_character_)), "envname"),
    list(quote(install_kerasrbridge(backend = "theano")), "backend"),
    list(quote(install_kerasrbridge(backend = 1)), "backend"),
    list(quote(install_kerasrbridge(gpu = "yes")), "gpu"),
    list(quote(install_kerasrbridge(gpu = c(TRUE, FALSE))), "gpu")
  )
  for (case in cases) {
    error <- tryCatch(eval(case[[1]]), error = identity)
    expect_s3_class(error, "kerasrbridge_ValueError")
    expect_s3_class(error, "kerasrbridge_error")
    expect_match(conditionMessage(error), paste0("^Invalid `", case[[2]], "`: expected "))
    expect_identical(conditionCall(error), case[[1]])
  }
})

test_that("the backend requirements follow KERAS_BACKEND as keras3 reads it", {
  requirements <- kerasrbridge:::backend_requirements
  expect_identical(requirements("tensorflow", gpu = FALSE, os = "Linux"), "tensorflow-cpu")
  expect_identical(requirements("tensorflow", gpu = TRUE, os = "Linux"), "tensorflow[and-cuda]")
  expect_identical(requirements("tensorflow-cpu", os = "Linux"), "tensorflow-cpu")
  expect_identical(requirements("tensorflow", gpu = FALSE, os = "Darwin"), "tensorflow")
  expect_identical(requirements("jax", gpu = FALSE, os = "Linux"), "jax[cpu]")
  expect_identical(requirements("jax-gpu", os = "Linux"), "jax[cuda12]")
  withr_index <- Sys.getenv("UV_INDEX", NA)
  on.exit(if (is.na(withr_index)) Sys.unsetenv("UV_INDEX") else Sys.setenv(UV_INDEX = withr_index))
  expect_identical(requirements("torch", gpu = FALSE, os = "Linux"), "torch")
  expect_match(Sys.getenv("UV_INDEX"), "download.pytorch.org/whl/cpu", fixed = TRUE)
})

test_that("the bundled Python package is declared by its installed path", {
  requirement <- kerasrbridge:::bundled_requirement()
  expect_match(requirement, "^kerasr-bridge @ file:///")
  folder <- system.file("python", package = "kerasrbridge")
  expect_true(file.exists(file.path(folder, "pyproject.toml")))
  expect_true(file.exists(file.path(folder, "kerasr_bridge", "__init__.py")))
})
