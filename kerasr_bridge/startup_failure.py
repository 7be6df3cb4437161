"""Why ``import kerasr_bridge`` fails, said in one short message: the backend, what chose it, what to do.

The package cannot say this itself when it is the package that cannot be
imported, so this file imports nothing of it (the standard library only): the
R package runs it by path (``runpy.run_path``, R/python.R) when its Python
half cannot be loaded, and calls :func:`failure`. Keras's own words for these
cases ("Unable to import backend : bogus", or a ``ModuleNotFoundError`` raised
deep in its backend package) would otherwise reach R users as a missing
``kerasr_bridge``.
"""

from __future__ import annotations

import importlib
import json
import os

# The backends Keras 3 knows, each with the module its import needs and the pip package that brings it.
BACKEND_PACKAGES = {
    "tensorflow": ("tensorflow", "tensorflow"),
    "jax": ("jax", "jax"),
    "torch": ("torch", "torch"),
    "numpy": ("numpy", "numpy"),
    "openvino": ("openvino", "openvino"),
}
USUAL_BACKENDS = '"tensorflow", "jax" or "torch"'


def chosen_backend() -> tuple[str, str]:
    """The backend Keras will try, and what chose it (as Keras decides: KERAS_BACKEND, then keras.json)."""
    backend = os.environ.get("KERAS_BACKEND")
    if backend:
        return backend, "chosen by KERAS_BACKEND"
    home = os.environ.get("KERAS_HOME") or os.path.join(os.path.expanduser("~"), ".keras")
    config = os.path.join(home, "keras.json")
    try:
        with open(config, encoding="utf-8") as file:
            backend = json.load(file).get("backend")
    except (OSError, ValueError, AttributeError):
        backend = None
    if isinstance(backend, str) and backend:
        return backend, f"chosen by {config}"
    return "tensorflow", "Keras's default"


def _how_to_set(language: str) -> str:
    """Where the user sets KERAS_BACKEND: before Python starts, so in R a new session."""
    return " (in R: Sys.setenv() in a new session)" if language == "r" else ""


# A message's bound: the package's (kerasr_bridge.render.MAX_MESSAGE_CHARS), which this file cannot import.
MAX_MESSAGE_CHARS = 300


def _with_python(template: str, python: str) -> str:
    """``template`` with the Python's path in its ``{python}`` slot, the path's start elided where the whole
    message would pass its bound."""
    room = MAX_MESSAGE_CHARS - (len(template) - len("{python}"))
    if len(python) > room:
        python = "..." + python[-max(room - 3, 8) :]
    return template.replace("{python}", python)


def message_for(error: BaseException, python: str, backend: str, chooser: str, language: str) -> tuple[str, str] | None:
    """(error type, message) for an import failure of Keras or its backend; None for any other failure.

    The Python is named once, in the command that installs what is missing into it.
    """
    missing = error.name if isinstance(error, ModuleNotFoundError) and error.name else ""
    top = missing.split(".")[0]
    if top == "keras":
        return "ModuleNotFoundError", _with_python(
            "Keras is not installed in this Python: `{python} -m pip install keras` adds it"
            + (", or run install_kerasrbridge()." if language == "r" else "."),
            python,
        )
    if backend not in BACKEND_PACKAGES:
        return "ImportError", (
            f'Keras has no backend "{backend}" ({chooser}): '
            f"set KERAS_BACKEND to {USUAL_BACKENDS}{_how_to_set(language)}."
        )
    module, package = BACKEND_PACKAGES[backend]
    if top == module:
        return "ModuleNotFoundError", _with_python(
            f'Keras\'s backend "{backend}" ({chooser}) is not installed in this Python: '
            f"`{{python}} -m pip install {package}` adds it, or choose another with KERAS_BACKEND"
            f"{_how_to_set(language)}.",
            python,
        )
    return None


def failure(python: str, language: str = "python") -> tuple[str, str] | None:
    """Import kerasr_bridge; where Keras or its backend is why it fails, (error type, our message); else None."""
    try:
        # By name: this file diagnoses the package from outside it (nothing in the package imports it).
        importlib.import_module("kerasr_bridge")
    except Exception as error:  # whatever Keras's import raises: the message decides below
        backend, chooser = chosen_backend()
        return message_for(error, python, backend, chooser, language)
    return None
