"""Keras objects given by name, config, object or function: resolved, and checked for the call Keras makes.

Activations, initializers, regularizers and constraints, as ``keras.<kind>.get``
resolves them; a function is refused at construction where Keras could only
fail to call it later (in a call or in ``fit()``).
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Mapping
from typing import Any

from kerasr_bridge.errors import InvalidArgumentType
from kerasr_bridge.render import MAX_MESSAGE_CHARS, bounded, describe, invalid, spell

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
        raise invalid(arg, f"{article} {kind} name, a Keras {kind} object or a function", value, InvalidArgumentType)
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
    accepted = _ACCEPTED_KERAS_KINDS[kind]
    for name, cls in _keras_kinds().items():
        is_instance = isinstance(value, cls)
        if is_instance or (inspect.isclass(value) and issubclass(value, cls)):
            if name in accepted and is_instance:
                return
            what = f"a Keras {name}" if is_instance else f"the Keras {name} class"
            raise InvalidArgumentType(
                f"Invalid `{arg}`: expected {_expected_callable(kind)}; received {what} ({_class_name(value)}).", arg
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
        raise InvalidArgumentType(bounded(message, MAX_MESSAGE_CHARS), arg) from None


def _class_name(value: Any) -> str:
    return value.__name__ if isinstance(value, type) else type(value).__name__
