"""The fast Fortran-order copy (kerasr_bridge.arrays) gives exactly what np.ascontiguousarray gives."""

import keras
import numpy as np
import pytest

from kerasr_bridge import arrays, compose_layer, layer_depthwise_conv_1d, layer_depthwise_conv_2d

to_numpy = keras.ops.convert_to_numpy


@pytest.mark.parametrize(
    ("shape", "source", "target"),
    [
        ((8, 32, 32, 16), "float64", "float32"),
        ((8, 64, 48, 3), "float64", "float32"),
        ((2, 5, 4096, 7), "int32", "float32"),
        ((16, 2048, 8), "float64", "float32"),
        ((3, 9, 64, 128), "float32", "float64"),
        ((2, 4, 128, 128), "float64", "float16"),
        ((512, 2, 4, 80), "float64", "float32"),  # blocks of one index along axis -2
        ((4, 8, 8, 9, 33), "float64", "float32"),  # rank 5
    ],
)
def test_two_pass_copy_equals_numpy(rng, shape, source, target):
    array = np.asfortranarray((rng.standard_normal(shape) * 100).astype(source))
    assert array.size >= arrays.BLOCKED_COPY_MIN_SIZE and not array.flags.c_contiguous
    got = arrays.c_order_copy(array, target)
    want = np.ascontiguousarray(array, dtype=target)
    assert got.flags.c_contiguous and got.dtype == want.dtype and got.shape == want.shape
    np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize(
    "array",
    [
        np.zeros((2, 3, 4, 5), order="F"),  # small
        np.zeros((64, 64, 64), order="C"),  # already C order
        np.zeros((64, 64, 64, 2), order="F")[:, ::2],  # neither C nor F contiguous
        np.zeros((1, 1, 1, 2**17), order="F"),  # both
    ],
)
def test_other_layouts_take_the_one_pass_copy(array):
    got = arrays.c_order_copy(array, "float32")
    np.testing.assert_array_equal(got, np.ascontiguousarray(array, dtype="float32"))
    assert got.flags.c_contiguous


@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
def test_large_fortran_arrays_through_the_layers(rng, data_format):
    x2 = np.asfortranarray(rng.standard_normal((4, 40, 40, 12)))
    layer2 = layer_depthwise_conv_2d(kernel_size=3, data_format=data_format, padding="same")
    np.testing.assert_array_equal(
        to_numpy(compose_layer(x2, layer2)), to_numpy(layer2(np.ascontiguousarray(x2, dtype="float32")))
    )
    x1 = np.asfortranarray(rng.standard_normal((8, 1024, 12)))
    layer1 = layer_depthwise_conv_1d(kernel_size=5, data_format=data_format)
    np.testing.assert_array_equal(
        to_numpy(compose_layer(x1, layer1)), to_numpy(layer1(np.ascontiguousarray(x1, dtype="float32")))
    )
