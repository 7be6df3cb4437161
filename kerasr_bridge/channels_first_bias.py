"""The channels_first bias on TensorFlow: registered subclasses that add the bias on the channel axis.

On TensorFlow, ``keras.ops.add(x, reshape(bias, (1, C, 1, 1)))`` becomes
``tf.nn.bias_add`` with a layout guessed from the shapes: NHWC whenever the
last axis has C entries. With ``channels_first`` and a last spatial size equal
to the output channels, Keras's own depthwise and separable layers therefore
add the bias along the last spatial axis (a silent wrong result; JAX and
PyTorch are right, which the reference tests check on every backend). These subclasses
add it by plain broadcasting, which is exact on every backend.

Where they are used (:data:`FIXED`, :func:`applies`): layers with a bias and
``channels_first``, on TensorFlow only; everywhere else the plain Keras layer
is built. They are registered on import and use nothing but ``keras.ops``, so
a model saved on TensorFlow loads and computes correctly wherever
``kerasr_bridge`` is imported (in R: wherever ``kerasrbridge`` is attached),
on any backend. The reverse is plain Keras's: a channels_first model saved on
JAX or PyTorch holds plain layers, which TensorFlow then runs with its defect.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Any

import keras

from kerasr_bridge import geometry, layer_records, render

# The backends whose Keras layers need these subclasses.
BACKENDS = frozenset({"tensorflow"})


def applies(config: dict[str, Any]) -> bool:
    """Whether a layer of this checked ``config`` needs the fix (on :data:`BACKENDS`)."""
    return config["data_format"] == "channels_first" and bool(config["use_bias"])


def rendering_for(layer: Any) -> AbstractContextManager[None]:
    """Messages raised while ``layer`` runs quote values in the language it was made in (R or Python)."""
    return render.caller(layer_records.record_of(layer).caller or render.CALLER.get())


class BroadcastBias:
    """Adds the bias by plain broadcasting rather than through ``keras.ops.add`` (see the module docstring).

    ``call`` is Keras's ``BaseDepthwiseConv.call`` (``BaseSeparableConv.call``
    with :class:`SeparableConvolution`) with only the bias step changed (both
    listed in :data:`kerasr_bridge.keras_internals.COPIED`).
    """

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        with rendering_for(self):
            return super().__call__(*args, **kwargs)

    def call(self, inputs: Any) -> Any:
        return self._bias_and_activation(self._convolve(inputs))

    def _convolve(self, inputs: Any) -> Any:
        """The convolution before the bias: the depthwise one."""
        return keras.ops.depthwise_conv(
            inputs,
            self.kernel,
            strides=self.strides,
            padding=self.padding,
            dilation_rate=self.dilation_rate,
            data_format=self.data_format,
        )

    def _bias_and_activation(self, outputs: Any) -> Any:
        if self.use_bias:
            shape = [1] * (self.rank + 2)
            shape[geometry.channel_axis(self.data_format)] = -1
            outputs = outputs + keras.ops.reshape(self.bias, shape)
        if self.activation is not None:
            return self.activation(outputs)
        return outputs


class SeparableConvolution:
    """For the separable layers: the convolution before the bias is the depthwise one, then the pointwise one."""

    def _convolve(self, inputs: Any) -> Any:
        return keras.ops.separable_conv(
            inputs,
            self.depthwise_kernel,
            self.pointwise_kernel,
            strides=self.strides,
            padding=self.padding,
            dilation_rate=self.dilation_rate,
            data_format=self.data_format,
        )


@keras.saving.register_keras_serializable(package="kerasr_bridge")
class ChannelsFirstDepthwiseConv1D(BroadcastBias, keras.layers.DepthwiseConv1D):
    """``DepthwiseConv1D`` whose bias lands on the channel axis with ``channels_first`` (see the module docstring).

    Only ``channels_first`` layers with a bias, on the TensorFlow backend, are
    built from this class; it computes correctly on every backend.

    ``import kerasr_bridge`` registers it (``library(kerasrbridge)`` in R): a saved
    model holding it loads wherever the package is imported.
    """


@keras.saving.register_keras_serializable(package="kerasr_bridge")
class ChannelsFirstDepthwiseConv2D(BroadcastBias, keras.layers.DepthwiseConv2D):
    """``DepthwiseConv2D`` whose bias lands on the channel axis with ``channels_first`` (see the module docstring).

    Only ``channels_first`` layers with a bias (and equal strides), on the
    TensorFlow backend, are built from this class; it computes correctly on
    every backend.

    ``import kerasr_bridge`` registers it (``library(kerasrbridge)`` in R): a saved
    model holding it loads wherever the package is imported.
    """


@keras.saving.register_keras_serializable(package="kerasr_bridge")
class ChannelsFirstSeparableConv1D(SeparableConvolution, BroadcastBias, keras.layers.SeparableConv1D):
    """``SeparableConv1D`` whose bias lands on the channel axis with ``channels_first`` (see the module docstring).

    Only ``channels_first`` layers with a bias, on the TensorFlow backend, are
    built from this class; it computes correctly on every backend.

    ``import kerasr_bridge`` registers it (``library(kerasrbridge)`` in R): a saved
    model holding it loads wherever the package is imported.
    """


@keras.saving.register_keras_serializable(package="kerasr_bridge")
class ChannelsFirstSeparableConv2D(SeparableConvolution, BroadcastBias, keras.layers.SeparableConv2D):
    """``SeparableConv2D`` whose bias lands on the channel axis with ``channels_first`` (see the module docstring).

    Only ``channels_first`` layers with a bias (and equal strides), on the
    TensorFlow backend, are built from this class; it computes correctly on
    every backend.

    ``import kerasr_bridge`` registers it (``library(kerasrbridge)`` in R): a saved
    model holding it loads wherever the package is imported.
    """


# The fixed class for each Keras class this module fixes.
FIXED: dict[str, type[keras.layers.Layer]] = {
    "DepthwiseConv1D": ChannelsFirstDepthwiseConv1D,
    "DepthwiseConv2D": ChannelsFirstDepthwiseConv2D,
    "SeparableConv1D": ChannelsFirstSeparableConv1D,
    "SeparableConv2D": ChannelsFirstSeparableConv2D,
}
