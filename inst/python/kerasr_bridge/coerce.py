"""Turn values as R (through reticulate) or Python deliver them into Keras arguments.

Every check lives here once, so R and Python users read the same messages.
Each error names the argument and shows the value received; nothing is
silently truncated (keras3 builds ``kernel_size = 2.5`` as 2, we refuse it).
"""

from __future__ import annotations

import functools
import math
import numbers
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

from kerasr_bridge.render import MAX_MESSAGE_CHARS, bounded, describe, spell

# R's integers are 32-bit; anything beyond cannot be a sensible size either.
MAX_SIZE = 2**31 - 1

PADDINGS = ("valid", "same")
DATA_FORMATS = ("channels_last", "channels_first")


def invalid(arg: str, expected: str, value: Any, error: type[Exception] = ValueError) -> Exception:
    """The error every check raises: "Invalid `arg`: expected ...; received ..."."""
    return error(f"Invalid `{arg}`: expected {expected}; received {describe(value)}.")


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
        raise invalid(arg, expected, value, TypeError)
    if isinstance(value, numbers.Integral):
        number = int(value)
    else:
        as_float = float(value)
        if not math.isfinite(as_float) or not as_float.is_integer():
            raise invalid(arg, expected, value)
        number = int(as_float)
    if number < minimum or number > MAX_SIZE:
        raise invalid(arg, f"{expected} and <= {MAX_SIZE}", value)
    return number


def _elements(value: Any, arg: str, rank: int) -> list[Any]:
    if isinstance(value, np.ndarray):
        if value.ndim > 1:
            raise invalid(arg, f"a number or a vector of {rank}", value, TypeError)
        return list(value.reshape(-1))
    if isinstance(value, (list, tuple)):
        return list(value)
    return [value]


def as_int_tuple(value: Any, arg: str, rank: int, *, minimum: int = 1) -> tuple[int, ...]:
    """A scalar (repeated ``rank`` times) or a list/tuple/vector of ``rank`` whole numbers."""
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
        except (TypeError, ValueError) as error:
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
        raise invalid(arg, expected, value, TypeError)
    raise invalid(arg, expected, value)


def as_padding(value: Any) -> str:
    if isinstance(value, str) and value.lower() == "causal":
        raise ValueError(
            'Invalid `padding`: "causal" padding is not supported by depthwise '
            f'convolution; expected "valid" or "same"; received {describe(value)}.'
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
    raise invalid(arg, spell("True or False", "TRUE or FALSE"), value, TypeError)


def as_string(value: Any, arg: str) -> str:
    if isinstance(value, str) and value:
        return value
    raise invalid(arg, "a non-empty string", value, TypeError)


# (getter, name) pairs known to name one of Keras's own objects; see as_keras_object.
_KERAS_NAMES: set[tuple[Callable[[Any], Any], str]] = set()


def as_keras_object(value: Any, arg: str, getter: Callable[[Any], Any], kind: str) -> Any:
    """Resolve a name, config dict, Keras object or callable through ``keras.<kind>.get``.

    A name of one of Keras's own objects (``"glorot_uniform"``) is checked once
    and then returned as the name: the layer resolves it with the same
    ``keras.<kind>.get`` when it is created, and resolving it here too doubled
    that cost (a quarter of our construction overhead, for the two default
    initializers).
    """
    if value is None:
        return None
    if isinstance(value, str) and (getter, value) in _KERAS_NAMES:
        return value
    if not isinstance(value, (str, Mapping)) and not callable(value):
        article = "an" if kind[0] in "aeiou" else "a"
        raise invalid(arg, f"{article} {kind} name, a Keras {kind} object or a function", value, TypeError)
    try:
        resolved = getter(value)
    except (ValueError, TypeError) as error:
        raise invalid(arg, f"a known {kind} name, a Keras {kind} object or a function", value) from error
    if resolved is None:
        raise invalid(arg, f"a known {kind} name, a Keras {kind} object or a function", value)
    if isinstance(value, str) and getattr(resolved, "__module__", "").startswith("keras."):
        _KERAS_NAMES.add((getter, value))
        return value
    if not isinstance(value, str):
        check_callable(resolved, arg, kind)
    return resolved


@functools.cache
def _keras_kinds() -> dict[str, type]:
    """Keras's callable objects by kind; an object of one kind is refused where another is expected."""
    import keras

    return {
        "initializer": keras.initializers.Initializer,
        "regularizer": keras.regularizers.Regularizer,
        "constraint": keras.constraints.Constraint,
        "layer": keras.layers.Layer,
        "loss": keras.losses.Loss,
        "metric": keras.metrics.Metric,
        "optimizer": keras.optimizers.Optimizer,
    }


# What Keras may be given for each kind (an activation may be a layer, e.g. LeakyReLU()).
_ACCEPTED_KERAS_KINDS = {
    "activation": ("layer",),
    "initializer": ("initializer",),
    "regularizer": ("regularizer",),
    "constraint": ("constraint",),
}


def _expected_callable(kind: str) -> str:
    one_tensor = "a function of one argument (the tensor)"
    return {
        "activation": f"an activation name, a Keras activation layer or {one_tensor}",
        "initializer": (
            f"an initializer name, a Keras initializer or a function of (shape, {spell('dtype=None', 'dtype = NULL')})"
        ),
        "regularizer": f"a regularizer name, a Keras regularizer or {one_tensor}",
        "constraint": f"a constraint name, a Keras constraint or {one_tensor}",
    }[kind]


def check_callable(value: Any, arg: str, kind: str) -> None:
    """Refuse, at construction, what Keras would only fail to call later (in a call or in fit()).

    A Keras object must be of the expected kind (no initializer as activation, no
    layer as regularizer). Any other callable must accept the call Keras makes:
    ``f(x)`` for an activation, regularizer or constraint, ``f(shape, dtype=...)``
    for an initializer. R functions arrive as reticulate's wrapper, whose signature
    is ``(*args, **kwargs)``: it binds every call, so they pass here unless the R
    side wraps them with their own formals (``reticulate::py_func``). We do not
    probe them by calling: that runs user code (and a TensorFlow op) at
    construction and cannot tell a wrong arity from a failure for another reason.
    """
    import inspect

    accepted = _ACCEPTED_KERAS_KINDS[kind]
    for name, cls in _keras_kinds().items():
        is_instance = isinstance(value, cls)
        if is_instance or (inspect.isclass(value) and issubclass(value, cls)):
            if name in accepted and is_instance:
                return
            what = f"a Keras {name}" if is_instance else f"the Keras {name} class"
            raise TypeError(
                f"Invalid `{arg}`: expected {_expected_callable(kind)}; received {what} ({_class_name(value)})."
            )
    try:
        signature = inspect.signature(value)
    except (TypeError, ValueError):  # no signature to read (NumPy ufuncs, some builtins): Keras will tell
        return
    try:
        if kind == "initializer":
            signature.bind((1,), dtype="float32")
        else:
            signature.bind(None)
    except TypeError:
        message = (
            f"Invalid `{arg}`: expected {_expected_callable(kind)}; received {describe(value)} "
            f"with arguments {bounded(str(signature), 60)}."
        )
        raise TypeError(bounded(message, MAX_MESSAGE_CHARS)) from None


def _class_name(value: Any) -> str:
    return value.__name__ if isinstance(value, type) else type(value).__name__


def as_shape(value: Any, arg: str) -> tuple[int | None, ...]:
    """A shape such as ``c(28, 28, 3)`` or ``list(NULL, 28, 28, 3)``; NULL/None marks an unknown size."""
    if isinstance(value, numbers.Real) and not isinstance(value, (bool, np.bool_)):
        value = [value]
    if isinstance(value, np.ndarray):
        value = list(value.reshape(-1)) if value.ndim <= 1 else None
    if not isinstance(value, (list, tuple)) or not value:
        raise invalid(arg, "a non-empty list of whole numbers", value, TypeError)
    shape: list[int | None] = []
    for item in value:
        if item is None:
            shape.append(None)
            continue
        try:
            shape.append(as_positive_int(item, arg))
        except (TypeError, ValueError):
            expected = f"a list of whole numbers >= 1 (or {spell('None', 'NULL')} for unknown sizes)"
            raise invalid(arg, expected, value) from None
    return tuple(shape)


def as_weights(value: Any, arg: str = "weights") -> list[np.ndarray]:
    """A list of arrays, as ``get_weights()`` returns them."""
    if isinstance(value, np.ndarray) or not isinstance(value, (list, tuple)) or not value:
        raise invalid(arg, "a list of arrays, as get_weights() returns", value, TypeError)
    arrays = []
    for item in value:
        try:
            array = np.asarray(item)
        except (TypeError, ValueError):
            raise invalid(arg, "a list of numeric arrays", value, TypeError) from None
        if array.dtype.kind not in "iuf":
            raise invalid(arg, "a list of numeric arrays", value, TypeError)
        arrays.append(array)
    return arrays
