"""Whether a layer can run on an input: declared shapes, sizes, and the backend's errors in our words.

Checked before the backend sees the input where that can be known (TensorFlow's
oneDNN kernels fail on 0 channels with a message that names nothing, and a
kernel larger than a "valid" input leaves an empty output); what the backend
still raises is summarised without ANSI escapes, op, device or class names.
"""

from __future__ import annotations

import re
from typing import Any

import keras

from kerasr_bridge.inputs import spatial_rank
from kerasr_bridge.render import bounded, shape_text


def _is_convolution(layer: keras.layers.Layer) -> bool:
    """Whether the size checks apply (pipe() may compose any Keras layer)."""
    return all(hasattr(layer, name) for name in ("kernel_size", "dilation_rate", "padding", "data_format"))


def _spatial_sizes(layer: keras.layers.Layer, shape: tuple[Any, ...]) -> tuple[Any, ...] | None:
    """The spatial sizes of an input of ``shape`` to ``layer``; None where the size checks do not apply."""
    rank = spatial_rank(layer)
    if rank is None or len(shape) != rank + 2 or not _is_convolution(layer):
        return None
    return tuple(shape[1:-1] if layer.data_format == "channels_last" else shape[2:])


def _extents(layer: keras.layers.Layer) -> tuple[int, ...]:
    """The effective kernel extent per spatial axis, (kernel_size - 1) * dilation_rate + 1."""
    return tuple((k - 1) * d + 1 for k, d in zip(layer.kernel_size, layer.dilation_rate))


def _sizes_text(sizes: tuple[int, ...]) -> str:
    """``kernel_size`` and the like: one number when all equal, else the vector."""
    return str(sizes[0]) if len(set(sizes)) == 1 else shape_text(sizes)


def received_shape(model: keras.Sequential) -> tuple[Any, ...] | None:
    """The shape a layer added to ``model`` receives, where the model knows it."""
    if not model._layers or not isinstance(model._layers[0], keras.layers.InputLayer):
        return None
    if len(model._layers) == 1:
        return tuple(model._layers[0].batch_shape)
    try:
        shape = model.output_shape
    except (AttributeError, ValueError, RuntimeError):
        return None
    if isinstance(shape, (tuple, list)) and all(isinstance(size, (int, type(None))) for size in shape):
        return tuple(shape)
    return None


def declared_shape_conflict(layer: keras.layers.Layer, shape: tuple[Any, ...], source: str) -> str | None:
    """The message when ``input_shape``/``batch_input_shape``/``batch_size`` contradict the input ``source`` has.

    An unknown size (None) on either side agrees with anything. Shapes of another
    rank are left to the rank checks.
    """
    declared = getattr(layer, "_kerasr_batch_shape", None)
    if declared is None or len(declared) != len(shape):
        return None
    spatial_arg, batch_arg = layer._kerasr_shape_arguments

    def differ(a: Any, b: Any) -> bool:
        return a is not None and b is not None and a != b

    if any(differ(d, s) for d, s in zip(declared[1:], shape[1:])):
        arg = spatial_arg
    elif differ(declared[0], shape[0]):
        arg = batch_arg
    else:
        return None
    if arg == "input_shape":
        expected, received = f"the shape of {source} without the batch axis, {shape_text(shape[1:])}", declared[1:]
    elif arg == "batch_input_shape":
        expected, received = f"the shape of {source}, {shape_text(shape)}", declared
    else:
        return f"Invalid `batch_size`: expected the batch size of {source}, {shape[0]}; received {declared[0]}."
    return f"Invalid `{arg}`: expected {expected}; received {shape_text(received)}."


def fit_problem(layer: keras.layers.Layer, shape: tuple[Any, ...]) -> tuple[str, str] | None:
    """Why ``layer`` cannot compute on an input of ``shape``, as (arguments named, reason); None when it can.

    Checked before the backend sees the input: TensorFlow's oneDNN kernels fail
    on 0 channels with a message that names nothing, and a kernel larger than a
    "valid" input leaves an empty output.
    """
    spatial = _spatial_sizes(layer, shape)
    if spatial is None:
        return None
    channels_last = layer.data_format == "channels_last"
    channels = shape[-1] if channels_last else shape[1]
    if channels == 0:
        axis = "-1" if channels_last else "1"
        return "object", f'its input has 0 channels (axis {axis}, data_format "{layer.data_format}")'
    if 0 in spatial:
        return "object", f"its input has a spatial size of 0, {shape_text(spatial)}"
    if layer.padding != "valid":
        return None
    kernel, dilation, extents = tuple(layer.kernel_size), tuple(layer.dilation_rate), _extents(layer)
    if not any(size is not None and extent > size for extent, size in zip(extents, spatial)):
        return None
    if all(d == 1 for d in dilation):
        return "kernel_size", (
            f"`kernel_size` {_sizes_text(kernel)} is larger than the input's spatial size {shape_text(spatial)} "
            'with padding "valid", so the output would be empty'
        )
    return "kernel_size` and `dilation_rate", (
        f"the effective kernel extent {_sizes_text(extents)} of `kernel_size` {_sizes_text(kernel)} and "
        f"`dilation_rate` {_sizes_text(dilation)} is larger than the input's spatial size {shape_text(spatial)} "
        'with padding "valid", so the output would be empty'
    )


_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
_FUNCTION_NODE = re.compile(r"\{\{function_node [^}]*\}\}\s*")
_OP_SUFFIX = re.compile(r"\s*\[Op:[^\]]*\].*$")
_DEVICE = re.compile(r" (?:on|by) (?:/job:|allocator )\S+")
_KERAS_FRAME = ("Exception encountered when calling", "Arguments received by", "\u2022")


def backend_reason(error: BaseException) -> str:
    """The backend's own words, short: no ANSI escapes, no Keras call frame, no op or device names."""
    lines = [line.strip() for line in _ANSI.sub("", str(error)).splitlines()]
    lines = [line for line in lines if line and not line.startswith(_KERAS_FRAME)]
    reason = _DEVICE.sub("", _OP_SUFFIX.sub("", _FUNCTION_NODE.sub("", lines[0] if lines else ""))).rstrip(" .:")
    return bounded(reason or type(error).__name__, 160)


def is_ours(error: BaseException) -> bool:
    """Our own refusals (raised in a layer's __call__) already name their argument."""
    return isinstance(error, (TypeError, ValueError)) and str(error).startswith("Invalid `")


def blamed_argument(layer: keras.layers.Layer, shape: tuple[Any, ...]) -> str:
    """The argument to blame for a backend failure: the kernel's extent where it exceeds the input, else object."""
    spatial = _spatial_sizes(layer, shape)
    if spatial is None:
        return "object"
    for extent, dilation, size in zip(_extents(layer), layer.dilation_rate, spatial):
        if size is not None and extent > size:
            return "dilation_rate" if dilation > 1 else "kernel_size"
    return "object"
