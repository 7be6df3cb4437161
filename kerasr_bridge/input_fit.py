"""Whether a layer fits its input: the input its extra arguments declared, and its sizes.

Checked before the backend sees the input where that can be known (TensorFlow's
oneDNN kernels fail on 0 channels with a message that names nothing, and a
kernel larger than a "valid" input leaves an empty output). What the backend
still raises is summarised by :func:`kerasr_bridge.render.backend_reason`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import keras

from kerasr_bridge import geometry, keras_internals
from kerasr_bridge.render import shape_text


@dataclass(frozen=True)
class DeclaredInput:
    """The batch shape the extra arguments declared for a layer, and which arguments declared it.

    ``shape_argument`` gave the sizes after the batch axis (``input_shape`` or
    ``batch_input_shape``), ``batch_argument`` the batch size (``batch_size``
    or ``batch_input_shape``): a message about a contradiction names the one
    the user wrote. Kept in the layer's record (:mod:`kerasr_bridge.layer_records`).
    """

    batch_shape: tuple[int | None, ...]
    shape_argument: str
    batch_argument: str


def declaration(kwargs: dict[str, Any], batch_size: int | None, input_shape: tuple[int | None, ...]) -> DeclaredInput:
    """What the extra arguments (``kwargs``, as given) declare about the layer's input."""
    if kwargs.get("batch_input_shape") is not None:
        return DeclaredInput((batch_size, *input_shape), "batch_input_shape", "batch_input_shape")
    return DeclaredInput((batch_size, *input_shape), "input_shape", "batch_size")


def _is_convolution(layer: keras.layers.Layer) -> bool:
    """Whether the size checks apply (pipe() may compose any Keras layer)."""
    return all(hasattr(layer, name) for name in ("kernel_size", "dilation_rate", "padding", "data_format"))


def _spatial_sizes(layer: keras.layers.Layer, shape: tuple[Any, ...]) -> tuple[Any, ...] | None:
    """The spatial sizes of an input of ``shape`` to ``layer``; None where the size checks do not apply."""
    rank = geometry.spatial_rank(layer)
    if rank is None or len(shape) != rank + 2 or not _is_convolution(layer):
        return None
    return geometry.spatial_sizes(shape, layer.data_format)


def _extents(layer: keras.layers.Layer) -> tuple[int, ...]:
    return geometry.kernel_extents(layer.kernel_size, layer.dilation_rate)


def _sizes_text(sizes: tuple[int, ...]) -> str:
    """``kernel_size`` and the like: one number when all equal, else the vector."""
    return str(sizes[0]) if len(set(sizes)) == 1 else shape_text(sizes)


def received_shape(model: keras.Sequential) -> tuple[Any, ...] | None:
    """The shape a layer added to ``model`` receives, where the model knows it."""
    layers = keras_internals.sequential_layers(model)
    if not layers or not isinstance(layers[0], keras.layers.InputLayer):
        return None
    if len(layers) == 1:
        return tuple(layers[0].batch_shape)
    try:
        shape = model.output_shape
    except (AttributeError, ValueError, RuntimeError):
        return None
    if isinstance(shape, (tuple, list)) and all(isinstance(size, (int, type(None))) for size in shape):
        return tuple(shape)
    return None


def declared_shape_conflict(
    declared: DeclaredInput | None, shape: tuple[Any, ...], source: str
) -> tuple[str, str] | None:
    """(argument, message) when ``input_shape``/``batch_input_shape``/``batch_size`` contradict ``source``'s shape.

    An unknown size (None) on either side agrees with anything. Shapes of another
    rank are left to the rank checks.
    """
    if declared is None or len(declared.batch_shape) != len(shape):
        return None
    batch_shape = declared.batch_shape

    def differ(a: Any, b: Any) -> bool:
        return a is not None and b is not None and a != b

    if any(differ(d, s) for d, s in zip(batch_shape[1:], shape[1:])):
        arg = declared.shape_argument
    elif differ(batch_shape[0], shape[0]):
        arg = declared.batch_argument
    else:
        return None
    if arg == "input_shape":
        expected, received = f"the shape of {source} without the batch axis, {shape_text(shape[1:])}", batch_shape[1:]
    elif arg == "batch_input_shape":
        expected, received = f"the shape of {source}, {shape_text(shape)}", batch_shape
    else:
        return arg, f"Invalid `batch_size`: expected the batch size of {source}, {shape[0]}; received {batch_shape[0]}."
    return arg, f"Invalid `{arg}`: expected {expected}; received {shape_text(received)}."


def fit_problem(layer: keras.layers.Layer, shape: tuple[Any, ...]) -> tuple[tuple[str, ...], str] | None:
    """Why ``layer`` cannot compute on an input of ``shape``, as (arguments to blame, reason); None when it can.

    Checked before the backend sees the input: TensorFlow's oneDNN kernels fail
    on 0 channels with a message that names nothing, and a kernel larger than a
    "valid" input leaves an empty output.
    """
    rank = geometry.spatial_rank(layer)
    if shape and rank is not None and _is_convolution(layer) and len(shape) != rank + 2:
        # Keras would say "Kernel shape must have the same length as input", in its own terms.
        return ("object",), (
            f"it takes inputs of rank {rank + 2} (batch, {rank} spatial, channels); received input of shape "
            f"{shape_text(shape)}"
        )
    spatial = _spatial_sizes(layer, shape)
    if spatial is None:
        return None
    if geometry.channels(shape, layer.data_format) is None:
        # Keras would fail computing the kernel's shape ("unsupported operand type(s) for *").
        axis = geometry.channel_axis(layer.data_format)
        where = f'axis {axis}, data_format "{layer.data_format}"'
        return ("object",), f"its input has an unknown number of channels ({where})"
    if geometry.channels(shape, layer.data_format) == 0:
        axis = geometry.channel_axis(layer.data_format)
        return ("object",), f'its input has 0 channels (axis {axis}, data_format "{layer.data_format}")'
    if 0 in spatial:
        return ("object",), f"its input has a spatial size of 0, {shape_text(spatial)}"
    if layer.padding != "valid":
        return None
    kernel, dilation, extents = tuple(layer.kernel_size), tuple(layer.dilation_rate), _extents(layer)
    if not any(size is not None and extent > size for extent, size in zip(extents, spatial)):
        return None
    if all(d == 1 for d in dilation):
        return ("kernel_size",), (
            f"`kernel_size` {_sizes_text(kernel)} is larger than the input's spatial size {shape_text(spatial)} "
            'with padding "valid", so the output would be empty'
        )
    return ("kernel_size", "dilation_rate"), (
        f"the effective kernel extent {_sizes_text(extents)} of `kernel_size` {_sizes_text(kernel)} and "
        f"`dilation_rate` {_sizes_text(dilation)} is larger than the input's spatial size {shape_text(spatial)} "
        'with padding "valid", so the output would be empty'
    )


def blamed_argument(layer: keras.layers.Layer, shape: tuple[Any, ...]) -> str:
    """The argument to blame for a backend failure: the kernel's extent where it exceeds the input, else object."""
    spatial = _spatial_sizes(layer, shape)
    if spatial is None:
        return "object"
    for extent, dilation, size in zip(_extents(layer), layer.dilation_rate, spatial):
        if size is not None and extent > size:
            return "dilation_rate" if dilation > 1 else "kernel_size"
    return "object"
