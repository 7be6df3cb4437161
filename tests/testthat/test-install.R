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

test_that("the backend requirements follow KERAS_BACKEND as keras3 reads it, with their index", {
  requirements <- function(...) kerasrbridge:::backend_requirements(...)
  pypi <- function(packages) list(packages = packages, index = NULL)
  index_before <- Sys.getenv("UV_INDEX", NA)
  expect_identical(requirements("tensorflow", gpu = FALSE, os = "Linux"), pypi("tensorflow-cpu"))
  expect_identical(requirements("tensorflow", gpu = TRUE, os = "Linux"), pypi("tensorflow[and-cuda]"))
  expect_identical(requirements("tensorflow-cpu", os = "Linux"), pypi("tensorflow-cpu"))
  expect_identical(requirements("tensorflow", gpu = FALSE, os = "Darwin"), pypi("tensorflow"))
  expect_identical(requirements("jax", gpu = FALSE, os = "Linux"), pypi("jax[cpu]"))
  expect_identical(requirements("jax-gpu", os = "Linux"), pypi("jax[cuda12]"))
  expect_identical(requirements("torch", gpu = TRUE, os = "Linux"), pypi("torch"))
  expect_identical(requirements("torch", gpu = FALSE, os = "Darwin"), pypi("torch"))
  expect_identical(requirements("torch-cpu", os = "Linux"),
                   list(packages = "torch", index = "https://download.pytorch.org/whl/cpu"))
  # Deciding is all it does: only .onLoad hands the index to uv (UV_INDEX).
  expect_identical(Sys.getenv("UV_INDEX", NA), index_before)
})

test_that("uv gets PyTorch's index once, beside any the user set", {
  index_before <- Sys.getenv("UV_INDEX", NA)
  on.exit(if (is.na(index_before)) Sys.unsetenv("UV_INDEX") else Sys.setenv(UV_INDEX = index_before))
  Sys.setenv(UV_INDEX = "https://mirror.example/simple")
  kerasrbridge:::add_uv_index("https://download.pytorch.org/whl/cpu")
  kerasrbridge:::add_uv_index("https://download.pytorch.org/whl/cpu")
  expect_identical(Sys.getenv("UV_INDEX"), "https://mirror.example/simple https://download.pytorch.org/whl/cpu")
})

test_that("the bundled Python package is declared by its installed path", {
  requirement <- kerasrbridge:::bundled_requirement()
  expect_match(requirement, "^kerasr-bridge @ file:///")
  folder <- system.file("python", package = "kerasrbridge")
  expect_true(file.exists(file.path(folder, "pyproject.toml")))
  expect_true(file.exists(file.path(folder, "kerasr_bridge", "__init__.py")))
})
