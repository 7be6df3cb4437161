"""One builder for every declared layer function: the arguments checked and converted, then the Keras layer.

As in Keras's ``base_depthwise_conv.py``, all the logic sits in one place
(:func:`build_layer`); a layer function (:mod:`kerasr_bridge.layer_functions`,
generated) only names its declaration (:mod:`kerasr_bridge.declarations`).
Each argument is converted by the converter its kind names
(:data:`CONVERTERS`: :mod:`kerasr_bridge.arguments` and
:mod:`kerasr_bridge.keras_objects`), the older R keras arguments by
:mod:`kerasr_bridge.extra_arguments`. Where a measured upstream defect demands
it, a registered subclass is built instead of the plain Keras class
(:func:`layer_class`).
"""

from __future__ import annotations

import numbers
import warnings
from collections.abc import Callable
from typing import Any

import keras
import numpy as np

from kerasr_bridge import (
    arguments,
    channels_first_bias,
    extra_arguments,
    geometry,
    input_fit,
    layer_records,
    render,
    unequal_strides,
    user_code,
)
from kerasr_bridge.declarations import REQUIRED, Argument, LayerFunction
from kerasr_bridge.errors import InvalidArgument, InvalidArgumentType
from kerasr_bridge.keras_objects import as_keras_object


def _keras_object(getter: Callable[[Any], Any], kind: str) -> Callable[[Any, Argument, int], Any]:
    def convert(value: Any, argument: Argument, rank: int) -> Any:
        if value is None and argument.python_default is not None:  # `NULL` means the default, as in keras3
            value = argument.python_default
        return as_keras_object(value, argument.name, getter, kind)

    return convert


# Each argument kind of the declarations, and the converter that checks it: (value, argument, rank) -> value.
CONVERTERS: dict[str, Callable[[Any, Argument, int], Any]] = {
    "sizes": lambda value, argument, rank: arguments.as_int_tuple(value, argument.name, rank),
    "count": lambda value, argument, rank: arguments.as_positive_int(value, argument.name),
    "padding": lambda value, argument, rank: arguments.as_padding(value),
    "data_format": lambda value, argument, rank: arguments.as_data_format(value),
    "bool": lambda value, argument, rank: arguments.as_bool(value, argument.name),
    "activation": _keras_object(keras.activations.get, "activation"),
    "initializer": _keras_object(keras.initializers.get, "initializer"),
    "regularizer": _keras_object(keras.regularizers.get, "regularizer"),
    "constraint": _keras_object(keras.constraints.get, "constraint"),
}

# The registered subclasses, in the order they are tried: the first whose fix applies is built.
_FIXES = (unequal_strides, channels_first_bias)


def layer_class(function: LayerFunction, config: dict[str, Any]) -> type[keras.layers.Layer]:
    """The class a layer of ``function`` with this checked ``config`` is built from, on this backend.

    The plain Keras class wherever the backend computes it correctly; a
    registered subclass where one of :data:`_FIXES` applies.
    """
    backend = keras.backend.backend()
    for fix in _FIXES:
        if backend in fix.BACKENDS and function.keras_class in fix.FIXED and fix.applies(config):
            return fix.FIXED[function.keras_class]
    return getattr(keras.layers, function.keras_class)


def _keras_arguments(function: LayerFunction, given: dict[str, Any]) -> dict[str, Any]:
    """The layer's own arguments, checked and converted for the Keras class."""
    # strides > 1 together with dilation_rate > 1 is accepted, as keras3 does:
    # every backend computes it (the reference tests cover it).
    return {
        argument.name: CONVERTERS[argument.kind](given[argument.name], argument, function.rank)
        for argument in function.arguments
    }


def _missing(function: LayerFunction, argument: Argument, object: Any) -> InvalidArgumentType:
    name = argument.name
    message = f"{function.name}() missing required argument `{name}`"
    # `layer_depthwise_conv_2d(3)`: the first argument is `object`, so the 3 meant as a size went there.
    size_like = isinstance(object, numbers.Real) and not isinstance(object, (bool, np.bool_))
    if not size_like and isinstance(object, (list, tuple)) and 0 < len(object) <= function.rank:
        size_like = all(isinstance(item, numbers.Real) and not isinstance(item, bool) for item in object)
    if size_like:
        message += (
            f"; the first argument is `object`, which received {render.describe(object)}: "
            f"to give `{name}`, name it ({render.spell(f'{name}=', f'{name} = ')}...)"
        )
    return InvalidArgumentType(message + ".", name)


def _check_kernel_extent(config: dict[str, Any]) -> None:
    """Refuse sizes no backend can run: an effective kernel extent beyond the largest 32-bit size."""
    for kernel, dilation in zip(config["kernel_size"], config["dilation_rate"]):
        extent = geometry.kernel_extent(kernel, dilation)
        if extent > arguments.MAX_SIZE:
            raise InvalidArgument(
                "Invalid `kernel_size` and `dilation_rate`: expected an effective kernel extent "
                f"(kernel_size - 1) * dilation_rate + 1 <= {arguments.MAX_SIZE}; received kernel_size = {kernel} "
                f"and dilation_rate = {dilation} (extent {extent}).",
                "kernel_size and dilation_rate",
            )


def build_layer(function: LayerFunction, given: dict[str, Any], object: Any = None) -> keras.layers.Layer:
    """Validate everything, then create the Keras layer (nothing is built half-way).

    ``given`` holds the layer function's arguments by name, its ``**kwargs``
    under ``"kwargs"``; ``object`` is only read for the hint when a required
    argument is missing.
    """
    extra_arguments.check_unknown_arguments(function.name, given)
    for argument in function.arguments:
        if given[argument.name] is REQUIRED:
            raise _missing(function, argument, object)
    config = _keras_arguments(function, given)
    _check_kernel_extent(config)
    rank = function.rank
    extra = extra_arguments.extra_arguments(rank, given["kwargs"])
    weights = extra.pop("weights", None)
    batch_size = extra.pop("batch_size", None)
    input_shape = extra.get("input_shape")
    channels = extra_arguments.checked_channels(rank, config, input_shape, weights, given["kwargs"])

    cls = layer_class(function, config)
    declared = None
    if input_shape is None:
        layer = cls(**config, **extra)
    else:
        # Only `input_shape` makes Keras warn (entering catch_warnings costs
        # more than the rest of our own checks, so the usual call skips it).
        with warnings.catch_warnings():
            # `input_shape` is a documented argument here, not a mistake to warn about.
            warnings.filterwarnings("ignore", message="Do not pass an `input_shape`")
            layer = cls(**config, **extra)
        declared = input_fit.declaration(given["kwargs"], batch_size, input_shape)
    callables = user_code.user_callables(function, config)
    user_code.warn_unsaveable(function, callables)
    initializers = tuple(name for name in callables if function.argument(name).kind == "initializer")
    if weights is not None:
        with user_code.initializers_checked(layer, callables, initializers):
            layer.build(geometry.batch_shape(None, (None,) * rank, channels, config["data_format"]))
        layer.set_weights([np.asarray(w, dtype=layer.variable_dtype) for w in weights])
    # What the layer's later calls need (see kerasr_bridge.layer_records): a layer made from R renders R
    # syntax in the messages its own checks raise later; compose_layer reads the declared input (an empty
    # Sequential starts with it, a contradicting `object` is refused naming its argument) and the user's
    # callables (an error one of them raises is blamed on its argument).
    caller = render.R if render.CALLER.get() == render.R else None
    layer_records.keep(layer, layer_records.LayerRecord(caller, declared, callables, initializers))
    return layer
