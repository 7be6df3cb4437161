"""Registered subclasses, only where a measured upstream defect demands one.

Importing ``kerasr_bridge`` registers them, so a saved model that holds them
loads wherever this package is imported (in R: wherever it is attached).
"""

from __future__ import annotations

import math
from typing import Any

import keras

from kerasr_bridge import geometry
from kerasr_bridge.errors import InvalidArgument
from kerasr_bridge.render import shape_text

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
            shape[geometry.channel_axis(self.data_format)] = -1
            outputs = outputs + keras.ops.reshape(self.bias, shape)
        if self.activation is not None:
            return self.activation(outputs)
        return outputs


@keras.saving.register_keras_serializable(package="kerasr_bridge")
class ChannelsFirstDepthwiseConv1D(_BroadcastBias, keras.layers.DepthwiseConv1D):
    """``DepthwiseConv1D`` whose bias lands on the channel axis with ``channels_first`` (see ``_BroadcastBias``).

    Only ``channels_first`` layers with a bias, on the TensorFlow backend, are
    built from this class; it computes correctly on every backend.

    ``import kerasr_bridge`` registers it (``library(kerasrbridge)`` in R): a saved
    model holding it loads wherever the package is imported.
    """


@keras.saving.register_keras_serializable(package="kerasr_bridge")
class ChannelsFirstDepthwiseConv2D(_BroadcastBias, keras.layers.DepthwiseConv2D):
    """``DepthwiseConv2D`` whose bias lands on the channel axis with ``channels_first`` (see ``_BroadcastBias``).

    Only ``channels_first`` layers with a bias (and equal strides), on the
    TensorFlow backend, are built from this class; it computes correctly on
    every backend.

    ``import kerasr_bridge`` registers it (``library(kerasrbridge)`` in R): a saved
    model holding it loads wherever the package is imported.
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

    ``import kerasr_bridge`` registers it (``library(kerasrbridge)`` in R): a saved
    model holding it loads wherever the package is imported.
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
        spatial = geometry.spatial_sizes(input_shape, self.data_format)
        if self.padding == "same" and any(size is None for size in spatial):
            raise InvalidArgument(
                "Invalid `object` for unequal `strides` "
                f"{shape_text(self.strides)} with padding \"same\": the spatial sizes must be known; "
                f"received input shape {shape_text(input_shape)}.",
                "object",
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




def fixed_class(rank: int, config: dict[str, Any]) -> type[keras.layers.Layer] | None:
    """The subclass a layer with ``config`` needs on this backend, or None for the plain Keras layer."""
    if keras.backend.backend() not in _SUBCLASS_BACKENDS:
        return None
    if len(set(config["strides"])) > 1:
        return UnequalStridesDepthwiseConv2D
    if config["data_format"] == "channels_first" and config["use_bias"]:
        return ChannelsFirstDepthwiseConv1D if rank == 1 else ChannelsFirstDepthwiseConv2D
    return None
