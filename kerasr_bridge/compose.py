"""The single place that decides what happens to ``object`` (keras3's ``compose_layer``)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import keras
import numpy as np

from kerasr_bridge.coerce import invalid
from kerasr_bridge.render import MAX_MESSAGE_CHARS, bounded, describe, for_r, spell


def _object_expected() -> str:
    return (
        f"{spell('None', 'NULL')}, a keras Sequential model, or a tensor, array or keras Input "
        "to pass through the layer"
    )


def _spatial_rank(layer: keras.layers.Layer) -> int | None:
    return getattr(layer, "rank", None)


def _is_convolution(layer: keras.layers.Layer) -> bool:
    """Whether the size checks apply (pipe() may compose any Keras layer)."""
    return all(hasattr(layer, name) for name in ("kernel_size", "dilation_rate", "padding", "data_format"))


def _shape_text(shape: Any) -> str:
    """A shape in a message: ``(None, 28, 28, 3)`` for Python, ``list(NULL, 28, 28, 3)``/``c(28, 28, 3)`` for R."""
    sizes = [None if size is None else int(size) for size in shape]
    return describe(sizes) if for_r() else str(tuple(sizes))


def _sizes_text(sizes: tuple[int, ...]) -> str:
    """``kernel_size`` and the like: one number when all equal, else the vector."""
    return str(sizes[0]) if len(set(sizes)) == 1 else _shape_text(sizes)


def _received_shape(model: keras.Sequential) -> tuple[Any, ...] | None:
    """The shape a layer added to ``model`` receives, where the model knows it."""
    if not model._layers or not isinstance(model._layers[0], keras.layers.InputLayer):
        return None
    if len(model._layers) == 1:
        return tuple(model._layers[0].batch_shape)
    try:
        shape = model.output_shape
    except (AttributeError, ValueError, RuntimeError):
        return None
    return tuple(shape) if isinstance(shape, (tuple, list)) and all(isinstance(s, (int, type(None))) for s in shape) \
        else None


def _declared_shape_conflict(layer: keras.layers.Layer, shape: tuple[Any, ...], source: str) -> str | None:
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
        expected, received = f"the shape of {source} without the batch axis, {_shape_text(shape[1:])}", declared[1:]
    elif arg == "batch_input_shape":
        expected, received = f"the shape of {source}, {_shape_text(shape)}", declared
    else:
        return f"Invalid `batch_size`: expected the batch size of {source}, {shape[0]}; received {declared[0]}."
    return f"Invalid `{arg}`: expected {expected}; received {_shape_text(received)}."


def _fit_problem(layer: keras.layers.Layer, shape: tuple[Any, ...]) -> tuple[str, str] | None:
    """Why ``layer`` cannot compute on an input of ``shape``, as (arguments named, reason); None when it can.

    Checked before the backend sees the input: TensorFlow's oneDNN kernels fail
    on 0 channels with a message that names nothing, and a kernel larger than a
    "valid" input leaves an empty output.
    """
    rank = _spatial_rank(layer)
    if rank is None or len(shape) != rank + 2 or not _is_convolution(layer):
        return None
    channels_last = layer.data_format == "channels_last"
    channels = shape[-1] if channels_last else shape[1]
    spatial = shape[1:-1] if channels_last else shape[2:]
    if channels == 0:
        axis = "-1" if channels_last else "1"
        return "object", f'its input has 0 channels (axis {axis}, data_format "{layer.data_format}")'
    if 0 in spatial:
        return "object", f"its input has a spatial size of 0, {_shape_text(spatial)}"
    if layer.padding != "valid":
        return None
    kernel, dilation = tuple(layer.kernel_size), tuple(layer.dilation_rate)
    extents = tuple((k - 1) * d + 1 for k, d in zip(kernel, dilation))
    if not any(size is not None and extent > size for extent, size in zip(extents, spatial)):
        return None
    if all(d == 1 for d in dilation):
        return "kernel_size", (
            f"`kernel_size` {_sizes_text(kernel)} is larger than the input's spatial size {_shape_text(spatial)} "
            'with padding "valid", so the output would be empty'
        )
    return "kernel_size` and `dilation_rate", (
        f"the effective kernel extent {_sizes_text(extents)} of `kernel_size` {_sizes_text(kernel)} and "
        f"`dilation_rate` {_sizes_text(dilation)} is larger than the input's spatial size {_shape_text(spatial)} "
        'with padding "valid", so the output would be empty'
    )


_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
_FUNCTION_NODE = re.compile(r"\{\{function_node [^}]*\}\}\s*")
_OP_SUFFIX = re.compile(r"\s*\[Op:[^\]]*\].*$")
_DEVICE = re.compile(r" (?:on|by) (?:/job:|allocator )\S+")
_KERAS_FRAME = ("Exception encountered when calling", "Arguments received by", "\u2022")


def _backend_reason(error: BaseException) -> str:
    """The backend's own words, short: no ANSI escapes, no Keras call frame, no op or device names."""
    lines = [line.strip() for line in _ANSI.sub("", str(error)).splitlines()]
    lines = [line for line in lines if line and not line.startswith(_KERAS_FRAME)]
    reason = _DEVICE.sub("", _OP_SUFFIX.sub("", _FUNCTION_NODE.sub("", lines[0] if lines else ""))).rstrip(" .:")
    return bounded(reason or type(error).__name__, 160)


def _is_ours(error: BaseException) -> bool:
    """Our own refusals (raised in a layer's __call__) already name their argument."""
    return isinstance(error, (TypeError, ValueError)) and str(error).startswith("Invalid `")


def _extent_args(layer: keras.layers.Layer, shape: tuple[Any, ...]) -> str:
    """The argument to blame for a backend failure: the kernel's extent where it exceeds the input, else object."""
    rank = _spatial_rank(layer)
    if rank is None or len(shape) != rank + 2 or not _is_convolution(layer):
        return "object"
    spatial = shape[1:-1] if layer.data_format == "channels_last" else shape[2:]
    for kernel, dilation, size in zip(layer.kernel_size, layer.dilation_rate, spatial):
        if size is not None and (kernel - 1) * dilation + 1 > size:
            return "dilation_rate" if dilation > 1 else "kernel_size"
    return "object"


def _add_to_sequential(model: keras.Sequential, layer: keras.layers.Layer) -> keras.Sequential:
    """Add ``layer`` (after the Input its legacy shape arguments describe); all or nothing."""
    # Everything that can be known is checked before the model is touched.
    declared = getattr(layer, "_kerasr_batch_shape", None)
    received = _received_shape(model)
    where = f"the input the layer receives in Sequential model {model.name!r}"
    if declared is not None and model._layers:
        if received is None:
            arg = layer._kerasr_shape_arguments[0]
            raise ValueError(
                f"Invalid `{arg}`: expected it only for the first layer of a Sequential model (model "
                f"{model.name!r} already has layers and no known input, so it would be ignored); "
                f"received {_shape_text(declared if arg == 'batch_input_shape' else declared[1:])}."
            )
        # The shape this layer receives, not the model's first input: they differ
        # once the model has layers, and a layer's input_shape describes its own input.
        conflict = _declared_shape_conflict(layer, received, where)
        if conflict:
            raise ValueError(conflict[:-1] + " (the model is left unchanged).")
    fit = _fit_problem(layer, received if received is not None else declared or ())
    if fit:
        raise ValueError(
            f"Invalid `object`: the layer {layer.name!r} cannot be added to the Sequential model "
            f"{model.name!r} (left unchanged): {fit[1]}."
        )
    # Sequential.add appends before it rebuilds, so a layer that does not fit
    # would stay in the model; we take it out again. `_layers` (not `layers`)
    # also counts the InputLayer.
    layers_before = len(model._layers)
    try:
        if declared is not None and not model._layers:
            model.add(keras.Input(batch_shape=declared, dtype=layer.dtype_policy.variable_dtype))
        model.add(layer)
    except Exception as error:
        while len(model._layers) > layers_before:
            model.pop(rebuild=False)
        if model._layers:
            model._maybe_rebuild()
        message = (
            f"Invalid `object`: the layer {layer.name!r} cannot be added to the "
            f"Sequential model {model.name!r} (left unchanged): {_backend_reason(error)}."
        )
        # Not chained: the backend's error (ANSI escapes, class names) is summarised above.
        raise ValueError(bounded(message, MAX_MESSAGE_CHARS)) from None
    return model


# Below this many elements the one-pass copy wins: the blocked one costs a few
# microseconds more to set up.
_TWO_PASS_MIN_SIZE = 2**16
# Bytes of the intermediate block in _c_order_copy: small enough to stay in cache.
_BLOCK_BYTES = 2**18


def _c_order_copy(array: np.ndarray, dtype: Any) -> np.ndarray:
    """``np.ascontiguousarray(array, dtype=dtype)``, faster for large Fortran-order arrays.

    A Fortran-order array is ``array.T`` stored in C order, so making it
    C-contiguous reverses all its axes. NumPy's one-pass copy writes the output
    in order and reads each element from a different page (the input stride of
    the last axis is the size of all the others): a cache and TLB miss per
    element. Instead, block by block along the second-to-last axis, two passes:
    move the last axis to the end (a 2D transpose whose short side keeps few
    input streams open; it also casts) into a small block that stays in cache,
    then write that block with the other axes reversed, now moving contiguous
    runs of the last axis. 2-3x faster for large arrays (32x64x64x32 float64
    to float32: about 0.35x the time), with no full-size intermediate. The
    values are the same: each element is cast once, the same way.
    """
    if array.flags.c_contiguous or not array.flags.f_contiguous or array.ndim < 3 or array.size < _TWO_PASS_MIN_SIZE:
        return np.ascontiguousarray(array, dtype=dtype)
    dtype = np.dtype(dtype)
    out = np.empty(array.shape, dtype)
    stored = array.T  # C-contiguous, shape reversed: (last, second-to-last, ..., first)
    last, ndim = array.shape[-1], array.ndim
    step = max(1, _BLOCK_BYTES // (array.size // array.shape[-2] * dtype.itemsize))
    reverse_but_last = (*range(ndim - 2, -1, -1), ndim - 1)
    for start in range(0, array.shape[-2], step):
        block = stored[:, start : start + step]
        last_at_end = np.ascontiguousarray(block.reshape(last, -1).T, dtype=dtype)
        out[..., start : start + step, :] = last_at_end.reshape(block.shape[1:] + (last,)).transpose(reverse_but_last)
    return out


def as_layer_input(value: Any, layer: keras.layers.Layer) -> Any:
    """Check an array/tensor for ``layer`` and hand it over in the layer's float dtype.

    NumPy arrays are made C-contiguous and cast once here (see
    :func:`_c_order_copy`): R arrays arrive in Fortran order, which TensorFlow
    would otherwise copy element by element and then cast in a second pass.
    Integer inputs (R integer arrays are int32) are cast too, because Keras only
    autocasts floats and TensorFlow's depthwise kernels reject integers.
    """
    dtype = layer.compute_dtype
    if isinstance(value, (str, bytes, list, tuple, dict, set)) or value is None:
        raise invalid("object", _object_expected(), value, TypeError)
    symbolic = isinstance(value, keras.KerasTensor)
    if symbolic or keras.ops.is_tensor(value):
        _check_rank(layer, value)
        kind = keras.backend.standardize_dtype(value.dtype)
        if not (keras.backend.is_float_dtype(kind) or keras.backend.is_int_dtype(kind) or kind == "bool"):
            raise TypeError(f"Invalid `object`: expected a numeric tensor; received a tensor of dtype {kind}.")
        converted = value if keras.backend.is_float_dtype(kind) else keras.ops.cast(value, dtype)
    elif hasattr(value, "__array__"):
        array = np.asarray(value)
        # Logical arrays count as 0/1, as R's as.double() reads them.
        if array.dtype.kind not in "biuf":
            raise invalid("object", "a numeric array", array, TypeError)
        _check_rank(layer, array)
        # R's NA is a signalling NaN: casting it sets the FP "invalid" flag, and
        # NumPy would warn, though the NaN arrives intact (NA stays missing).
        with np.errstate(invalid="ignore"):
            converted = _c_order_copy(array, dtype)
    else:
        raise invalid("object", _object_expected(), value, TypeError)
    return converted


def _check_rank(layer: keras.layers.Layer, value: Any) -> None:
    """Checked on what the user gave, before any conversion (NumPy would make a 0-d array 1-d)."""
    rank = _spatial_rank(layer)
    if rank is None or len(value.shape) == rank + 2:
        return
    expected = f"input of rank {rank + 2} (batch, {rank} spatial, channels)"
    if isinstance(value, np.ndarray):
        raise invalid("object", expected, value)
    raise ValueError(f"Invalid `object`: expected {expected}; received a tensor of shape {_shape_text(value.shape)}.")


def compose_layer(object: Any, layer: keras.layers.Layer) -> Any:
    """None gives the layer, a Sequential gets it added, anything else is passed through it."""
    if object is None:
        return layer
    if isinstance(object, keras.Sequential):
        return _add_to_sequential(object, layer)
    if isinstance(object, keras.layers.Layer):
        raise TypeError(
            f"Invalid `object`: expected {_object_expected()}; received a "
            f"{type(object).__name__} (only Sequential models can be extended)."
        )
    return _pass_through(layer, as_layer_input(object, layer))


def _pass_through(layer: keras.layers.Layer, inputs: Any) -> Any:
    """``layer(inputs)``, with what the backend would get wrong or say badly checked first, and errors ours."""
    shape = tuple(inputs.shape)
    conflict = _declared_shape_conflict(layer, shape, "`object`")
    if conflict:
        raise ValueError(conflict)
    fit = _fit_problem(layer, shape)
    if fit:
        raise ValueError(f"Invalid `{fit[0]}`: the layer {layer.name!r} cannot run on `object`: {fit[1]}.")
    try:
        if shape[0] == 0 and not isinstance(inputs, keras.KerasTensor):
            # A batch of 0: TensorFlow's oneDNN kernels return the input's spatial
            # shape (and then fail to add a depth_multiplier > 1 bias). The layer
            # runs on one zero sample instead, which also builds it; its first 0 rows
            # have the right shape and dtype on every path.
            return layer(keras.ops.zeros((1, *shape[1:]), dtype=inputs.dtype))[:0]
        return layer(inputs)
    except Exception as error:
        if _is_ours(error):
            raise
        message = (
            f"Invalid `{_extent_args(layer, shape)}`: the layer {layer.name!r} failed on `object` of shape "
            f"{_shape_text(shape)}: {_backend_reason(error)}."
        )
        raise ValueError(bounded(message, MAX_MESSAGE_CHARS)) from None


def pipe(object: Any, *steps: Callable[[Any], Any]) -> Any:
    """Apply ``steps`` left to right, as R's ``|>`` does.

    A layer step is composed with :func:`compose_layer` (added to a Sequential,
    called on a tensor); any other callable step is called with the running value.

    >>> import keras
    >>> from kerasr_bridge import layer_depthwise_conv_2d, pipe
    >>> model = pipe(
    ...     keras.Sequential([keras.Input((28, 28, 3))]),
    ...     layer_depthwise_conv_2d(kernel_size=3),
    ...     layer_depthwise_conv_2d(kernel_size=3, strides=2),
    ... )
    >>> model.output_shape
    (None, 12, 12, 3)
    """
    for position, step in enumerate(steps, start=1):
        if isinstance(step, keras.layers.Layer):
            object = compose_layer(object, step)
        elif callable(step):
            object = step(object)
        else:
            raise TypeError(
                f"Invalid step {position} of pipe(): expected a layer or a function; received {describe(step)}."
            )
    return object
