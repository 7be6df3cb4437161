"""Large arrays between R's memory layout and the backend's, with as few copies as the values allow.

R stores arrays in Fortran order and the backends compute on C order, so
every large array crosses between the two once, each way: an input on its way
into a layer (:func:`c_order_copy`, then :func:`as_backend_tensor`) and a
result on its way back to R (:func:`f_order_into`). Both copies are the same
blocked transposing copy (:func:`_blocked_copy`), written once.

Handing a fresh input to TensorFlow: given a NumPy array, TensorFlow copies
it once more (``convert_to_eager_tensor`` calls ``value.copy()`` so that the
tensor cannot change with the array). An array we just made is ours alone, so
it can become the tensor's memory instead, through DLPack (public API,
zero-copy). TensorFlow requires tensor memory aligned to 64 bytes and aborts
the process (a failed CHECK, not an exception) on an unaligned DLPack buffer,
so the array is allocated aligned (:func:`aligned_empty`) and the alignment is
checked again before the hand-over. JAX and PyTorch are left as they are
(PyTorch already shares a NumPy array's memory). What each step saves is
measured in ``benchmarks/RESULTS.md`` ("The R data path").
"""

from __future__ import annotations

from typing import Any

import keras
import numpy as np

# TensorFlow's required alignment (EIGEN_MAX_ALIGN_BYTES on x86-64 with AVX-512).
ALIGNMENT = 64
# Below this size TensorFlow's own copy costs less than the DLPack round trip.
MIN_HANDOVER_BYTES = 2**18
# Below this many elements NumPy's one-pass copy wins: the blocked one costs a little more to set up.
BLOCKED_COPY_MIN_SIZE = 2**16
# Bytes of the intermediate block of the blocked copy: small enough to stay in cache.
BLOCK_BYTES = 2**18

# What both NumPy's DLPack export and TensorFlow's import take (not ml_dtypes' bfloat16).
_DLPACK_DTYPES = (np.dtype(np.float16), np.dtype(np.float32), np.dtype(np.float64))


def aligned_empty(shape: tuple[int, ...], dtype: Any) -> np.ndarray:
    """``np.empty(shape, dtype)``, with its data aligned to :data:`ALIGNMENT` bytes."""
    dtype = np.dtype(dtype)
    nbytes = int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
    buffer = np.empty(nbytes + ALIGNMENT, np.uint8)
    offset = -buffer.ctypes.data % ALIGNMENT
    return buffer[offset : offset + nbytes].view(dtype).reshape(shape)


def _blocked_copy(source: np.ndarray, out: np.ndarray) -> None:
    """``out[...] = source`` for a Fortran-order ``source`` and a C-order ``out`` (cast to ``out``'s dtype).

    A Fortran-order array is its transpose stored in C order, so the copy
    reverses all its axes. NumPy's one-pass copy writes the output in order
    and reads each element from a different page (the input stride of the
    last axis is the size of all the others): a cache and TLB miss per
    element. Instead, block by block along the second-to-last axis, two
    passes: move the last axis to the end (a 2D transpose whose short side
    keeps few input streams open; it also casts) into a small block that
    stays in cache, then write that block with the other axes reversed, now
    moving contiguous runs of the last axis. Each element is cast once, the
    same way, so the values are NumPy's own.
    """
    stored = source.T  # C-contiguous, shape reversed: (last, second-to-last, ..., first)
    last, ndim = source.shape[-1], source.ndim
    step = max(1, BLOCK_BYTES // (source.size // source.shape[-2] * out.dtype.itemsize))
    reverse_but_last = (*range(ndim - 2, -1, -1), ndim - 1)
    for start in range(0, source.shape[-2], step):
        block = stored[:, start : start + step]
        last_at_end = np.ascontiguousarray(block.reshape(last, -1).T, dtype=out.dtype)
        out[..., start : start + step, :] = last_at_end.reshape(block.shape[1:] + (last,)).transpose(reverse_but_last)


def c_order_copy(array: np.ndarray, dtype: Any) -> np.ndarray:
    """``np.ascontiguousarray(array, dtype=dtype)``, faster for large Fortran-order arrays (R's)."""
    if (
        array.flags.c_contiguous
        or not array.flags.f_contiguous
        or array.ndim < 3
        or array.size < BLOCKED_COPY_MIN_SIZE
    ):
        return np.ascontiguousarray(array, dtype=dtype)
    out = aligned_empty(array.shape, dtype)  # aligned, so TensorFlow can take it without a copy
    _blocked_copy(array, out)
    return out


def f_order_into(array: np.ndarray, out: np.ndarray) -> None:
    """``out[...] = array`` for a Fortran-order ``out`` (an R array), fast for a large C-order ``array``."""
    if not array.flags.c_contiguous or array.ndim < 3:
        np.copyto(out, array, casting="unsafe")
        return
    # Transposed, `array` is Fortran-order and `out` C-order: the blocked copy's layout.
    _blocked_copy(array.T, out.T)


def as_backend_tensor(array: np.ndarray) -> Any:
    """A TensorFlow tensor sharing ``array``'s memory where that is safe, else ``array`` itself.

    Only for an array nobody else holds (the caller just made it): the tensor
    keeps it alive through the DLPack capsule.
    """
    if (
        keras.backend.backend() != "tensorflow"
        or array.nbytes < MIN_HANDOVER_BYTES
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
