"""An independent NumPy reference for depthwise convolution (no Keras inside).

Written from the definition: every input channel is convolved with its own
``depth_multiplier`` kernels; output channel ``c * depth_multiplier + m``.
Padding "same" follows the TensorFlow convention Keras documents: the output
has ``ceil(size / stride)`` positions and the padding is split evenly, any
odd element going after.
"""

from __future__ import annotations

import itertools
import math

import numpy as np


def output_size(size: int, kernel: int, stride: int, dilation: int, padding: str) -> tuple[int, int]:
    """Output positions and the padding before, along one spatial axis."""
    extent = (kernel - 1) * dilation + 1
    if padding == "valid":
        return max((size - extent) // stride + 1, 0), 0
    out = math.ceil(size / stride)
    total = max((out - 1) * stride + extent - size, 0)
    return out, total // 2


def depthwise_conv(
    x: np.ndarray,
    kernel: np.ndarray,
    bias: np.ndarray | None = None,
    strides: tuple[int, ...] | int = 1,
    padding: str = "valid",
    dilation_rate: tuple[int, ...] | int = 1,
    data_format: str = "channels_last",
) -> np.ndarray:
    """Depthwise convolution of ``x`` (batch, *spatial, channels) in float64."""
    rank = kernel.ndim - 2
    strides = (strides,) * rank if isinstance(strides, int) else tuple(strides)
    dilation_rate = (dilation_rate,) * rank if isinstance(dilation_rate, int) else tuple(dilation_rate)
    x = np.asarray(x, dtype=np.float64)
    if data_format == "channels_first":
        x = np.moveaxis(x, 1, -1)
    batch, *spatial, channels = x.shape
    multiplier = kernel.shape[-1]
    sizes, befores = zip(*(
        output_size(s, k, st, d, padding)
        for s, k, st, d in zip(spatial, kernel.shape[:rank], strides, dilation_rate)
    ))
    pad = [(0, 0)]
    for size, out, before, k, st, d in zip(spatial, sizes, befores, kernel.shape[:rank], strides, dilation_rate):
        needed = (out - 1) * st + (k - 1) * d + 1 if out > 0 else size
        pad.append((before, max(needed - size - before, 0)))
    pad.append((0, 0))
    padded = np.pad(x, pad)
    out = np.zeros((batch, *sizes, channels, multiplier))
    for offset in itertools.product(*(range(k) for k in kernel.shape[:rank])):
        window = tuple(
            slice(o * d, o * d + (n - 1) * st + 1, st)
            for o, d, n, st in zip(offset, dilation_rate, sizes, strides)
        )
        patch = padded[(slice(None), *window, slice(None))]
        out += patch[..., None] * kernel[offset].astype(np.float64)
    out = out.reshape(batch, *sizes, channels * multiplier)
    if bias is not None:
        out = out + bias.astype(np.float64)
    if data_format == "channels_first":
        out = np.moveaxis(out, -1, 1)
    return out


def separable_conv(
    x: np.ndarray,
    depthwise_kernel: np.ndarray,
    pointwise_kernel: np.ndarray,
    bias: np.ndarray | None = None,
    strides: tuple[int, ...] | int = 1,
    padding: str = "valid",
    dilation_rate: tuple[int, ...] | int = 1,
    data_format: str = "channels_last",
) -> np.ndarray:
    """Separable convolution in float64: :func:`depthwise_conv` (no bias), a pointwise 1x1 mix, then the bias.

    The weights are as Keras's ``get_weights()`` holds them: ``depthwise_kernel``
    (*kernel, channels, depth_multiplier), ``pointwise_kernel`` (1, ..., channels
    * depth_multiplier, filters), ``bias`` (filters,).
    """
    depthwise = depthwise_conv(x, depthwise_kernel, None, strides, padding, dilation_rate, data_format)
    if data_format == "channels_first":
        depthwise = np.moveaxis(depthwise, 1, -1)
    mix = np.asarray(pointwise_kernel, dtype=np.float64).reshape(pointwise_kernel.shape[-2:])
    out = np.einsum("...c,cf->...f", depthwise, mix)
    if bias is not None:
        out = out + np.asarray(bias, dtype=np.float64)
    if data_format == "channels_first":
        out = np.moveaxis(out, -1, 1)
    return out
