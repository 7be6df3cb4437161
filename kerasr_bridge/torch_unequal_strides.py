"""Unequal strides on PyTorch: a registered subclass that hands PyTorch's conv2d a freshly laid-out input.

Keras's PyTorch backend turns a channels_last input into channels_first with
``permute(0, 3, 1, 2).contiguous()``. For one channel, the permuted tensor
already counts as contiguous (a size-1 axis's stride is ignored), so
``contiguous()`` keeps its strides, e.g. ``(28, 1, 4, 1)`` for 2x7x4x1, and
PyTorch's CPU conv2d (2.13) then computes some unequal strides wrongly: with a
batch of 2 or more and an output width of 1 it reads memory it should not
(silent wrong values that change between runs; tests/python/test_outputs_match_reference.py
holds the failing family). A fresh tensor in the standard layout is right.

Where it is used (:data:`FIXED`, :func:`applies`): 2D layers with unequal
strides, on PyTorch only; everywhere else the plain Keras layer is built. It
copies the channels_first input once into the standard layout, and computes
with ``keras.ops`` otherwise (on other backends it is Keras's own
computation), so a saved model loads and computes correctly wherever
``kerasr_bridge`` is imported, on any backend.
"""

from __future__ import annotations

from typing import Any

import keras

from kerasr_bridge.channels_first_bias import BroadcastBias

# The backends whose Keras layers need this subclass.
BACKENDS = frozenset({"torch"})


def applies(config: dict[str, Any]) -> bool:
    """Whether a layer of this checked ``config`` needs the fix (on :data:`BACKENDS`)."""
    return len(set(config["strides"])) > 1


def _standard_layout(inputs: Any) -> Any:
    """A PyTorch tensor with the standard (row-major) strides for its shape: a fresh copy of ``inputs``."""
    import torch

    fresh = torch.empty(tuple(inputs.shape), dtype=inputs.dtype, device=inputs.device)
    return fresh.copy_(inputs)


@keras.saving.register_keras_serializable(package="kerasr_bridge")
class FreshLayoutDepthwiseConv2D(BroadcastBias, keras.layers.DepthwiseConv2D):
    """``DepthwiseConv2D`` whose unequal strides PyTorch computes from a freshly laid-out input.

    Only layers with unequal strides, on the PyTorch backend, are built from
    this class (see the module docstring); it computes correctly on every
    backend.

    ``import kerasr_bridge`` registers it (``library(kerasrbridge)`` in R): a saved
    model holding it loads wherever the package is imported.
    """

    def call(self, inputs: Any) -> Any:
        if keras.backend.backend() != "torch":
            return super().call(inputs)
        channels_last = self.data_format == "channels_last"
        x = keras.ops.transpose(inputs, (0, 3, 1, 2)) if channels_last else inputs
        outputs = keras.ops.depthwise_conv(
            _standard_layout(x),
            self.kernel,
            strides=self.strides,
            padding=self.padding,
            dilation_rate=self.dilation_rate,
            data_format="channels_first",
        )
        if channels_last:
            outputs = keras.ops.transpose(outputs, (0, 2, 3, 1))
        return self._bias_and_activation(outputs)


# The fixed class for each Keras class this module fixes.
FIXED: dict[str, type[keras.layers.Layer]] = {"DepthwiseConv2D": FreshLayoutDepthwiseConv2D}
