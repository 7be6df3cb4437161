"""UnequalStridesDepthwiseConv2D's computation: the output-phase route against two references.

- the independent NumPy reference (tests/reference.py), in float64;
- the gcd route the layer used before (``gcd_route`` below, copied from the layer as it was: the
  reference of record), computed by the same backend in the same dtype.

The class is instantiated directly, so these tests run on every backend (``make test`` runs them under
TensorFlow, JAX and PyTorch); only TensorFlow's own builder picks the class, elsewhere plain Keras runs
unequal strides. Layouts: strides (2, 1), (1, 2), (1, 3), (3, 2), (4, 2); padding "valid" and "same";
dilation 1 and > 1; depth_multiplier 1 and 2; channels_last and channels_first; float32 and float64;
odd and even input sizes (which decide whether a plan needs zero taps, explicit padding or a crop);
an unknown batch size and symbolic inputs with known spatial sizes.
"""

import math

import keras
import numpy as np
import pytest
from reference import depthwise_conv

from kerasr_bridge import UnequalStridesDepthwiseConv2D

# float32 sums of up to 12 products of values below 3 in magnitude, against a float64 reference.
TOLERANCE = {"float32": {"rtol": 1e-5, "atol": 1e-5}, "float64": {"rtol": 1e-12, "atol": 1e-12}}
# Same backend, same dtype, the same products summed in another order at most.
AGAINST_OLD = {"float32": {"rtol": 1e-6, "atol": 1e-6}, "float64": {"rtol": 1e-13, "atol": 1e-13}}
STRIDES = [(2, 1), (1, 2), (1, 3), (3, 2), (4, 2)]
# Input sizes past the kernel's extent (rows, columns) for the size sweep. The plans are plain Python,
# the same on every backend; off TensorFlow (where every new shape compiles on JAX: 10 minutes for the
# full sweep) a third of them checks the backend's padding, which the layout test checks too.
SIZE_SWEEP = [(rows, cols) for rows in (0, 1, 2, 5) for cols in (0, 3)]
if keras.backend.backend() != "tensorflow":
    SIZE_SWEEP = [(1, 3), (2, 0), (5, 3)]


def gcd_route(inputs, kernel, strides, padding, dilation_rate, data_format):
    """The gcd route: convolve at gcd(strides) over the padded input, keep every k-th row or column."""
    common = math.gcd(*strides)
    shape = tuple(inputs.shape)
    spatial = shape[1:3] if data_format == "channels_last" else shape[2:4]
    pads = [(0, 0)] * 4
    if padding == "same":
        spatial_axes = (1, 2) if data_format == "channels_last" else (2, 3)
        for axis, size, stride, taps, dilation in zip(spatial_axes, spatial, strides, kernel.shape[:2], dilation_rate):
            extent = (taps - 1) * dilation + 1
            total = max((-(-size // stride) - 1) * stride + extent - size, 0)
            pads[axis] = (total // 2, total - total // 2)
    outputs = keras.ops.depthwise_conv(
        keras.ops.pad(inputs, pads),
        kernel,
        strides=common,
        padding="valid",
        dilation_rate=dilation_rate,
        data_format=data_format,
    )
    step_rows, step_cols = (stride // common for stride in strides)
    if data_format == "channels_last":
        return outputs[:, ::step_rows, ::step_cols, :]
    return outputs[:, :, ::step_rows, ::step_cols]


def _layer(rng, channels, dtype, **config):
    layer = UnequalStridesDepthwiseConv2D(dtype=dtype, **config)
    shape = (None, 5, 5, channels) if config.get("data_format", "channels_last") == "channels_last" else (
        None, channels, 5, 5)
    layer.build(shape)
    kernel = rng.uniform(-1, 1, size=tuple(layer.kernel.shape)).astype(dtype)
    bias = rng.uniform(-1, 1, size=tuple(layer.bias.shape)).astype(dtype)
    layer.set_weights([kernel, bias])
    return layer, kernel, bias


def _check(layer, kernel, bias, x, dtype):
    """The layer's output against the NumPy reference and against the gcd route."""
    config = layer.get_config()
    strides, padding = tuple(config["strides"]), config["padding"]
    dilation, data_format = tuple(config["dilation_rate"]), config["data_format"]
    got = keras.ops.convert_to_numpy(layer(keras.ops.convert_to_tensor(x)))
    expected = depthwise_conv(x, kernel, bias, strides, padding, dilation, data_format)
    assert got.dtype == np.dtype(dtype)
    assert got.shape == expected.shape
    np.testing.assert_allclose(got, expected, **TOLERANCE[dtype])
    channel_shape = (1, 1, 1, -1) if data_format == "channels_last" else (1, -1, 1, 1)
    old = gcd_route(keras.ops.convert_to_tensor(x), keras.ops.convert_to_tensor(kernel), strides, padding, dilation,
                    data_format)
    old = keras.ops.convert_to_numpy(old) + bias.reshape(channel_shape)
    np.testing.assert_allclose(got, old, **AGAINST_OLD[dtype])
    return got


def _input(rng, size, channels, data_format, dtype, batch=2):
    shape = (batch, *size, channels) if data_format == "channels_last" else (batch, channels, *size)
    return rng.uniform(-3, 3, size=shape).astype(dtype)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
@pytest.mark.parametrize("padding", ["valid", "same"])
@pytest.mark.parametrize("strides", STRIDES)
def test_every_layout_matches_the_reference_and_the_gcd_route(rng, strides, padding, data_format, dtype):
    for kernel_size, dilation, multiplier, size in (
        ((3, 3), (1, 1), 1, (12, 10)),
        ((3, 2), (1, 1), 2, (11, 13)),
        ((2, 3), (2, 1), 1, (13, 12)),
        ((3, 3), (2, 2), 2, (10, 11)),
    ):
        layer, kernel, bias = _layer(rng, 3, dtype, kernel_size=kernel_size, strides=strides, padding=padding,
                                     dilation_rate=dilation, depth_multiplier=multiplier, data_format=data_format,
                                     bias_initializer="zeros")
        _check(layer, kernel, bias, _input(rng, size, 3, data_format, dtype), dtype)


@pytest.mark.parametrize("padding", ["valid", "same"])
@pytest.mark.parametrize("strides", STRIDES)
def test_input_sizes_that_need_zero_taps_explicit_padding_or_a_crop(rng, strides, padding):
    """Sizes from the kernel's extent up: each phase's placement differs with the size's remainders.

    Over all the parameters, on TensorFlow, 29 of these 160 plans pad explicitly, 89 crop the last phases
    and 3 take the gcd route (more zero taps than it has taps).
    """
    for kernel_size in ((3, 3), (1, 4)):
        layer, kernel, bias = _layer(rng, 2, "float64", kernel_size=kernel_size, strides=strides, padding=padding,
                                     depth_multiplier=2)
        for extra_rows, extra_cols in SIZE_SWEEP:
            rows, cols = kernel_size[0] + extra_rows, kernel_size[1] + extra_cols
            x = _input(rng, (rows, cols), 2, "channels_last", "float64", batch=1)
            _check(layer, kernel, bias, x, "float64")


def test_the_benchmark_workload(rng):
    """The shape benchmarks/bench_unequal_strides.py times, smaller in batch and channels."""
    for dtype in ("float32", "float64"):
        layer, kernel, bias = _layer(rng, 4, dtype, kernel_size=3, strides=(2, 1), padding="same")
        got = _check(layer, kernel, bias, _input(rng, (128, 64), 4, "channels_last", dtype), dtype)
        assert got.shape == (2, 64, 64, 4)


@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
@pytest.mark.parametrize("padding", ["valid", "same"])
def test_symbolic_input_with_an_unknown_batch(rng, padding, data_format):
    """keras.Input with known spatial sizes: the model's shape, then its outputs on batches of 1 and 3."""
    layer, kernel, bias = _layer(rng, 3, "float32", kernel_size=3, strides=(3, 2), padding=padding,
                                 data_format=data_format)
    shape = (11, 10, 3) if data_format == "channels_last" else (3, 11, 10)
    inputs = keras.Input(shape)
    model = keras.Model(inputs, layer(inputs))
    expected_spatial = (4, 5) if padding == "same" else (3, 4)
    expected = (None, *expected_spatial, 3) if data_format == "channels_last" else (None, 3, *expected_spatial)
    assert tuple(model.output_shape) == expected
    model.compile(jit_compile=False)  # XLA off: its CPU depthwise kernels are the slow ones (RESULTS.md)
    for batch in (1, 3):
        x = _input(rng, (11, 10), 3, data_format, "float32", batch=batch)
        got = model.predict(x, verbose=0, batch_size=batch)
        np.testing.assert_allclose(
            got, depthwise_conv(x, kernel, bias, (3, 2), padding, (1, 1), data_format), **TOLERANCE["float32"])


@pytest.mark.tensorflow_only
@pytest.mark.parametrize("padding", ["valid", "same"])
def test_graph_with_unknown_batch_and_unknown_spatial_sizes(rng, padding):
    """A tf.function traced with an unknown batch (and, for "valid", unknown spatial sizes: the gcd route)."""
    import tensorflow as tf

    layer, kernel, bias = _layer(rng, 3, "float64", kernel_size=3, strides=(2, 1), padding=padding)
    signatures = [(None, 9, 8, 3)] + ([(None, None, None, 3)] if padding == "valid" else [])
    for signature in signatures:
        function = tf.function(layer.__call__, input_signature=[tf.TensorSpec(signature, tf.float64)])
        for size in ((9, 8),) if signature[1] else ((9, 8), (12, 7)):
            x = _input(rng, size, 3, "channels_last", "float64", batch=2)
            np.testing.assert_allclose(
                function(x).numpy(), depthwise_conv(x, kernel, bias, (2, 1), padding, 1), **TOLERANCE["float64"])


@pytest.mark.tensorflow_only
def test_gradients_match_the_gcd_route(rng):
    """Training goes through the new route: its gradients equal the gcd route's."""
    import tensorflow as tf

    for padding, data_format in (("same", "channels_last"), ("valid", "channels_first")):
        layer = UnequalStridesDepthwiseConv2D(3, strides=(1, 3), padding=padding, data_format=data_format,
                                              use_bias=False, dtype="float64")
        x = tf.constant(_input(rng, (10, 11), 3, data_format, "float64"))
        layer.build(x.shape)
        with tf.GradientTape(persistent=True) as tape:
            tape.watch(x)
            new = tf.reduce_sum(layer(x) ** 2)
            old = tf.reduce_sum(gcd_route(x, layer.kernel, (1, 3), padding, (1, 1), data_format) ** 2)
        for new_grad, old_grad in zip(tape.gradient(new, [x, layer.kernel]), tape.gradient(old, [x, layer.kernel])):
            np.testing.assert_allclose(new_grad.numpy(), old_grad.numpy(), **AGAINST_OLD["float64"])


@pytest.mark.parametrize("bad", [np.inf, -np.inf, np.nan])
@pytest.mark.parametrize("strides", [(2, 1), (1, 2), (3, 2)])
@pytest.mark.parametrize("padding", ["valid", "same"])
def test_a_non_finite_input_reaches_only_the_outputs_whose_window_holds_it(rng, bad, strides, padding):
    """Zero taps must not carry an inf or NaN (R's NA) into a neighbouring window's output.

    The outputs that are not finite are exactly those of the backend's own convolution read window by
    window (the gcd route): on TensorFlow and PyTorch, those whose window holds the value, as the NumPy
    reference says; JAX's (XLA's) grouped convolution also spreads a NaN to the other channels of the
    same positions, in plain Keras too, and the layer adds nothing to that.
    """
    layer, kernel, bias = _layer(rng, 2, "float64", kernel_size=3, strides=strides, padding=padding)
    for row, col in [(0, 0), (3, 4), (6, 7), (2, 1)]:
        x = rng.uniform(-1, 1, size=(2, 7, 8, 2))
        x[1, row, col, 0] = bad
        got = keras.ops.convert_to_numpy(layer(keras.ops.convert_to_tensor(x)))
        exact = keras.ops.convert_to_numpy(
            gcd_route(keras.ops.convert_to_tensor(x), keras.ops.convert_to_tensor(kernel), strides, padding, (1, 1),
                      "channels_last")
        ) + bias
        np.testing.assert_array_equal(np.isfinite(got), np.isfinite(exact))
        expected = depthwise_conv(x, kernel, bias, strides, padding, (1, 1), "channels_last")
        if keras.backend.backend() != "jax":
            np.testing.assert_array_equal(np.isfinite(got), np.isfinite(expected))
        finite = np.isfinite(got)
        np.testing.assert_allclose(got[finite], expected[finite], **TOLERANCE["float64"])
