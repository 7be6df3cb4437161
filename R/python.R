# Finding Python and kerasr_bridge: what .onLoad declares, and the one message
# when they cannot be had.
#
# The Python package ships inside this R package (./configure copies the
# root's kerasr_bridge/ into inst/python, installed as
# <library>/kerasrbridge/python), so an installed kerasrbridge always carries
# the Python code of its own version. Where reticulate has py_require()
# (>= 1.41), .onLoad declares it by that folder's path, with Keras and (where
# no other package has declared one) a backend, as keras3 does: reticulate
# then builds a managed environment on first use. A Python the user chose
# (RETICULATE_PYTHON, use_python(), use_virtualenv(), an activated or ./.venv
# environment) always wins; install_kerasrbridge() makes a persistent one.

# The virtual environment install_kerasrbridge() fills by default, and the one
# our imports ask reticulate to look for: keras3's, so that both packages work
# from one environment (see ?install_kerasrbridge).
default_envname <- "r-keras"

.onLoad <- function(libname, pkgname) {
  declare_python_requirements()
  # Failures to import it are reported by bridge_call() (R/bridge.R).
  bridge <<- reticulate::import("kerasr_bridge", delay_load = list(environment = default_envname))
  # kerasr_bridge imports keras with TensorFlow's start-up lines filtered, so
  # `keras` goes through it; if it cannot be imported, keras still loads and
  # the first layer call says why.
  keras <<- reticulate::import("keras", delay_load = list(
    environment = default_envname,
    before_load = function() try(reticulate::import("kerasr_bridge"), silent = TRUE),
    # Our one message, not reticulate's "Python module keras was not found"
    # (which 1.28 follows with its whole configuration).
    on_error = function(error) stop(bridge_unavailable(error))
  ))
  # Models saved with our registered layer classes must load after library()
  # alone (keras3::load_model(), keras$models$load_model(), ...). Importing
  # kerasr_bridge registers them; doing it when Python first imports keras
  # keeps library() itself from starting Python or TensorFlow.
  on_keras_load(function() reticulate::import("kerasr_bridge"))
  register_tensor_methods()
}

# The bundled Python package, as a requirement uv and pip understand:
# "kerasr-bridge @ file:///<library>/kerasrbridge/python".
bundled_python_package <- function() {
  system.file("python", package = "kerasrbridge", mustWork = TRUE)
}

bundled_requirement <- function() {
  path <- normalizePath(bundled_python_package(), winslash = "/")
  if (!startsWith(path, "/")) path <- paste0("/", path) # C:/... on Windows
  paste0("kerasr-bridge @ file://", utils::URLencode(path))
}

# The Keras release our layers are tested with, at least.
keras_requirement <- "keras>=3.15.1"

# py_require() is reticulate's since 1.41; older releases (Debian 12 ships
# 1.28) use the Python the user points at, or install_kerasrbridge()'s.
has_py_require <- function() {
  "py_require" %in% getNamespaceExports("reticulate")
}

declare_python_requirements <- function() {
  if (!has_py_require()) return(invisible())
  py_require <- getExportedValue("reticulate", "py_require")
  py_require(c(bundled_requirement(), keras_requirement))
  # A backend only where nobody has declared one: keras3 and the tensorflow
  # R package declare theirs (keras3's use_backend() replaces any earlier
  # TensorFlow, JAX or PyTorch requirement, ours included, whichever package
  # is attached first).
  if (!any(grepl(backend_pattern, py_require()$packages, perl = TRUE))) {
    backend <- backend_requirements()
    py_require(backend$packages)
    # uv reads its extra package indexes from UV_INDEX (PyTorch's CPU build).
    if (!is.null(backend$index)) add_uv_index(backend$index)
  }
  invisible()
}

backend_pattern <- "^(tensorflow|jax|jaxlib|torch)([-\\[=<>!~ ]|$)"

# The backend KERAS_BACKEND names (TensorFlow if unset), as keras3 chooses
# it: "-cpu"/"-gpu" suffixes as keras3 reads them, a GPU build on Linux where
# an NVIDIA GPU is seen, else the CPU one. A list: the Python `packages`, and
# the extra package `index` they come from (NULL: PyPI alone). The one place
# that decides both, for .onLoad (reticulate's managed environment) and
# install_kerasrbridge() alike.
backend_requirements <- function(backend = Sys.getenv("KERAS_BACKEND", "tensorflow"),
                                 gpu = NA, os = Sys.info()[["sysname"]]) {
  if (endsWith(backend, "-cpu")) gpu <- FALSE
  if (endsWith(backend, "-gpu")) gpu <- TRUE
  backend <- sub("-(cpu|gpu)$", "", backend)
  linux <- identical(os, "Linux")
  if (is.na(gpu)) gpu <- linux && has_nvidia_gpu()
  index <- NULL
  packages <- switch(backend,
    tensorflow = if (!linux) "tensorflow" else if (gpu) "tensorflow[and-cuda]" else "tensorflow-cpu",
    jax = if (!linux) "jax" else if (gpu) "jax[cuda12]" else "jax[cpu]",
    torch = {
      # PyTorch's CPU build is on PyTorch's own index only (keras3 uses the same).
      if (linux && !gpu) index <- "https://download.pytorch.org/whl/cpu"
      "torch"
    },
    # numpy and others: Keras itself brings what they need.
    character()
  )
  list(packages = packages, index = index)
}

has_nvidia_gpu <- function() {
  if (!nzchar(Sys.which("nvidia-smi"))) return(FALSE)
  listed <- tryCatch(
    suppressWarnings(system2("nvidia-smi", "-L", stdout = TRUE, stderr = FALSE)),
    error = function(e) character()
  )
  any(grepl("^GPU [0-9]+: ", listed))
}

add_uv_index <- function(url) {
  old <- Sys.getenv("UV_INDEX")
  indexes <- unique(c(strsplit(old, " ", fixed = TRUE)[[1L]], url))
  Sys.setenv(UV_INDEX = paste(indexes[nzchar(indexes)], collapse = " "))
}

# reticulate's py_register_load_hook() (exported since 1.29); 1.28 runs the
# same "reticulate::<module>::load" hooks but does not export the function.
on_keras_load <- function(hook) {
  if ("py_register_load_hook" %in% getNamespaceExports("reticulate")) {
    getExportedValue("reticulate", "py_register_load_hook")("keras", hook)
  } else if (reticulate::py_available() && "keras" %in% names(reticulate::import("sys")$modules)) {
    hook()
  } else {
    setHook("reticulate::keras::load", hook)
  }
}

# The one message for a Python, or a kerasr_bridge in it, that cannot be had:
# which Python was tried and what to do, in R terms, without reticulate's hint
# line or a traceback. A condition with the classes of our other errors
# (call_bridge() gives it the user's call).
bridge_unavailable <- function(error) {
  python <- tryCatch(reticulate::py_exe(), error = function(e) NULL)
  # Keras or its backend is what failed (KERAS_BACKEND=bogus, a backend not
  # installed): kerasr_bridge's startup_failure.py says so, with the backend,
  # what chose it and what to do.
  cause <- keras_startup_failure(python)
  if (!is.null(cause)) return(unavailable_condition(cause[[2L]], cause[[1L]]))
  reason <- python_error_line(error)
  # Python's own words, or reticulate 1.28's "Python module X was not found."
  missing_module <- regmatches(reason, regexec("No module named '([^']+)'|module (\\S+) was not found", reason))[[1L]]
  missing_module <- if (length(missing_module)) missing_module[nzchar(missing_module)][-1L][1L] else NA
  type <- if (!is.na(missing_module)) "ModuleNotFoundError" else "ImportError"
  if (!is.na(missing_module)) reason <- sprintf("No module named '%s'", missing_module)
  message <- paste0(
    "kerasrbridge cannot use its Python package 'kerasr_bridge'",
    if (is.null(python)) ": no Python could be started" else paste0(" in the Python ", python),
    " (", if (nzchar(reason)) reason else "unknown reason", ").\n",
    unavailable_advice(python)
  )
  unavailable_condition(message, type)
}

unavailable_condition <- function(message, type) {
  classes <- c(paste0("kerasrbridge_", type), "kerasrbridge_error",
               paste0("python.builtin.", c(type, if (type != "ImportError") "ImportError", "Exception")),
               "error", "condition")
  structure(class = classes, list(message = message, call = NULL))
}

# list(type, message) where Keras or its backend cannot be imported; NULL
# otherwise, or where Python itself could not be started.
keras_startup_failure <- function(python) {
  if (is.null(python) || !reticulate::py_available()) return(NULL)
  script <- file.path(bundled_python_package(), "kerasr_bridge", "startup_failure.py")
  tryCatch({
    checker <- reticulate::import("runpy")$run_path(script)
    checker$failure(python, "r")
  }, error = function(e) NULL)
}

# The first line of reticulate's error that is Python's own: no
# "Run `reticulate::py_last_error()`" hint, no traceback.
python_error_line <- function(error) {
  lines <- trimws(strsplit(conditionMessage(error), "\n", fixed = TRUE)[[1L]])
  lines <- lines[nzchar(lines) & !grepl("py_last_error|^Traceback|^File \"|^\\^|^Detailed traceback", lines)]
  if (length(lines)) sub("^Error:\\s*", "", lines[[1L]]) else ""
}

unavailable_advice <- function(python) {
  bundled <- bundled_python_package()
  extras <- if (utils::packageVersion("reticulate") < "1.35") "cpu,r" else "cpu"
  config <- tryCatch(reticulate::py_config(), error = function(e) NULL)
  managed <- isTRUE(config$ephemeral)
  lines <- c(
    if (managed) {
      "reticulate's managed environment lacks it: the Python requirements could not be installed (see uv's messages above)."
    },
    if (!is.null(python) && !managed) {
      sprintf("* Add it to that Python: `%s -m pip install \"%s[%s]\"` (the copy installed with this R package).",
              python, bundled, extras)
    },
    sprintf("* Or run `kerasrbridge::install_kerasrbridge()` once, then restart R: it makes the environment '%s' that later sessions find.",
            default_envname),
    if (has_py_require()) {
      "* Or, with RETICULATE_PYTHON unset and no other Python chosen, let reticulate build one from the requirements this package declares (reticulate::py_require())."
    },
    numpy_hint(python)
  )
  paste(lines, collapse = "\n")
}

# reticulate before 1.35 cannot load NumPy 2; say so when that Python has it.
numpy_hint <- function(python) {
  if (is.null(python) || utils::packageVersion("reticulate") >= "1.35") return(NULL)
  # Read the installed version without importing NumPy (which may be what failed).
  version <- tryCatch(
    reticulate::py_eval("__import__('importlib.metadata').metadata.version('numpy')"),
    error = function(e) character()
  )
  if (length(version) != 1L || !grepl("^[2-9]\\.", version)) return(NULL)
  paste0(
    "* That Python has NumPy ", version, ", which reticulate ", utils::packageVersion("reticulate"),
    " cannot load: install 'numpy<2' there (the 'r' extra does)."
  )
}
