"""Render received values for error messages, in the caller's language.

Every message is composed once, in Python; only the quoted value (and a few
words such as ``None``/``NULL``) differ by language. Python callers read
Python syntax (``2.5 (float)``, ``[3, None]``); calls that come from R through
:func:`kerasr_bridge.from_r.call` read R syntax (``2.5``, ``c(3, NA)``,
``list(a = 3)``, ``TRUE``, ``NULL``). The caller is a context variable, set
for the duration of one call, so no check needs to know who called it.

Renderings are bounded: a long vector shows its first elements and its
length, an array its first elements and its shape, so no message grows with
its input (reticulate 1.28 garbles R error messages of about 1,000
characters).
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

import numpy as np

from kerasr_bridge.r_values import RValue, is_r_na

PYTHON = "python"
R = "r"
CALLER: ContextVar[str] = ContextVar("kerasr_bridge_caller", default=PYTHON)

# How many elements of a vector, list or array a message quotes.
SHOWN_ELEMENTS = 5
# Longest rendering of one value, and of a whole message.
MAX_VALUE_CHARS = 120
MAX_MESSAGE_CHARS = 300

@contextmanager
def caller(language: str) -> Iterator[None]:
    """Render values for ``language`` (``"python"`` or ``"r"``) inside the block."""
    token = CALLER.set(language)
    try:
        yield
    finally:
        CALLER.reset(token)


def spell(python: str, r: str) -> str:
    """The word(s) of a message that differ by language, e.g. ``spell("None", "NULL")``."""
    return r if CALLER.get() == R else python


def bounded(text: str, limit: int = MAX_VALUE_CHARS) -> str:
    """``text`` cut to ``limit`` characters, marked with an ellipsis where cut."""
    return text if len(text) <= limit else text[: limit - 3] + "..."


def describe(value: Any) -> str:
    """A short rendering of a received value, for the caller's language."""
    if CALLER.get() == R:
        return bounded(_r_value(value))
    return bounded(_python_value(value))


def shape_text(shape: Any) -> str:
    """A shape in a message: ``(None, 28, 28, 3)`` for Python, ``list(NULL, 28, 28, 3)``/``c(28, 28, 3)`` for R."""
    sizes = [None if size is None else int(size) for size in shape]
    return describe(sizes) if CALLER.get() == R else str(tuple(sizes))


# -- Python syntax -------------------------------------------------------------------------------


def _python_value(value: Any) -> str:
    if isinstance(value, np.ndarray):
        return _python_array(value)
    if isinstance(value, (list, tuple)) and len(value) > SHOWN_ELEMENTS:
        shown = ", ".join(_python_scalar(item) for item in value[:SHOWN_ELEMENTS])
        opening, closing = ("[", "]") if isinstance(value, list) else ("(", ")")
        return f"{opening}{shown}, ...{closing} ({type(value).__name__} of length {len(value)})"
    if isinstance(value, dict) and len(value) > SHOWN_ELEMENTS:
        return f"a dict of {len(value)} entries"
    return f"{bounded(repr(value), MAX_VALUE_CHARS - 20)} ({type(value).__name__})"


def _python_scalar(item: Any) -> str:
    return bounded(repr(item), 20)


def _python_array(array: np.ndarray) -> str:
    if array.ndim == 0:
        return f"a 0-d array {array.item()!r} of dtype {array.dtype}"
    if array.size <= SHOWN_ELEMENTS:
        return f"array {np.array2string(array, separator=', ')} of dtype {array.dtype}"
    flat = array.reshape(-1)
    shown = ", ".join(_python_scalar(item) for item in flat[:SHOWN_ELEMENTS].tolist())
    more = ", ..." if flat.size > SHOWN_ELEMENTS else ""
    return f"an array of shape {array.shape} and dtype {array.dtype} ([{shown}{more}])"


# -- R syntax ------------------------------------------------------------------------------------


def _r_scalar(item: Any) -> str:
    if item is None:
        return "NULL"
    if isinstance(item, (bool, np.bool_)):
        return "TRUE" if item else "FALSE"
    if isinstance(item, (int, np.integer)):
        return str(int(item))
    if isinstance(item, (float, np.floating)):
        number = float(item)
        if math.isnan(number):
            return "NA" if is_r_na(number) else "NaN"
        if math.isinf(number):
            return "Inf" if number > 0 else "-Inf"
        return format(number, ".15g")
    if isinstance(item, str):
        return '"' + bounded(item, 40).replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(item, RValue):
        return item.description
    if callable(item):
        return "a function"
    return f"a Python object of class {type(item).__module__}.{type(item).__qualname__}"


def _is_scalar(item: Any) -> bool:
    return item is None or isinstance(item, (bool, int, float, str, np.generic))


def _r_elements(items: list[Any]) -> str:
    shown = ", ".join(_r_value(item) for item in items[:SHOWN_ELEMENTS])
    return shown + (", ..." if len(items) > SHOWN_ELEMENTS else "")


def _r_value(value: Any) -> str:
    if isinstance(value, np.ndarray):
        return _r_array(value)
    if isinstance(value, Mapping):
        items = list(value.items())
        shown = ", ".join(f"{key} = {_r_value(item)}" for key, item in items[:SHOWN_ELEMENTS])
        more = ", ..." if len(items) > SHOWN_ELEMENTS else ""
        suffix = f" (a list of length {len(items)})" if more else ""
        return f"list({shown}{more}){suffix}"
    if isinstance(value, (list, tuple)):
        # reticulate turns an atomic vector into a list of scalars: that reads as c(...).
        items = list(value)
        function = "c" if items and all(_is_scalar(item) and item is not None for item in items) else "list"
        noun = "vector" if function == "c" else "list"
        suffix = f" (a {noun} of length {len(items)})" if len(items) > SHOWN_ELEMENTS else ""
        return f"{function}({_r_elements(items)}){suffix}"
    return _r_scalar(value)


def _r_array(array: np.ndarray) -> str:
    if array.ndim == 0:
        return _r_scalar(array.item())
    # R arrays arrive in Fortran order: R's own element order.
    flat = array.ravel(order="F")[:SHOWN_ELEMENTS + 1].tolist()
    kind = {"b": "logical", "i": "integer", "u": "integer", "f": "double"}.get(array.dtype.kind, str(array.dtype))
    dims = ", ".join(map(str, array.shape))
    return f"a {kind} array of dim c({dims}) (c({_r_elements(flat)}))"
