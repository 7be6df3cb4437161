"""The convolution's geometry, written once: kernel extent, axes, output sizes and padding.

Shapes here include the batch axis first, as Keras gives them; a size may be
None (unknown). The builder, the input checks and the registered subclasses
all read their axes and sizes from these functions.
"""

from __future__ import annotations

from typing import Any

CHANNELS_LAST = "channels_last"


def spatial_rank(layer: Any) -> int | None:
    """How many spatial axes ``layer`` convolves over (1 or 2); None for a layer that is no convolution."""
    return getattr(layer, "rank", None)


def kernel_extent(kernel: int, dilation: int) -> int:
    """How many input positions one window spans along an axis: (kernel_size - 1) * dilation_rate + 1."""
    return (kernel - 1) * dilation + 1


def kernel_extents(kernel_size: tuple[int, ...], dilation_rate: tuple[int, ...]) -> tuple[int, ...]:
    """The kernel extent per spatial axis."""
    return tuple(kernel_extent(k, d) for k, d in zip(kernel_size, dilation_rate))


def channel_axis(data_format: str) -> int:
    """The channel axis of a batch shape: last for channels_last, 1 for channels_first."""
    return -1 if data_format == CHANNELS_LAST else 1


def spatial_axes(rank: int, data_format: str) -> tuple[int, ...]:
    """The spatial axes of a batch shape of ``rank`` spatial axes."""
    first = 1 if data_format == CHANNELS_LAST else 2
    return tuple(range(first, first + rank))


def channels(shape: tuple[Any, ...], data_format: str) -> Any:
    """The channel size of a batch shape."""
    return shape[channel_axis(data_format)]


def spatial_sizes(shape: tuple[Any, ...], data_format: str) -> tuple[Any, ...]:
    """The spatial sizes of a batch shape."""
    shape = tuple(shape)
    return shape[1:-1] if data_format == CHANNELS_LAST else shape[2:]


def batch_shape(batch: Any, spatial: tuple[Any, ...], channel_size: Any, data_format: str) -> tuple[Any, ...]:
    """A batch shape put together from its parts, in the order ``data_format`` says."""
    if data_format == CHANNELS_LAST:
        return (batch, *spatial, channel_size)
    return (batch, channel_size, *spatial)


def output_size(size: int, extent: int, stride: int, padding: str) -> int:
    """The output size along one axis: "same" keeps ceil(size / stride), "valid" only whole windows (0 if none)."""
    if padding == "same":
        return -(-size // stride)
    return max((size - extent) // stride + 1, 0)


def same_padding(size: int, extent: int, stride: int) -> tuple[int, int]:
    """The (before, after) padding "same" adds along one axis, the smaller half first, as Keras pads."""
    total = max((output_size(size, extent, stride, "same") - 1) * stride + extent - size, 0)
    return total // 2, total - total // 2
