"""The single place that decides what happens to ``object`` (keras3's ``compose_layer``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import keras
import numpy as np

from kerasr_bridge.coerce import invalid
from kerasr_bridge.render import describe, spell


def _object_expected() -> str:
    return (
        f"{spell('None', 'NULL')}, a keras Sequential model, or a tensor, array or keras Input "
        "to pass through the layer"
    )


def _spatial_rank(layer: keras.layers.Layer) -> int | None:
    return getattr(layer, "rank", None)


def _add_to_sequential(model: keras.Sequential, layer: keras.layers.Layer) -> keras.Sequential:
    """Add ``layer`` (after the Input its legacy shape arguments describe); all or nothing."""
    # Sequential.add appends before it rebuilds, so a layer that does not fit
    # would stay in the model; we take it out again. `_layers` (not `layers`)
    # also counts the InputLayer.
    layers_before = len(model._layers)
    batch_shape = getattr(layer, "_kerasr_batch_shape", None)
    try:
        if batch_shape is not None and not model._layers:
            model.add(keras.Input(batch_shape=batch_shape, dtype=layer.dtype_policy.variable_dtype))
        model.add(layer)
    except Exception as error:
        while len(model._layers) > layers_before:
            model.pop(rebuild=False)
        if model._layers:
            model._maybe_rebuild()
        raise ValueError(
            f"Invalid `object`: the layer {layer.name!r} cannot be added to the "
            f"Sequential model {model.name!r} (left unchanged): {error}"
        ) from error
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
        kind = keras.backend.standardize_dtype(value.dtype)
        if not (keras.backend.is_float_dtype(kind) or keras.backend.is_int_dtype(kind) or kind == "bool"):
            raise TypeError(f"Invalid `object`: expected a numeric tensor; received a tensor of dtype {kind}.")
        converted = value if keras.backend.is_float_dtype(kind) else keras.ops.cast(value, dtype)
    elif hasattr(value, "__array__"):
        array = np.asarray(value)
        # Logical arrays count as 0/1, as R's as.double() reads them.
        if array.dtype.kind not in "biuf":
            raise invalid("object", "a numeric array", array, TypeError)
        # R's NA is a signalling NaN: casting it sets the FP "invalid" flag, and
        # NumPy would warn, though the NaN arrives intact (NA stays missing).
        with np.errstate(invalid="ignore"):
            converted = _c_order_copy(array, dtype)
    else:
        raise invalid("object", _object_expected(), value, TypeError)
    rank = _spatial_rank(layer)
    ndim = len(converted.shape)
    if rank is not None and ndim != rank + 2:
        raise ValueError(
            f"Invalid `object`: {layer.__class__.__name__} expects input of rank {rank + 2} "
            f"(batch, {rank} spatial, channels); received shape {tuple(converted.shape)}."
        )
    return converted


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
    return layer(as_layer_input(object, layer))


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
