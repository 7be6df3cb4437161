"""One spec per layer function, one builder for all of them.

As in Keras's ``base_depthwise_conv.py``, all the logic sits in one place
(:func:`build_layer`); a layer function (:mod:`kerasr_bridge.functions`) only
names its :class:`LayerSpec`. The layer's own arguments are converted by
:mod:`kerasr_bridge.arguments` and :mod:`kerasr_bridge.keras_objects`, the extra
R keras arguments by :mod:`kerasr_bridge.extra_arguments`, and the subclasses
that fix upstream defects live in :mod:`kerasr_bridge.upstream_fixes`.
"""

from __future__ import annotations

import numbers
import warnings
from dataclasses import dataclass
from typing import Any

import keras
import numpy as np

from kerasr_bridge import arguments, extra_arguments, geometry, render, upstream_fixes, user_code
from kerasr_bridge.errors import InvalidArgument, InvalidArgumentType
from kerasr_bridge.keras_objects import as_keras_object


class _Missing:
    """Marks a required argument that was not given (Python needs a default after ``object=None``)."""

    def __repr__(self) -> str:
        return "<required>"


# The default of `kernel_size`, which every layer function requires.
MISSING: Any = _Missing()


@dataclass(frozen=True)
class LayerSpec:
    """What distinguishes one layer function from another."""

    function_name: str
    rank: int
    keras_class: type[keras.layers.Layer]


DEPTHWISE_CONV_1D = LayerSpec("layer_depthwise_conv_1d", 1, keras.layers.DepthwiseConv1D)
DEPTHWISE_CONV_2D = LayerSpec("layer_depthwise_conv_2d", 2, keras.layers.DepthwiseConv2D)


def _keras_arguments(spec: LayerSpec, given: dict[str, Any]) -> dict[str, Any]:
    """The layer's own arguments, checked and converted for the Keras class."""
    rank = spec.rank
    config = {
        "kernel_size": arguments.as_int_tuple(given["kernel_size"], "kernel_size", rank),
        "strides": arguments.as_int_tuple(given["strides"], "strides", rank),
        "padding": arguments.as_padding(given["padding"]),
        "depth_multiplier": arguments.as_positive_int(given["depth_multiplier"], "depth_multiplier"),
        "data_format": arguments.as_data_format(given["data_format"]),
        "dilation_rate": arguments.as_int_tuple(given["dilation_rate"], "dilation_rate", rank),
        "activation": as_keras_object(given["activation"], "activation", keras.activations.get, "activation"),
        "use_bias": arguments.as_bool(given["use_bias"], "use_bias"),
    }
    for role in ("depthwise", "bias"):
        name = f"{role}_initializer"
        default = "glorot_uniform" if role == "depthwise" else "zeros"
        value = given[name] if given[name] is not None else default
        config[name] = as_keras_object(value, name, keras.initializers.get, "initializer")
        for kind, getter in (("regularizer", keras.regularizers.get), ("constraint", keras.constraints.get)):
            name = f"{role}_{kind}"
            config[name] = as_keras_object(given[name], name, getter, kind)
    config["activity_regularizer"] = as_keras_object(
        given["activity_regularizer"], "activity_regularizer", keras.regularizers.get, "regularizer"
    )
    # strides > 1 together with dilation_rate > 1 is accepted, as keras3 does:
    # every backend computes it (the reference tests cover it).
    return config


def _missing_kernel_size(spec: LayerSpec, object: Any) -> InvalidArgumentType:
    message = f"{spec.function_name}() missing required argument `kernel_size`"
    # `layer_depthwise_conv_2d(3)`: the first argument is `object`, so the 3 meant as a size went there.
    size_like = isinstance(object, numbers.Real) and not isinstance(object, (bool, np.bool_))
    if not size_like and isinstance(object, (list, tuple)) and 0 < len(object) <= spec.rank:
        size_like = all(isinstance(item, numbers.Real) and not isinstance(item, bool) for item in object)
    if size_like:
        message += (
            f"; the first argument is `object`, which received {render.describe(object)}: "
            f"to give a kernel size, name it ({render.spell('kernel_size=', 'kernel_size = ')}...)"
        )
    return InvalidArgumentType(message + ".", "kernel_size")


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


def build_layer(spec: LayerSpec, given: dict[str, Any], object: Any = None) -> keras.layers.Layer:
    """Validate everything, then create the Keras layer (nothing is built half-way).

    ``given`` holds the layer function's arguments by name, its ``**kwargs``
    under ``"kwargs"``; ``object`` is only read for the hint when
    ``kernel_size`` is missing.
    """
    extra_arguments.check_unknown_arguments(spec.function_name, given)
    if given["kernel_size"] is MISSING:
        raise _missing_kernel_size(spec, object)
    config = _keras_arguments(spec, given)
    _check_kernel_extent(config)
    extra = extra_arguments.extra_arguments(spec.rank, given["kwargs"])
    weights = extra.pop("weights", None)
    batch_size = extra.pop("batch_size", None)
    input_shape = extra.get("input_shape")
    channels = extra_arguments.checked_channels(spec.rank, config, input_shape, weights, given["kwargs"])

    layer_class = upstream_fixes.fixed_class(spec.rank, config) or spec.keras_class
    if input_shape is None:
        layer = layer_class(**config, **extra)
    else:
        # Only `input_shape` makes Keras warn (entering catch_warnings costs
        # more than the rest of our own checks, so the usual call skips it).
        with warnings.catch_warnings():
            # `input_shape` is a documented argument here, not a mistake to warn about.
            warnings.filterwarnings("ignore", message="Do not pass an `input_shape`")
            layer = layer_class(**config, **extra)
        # Read by compose_layer: an empty Sequential starts with this Input, and an
        # `object` that contradicts it is refused naming the argument that declared it.
        extra_arguments.declare_input(layer, extra_arguments.declaration(given["kwargs"], batch_size, input_shape))
    # A layer made from R renders R syntax in the messages its own checks raise later (a direct `lay(x)`).
    render.remember_caller(layer)
    callables = user_code.user_callables(config)
    # Kept on the layer so that an error raised by one of them is blamed on its argument (compose.py).
    user_code.remember(layer, callables)
    user_code.warn_unsaveable(callables)
    if weights is not None:
        layer.build(geometry.batch_shape(None, (None,) * spec.rank, channels, config["data_format"]))
        layer.set_weights([np.asarray(w, dtype=layer.variable_dtype) for w in weights])
    return layer
