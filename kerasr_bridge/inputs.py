"""What a layer is given as ``object``: arrays and tensors checked and converted once, in one place."""

from __future__ import annotations

from typing import Any

import keras
import numpy as np

from kerasr_bridge.arrays import as_backend_tensor, c_order_copy
from kerasr_bridge.errors import InvalidArgument, InvalidArgumentType
from kerasr_bridge.geometry import spatial_rank
from kerasr_bridge.render import invalid, shape_text, spell


def object_expected() -> str:
    return (
        f"{spell('None', 'NULL')}, a keras Sequential model, or a tensor, array or keras Input "
        "to pass through the layer"
    )


def as_layer_input(value: Any, layer: keras.layers.Layer) -> Any:
    """Check an array/tensor for ``layer`` and hand it over in the layer's float dtype.

    NumPy arrays are made C-contiguous and cast once here (see
    :func:`kerasr_bridge.arrays.c_order_copy`): R arrays arrive in Fortran order, which TensorFlow
    would otherwise copy element by element and then cast in a second pass.
    Integer inputs (R integer arrays are int32) are cast too, because Keras only
    autocasts floats and TensorFlow's depthwise kernels reject integers.
    """
    dtype = layer.compute_dtype
    if isinstance(value, (str, bytes, list, tuple, dict, set)) or value is None:
        raise invalid("object", object_expected(), value, InvalidArgumentType)
    symbolic = isinstance(value, keras.KerasTensor)
    if symbolic or keras.ops.is_tensor(value):
        if getattr(value, "sparse", False) or hasattr(value, "dense_shape"):  # tf.SparseTensor, sparse Input
            raise invalid("object", "a dense tensor or array (depthwise convolutions take no sparse input)", value)
        _check_rank(layer, value)
        kind = keras.backend.standardize_dtype(value.dtype)
        if not (keras.backend.is_float_dtype(kind) or keras.backend.is_int_dtype(kind) or kind == "bool"):
            raise InvalidArgumentType(
                f"Invalid `object`: expected a numeric tensor; received a tensor of dtype {kind}.", "object"
            )
        converted = value if keras.backend.is_float_dtype(kind) else keras.ops.cast(value, dtype)
    elif hasattr(value, "__array__"):
        array = np.asarray(value)
        # Logical arrays count as 0/1, as R's as.double() reads them. ml_dtypes' bfloat16 and
        # float8_e4m3fn are NumPy kind "V" but floats to Keras, which computes them (cast, like any float).
        if array.dtype.kind not in "biuf" and not _is_keras_float(array.dtype):
            raise invalid("object", "a numeric array", array, InvalidArgumentType)
        _check_rank(layer, array)
        # R's NA is a signalling NaN: casting it sets the FP "invalid" flag, and
        # NumPy would warn, though the NaN arrives intact (NA stays missing).
        with np.errstate(invalid="ignore"):
            converted = c_order_copy(array, dtype)
        if converted is not array and not np.may_share_memory(converted, array):
            converted = as_backend_tensor(converted)  # our own copy: the backend may keep it as is
    else:
        raise invalid("object", object_expected(), value, InvalidArgumentType)
    return converted


def _is_keras_float(dtype: np.dtype) -> bool:
    try:
        return keras.backend.is_float_dtype(keras.backend.standardize_dtype(dtype))
    except (ValueError, TypeError):
        return False


def _check_rank(layer: keras.layers.Layer, value: Any) -> None:
    """Checked on what the user gave, before any conversion (NumPy would make a 0-d array 1-d)."""
    rank = spatial_rank(layer)
    if rank is None or len(value.shape) == rank + 2:
        return
    expected = f"input of rank {rank + 2} (batch, {rank} spatial, channels)"
    if isinstance(value, np.ndarray):
        raise invalid("object", expected, value)
    raise InvalidArgument(
        f"Invalid `object`: expected {expected}; received a tensor of shape {shape_text(value.shape)}.", "object"
    )
