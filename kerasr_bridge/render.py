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

import itertools
import math
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

import numpy as np

from kerasr_bridge.errors import InvalidArgument, InvalidArgumentType
from kerasr_bridge.r_values import RList, RValue, is_r_na

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


# Longest quoted name of a layer or model: a name of any length keeps a message within MAX_MESSAGE_CHARS.
MAX_NAME_CHARS = 40


def name_text(name: str) -> str:
    """A layer's or model's name in a message: quoted, and shortened where long."""
    return repr(name) if len(name) <= MAX_NAME_CHARS - 2 else _shorter_string(name, MAX_NAME_CHARS, repr)


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


def invalid(
    argument: str, expected: str, value: Any, error: type[InvalidArgument | InvalidArgumentType] = InvalidArgument
) -> InvalidArgument | InvalidArgumentType:
    """The error most checks raise: "Invalid `argument`: expected ...; received <value in the caller's syntax>."."""
    return error(f"Invalid `{argument}`: expected {expected}; received {describe(value)}.", argument)


def shape_text(shape: Any) -> str:
    """A shape in a message: ``(None, 28, 28, 3)`` for Python, ``list(NULL, 28, 28, 3)``/``c(28, 28, 3)`` for R."""
    sizes = [None if size is None else int(size) for size in shape]
    return describe(sizes) if CALLER.get() == R else str(tuple(sizes))


# -- Abbreviation --------------------------------------------------------------------------------
# A quoted value keeps its summary whole (the length of a list or vector, the shape of an array,
# the number of characters of a long string): what is shortened to fit is the quoted elements,
# first each of them (fewer significant digits, fewer characters, fewer elements of a nested
# list), and only then their number.

# The narrowest an element gets before one element fewer is shown ("-2e-300" fits).
_MIN_ELEMENT_CHARS = 8

# An element renderer: the element in at most `width` characters, and whether that is its full,
# exact rendering.
_Render = Callable[[Any, int], tuple[str, bool]]


def _joined(items: Sequence[Any], total: int, render: _Render, budget: int) -> tuple[str, bool]:
    """The first elements of a sequence of ``total`` joined by ", " within ``budget`` characters.

    Each element first gets the whole room; where they do not fit together, an equal share; where
    a share is too narrow, one element fewer is shown. ", ..." marks elements left out.
    """
    count = min(len(items), SHOWN_ELEMENTS)
    while count:
        more = ", ..." if total > count else ""
        room = budget - 2 * (count - 1) - len(more)
        for width in dict.fromkeys((room, room // count)):
            if width < _MIN_ELEMENT_CHARS:
                continue
            parts = [render(item, width) for item in items[:count]]
            text = ", ".join(part for part, _ in parts) + more
            if len(text) <= budget:
                return text, not more and all(exact for _, exact in parts)
        count -= 1
    return ("...", False) if total else ("", True)


def _shorter_number(number: float, width: int) -> str | None:
    """A finite float with as many significant digits as fit in ``width`` characters (at least one)."""
    if not math.isfinite(number):
        return None
    for digits in range(15, 0, -1):
        text = format(number, f".{digits}g")
        if len(text) <= width:
            return text
    return None


def _shorter_string(text: str, width: int, quote: Callable[[str], str]) -> str:
    """``text`` quoted by ``quote``, its end replaced by "..." inside the quotes so that it fits ``width``."""
    keep = max(width - 5, 0)
    while keep and len(quote(text[:keep] + "...")) > width:
        keep -= 1
    return quote(text[:keep] + "...")


# -- Python syntax -------------------------------------------------------------------------------


def _python_value(value: Any) -> str:
    if isinstance(value, np.ndarray):
        return _python_array(value)
    name = type(value).__name__
    if isinstance(value, (list, tuple, dict, str)):
        text, exact = _python_scalar(value, MAX_VALUE_CHARS - len(f" ({name})"))
        if exact:
            return f"{text} ({name})"
        if isinstance(value, str):
            summary = f" (str of {len(value)} characters)"
        elif isinstance(value, dict):
            summary = f" (dict of {len(value)} entries)"
        else:
            summary = f" ({name} of length {len(value)})"
        return _python_scalar(value, MAX_VALUE_CHARS - len(summary))[0] + summary
    if _is_array_like(value):
        package = type(value).__module__.partition(".")[0]
        return f"a {package} {name} of shape {tuple(value.shape)} and dtype {value.dtype}"
    return f"{bounded(repr(value), MAX_VALUE_CHARS - 20)} ({name})"


def _is_array_like(value: Any) -> bool:
    """A tensor-like object (a SparseTensor, ...) quoted by its shape and dtype, not a repr cut midway."""
    return hasattr(value, "shape") and hasattr(value, "dtype") and not isinstance(value, np.generic)


def _python_scalar(item: Any, width: int) -> tuple[str, bool]:
    """``item`` in Python syntax in at most ``width`` characters, and whether that is its exact repr."""
    if isinstance(item, (list, tuple)):
        opening, closing = ("[", "]") if isinstance(item, list) else ("(", ",)" if len(item) == 1 else ")")
        body, exact = _joined(item, len(item), _python_scalar, width - len(opening) - len(closing))
        return opening + body + closing, exact
    if isinstance(item, dict):
        entries = list(itertools.islice(item.items(), SHOWN_ELEMENTS))
        body, exact = _joined(entries, len(item), _python_entry, width - 2)
        return "{" + body + "}", exact
    if _is_array_like(item):  # summarised, never cut inside its parentheses
        text = repr(item) if isinstance(item, np.ndarray) and item.size <= SHOWN_ELEMENTS else ""
        if text and len(text) <= width and "\n" not in text:
            return text, True
        shape = tuple(int(size) for size in item.shape) if item.shape is not None else None
        return _first_fitting([f"array of shape {shape} and dtype {item.dtype}", f"array of shape {shape}"],
                              "array", width), False
    text = repr(item)
    if len(text) <= width:
        return text, True
    if isinstance(item, float):
        shorter = _shorter_number(item, width)
        if shorter is not None:
            return shorter, False
    if isinstance(item, str):
        return _shorter_string(item, width, repr), False
    return bounded(text, width), False


def _python_entry(entry: tuple[Any, Any], width: int) -> tuple[str, bool]:
    key, key_exact = _python_scalar(entry[0], 20)
    value, exact = _python_scalar(entry[1], width - len(key) - 2)
    return f"{key}: {value}", key_exact and exact


def _python_array(array: np.ndarray) -> str:
    if array.ndim == 0:
        return f"a 0-d array {_python_scalar(array.item(), 60)[0]} of dtype {array.dtype}"
    if array.size <= SHOWN_ELEMENTS:
        text = f"array {np.array2string(array, separator=', ')} of dtype {array.dtype}"
        if len(text) <= MAX_VALUE_CHARS:
            return text
    head = f"an array of shape {array.shape} and dtype {array.dtype} (["
    # .flat slices without copying the whole array.
    first = np.asarray(array.flat[:SHOWN_ELEMENTS]).tolist()
    body, _ = _joined(first, array.size, _python_scalar, MAX_VALUE_CHARS - len(head) - 2)
    return f"{head}{body}])"


# -- R syntax ------------------------------------------------------------------------------------


# As R's print() escapes a string: its named escapes, other control characters in octal.
_R_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": "\\r", "\a": "\\a", "\b": "\\b",
              "\f": "\\f", "\v": "\\v"}


def _r_string(text: str) -> str:
    """``text`` as an R string literal: control characters escaped, never raw (a newline, a terminal escape)."""
    escaped = "".join(
        _R_ESCAPES.get(char) or (f"\\{ord(char):03o}" if ord(char) < 0x20 or ord(char) == 0x7F else char)
        for char in text
    )
    return f'"{escaped}"'


def _r_number(number: float) -> str:
    """A finite double as R prints it (up to 15 significant digits, -0 as 0), with all the digits it needs
    where those 15 would show another number (3 - 1e-15 is not 3)."""
    if number == 0:
        return "0"
    text = format(number, ".15g")
    return text if float(text) == number else repr(number)


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
        return _r_number(number)
    if isinstance(item, str):
        return _r_string(bounded(item, 40))
    if isinstance(item, (complex, np.complexfloating)):
        # As R prints a complex number: 3+0i, 1-3.5i.
        imaginary = float(item.imag)
        sign = "-" if imaginary < 0 or (imaginary == 0 and math.copysign(1, imaginary) < 0) else "+"
        return f"{_r_scalar(float(item.real))}{sign}{_r_scalar(abs(imaginary))}i"
    if isinstance(item, (bytes, bytearray, np.void)):
        # R's raw values: a raw vector arrives as a bytearray, an element of a raw array as bytes.
        raw = bytes(item)
        if len(raw) == 1:
            return f"as.raw(0x{raw[0]:02x})"
        shown = ", ".join(f"0x{byte:02x}" for byte in raw[:SHOWN_ELEMENTS])
        more = ", ..." if len(raw) > SHOWN_ELEMENTS else ""
        length = f" (a raw vector of length {len(raw)})" if more else ""
        return f"as.raw(c({shown}{more})){length}"
    if isinstance(item, RValue):
        return item.description
    if callable(item):
        return "a function"
    if _is_array_like(item):
        try:
            dims = ", ".join("NA" if size is None else str(int(size)) for size in item.shape)
        except (TypeError, ValueError):
            dims = "NA"
        kind = f"{type(item).__module__.partition('.')[0]} {type(item).__name__}"
        return f"a {kind} of dim c({dims}) and dtype {item.dtype}"
    return f"a Python object of class {type(item).__module__}.{type(item).__qualname__}"


def _is_scalar(item: Any) -> bool:
    return item is None or isinstance(item, (bool, int, float, complex, str, np.generic))


def _first_fitting(candidates: list[str], last: str, width: int) -> str:
    """The first of ``candidates`` (longest first) that fits in ``width`` characters, else ``last``."""
    return next((text for text in candidates if len(text) <= width), last)


def _r_element(item: Any, width: int) -> tuple[str, bool]:
    """``item`` in R syntax in at most ``width`` characters, and whether that is its full rendering."""
    if isinstance(item, np.ndarray):
        text = _r_array(item)
        if len(text) <= width:
            return text, True
        # Summarised, never cut inside its parentheses.
        kind = _r_array_kind(item)
        dims = ", ".join(map(str, item.shape))
        return _first_fitting([f"a {kind} array of dim c({dims})", f"a {kind} array"], "an array", width), False
    if isinstance(item, (Mapping, list, tuple)):
        return _r_sequence(item, width)
    text = _r_scalar(item)
    # _r_scalar quotes at most 40 characters of a string.
    exact = not isinstance(item, str) or len(item) <= 40
    if len(text) <= width:
        return text, exact
    if isinstance(item, (float, np.floating)) and not is_r_na(item):
        shorter = _shorter_number(float(item), width)
        if shorter is not None:
            return shorter, False
    if isinstance(item, str):
        return _shorter_string(item, width, _r_scalar), False
    return bounded(text, width), False


def _r_sequence(value: Mapping[Any, Any] | list[Any] | tuple[Any, ...], width: int) -> tuple[str, bool]:
    """``c(...)`` or ``list(...)`` in at most ``width`` characters, and whether it shows every element whole."""
    if isinstance(value, Mapping):
        entries = list(itertools.islice(value.items(), SHOWN_ELEMENTS))
        body, exact = _joined(entries, len(value), _r_entry, width - len("list()"))
        return f"list({body})", exact
    # reticulate turns an atomic vector into a list of scalars: that reads as c(...).
    function = _r_function(value)
    body, exact = _joined(list(value[:SHOWN_ELEMENTS]), len(value), _r_element, width - len(function) - 2)
    return f"{function}({body})", exact


def _r_function(value: list[Any] | tuple[Any, ...]) -> str:
    # An unnamed R list (see to_python() in R/bridge.R) reads list(...), as R writes it.
    if isinstance(value, RList):
        return "list"
    return "c" if value and all(_is_scalar(item) and item is not None for item in value) else "list"


def _r_entry(entry: tuple[Any, Any], width: int) -> tuple[str, bool]:
    key = bounded(str(entry[0]), 20)
    value, exact = _r_element(entry[1], width - len(key) - 3)
    return f"{key} = {value}", exact and key == str(entry[0])


def _r_value(value: Any) -> str:
    if isinstance(value, np.ndarray):
        return _r_array(value)
    if not isinstance(value, (Mapping, list, tuple, str)):
        return _r_scalar(value)
    text, exact = _r_element(value, MAX_VALUE_CHARS)
    if exact and (isinstance(value, str) or len(value) <= SHOWN_ELEMENTS):
        return text
    if isinstance(value, str):
        summary = f" (a string of {len(value)} characters)"
    else:
        noun = "vector" if not isinstance(value, Mapping) and _r_function(value) == "c" else "list"
        summary = f" (a {noun} of length {len(value)})"
    return _r_element(value, MAX_VALUE_CHARS - len(summary))[0] + summary


# R's names for what reticulate makes of an R array (a character array becomes NumPy objects holding
# str, a raw array single bytes). Other dtypes (bfloat16, ...) have no R type and keep NumPy's name.
_R_ARRAY_KINDS = {
    "b": "logical",
    "i": "integer",
    "u": "integer",
    "f": "double",
    "c": "complex",
    "U": "character",
    "O": "character",
    "S": "raw",
    "V": "raw",
}


def _r_array_kind(array: np.ndarray) -> str:
    kind = _R_ARRAY_KINDS.get(array.dtype.kind, str(array.dtype))
    if array.dtype.kind == "O" and not all(isinstance(item, str) for item in array.flat[:SHOWN_ELEMENTS]):
        kind = "list"
    return kind


def _r_array(array: np.ndarray) -> str:
    if array.ndim == 0:
        return _r_scalar(array.item())
    kind = _r_array_kind(array)
    dims = ", ".join(map(str, array.shape))
    head = f"a {kind} array of dim c({dims}) (c("
    # R arrays arrive in Fortran order: R's own element order, which is the C order of the
    # transpose (sliced without copying the whole array).
    first = np.asarray(array.T.flat[:SHOWN_ELEMENTS]).tolist()
    body, _ = _joined(first, array.size, _r_element, MAX_VALUE_CHARS - len(head) - 2)
    return f"{head}{body}))"


# -- The backend's and the user's own texts ------------------------------------------------------
# What an exception raised inside Keras says, cleaned for our messages: no ANSI escapes, no Keras
# call frame, no TensorFlow function-node, op or device names.

_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
_FUNCTION_NODE = re.compile(r"\{\{function_node [^}]*\}\}\s*")
_OP_SUFFIX = re.compile(r"\s*\[Op:[^\]]*\].*$")
_DEVICE = re.compile(r" (?:on|by) (?:/job:|allocator )\S+")
# The lines Keras adds around an exception raised in a layer's call.
KERAS_FRAME = ("Exception encountered when calling", "Arguments received by", "\u2022")


def message_lines(text: str) -> list[str]:
    """The non-empty lines of an exception's text, stripped, without ANSI escapes or Keras's call frame."""
    lines = [line.strip() for line in _ANSI.sub("", text).splitlines()]
    return [line for line in lines if line and not line.startswith(KERAS_FRAME)]


def backend_reason(error: BaseException) -> str:
    """The backend's own words, short: no ANSI escapes, no Keras call frame, no op or device names."""
    lines = message_lines(str(error))
    reason = without_backend_noise(lines[0] if lines else "").rstrip(" .:")
    return bounded(reason or type(error).__name__, 160)


def without_backend_noise(text: str) -> str:
    """``text`` without TensorFlow's function-node, op and device names."""
    return _DEVICE.sub("", _OP_SUFFIX.sub("", _FUNCTION_NODE.sub("", text)))
