"""One spec per layer function, one builder for all of them.

As in Keras's ``base_depthwise_conv.py``, all the logic sits in one place
(:func:`build_layer`); a layer function only names its :class:`LayerSpec`.
"""

from __future__ import annotations

import difflib
import math
import numbers
import warnings
from dataclasses import dataclass
from typing import Any

import keras
import numpy as np

from kerasr_bridge import coerce, render

# The older R keras arguments that still reach the layer through `...`/**kwargs.
LEGACY_ARGUMENTS = ("input_shape", "batch_input_shape", "batch_size", "dtype", "name", "trainable", "weights")


@dataclass(frozen=True)
class LayerSpec:
    """What distinguishes one layer function from another."""

    function_name: str
    rank: int
    keras_class: type[keras.layers.Layer]
    channels_first_class: type[keras.layers.Layer]


# Where a subclass is needed, and why only there.
#
# Plain Keras layers are what we return wherever the backend computes them
# correctly: they load without this package and behave exactly as Keras
# documents. Two defects are TensorFlow's alone (Keras 3.15.1, TensorFlow 2.21;
# JAX 0.10 and PyTorch 2.13 compute both cases correctly, which the reference
# tests check on every backend):
# - channels_first with a bias: the bias can land on the last spatial axis
#   (see _BroadcastBias). Fixed by ChannelsFirstDepthwiseConv1D/2D.
# - unequal strides such as (2, 1): TensorFlow's native depthwise kernel
#   refuses them (always in float64, and in float32 where oneDNN is off or the
#   CPU is not Intel's; with dilation > 1 TensorFlow goes through
#   space-to-batch and runs them, but the subclass is kept for every unequal
#   stride there rather than relying on that). Fixed by
#   UnequalStridesDepthwiseConv2D.
# So these subclasses are built on the TensorFlow backend only. They are
# registered on import and use nothing but keras.ops, so a model saved on
# TensorFlow loads and computes correctly on JAX and PyTorch too. The reverse
# direction is plain Keras's: a channels_first model saved on JAX or PyTorch
# holds plain layers, which TensorFlow then runs with its own bias defect.
_SUBCLASS_BACKENDS = frozenset({"tensorflow"})


class _BroadcastBias:
    """Adds the bias by plain broadcasting rather than through ``keras.ops.add``.

    On TensorFlow, ``keras.ops.add(x, reshape(bias, (1, C, 1, 1)))`` becomes
    ``tf.nn.bias_add`` with a layout guessed from the shapes: NHWC whenever
    the last axis has C entries. With ``channels_first`` and a last spatial
    size equal to the output channels, Keras's own depthwise layers (Keras
    3.15) therefore add the bias along the last spatial axis. The ``+``
    operator broadcasts the reshaped bias exactly, on every backend.
    """

    def call(self, inputs: Any) -> Any:
        outputs = keras.ops.depthwise_conv(
            inputs,
            self.kernel,
            strides=self.strides,
            padding=self.padding,
            dilation_rate=self.dilation_rate,
            data_format=self.data_format,
        )
        return self._bias_and_activation(outputs)

    def _bias_and_activation(self, outputs: Any) -> Any:
        if self.use_bias:
            shape = [1] * (self.rank + 2)
            shape[-1 if self.data_format == "channels_last" else 1] = -1
            outputs = outputs + keras.ops.reshape(self.bias, shape)
        if self.activation is not None:
            return self.activation(outputs)
        return outputs


@keras.saving.register_keras_serializable(package="kerasr_bridge")
class ChannelsFirstDepthwiseConv1D(_BroadcastBias, keras.layers.DepthwiseConv1D):
    """``DepthwiseConv1D`` whose bias lands on the channel axis with ``channels_first`` (see ``_BroadcastBias``).

    Only ``channels_first`` layers with a bias, on the TensorFlow backend, are
    built from this class; it computes correctly on every backend.
    """


@keras.saving.register_keras_serializable(package="kerasr_bridge")
class ChannelsFirstDepthwiseConv2D(_BroadcastBias, keras.layers.DepthwiseConv2D):
    """``DepthwiseConv2D`` whose bias lands on the channel axis with ``channels_first`` (see ``_BroadcastBias``).

    Only ``channels_first`` layers with a bias (and equal strides), on the
    TensorFlow backend, are built from this class; it computes correctly on
    every backend.
    """


@keras.saving.register_keras_serializable(package="kerasr_bridge")
class UnequalStridesDepthwiseConv2D(_BroadcastBias, keras.layers.DepthwiseConv2D):
    """``DepthwiseConv2D`` that also runs with unequal strides such as ``(2, 1)``.

    TensorFlow's depthwise kernels only accept equal row and column strides
    and fail at call time otherwise. This layer convolves at the common
    stride (the gcd) over explicitly padded input and then keeps every
    k-th row/column, which selects exactly the windows the requested strides
    select; with ``dilation_rate > 1`` too, since the dilation only widens
    each window. Only layers with unequal strides, on the TensorFlow backend,
    are built from this class; it computes correctly on every backend.
    """

    # The spatial sizes are checked when the layer meets an input (every call,
    # symbolic or not, goes through __call__), not in build(): building needs
    # only the channels, and `weights=` builds the layer before any input.
    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        inputs = args[0] if args else kwargs.get("inputs")
        if getattr(inputs, "shape", None) is not None:
            self._check_spatial_known(inputs.shape)
        return super().__call__(*args, **kwargs)

    def _check_spatial_known(self, input_shape: Any) -> None:
        if self.padding == "same" and any(size is None for size in self._spatial(input_shape)):
            raise ValueError(
                "Invalid input for unequal `strides` "
                f"{self.strides} with padding \"same\": the spatial sizes must be known; "
                f"received input shape {tuple(input_shape)}."
            )

    def _spatial(self, shape: Any) -> tuple[Any, ...]:
        shape = tuple(shape)
        return shape[1:-1] if self.data_format == "channels_last" else shape[2:]

    def call(self, inputs: Any) -> Any:
        common = math.gcd(*self.strides)
        pads = [(0, 0)] * 4
        if self.padding == "same":
            spatial_axes = (1, 2) if self.data_format == "channels_last" else (2, 3)
            for axis, size, stride, kernel, dilation in zip(
                spatial_axes, self._spatial(inputs.shape), self.strides, self.kernel_size, self.dilation_rate
            ):
                extent = (kernel - 1) * dilation + 1
                total = max((-(-size // stride) - 1) * stride + extent - size, 0)
                pads[axis] = (total // 2, total - total // 2)
        outputs = keras.ops.depthwise_conv(
            keras.ops.pad(inputs, pads),
            self.kernel,
            strides=common,
            padding="valid",
            dilation_rate=self.dilation_rate,
            data_format=self.data_format,
        )
        step_rows, step_cols = (stride // common for stride in self.strides)
        if self.data_format == "channels_last":
            outputs = outputs[:, ::step_rows, ::step_cols, :]
        else:
            outputs = outputs[:, :, ::step_rows, ::step_cols]
        return self._bias_and_activation(outputs)


DEPTHWISE_CONV_1D = LayerSpec(
    "layer_depthwise_conv_1d", 1, keras.layers.DepthwiseConv1D, ChannelsFirstDepthwiseConv1D
)
DEPTHWISE_CONV_2D = LayerSpec(
    "layer_depthwise_conv_2d", 2, keras.layers.DepthwiseConv2D, ChannelsFirstDepthwiseConv2D
)


def _legacy_arguments(spec: LayerSpec, kwargs: dict[str, Any]) -> dict[str, Any]:
    """Validate the older R keras arguments; returns them coerced."""
    legacy = {name: value for name, value in kwargs.items() if value is not None}
    if "input_shape" in legacy and "batch_input_shape" in legacy:
        raise ValueError(
            "Invalid `input_shape` and `batch_input_shape`: expected one of them, not both; "
            f"received input_shape={coerce.describe(legacy['input_shape'])} and "
            f"batch_input_shape={coerce.describe(legacy['batch_input_shape'])}."
        )
    if "batch_input_shape" in legacy:
        if "batch_size" in legacy:
            raise ValueError(
                "Invalid `batch_size` and `batch_input_shape`: expected one of them, not both; "
                f"received batch_size={coerce.describe(legacy['batch_size'])} and "
                f"batch_input_shape={coerce.describe(legacy['batch_input_shape'])}."
            )
        batch_shape = coerce.as_shape(legacy.pop("batch_input_shape"), "batch_input_shape")
        expected = spec.rank + 2
        if len(batch_shape) != expected:
            raise ValueError(
                f"Invalid `batch_input_shape`: expected {expected} entries (batch, "
                f"{spec.rank} spatial, channels); received {coerce.describe(batch_shape)}."
            )
        legacy["batch_size"], legacy["input_shape"] = batch_shape[0], batch_shape[1:]
    elif "input_shape" in legacy:
        legacy["input_shape"] = coerce.as_shape(legacy["input_shape"], "input_shape")
        expected = spec.rank + 1
        if len(legacy["input_shape"]) != expected:
            raise ValueError(
                f"Invalid `input_shape`: expected {expected} entries ({spec.rank} "
                f"spatial, channels; no batch); received {coerce.describe(kwargs['input_shape'])}."
            )
    if "batch_size" in legacy and legacy["batch_size"] is not None:
        if "input_shape" not in legacy:
            raise ValueError(
                "Invalid `batch_size`: expected it only together with `input_shape` (alone it has "
                f"no effect); received {coerce.describe(legacy['batch_size'])}."
            )
        legacy["batch_size"] = coerce.as_positive_int(legacy["batch_size"], "batch_size")
    if "dtype" in legacy:
        dtype = legacy["dtype"]
        try:
            legacy["dtype"] = keras.dtype_policies.get(dtype)
            ok = legacy["dtype"].compute_dtype.startswith(("float", "bfloat"))
        except (ValueError, TypeError, AttributeError):
            ok = False
        if not ok:
            raise coerce.invalid("dtype", 'a floating dtype name such as "float32" or "float64"', dtype)
    if "name" in legacy:
        legacy["name"] = coerce.as_string(legacy["name"], "name")
    if "trainable" in legacy:
        legacy["trainable"] = coerce.as_bool(legacy["trainable"], "trainable")
    if "weights" in legacy:
        legacy["weights"] = coerce.as_weights(legacy["weights"])
    return legacy


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


def _expected_weight_shapes(config: dict[str, Any], channels: int) -> list[tuple[int, ...]]:
    kernel = (*config["kernel_size"], channels, config["depth_multiplier"])
    return [kernel, (channels * config["depth_multiplier"],)] if config["use_bias"] else [kernel]


def _channels_of(shape: tuple[Any, ...], data_format: str) -> Any:
    return shape[-1] if data_format == "channels_last" else shape[0]


def _check_unknown_arguments(spec: LayerSpec, arguments: dict[str, Any]) -> None:
    """Refuse names that are no argument, first: `kernel = 3` is a misspelt kernel_size, not a missing one."""
    kwargs = arguments["kwargs"]
    unknown = sorted(set(kwargs) - set(LEGACY_ARGUMENTS))
    if not unknown:
        return
    known = [name for name in arguments if name != "kwargs"] + ["object", *LEGACY_ARGUMENTS]
    names = ", ".join(f"`{render.bounded(name, 40)}`" for name in unknown[:5]) + (", ..." if len(unknown) > 5 else "")
    hints = [
        f"`{match[0]}` instead of `{render.bounded(name, 40)}`"
        for name in unknown[:5]
        if (match := difflib.get_close_matches(name, known, n=1, cutoff=0.6))
    ]
    hint = f" (did you mean {', '.join(hints)}?)" if hints else ""
    message = (
        f"{spec.function_name}() got unknown argument(s) {names}{hint}; "
        f"the accepted extra arguments are {', '.join(LEGACY_ARGUMENTS)}."
    )
    raise TypeError(render.bounded(message, render.MAX_MESSAGE_CHARS))


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
    _check_unknown_arguments(spec, arguments)
    if arguments["kernel_size"] is _MISSING:
        raise _missing_kernel_size(spec, object)
    config = _keras_arguments(spec, arguments)
    _check_kernel_extent(config)
    legacy = _legacy_arguments(spec, arguments["kwargs"])
    weights = legacy.pop("weights", None)
    batch_size = legacy.pop("batch_size", None)
    input_shape = legacy.get("input_shape")
    if input_shape is not None and _channels_of(input_shape, config["data_format"]) is None:
        given = "batch_input_shape" if arguments["kwargs"].get("batch_input_shape") is not None else "input_shape"
        raise ValueError(
            f"Invalid `{given}`: expected a known channel size (not {render.spell('None', 'NULL')}) for data_format="
            f"\"{config['data_format']}\"; received {coerce.describe(arguments['kwargs'][given])}."
        )

    channels = None
    if weights is not None:
        kernel_shape = weights[0].shape
        if input_shape is not None:
            channels = _channels_of(input_shape, config["data_format"])
        elif len(kernel_shape) == spec.rank + 2:
            channels = kernel_shape[-2]
        received = [array.shape for array in weights]
        if channels is None or received != _expected_weight_shapes(config, channels):
            kernel = ", ".join(map(str, config["kernel_size"]))
            expected = f"a kernel of shape ({kernel}, channels, {config['depth_multiplier']})"
            if config["use_bias"]:
                expected += " and a bias of shape (channels * depth_multiplier,)"
            if input_shape is not None:
                expected += f", with channels = {channels} as the input shape says"
            shapes = render.describe(received) if len(received) > 2 else ", ".join(map(str, received))
            raise ValueError(f"Invalid `weights`: expected {expected}; received arrays of shapes {shapes}.")

    layer_class = spec.keras_class
    # Subclasses only where the backend needs them (see _SUBCLASS_BACKENDS).
    if keras.backend.backend() in _SUBCLASS_BACKENDS:
        if len(set(config["strides"])) > 1:
            layer_class = UnequalStridesDepthwiseConv2D
        elif config["data_format"] == "channels_first" and config["use_bias"]:
            layer_class = spec.channels_first_class
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
