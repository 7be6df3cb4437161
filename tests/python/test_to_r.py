"""The data path's two hand-overs: results back to R (kerasr_bridge.to_r) and inputs to the
backend (kerasr_bridge.arrays).

Runs on every backend; the R side (R/convert.R) is tested by testthat and by
the fresh Rscript sessions in tests/backends.
"""

from __future__ import annotations

import warnings

import keras
import numpy as np
import pytest

from kerasr_bridge import arrays, inputs, layer_depthwise_conv_2d, to_r

BACKEND = keras.backend.backend()


def _bits(array: np.ndarray) -> np.ndarray:
    """The float64 bit patterns, so NaN payloads (R's NA) compare too."""
    return np.ascontiguousarray(array, dtype=np.float64).view(np.uint64)


@pytest.mark.parametrize(
    "shape", [(7,), (5, 9), (3, 4, 5), (32, 6, 7, 8), (4, 3, 70, 5, 2), (2, 300, 1, 3), (1, 1, 1, 1)]
)
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_f_order_into_writes_the_same_bits_as_numpy(shape: tuple[int, ...], dtype: str, rng) -> None:
    array = rng.standard_normal(shape).astype(dtype)
    flat = array.reshape(-1)
    flat[:: max(1, flat.size // 3)] = np.nan
    out = np.empty(shape, np.float64, order="F")
    arrays.f_order_into(array, out)
    assert np.array_equal(_bits(out), _bits(array.astype(np.float64)))


def test_f_order_into_keeps_r_na_payload() -> None:
    r_na = np.array([0x7FF00000000007A2], dtype=np.uint64).view(np.float64)
    array = np.zeros((4, 40, 40, 16))
    array[1, 2, 3, 4] = r_na[0]
    out = np.empty(array.shape, order="F")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        arrays.f_order_into(array, out)
    assert out.view(np.uint64)[1, 2, 3, 4] == 0x7FF00000000007A2


def test_host_array_is_the_backends_numpy_conversion_quietly() -> None:
    layer = keras.layers.DepthwiseConv2D(3)
    result = layer(np.random.default_rng(1).standard_normal((2, 6, 6, 3)).astype("float32"))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # torch warns when .grad or .T of such a tensor is read
        host = to_r.host_array(result)
    assert isinstance(host, np.ndarray)
    assert np.array_equal(host, keras.ops.convert_to_numpy(result))
    assert to_r.dim(result) == [2, 4, 4, 3]


def test_for_r_fills_large_floats_and_leaves_the_rest_to_reticulate() -> None:
    large = keras.ops.ones((4, 40, 40, 16))
    fill = to_r.for_r(large)
    assert isinstance(fill, to_r.Fill)
    assert fill.dim == [4, 40, 40, 16]
    small = to_r.for_r(keras.ops.ones((2, 3)))
    assert isinstance(small, np.ndarray) and small.dtype == np.float32
    integers = to_r.for_r(keras.ops.cast(keras.ops.ones((4, 40, 40, 16)), "int32"))
    assert isinstance(integers, np.ndarray) and integers.dtype == np.int32
    assert to_r.for_r(keras.ops.cast(keras.ops.ones((2, 3)), "float16")).dtype == np.float64


NARROW_FLOATS = ["float16", "bfloat16", "float8_e4m3fn", "float8_e5m2"]


@pytest.mark.parametrize("dtype", NARROW_FLOATS)
@pytest.mark.parametrize("shape", [(2, 3), (4, 40, 40, 16)], ids=["small", "fill"])
def test_every_float_dtype_keras_computes_reaches_r_as_exact_doubles(dtype, shape, rng) -> None:
    """bfloat16 and the float8 types (NumPy kind "V", or no NumPy type on PyTorch) come back widened, value for value.

    reticulate reads float32 and float64 (into R doubles), so small arrays may stay float32."""
    values = keras.ops.cast(rng.normal(size=shape).astype("float32"), dtype)
    expected = keras.ops.convert_to_numpy(keras.ops.cast(values, "float32")).astype(np.float64)
    got = to_r.for_r(values)
    if isinstance(got, to_r.Fill):
        memory = np.empty(shape, dtype=np.float64, order="F")
        target = memory[...]  # a view, as reticulate hands R's memory over
        got.into(target)
        got = memory
    assert got.dtype in (np.float32, np.float64)
    np.testing.assert_array_equal(got, expected)


def test_a_bfloat16_layer_result_converts() -> None:
    y = layer_depthwise_conv_2d(np.ones((1, 4, 4, 1)), kernel_size=2, dtype="bfloat16", depthwise_initializer="ones")
    np.testing.assert_array_equal(to_r.for_r(y), np.full((1, 3, 3, 1), 4.0))


def test_fill_writes_through_a_view_and_refuses_a_copy() -> None:
    fill = to_r.for_r(keras.ops.ones((4, 40, 40, 16)) * 2.5)
    memory = np.zeros((4, 40, 40, 16), order="F")
    view = memory[...]
    view.flags.writeable = False  # as reticulate hands R's memory over: read-only, not owning it
    fill.into(view)
    assert np.all(memory == 2.5)
    with pytest.raises(ValueError, match="new R double array"):
        fill.into(np.zeros((4, 40, 40, 16), order="F"))  # owns its data: not R's memory
    with pytest.raises(ValueError, match="new R double array"):
        fill.into(np.zeros((4, 40, 40, 15), order="F")[...])


def test_aligned_empty_is_aligned() -> None:
    for shape in [(3,), (32, 64, 64, 32), (5, 7, 9)]:
        for dtype in ["float32", "float64", "float16"]:
            array = arrays.aligned_empty(shape, dtype)
            assert array.shape == shape and array.dtype == np.dtype(dtype)
            assert array.ctypes.data % arrays.ALIGNMENT == 0
            assert array.flags.c_contiguous and array.flags.writeable


def test_a_large_r_array_reaches_the_backend_without_another_copy() -> None:
    x = np.asfortranarray(np.random.default_rng(2).standard_normal((8, 40, 40, 16)))
    layer = keras.layers.DepthwiseConv2D(3)
    given = inputs.as_layer_input(x, layer)
    if BACKEND == "tensorflow":
        assert keras.ops.is_tensor(given)
    else:
        assert isinstance(given, np.ndarray)
    assert np.array_equal(keras.ops.convert_to_numpy(given), x.astype("float32"))
    # The user's own C-order array is never shared with a tensor.
    mine = np.ascontiguousarray(x, dtype="float32")
    assert inputs.as_layer_input(mine, layer) is mine
    # Small arrays: TensorFlow's own copy is cheaper.
    assert isinstance(inputs.as_layer_input(np.asfortranarray(x[:1, :5, :5]), layer), np.ndarray)
