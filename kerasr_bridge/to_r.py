"""Backend tensors back to R values: what the R package's ``as.array()``, ``dim()``, ``as.numeric()`` ... call.

Keras returns the backend's tensors (TensorFlow ``EagerTensor``, JAX ``Array``,
PyTorch ``Tensor``). keras3 and the tensorflow R package convert some of them
for R users; the R package kerasrbridge fills the gaps on every backend with
these functions (R/convert.R), so that one Python call does the work.

Values are the backend's own NumPy conversion (``keras.ops.convert_to_numpy``)
as reticulate converts it: floats become R doubles, int32 and narrower R
integers, int64 R doubles, bool R logicals. Only the route differs, for speed:

- reticulate converts a NumPy array by casting it to a new Fortran-order
  float64 array (a one-pass copy that reads a C-order input across pages: a
  cache and TLB miss per element) and then copying that into a new R vector.
- A large float tensor instead goes straight into a new R double array that R
  allocates (:class:`Fill`): one blocked transposing copy, no intermediate
  arrays. Each element is cast once, the same way, so the bits are the same
  (NaN payloads included: R's NA in a float64 tensor stays NA).
"""

from __future__ import annotations

import ctypes
from typing import Any

import numpy as np

from kerasr_bridge.arrays import f_order_into

# Below this many elements reticulate's own conversion is as fast: the direct
# fill costs a few more calls between R and Python.
FILL_MIN_SIZE = 2**16


def host_array(value: Any) -> np.ndarray:
    """``value`` as a NumPy array, without a copy where the backend allows (CPU tensors).

    PyTorch: detached first (a result of a layer with weights requires grad,
    and NumPy's conversion refuses it; reticulate's generic handling of such a
    tensor reads ``.grad`` and ``.T``, which warns), moved to the CPU, and
    bfloat16 and the float8 types widened to float32 (exact), which PyTorch cannot hand to NumPy.
    TensorFlow's and JAX's ``__array__`` give a view of host memory.
    """
    if isinstance(value, np.ndarray):
        return value
    if type(value).__module__.split(".")[0] == "torch":
        import torch

        value = value.detach()
        if value.device.type != "cpu":
            value = value.cpu()
        if value.dtype.is_floating_point and value.dtype not in (torch.float16, torch.float32, torch.float64):
            value = value.float()
        return value.numpy()
    return np.asarray(value)


def dim(value: Any) -> list[int | None] | None:
    """The shape as a list (an unknown size is None); None where even the rank is unknown."""
    shape = value.shape
    if hasattr(shape, "rank") and shape.rank is None:  # a TensorShape of unknown rank
        return None
    return [None if size is None else int(size) for size in shape]


class Fill:
    """A large float tensor, to be written into a new R double array of shape ``dim`` (see :func:`for_r`)."""

    def __init__(self, array: np.ndarray) -> None:
        self.array = array
        self.dim = list(array.shape)

    def into(self, target: np.ndarray) -> None:
        """Write the values into ``target``: reticulate's view of the new R array R just made.

        reticulate hands an R double array over as a read-only Fortran-order
        float64 array that shares R's memory. R made it for this call alone and
        nothing else refers to it, so writing it is safe; a view that does not
        share R's memory (a copy) would lose the values, so it is refused.
        """
        if (
            target.dtype != np.float64
            or target.shape != self.array.shape
            or not target.flags.f_contiguous
            or target.flags.owndata
        ):
            raise ValueError("expected reticulate's view of a new R double array of the tensor's shape")
        address = target.__array_interface__["data"][0]
        memory = (ctypes.c_double * target.size).from_address(address)
        out = np.frombuffer(memory, dtype=np.float64).reshape(target.shape, order="F")
        # R NA is a signalling NaN: casting float64 NaNs never warns, float32 ones may set "invalid".
        with np.errstate(invalid="ignore"):
            f_order_into(self.array, out)


def is_float(dtype: np.dtype) -> bool:
    """Whether ``dtype`` is a floating type, NumPy's own or one of ml_dtypes' (bfloat16, the float8 types).

    ml_dtypes' types are NumPy kind "V" (like a structured type), so ``dtype.kind == "f"`` misses them.
    """
    named_float = dtype.name.startswith(("bfloat", "float"))
    return dtype.kind == "f" or (dtype.kind == "V" and dtype.names is None and named_float)


def for_r(value: Any) -> np.ndarray | Fill:
    """What R turns into its value: a NumPy array for reticulate to convert, or a :class:`Fill`.

    Floats narrower than float32 (float16, bfloat16, float8) are widened exactly, to float64 for
    reticulate (which reads neither bfloat16 nor float8) or to float32 for the fill.
    """
    array = host_array(value)
    if not is_float(array.dtype):
        return array
    if array.size < FILL_MIN_SIZE:
        return array if array.dtype in (np.float32, np.float64) else array.astype(np.float64)
    if array.dtype not in (np.float32, np.float64, np.float16):
        array = array.astype(np.float32)
    return Fill(array)
