"""One spec per layer function, one builder for all of them.

As in Keras's ``base_depthwise_conv.py``, all the logic sits in one place
(:func:`build_layer`); a layer function only names its :class:`LayerSpec`.
The older R keras arguments are checked in :mod:`kerasr_bridge.legacy`, and
the subclasses that fix upstream defects live in
:mod:`kerasr_bridge.upstream_fixes`.
"""

from __future__ import annotations

import numbers
import warnings
from dataclasses import dataclass
from typing import Any

import keras
import numpy as np

from kerasr_bridge import coerce, render, upstream_fixes
from kerasr_bridge import legacy as legacy_rules


@dataclass(frozen=True)
class LayerSpec:
    """What distinguishes one layer function from another."""

    function_name: str
    rank: int
    keras_class: type[keras.layers.Layer]


DEPTHWISE_CONV_1D = LayerSpec("layer_depthwise_conv_1d", 1, keras.layers.DepthwiseConv1D)
DEPTHWISE_CONV_2D = LayerSpec("layer_depthwise_conv_2d", 2, keras.layers.DepthwiseConv2D)


def _keras_arguments(spec: LayerSpec, arguments: dict[str, Any]) -> dict[str, Any]:
    rank = spec.rank
    config = {
        "kernel_size": coerce.as_int_tuple(arguments["kernel_size"], "kernel_size", rank),
        "strides": coerce.as_int_tuple(arguments["strides"], "strides", rank),
        "padding": coerce.as_padding(arguments["padding"]),
        "depth_multiplier": coerce.as_positive_int(arguments["depth_multiplier"], "depth_multiplier"),
        "data_format": coerce.as_data_format(arguments["data_format"]),
        "dilation_rate": coerce.as_int_tuple(arguments["dilation_rate"], "dilation_rate", rank),
        "activation": coerce.as_keras_object(
            arguments["activation"], "activation", keras.activations.get, "activation"
        ),
        "use_bias": coerce.as_bool(arguments["use_bias"], "use_bias"),
    }
    for role in ("depthwise", "bias"):
        name = f"{role}_initializer"
        default = "glorot_uniform" if role == "depthwise" else "zeros"
        value = arguments[name] if arguments[name] is not None else default
        config[name] = coerce.as_keras_object(value, name, keras.initializers.get, "initializer")
        for kind, getter in (("regularizer", keras.regularizers.get), ("constraint", keras.constraints.get)):
            name = f"{role}_{kind}"
            config[name] = coerce.as_keras_object(arguments[name], name, getter, kind)
    config["activity_regularizer"] = coerce.as_keras_object(
        arguments["activity_regularizer"], "activity_regularizer", keras.regularizers.get, "regularizer"
    )
    # strides > 1 together with dilation_rate > 1 is accepted, as keras3 does:
    # every backend computes it (the reference tests cover it).
    return config


def _missing_kernel_size(spec: LayerSpec, object: Any) -> TypeError:
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
    return TypeError(message + ".")


def _check_kernel_extent(config: dict[str, Any]) -> None:
    """Refuse sizes no backend can run: an effective kernel extent beyond the largest 32-bit size."""
    for kernel, dilation in zip(config["kernel_size"], config["dilation_rate"]):
        extent = (kernel - 1) * dilation + 1
        if extent > coerce.MAX_SIZE:
            raise ValueError(
                "Invalid `kernel_size` and `dilation_rate`: expected an effective kernel extent "
                f"(kernel_size - 1) * dilation_rate + 1 <= {coerce.MAX_SIZE}; received kernel_size = {kernel} "
                f"and dilation_rate = {dilation} (extent {extent})."
            )


def build_layer(spec: LayerSpec, arguments: dict[str, Any], object: Any = None) -> keras.layers.Layer:
    """Validate everything, then create the Keras layer (nothing is built half-way).

    ``object`` is only read for the hint when ``kernel_size`` is missing.
    """
    legacy_rules.check_unknown_arguments(spec.function_name, arguments)
    if arguments["kernel_size"] is _MISSING:
        raise _missing_kernel_size(spec, object)
    config = _keras_arguments(spec, arguments)
    _check_kernel_extent(config)
    legacy = legacy_rules.legacy_arguments(spec.rank, arguments["kwargs"])
    weights = legacy.pop("weights", None)
    batch_size = legacy.pop("batch_size", None)
    input_shape = legacy.get("input_shape")
    channels = legacy_rules.checked_channels(spec.rank, config, input_shape, weights, arguments["kwargs"])

    layer_class = upstream_fixes.fixed_class(spec.rank, config) or spec.keras_class
    if input_shape is None:
        layer = layer_class(**config, **legacy)
    else:
        # Only `input_shape` makes Keras warn (entering catch_warnings costs
        # more than the rest of our own checks, so the usual call skips it).
        with warnings.catch_warnings():
            # `input_shape` is a documented argument here, not a mistake to warn about.
            warnings.filterwarnings("ignore", message="Do not pass an `input_shape`")
            layer = layer_class(**config, **legacy)
        # Read by compose_layer: an empty Sequential starts with this Input.
        layer._kerasr_batch_shape = (batch_size, *input_shape)
        # Which arguments said so, for compose_layer's message when `object` contradicts them.
        from_batch_input_shape = arguments["kwargs"].get("batch_input_shape") is not None
        layer._kerasr_shape_arguments = (
            "batch_input_shape" if from_batch_input_shape else "input_shape",
            "batch_input_shape" if from_batch_input_shape else "batch_size",
        )
    if weights is not None:
        spatial = (None,) * spec.rank
        shape = (None, *spatial, channels) if config["data_format"] == "channels_last" else (None, channels, *spatial)
        layer.build(shape)
        layer.set_weights([np.asarray(w, dtype=layer.variable_dtype) for w in weights])
    return layer


class _Missing:
    """Marks a required argument that was not given (Python needs a default after ``object=None``)."""

    def __repr__(self) -> str:
        return "<required>"


_MISSING: Any = _Missing()
