"""The two layer functions: keras3's signature, and what each kind of ``object`` gets.

No object gives the plain Keras layer, a Sequential model gets the layer added
and comes back, an array, backend tensor or ``keras.Input`` is passed through
(integer and Fortran-order arrays cast once); ``pipe()`` composes left to right.
"""

import inspect

import keras
import numpy as np
import pytest

import kerasr_bridge as kb
from kerasr_bridge import layer_depthwise_conv_1d, layer_depthwise_conv_2d, pipe

# Backend tensors to NumPy on every backend (np.asarray fails on PyTorch tensors that require grad).
to_numpy = keras.ops.convert_to_numpy

KERAS3_FORMALS = [
    "object", "kernel_size", "strides", "padding", "depth_multiplier", "data_format", "dilation_rate",
    "activation", "use_bias", "depthwise_initializer", "bias_initializer", "depthwise_regularizer",
    "bias_regularizer", "activity_regularizer", "depthwise_constraint", "bias_constraint", "kwargs",
]
COMMON_DEFAULTS = {
    "object": None, "padding": "valid", "depth_multiplier": 1, "data_format": None, "activation": None,
    "use_bias": True, "depthwise_initializer": "glorot_uniform", "bias_initializer": "zeros",
    "depthwise_regularizer": None, "bias_regularizer": None, "activity_regularizer": None,
    "depthwise_constraint": None, "bias_constraint": None,
}


@pytest.mark.parametrize(
    ("function", "spatial_default"),
    [(layer_depthwise_conv_1d, 1), (layer_depthwise_conv_2d, (1, 1))],
)
def test_signature_mirrors_keras3(function, spatial_default):
    parameters = inspect.signature(function).parameters
    assert list(parameters) == KERAS3_FORMALS
    defaults = {name: p.default for name, p in parameters.items() if name not in ("kernel_size", "kwargs")}
    assert defaults == {**COMMON_DEFAULTS, "strides": spatial_default, "dilation_rate": spatial_default}
    assert parameters["kwargs"].kind is inspect.Parameter.VAR_KEYWORD


@pytest.mark.parametrize("function", [layer_depthwise_conv_1d, layer_depthwise_conv_2d])
def test_kernel_size_is_required(function):
    with pytest.raises(TypeError, match="kernel_size"):
        function()
    with pytest.raises(TypeError, match="kernel_size"):
        function(keras.Sequential())


def test_no_object_gives_the_plain_keras_layer():
    layer = layer_depthwise_conv_2d(kernel_size=3)
    assert type(layer) is keras.layers.DepthwiseConv2D
    assert type(layer_depthwise_conv_1d(kernel_size=3)) is keras.layers.DepthwiseConv1D
    assert not layer.built


def test_array_is_passed_through_the_layer(rng):
    x = rng.uniform(size=(4, 10, 10, 12))
    y = layer_depthwise_conv_2d(x, 3, depth_multiplier=3, activation="relu")
    assert tuple(y.shape) == (4, 8, 8, 36)
    assert to_numpy(y).min() >= 0.0
    y1 = layer_depthwise_conv_1d(rng.uniform(size=(4, 10, 12)), kernel_size=3, depth_multiplier=3)
    assert tuple(y1.shape) == (4, 8, 36)


def test_backend_tensor_and_symbolic_input_pass_through(rng):
    tensor = keras.ops.convert_to_tensor(rng.uniform(size=(2, 9, 9, 4)), dtype="float32")
    assert tuple(layer_depthwise_conv_2d(tensor, kernel_size=3).shape) == (2, 7, 7, 4)
    inputs = keras.Input((9, 9, 4))
    outputs = layer_depthwise_conv_2d(inputs, kernel_size=3, depth_multiplier=2)
    assert isinstance(outputs, keras.KerasTensor)
    model = keras.Model(inputs, layer_depthwise_conv_2d(outputs, kernel_size=3))
    assert model.output_shape == (None, 5, 5, 8)


def test_sequential_gets_the_layer_and_is_returned():
    model = keras.Sequential([keras.Input((28, 28, 3))])
    same = layer_depthwise_conv_2d(model, kernel_size=3)
    assert same is model
    assert isinstance(model.layers[-1], keras.layers.DepthwiseConv2D)
    assert model.output_shape == (None, 26, 26, 3)


def test_pipe_composes_left_to_right():
    model = pipe(
        keras.Sequential([keras.Input((28, 28, 3))]),
        layer_depthwise_conv_2d(kernel_size=3),
        layer_depthwise_conv_2d(kernel_size=3, strides=2),
    )
    assert model.output_shape == (None, 12, 12, 3)
    assert pipe(np.ones((1, 5, 5, 2)), layer_depthwise_conv_2d(kernel_size=3), keras.ops.shape) == (1, 3, 3, 2)
    with pytest.raises(TypeError, match="step 1"):
        pipe(np.ones(3), 42)


def test_integer_and_fortran_order_arrays_are_cast_once(rng):
    layer = layer_depthwise_conv_2d(kernel_size=2, depthwise_initializer="ones")
    ints = np.arange(2 * 4 * 4 * 3, dtype="int32").reshape(2, 4, 4, 3)
    out = layer_depthwise_conv_2d(ints, kernel_size=2, depthwise_initializer="ones")
    assert keras.backend.standardize_dtype(out.dtype) == "float32"
    expected = layer(ints.astype("float32"))
    np.testing.assert_array_equal(to_numpy(out), to_numpy(expected))
    fortran = np.asfortranarray(rng.uniform(size=(2, 6, 6, 3)))
    np.testing.assert_array_equal(to_numpy(layer(np.ascontiguousarray(fortran))),
                                  to_numpy(kb.compose_layer(fortran, layer)))
    int_tensor = keras.ops.convert_to_tensor(ints)
    assert keras.backend.standardize_dtype(int_tensor.dtype) == "int32"
    out = layer_depthwise_conv_2d(int_tensor, kernel_size=2)
    assert keras.backend.standardize_dtype(out.dtype) == "float32"


def test_unequal_strides_work_on_cpu_and_match_a_strided_slice(rng):
    x = rng.uniform(size=(2, 9, 8, 3)).astype("float32")
    for padding in ("valid", "same"):
        layer = layer_depthwise_conv_2d(kernel_size=3, strides=(2, 1), padding=padding)
        y = to_numpy(layer(x))
        assert isinstance(layer, keras.layers.DepthwiseConv2D)
        assert y.shape == tuple(layer.compute_output_shape(x.shape))
        # Same windows as a stride-1 convolution kept every other row (valid), or
        # the reference (same, where padding depends on the stride).
        from reference import depthwise_conv

        kernel, bias = layer.get_weights()
        np.testing.assert_allclose(y, depthwise_conv(x, kernel, bias, (2, 1), padding), rtol=1e-5, atol=1e-5)


def test_object_of_the_wrong_kind_or_rank_is_rejected():
    with pytest.raises(TypeError, match="object"):
        layer_depthwise_conv_2d("a string", kernel_size=3)
    with pytest.raises(TypeError, match="object"):
        layer_depthwise_conv_2d([1, 2, 3], kernel_size=3)
    with pytest.raises(ValueError, match=r"object.*rank 4"):
        layer_depthwise_conv_2d(np.ones((2, 5, 5)), kernel_size=3)
    inputs = keras.Input((4,))
    functional = keras.Model(inputs, keras.layers.Dense(2)(inputs))
    with pytest.raises(TypeError, match="Sequential"):
        layer_depthwise_conv_2d(functional, kernel_size=3)
