"""Handing a freshly converted input array to the backend without another copy.

``inputs.c_order_copy`` makes the C-order array a layer gets from R's
Fortran-order one. Given a NumPy array, TensorFlow copies it once more
(``convert_to_eager_tensor`` calls ``value.copy()`` so that the tensor cannot
change with the array): for a 32x64x64x32 float32 input, 16.7 MB written to
fresh pages, about a fifth of the whole call. The array we made is ours alone,
so it can become the tensor's memory instead, through DLPack (public API,
zero-copy). TensorFlow requires tensor memory aligned to 64 bytes and aborts
the process (a failed CHECK, not an exception) on an unaligned DLPack buffer,
so the array is allocated aligned (:func:`aligned_empty`) and the alignment is
checked again before the handover. JAX and PyTorch are left as they are
(PyTorch already shares a NumPy array's memory).
"""

from __future__ import annotations

from typing import Any

import keras
import numpy as np

# TensorFlow's required alignment (EIGEN_MAX_ALIGN_BYTES on x86-64 with AVX-512).
ALIGNMENT = 64
# Below this size TensorFlow's copy costs less than the DLPack round trip (~10 us).
MIN_BYTES = 2**18


def aligned_empty(shape: tuple[int, ...], dtype: Any) -> np.ndarray:
    """``np.empty(shape, dtype)``, with its data aligned to :data:`ALIGNMENT` bytes."""
    dtype = np.dtype(dtype)
    nbytes = int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
    buffer = np.empty(nbytes + ALIGNMENT, np.uint8)
    offset = -buffer.ctypes.data % ALIGNMENT
    return buffer[offset : offset + nbytes].view(dtype).reshape(shape)


def as_backend_tensor(array: np.ndarray) -> Any:
    """A TensorFlow tensor sharing ``array``'s memory where that is safe, else ``array`` itself.

    Only for an array nobody else holds (the caller just made it): the tensor
    keeps it alive through the DLPack capsule.
    """
    if (
        keras.backend.backend() != "tensorflow"
        or array.nbytes < MIN_BYTES
        or array.ctypes.data % ALIGNMENT
        or not array.flags.c_contiguous
        or not array.flags.writeable
        or array.dtype not in _DLPACK_DTYPES
    ):
        return array
    import tensorflow as tf

    try:
        return tf.experimental.dlpack.from_dlpack(array.__dlpack__())
    except Exception:  # a TensorFlow that refuses it: its own copy is only slower
        return array


# What both NumPy's DLPack export and TensorFlow's import take (not ml_dtypes' bfloat16).
_DLPACK_DTYPES = (np.dtype(np.float16), np.dtype(np.float32), np.dtype(np.float64))
