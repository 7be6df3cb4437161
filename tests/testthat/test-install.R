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
    list(quote(install_kerasrbridge(gpu = c(TRUE, FALSE))), "gpu"),
    list(quote(install_kerasrbridge(python = 3)), "python"),
    list(quote(install_kerasrbridge(python = "/nonexistent/python3")), "python"),
    list(quote(install_kerasrbridge(python = tempdir())), "python"),
    list(quote(install_kerasrbridge(extra_packages = 3)), "extra_packages"),
    list(quote(install_kerasrbridge(extra_packages = c("scipy", NA))), "extra_packages")
  )
  for (case in cases) {
    error <- tryCatch(eval(case[[1]]), error = identity)
    expect_s3_class(error, "kerasrbridge_ValueError")
    expect_s3_class(error, "kerasrbridge_error")
    expect_match(conditionMessage(error), paste0("^Invalid `", case[[2]], "`: expected "))
    expect_identical(conditionCall(error), case[[1]])
  }
})

test_that("an existing folder that is no virtual environment is refused and left untouched", {
  folder <- tempfile("project-")
  dir.create(folder)
  writeLines("mine", file.path(folder, "notes.txt"))
  for (envname in c(folder, paste0(folder, "/"))) {
    error <- tryCatch(install_kerasrbridge(envname = envname), error = identity)
    expect_s3_class(error, "kerasrbridge_error")
    expect_match(conditionMessage(error), "^Invalid `envname`: expected a new environment or an existing virtual")
    expect_match(conditionMessage(error), "a folder that is not one \\(left untouched\\)\\.$")
    expect_lte(nchar(conditionMessage(error)), 300L)
  }
  expect_identical(list.files(folder, all.files = TRUE, no.. = TRUE), "notes.txt")
  # "." and "~" name folders too: the working directory and the home folder are never made environments.
  old <- setwd(folder)
  dot <- tryCatch(install_kerasrbridge(envname = "."), error = identity)
  setwd(old)
  expect_s3_class(dot, "kerasrbridge_error")
  expect_identical(list.files(folder, all.files = TRUE, no.. = TRUE), "notes.txt")
  expect_identical(kerasrbridge:::environment_folder("~"), path.expand("~"))
  expect_identical(kerasrbridge:::environment_folder("r-keras"), file.path(reticulate::virtualenv_root(), "r-keras"))
})

test_that("the python message names the argument and the path", {
  error <- tryCatch(install_kerasrbridge(python = "/nonexistent/python3"), error = identity)
  expect_identical(conditionMessage(error), paste0(
    "Invalid `python`: expected NULL or the path of a Python executable; received \"/nonexistent/python3\", ",
    "which is no file."))
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
