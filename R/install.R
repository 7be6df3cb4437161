#' Install kerasrbridge's Python side in a persistent environment
#'
#' Makes (or updates) a Python virtual environment holding the Python package
#' `kerasr_bridge` that came with this R package (the same version, from its
#' own files), Keras and a backend. Later R sessions find it with no set-up:
#' reticulate looks for the environment `envname` because kerasrbridge (and
#' keras3) ask for it.
#'
#' Most users need not call this: with reticulate >= 1.41, kerasrbridge
#' declares its Python needs with `reticulate::py_require()` and reticulate
#' builds a managed environment on first use, as it does for keras3. Call it
#' where that is not available (reticulate < 1.41, such as Debian 12's 1.28),
#' or to keep one environment rather than reticulate's cached ones.
#'
#' The default environment is keras3's, `"r-keras"`
#' (`keras3::install_keras()` makes the same one): where both packages are
#' used, reticulate then starts one Python that has both, whichever package is
#' attached first. Run it again after `keras3::install_keras()`, which
#' recreates that environment without kerasr_bridge.
#'
#' @param envname The name of the virtual environment (found by reticulate
#'   in `reticulate::virtualenv_root()`, i.e. `WORKON_HOME` or
#'   `~/.virtualenvs`), or a path to one. An existing folder that is not a
#'   virtual environment (a project, `"."`, `"~"`) is refused, untouched.
#' @param backend The Keras backend to install: `"tensorflow"`, `"jax"` or
#'   `"torch"`. Defaults to `KERAS_BACKEND`, else TensorFlow. Select it in
#'   later sessions with `KERAS_BACKEND` (or keras3's `use_backend()`).
#' @param gpu `TRUE` for the GPU build of the backend (Linux), `FALSE` for the
#'   CPU one; `NA` uses the GPU build where an NVIDIA GPU is seen.
#' @param python The Python to create the environment with, where it does not
#'   exist yet (`NULL`: the one reticulate finds first).
#' @param extra_packages More Python packages to install there (pip
#'   requirements, as strings).
#' @return The path of the environment's Python, invisibly.
#' @examples
#' \dontrun{
#' install_kerasrbridge()
#' # restart R, then:
#' library(kerasrbridge)
#' layer_depthwise_conv_2d(kernel_size = 3)
#' }
#' @export
install_kerasrbridge <- function(envname = "r-keras",
                                 backend = Sys.getenv("KERAS_BACKEND", "tensorflow"),
                                 gpu = NA, python = NULL, extra_packages = NULL) {
  call <- sys.call()
  if (!is.character(envname) || length(envname) != 1L || is.na(envname) || !nzchar(envname)) {
    stop(install_error("envname", "a non-empty string, an environment name or path", envname, call))
  }
  if (!is.character(backend) || length(backend) != 1L ||
      !sub("-(cpu|gpu)$", "", backend) %in% c("tensorflow", "jax", "torch")) {
    stop(install_error("backend", '"tensorflow", "jax" or "torch"', backend, call))
  }
  if (!is.logical(gpu) || length(gpu) != 1L) {
    stop(install_error("gpu", "TRUE, FALSE or NA", gpu, call))
  }
  if (!is.null(python) && (!is.character(python) || length(python) != 1L || is.na(python) || !nzchar(python))) {
    stop(install_error("python", "NULL or the path of a Python executable", python, call))
  }
  if (!is.null(python) && (!file.exists(python) || dir.exists(python))) {
    stop(install_error("python", "NULL or the path of a Python executable", python, call, "which is no file"))
  }
  if (!is.null(extra_packages) &&
      (!is.character(extra_packages) || anyNA(extra_packages) || !all(nzchar(extra_packages)))) {
    stop(install_error("extra_packages", "NULL or pip requirements as strings", extra_packages, call))
  }
  # A folder that exists and is no virtual environment (".", "~", a project) is never turned into one.
  folder <- environment_folder(envname)
  if (dir.exists(folder) && !file.exists(file.path(folder, "pyvenv.cfg"))) {
    stop(install_error("envname", "a new environment or an existing virtual environment", envname, call,
                       "a folder that is not one (left untouched)"))
  }
  requirements <- backend_requirements(backend, gpu)
  packages <- c(
    # A local folder: pip builds the bundled package (hatchling, nothing written there).
    paste0(bundled_python_package(), "/"),
    keras_requirement,
    requirements$packages,
    # reticulate before 1.35 cannot load NumPy 2.
    if (utils::packageVersion("reticulate") < "1.35") "numpy<2",
    extra_packages
  )
  if (!reticulate::virtualenv_exists(envname)) {
    # reticulate picks its default starter Python when none is named.
    if (is.null(python)) reticulate::virtualenv_create(envname) else reticulate::virtualenv_create(envname, python = python)
  }
  index <- if (!is.null(requirements$index)) paste0("--extra-index-url=", requirements$index)
  reticulate::virtualenv_install(envname, packages, ignore_installed = FALSE, pip_options = index)
  message(sprintf(
    "kerasr_bridge %s, Keras and %s are installed in '%s'. Restart R to use them.",
    utils::packageVersion("kerasrbridge"), paste(requirements$packages, collapse = ", "), envname
  ))
  invisible(reticulate::virtualenv_python(envname))
}

# Checked here, in R, unlike every other argument: Python may not exist yet.
install_error <- function(arg, expected, value, call, what = NULL) {
  received <- paste(utils::capture.output(dput(value)), collapse = " ")
  if (nchar(received) > 60L) received <- paste0(substr(received, 1L, 57L), "...")
  if (!is.null(what)) received <- paste0(received, ", ", what)
  structure(class = c("kerasrbridge_ValueError", "kerasrbridge_error", "error", "condition"), list(
    message = sprintf("Invalid `%s`: expected %s; received %s.", arg, expected, received),
    call = call
  ))
}

# The folder reticulate makes the environment in: a path as given (".", "~",
# anything with a slash), a bare name under reticulate's virtualenv root.
environment_folder <- function(envname) {
  if (grepl("[/\\\\~]", envname) || envname %in% c(".", "..")) return(path.expand(envname))
  file.path(reticulate::virtualenv_root(), envname)
}
