"""The layer's own arguments, as R (through reticulate) or Python deliver them, turned into Keras arguments.

Numbers, tuples of numbers, choices and logicals: each check is written
once, so R and Python users read the same messages. Each error names the
argument and shows the value received; nothing is silently truncated (keras3
builds ``kernel_size = 2.5`` as 2, we refuse it). Names, configs and functions
that stand for Keras objects are resolved in :mod:`kerasr_bridge.keras_objects`;
the older R keras arguments in :mod:`kerasr_bridge.extra_arguments`.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from kerasr_bridge.errors import INVALID, InvalidArgument, InvalidArgumentType
from kerasr_bridge.render import describe, invalid, spell

# R's integers are 32-bit; anything beyond cannot be a sensible size either.
MAX_SIZE = 2**31 - 1

PADDINGS = ("valid", "same")
DATA_FORMATS = ("channels_last", "channels_first")


def as_positive_int(value: Any, arg: str, *, minimum: int = 1) -> int:
    """A whole number >= ``minimum``; R doubles such as ``3.0`` are accepted."""
    # Fast path for what Python (int) and R (double) usually pass; the general
    # checks below accept these values with the same result.
    kind = type(value)
    if kind is int or (kind is float and value.is_integer()):
        number = int(value)
        if minimum <= number <= MAX_SIZE:
            return number
    expected = f"a whole number >= {minimum}"
    if isinstance(value, np.ndarray) and value.ndim == 0:
        value = value.item()
    # bool is an int subclass: TRUE is no size.
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise invalid(arg, expected, value, InvalidArgumentType)
    if isinstance(value, numbers.Integral):
        number = int(value)
    else:
        as_float = float(value)
        if not math.isfinite(as_float) or not as_float.is_integer():
            raise invalid(arg, expected, value)
        number = int(as_float)
    if number < minimum:
        raise invalid(arg, expected, value)
    if number > MAX_SIZE:
        raise invalid(arg, f"{expected} and <= {MAX_SIZE}", value)
    return number


def _elements(value: Any, arg: str, rank: int) -> list[Any]:
    if isinstance(value, np.ndarray):
        if value.ndim > 1:
            raise invalid(arg, f"a number or a vector of {rank}", value, InvalidArgumentType)
        return list(value.reshape(-1))
    if isinstance(value, (list, tuple)):
        return list(value)
    return [value]


def as_int_tuple(value: Any, arg: str, rank: int, *, minimum: int = 1) -> tuple[int, ...]:
    """A scalar (repeated ``rank`` times) or a list/tuple/vector of ``rank`` whole numbers."""
    if isinstance(value, Mapping):  # an R named list: sizes go by position, so names mean a mistake
        several = ", not a named list" if rank == 1 else f" or an unnamed list of {rank} of them"
        raise invalid(arg, f"a whole number >= {minimum}{several}", value, InvalidArgumentType)
    items = _elements(value, arg, rank)
    if len(items) == 1 and items[0] is value:
        return (as_positive_int(value, arg, minimum=minimum),) * rank
    if len(items) == 1:
        items = items * rank
    if len(items) != rank:
        noun = "number" if rank == 1 else f"number or a list of {rank} whole numbers"
        raise invalid(arg, f"a whole {noun}", value)
    checked = []
    for item in items:
        try:
            checked.append(as_positive_int(item, arg, minimum=minimum))
        except INVALID as error:
            # Report the whole value the user passed, not just the bad element.
            expected = f"whole numbers >= {minimum}" + ("" if rank == 1 else f", {rank} of them")
            raise invalid(arg, expected, value, type(error)) from None
    return tuple(checked)


def as_choice(value: Any, arg: str, choices: Sequence[str]) -> str:
    """A case-insensitive string among ``choices``."""
    if isinstance(value, np.ndarray) and value.ndim == 0:
        value = value.item()
    if isinstance(value, str) and value.lower() in choices:
        return value.lower()
    expected = "one of " + ", ".join(f'"{c}"' for c in choices)
    if not isinstance(value, str):
        raise invalid(arg, expected, value, InvalidArgumentType)
    raise invalid(arg, expected, value)


def as_padding(value: Any) -> str:
    if isinstance(value, str) and value.lower() == "causal":
        raise InvalidArgument(
            'Invalid `padding`: "causal" padding is not supported by depthwise or separable '
            f'convolution; expected "valid" or "same"; received {describe(value)}.',
            "padding",
        )
    return as_choice(value, "padding", PADDINGS)


def as_data_format(value: Any) -> str:
    if value is None:
        import keras

        return keras.config.image_data_format()
    return as_choice(value, "data_format", DATA_FORMATS)


def as_bool(value: Any, arg: str) -> bool:
    if isinstance(value, np.ndarray) and value.ndim == 0:
        value = value.item()
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    raise invalid(arg, spell("True or False", "TRUE or FALSE"), value, InvalidArgumentType)


def as_string(value: Any, arg: str) -> str:
    if isinstance(value, str) and value:
        return value
    raise invalid(arg, "a non-empty string", value, InvalidArgumentType)
