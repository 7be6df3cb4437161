# Finding Python and kerasr_bridge: what .onLoad declares, and the message when they cannot be had.

.onLoad <- function(libname, pkgname) {
  bridge <<- reticulate::import(
    "kerasr_bridge",
    delay_load = list(on_error = function(e) stop(bridge_unavailable(e), call. = FALSE))
  )
  # kerasr_bridge imports keras with TensorFlow's start-up lines filtered, so
  # `keras` goes through it; if it cannot be imported, keras still loads and
  # the first layer call says why.
  keras <<- reticulate::import("keras", delay_load = list(
    before_load = function() try(reticulate::import("kerasr_bridge"), silent = TRUE)
  ))
  # Models saved with our registered layer classes must load after library()
  # alone (keras3::load_model(), keras$models$load_model(), ...). Importing
  # kerasr_bridge registers them; doing it when Python first imports keras
  # keeps library() itself from starting Python or TensorFlow.
  on_keras_load(function() reticulate::import("kerasr_bridge"))
  register_tensor_methods()
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

bridge_unavailable <- function(error) {
  python <- tryCatch(reticulate::py_exe(), error = function(e) NULL)
  where <- if (is.null(python)) "the Python that reticulate found" else python
  # The `r` extra pins NumPy < 2, which only reticulate before 1.35 needs.
  extras <- if (utils::packageVersion("reticulate") < "1.35") "cpu,r" else "cpu"
  paste0(
    "kerasrbridge cannot import the Python package 'kerasr_bridge' in ", where, ": ",
    trimws(conditionMessage(error)), "\n",
    "Install it there with `", if (is.null(python)) "python" else python,
    " -m pip install 'kerasr-bridge[", extras, "]'` (from this repository: `pip install -e '.[", extras, "]'`),",
    " or point RETICULATE_PYTHON at a Python that has it, before kerasrbridge is first used.",
    numpy_hint(python)
  )
}

# reticulate before 1.35 cannot load NumPy 2; say so when that Python has it.
numpy_hint <- function(python) {
  if (is.null(python) || utils::packageVersion("reticulate") >= "1.35") return("")
  # Read the installed version without importing NumPy (which may be what failed).
  version <- tryCatch(
    reticulate::py_eval("__import__('importlib.metadata').metadata.version('numpy')"),
    error = function(e) character()
  )
  if (length(version) != 1L || !grepl("^[2-9]\\.", version)) return("")
  paste0(
    "\nThat Python has NumPy ", version, ", which reticulate ", utils::packageVersion("reticulate"),
    " cannot load: install 'numpy<2' there (the 'r' extra does)."
  )
}
