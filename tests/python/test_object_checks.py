"""What a layer is given as ``object``, checked against the layer before the backend runs it.

Shape arguments (``input_shape``, ``batch_input_shape``, ``batch_size``) that
contradict the array, tensor or Sequential model are errors naming the
argument; sizes the layer cannot run on (a kernel larger than a "valid" input,
0 channels, a spatial size of 0) are refused naming ``object`` or the kernel's
arguments; what the backend still raises comes back as our error, without its
escapes, op or device names; a batch of 0 gives the right empty output. A
Sequential model is left as it was whenever a layer cannot be added. Messages
are checked in both renderings (Python, and R through ``render.caller``).
"""

from __future__ import annotations

import keras
import numpy as np
import pytest
from layer_cases import BATCH_OF_ZERO

from kerasr_bridge import compose_layer, keras_internals, layer_depthwise_conv_1d, layer_depthwise_conv_2d, render

LANGUAGES = [render.PYTHON, render.R]


def _sequential(shape) -> keras.Sequential:
    model = keras.Sequential([keras.Input(shape)])
    return model


def _assert_unchanged(model: keras.Sequential, n_layers: int, output_shape) -> None:
    layers = keras_internals.sequential_layers(model)  # the InputLayer counts too
    assert len(layers) == n_layers
    if n_layers == 1:  # an Input alone: the model has no output yet
        assert tuple(layers[0].batch_shape) == output_shape
    else:
        assert model.output_shape == output_shape


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("rank", [1, 2])
def test_input_shape_contradicting_the_array_is_an_error(functions, raises_ours, rank, language):
    x = np.ones((4, *(10,) * rank, 3))
    with render.caller(language):
        message = raises_ours(ValueError, functions[rank], x, kernel_size=3, input_shape=(12,) * rank + (3,))
    assert message.startswith("Invalid `input_shape`: expected the shape of `object` without the batch axis")
    if language == render.R:
        assert f"received c({', '.join(['12'] * rank)}, 3)." in message
    else:
        assert f"received ({', '.join(['12'] * rank)}, 3)." in message


@pytest.mark.parametrize(
    ("kwargs", "argument"),
    [
        ({"input_shape": (10, 10, 4)}, "input_shape"),  # channels differ
        ({"batch_input_shape": (8, 10, 10, 3)}, "batch_input_shape"),  # batch differs
        ({"batch_input_shape": (4, 10, 9, 3)}, "batch_input_shape"),
        ({"input_shape": (10, 10, 3), "batch_size": 8}, "batch_size"),
    ],
)
def test_each_contradicting_argument_is_named(raises_ours, kwargs, argument):
    x = np.ones((4, 10, 10, 3))
    message = raises_ours(ValueError, layer_depthwise_conv_2d, x, kernel_size=3, **kwargs)
    assert message.startswith(f"Invalid `{argument}`: expected ")


@pytest.mark.parametrize(
    "kwargs",
    [
        {"input_shape": (10, 10, 3)},
        {"input_shape": [None, 10, 3]},
        {"batch_input_shape": (None, 10, None, 3)},
        {"batch_input_shape": (4, 10, 10, 3)},
        {"input_shape": (10, 10, 3), "batch_size": 4},
    ],
)
def test_agreeing_shape_arguments_are_accepted(kwargs):
    y = layer_depthwise_conv_2d(np.ones((4, 10, 10, 3)), kernel_size=3, **kwargs)
    assert tuple(y.shape) == (4, 8, 8, 3)


def test_agreeing_input_shape_on_a_symbolic_input_is_accepted():
    y = layer_depthwise_conv_2d(keras.Input((10, 10, 3)), kernel_size=3, input_shape=(10, 10, 3))
    assert tuple(y.shape) == (None, 8, 8, 3)
    with pytest.raises(ValueError, match=r"^Invalid `input_shape`"):
        layer_depthwise_conv_2d(keras.Input((10, 10, 3)), kernel_size=3, input_shape=(10, 11, 3))


@pytest.mark.parametrize("language", LANGUAGES)
def test_input_shape_contradicting_a_sequential_is_an_error_and_the_model_is_unchanged(raises_ours, language):
    model = _sequential((28, 28, 3))
    with render.caller(language):
        message = raises_ours(ValueError, layer_depthwise_conv_2d, model, kernel_size=3, input_shape=(32, 32, 3))
    assert message.startswith("Invalid `input_shape`: expected the shape of the input the layer receives")
    assert "left unchanged" in message
    assert ("c(28, 28, 3)" if language == render.R else "(28, 28, 3)") in message
    _assert_unchanged(model, 1, (None, 28, 28, 3))
    # The model still takes a layer that agrees with it.
    layer_depthwise_conv_2d(model, kernel_size=3, input_shape=(28, 28, 3))
    _assert_unchanged(model, 2, (None, 26, 26, 3))


def test_input_shape_is_compared_with_what_the_layer_receives_not_the_first_input(raises_ours):
    model = layer_depthwise_conv_2d(_sequential((28, 28, 3)), kernel_size=3)
    message = raises_ours(ValueError, layer_depthwise_conv_2d, model, kernel_size=3, input_shape=(28, 28, 3))
    assert "(26, 26, 3)" in message
    _assert_unchanged(model, 2, (None, 26, 26, 3))
    layer_depthwise_conv_2d(model, kernel_size=3, input_shape=(26, 26, 3))
    _assert_unchanged(model, 3, (None, 24, 24, 3))


def test_batch_input_shape_contradicting_a_sequential_batch_is_an_error(raises_ours):
    model = keras.Sequential([keras.Input(batch_shape=(8, 6, 6, 2))])
    message = raises_ours(ValueError, layer_depthwise_conv_2d, model, kernel_size=3, batch_input_shape=(4, 6, 6, 2))
    assert message.startswith("Invalid `batch_input_shape`")
    _assert_unchanged(model, 1, (8, 6, 6, 2))


def test_input_shape_on_a_sequential_with_layers_but_no_input_is_an_error(raises_ours):
    model = keras.Sequential([keras.layers.Dense(3)])
    message = raises_ours(ValueError, layer_depthwise_conv_2d, model, kernel_size=3, input_shape=(8, 8, 3))
    assert message.startswith("Invalid `input_shape`: expected it only for the first layer")
    assert len(model.layers) == 1


def test_input_shape_on_an_empty_sequential_still_starts_the_model():
    model = layer_depthwise_conv_2d(keras.Sequential(), kernel_size=3, input_shape=(8, 8, 3))
    assert model.output_shape == (None, 6, 6, 3)


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_kernel_larger_than_a_valid_input_names_kernel_size(raises_ours, language):
    with render.caller(language):
        message = raises_ours(ValueError, layer_depthwise_conv_2d, np.ones((2, 3, 3, 2)), kernel_size=5)
    assert message.startswith("Invalid `kernel_size`: the layer ")
    assert "larger than the input's spatial size" in message and "empty" in message
    message = raises_ours(ValueError, layer_depthwise_conv_1d, np.ones((2, 3, 2)), kernel_size=5)
    assert message.startswith("Invalid `kernel_size`")


def test_a_huge_dilation_on_a_small_valid_input_names_both_arguments(raises_ours):
    message = raises_ours(ValueError, layer_depthwise_conv_2d, np.ones((1, 10, 10, 2)), kernel_size=3,
                      dilation_rate=1e5)
    assert message.startswith("Invalid `kernel_size` and `dilation_rate`")
    assert "200001" in message


def test_a_kernel_larger_than_the_input_runs_with_same_padding():
    y = layer_depthwise_conv_2d(np.ones((1, 3, 3, 2)), kernel_size=5, padding="same")
    assert tuple(y.shape) == (1, 3, 3, 2)


@pytest.mark.tensorflow_only  # other backends may try to pad the input by 1e5 on every side
def test_a_huge_dilation_with_same_padding_is_our_error_naming_dilation_rate(raises_ours):
    message = raises_ours(ValueError, layer_depthwise_conv_2d, np.ones((1, 10, 10, 2)), kernel_size=3,
                      dilation_rate=1e5, padding="same")
    assert message.startswith("Invalid `dilation_rate`: the layer ")
    assert "shape (1, 10, 10, 2)" in message


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(
    ("shape", "data_format"), [((2, 5, 5, 0), "channels_last"), ((2, 0, 5, 5), "channels_first")]
)
def test_zero_channels_are_refused_naming_object(raises_ours, shape, data_format, language):
    with render.caller(language):
        message = raises_ours(ValueError, layer_depthwise_conv_2d, np.ones(shape), kernel_size=3,
                          data_format=data_format)
    assert message.startswith("Invalid `object`: the layer ")
    assert "0 channels" in message


def test_zero_channels_in_a_sequential_are_refused_and_the_model_is_unchanged(raises_ours):
    model = _sequential((5, 5, 0))
    message = raises_ours(ValueError, layer_depthwise_conv_2d, model, kernel_size=3)
    assert "0 channels" in message and "left unchanged" in message
    _assert_unchanged(model, 1, (None, 5, 5, 0))


def test_a_zero_spatial_size_is_refused_naming_object(raises_ours):
    message = raises_ours(ValueError, layer_depthwise_conv_2d, np.ones((2, 0, 5, 2)), kernel_size=1, padding="same")
    assert message.startswith("Invalid `object`") and "spatial size of 0" in message


def test_a_kernel_larger_than_a_sequential_input_names_kernel_size_and_leaves_it_unchanged(raises_ours):
    model = _sequential((3, 3, 2))
    message = raises_ours(ValueError, layer_depthwise_conv_2d, model, kernel_size=5)
    assert "cannot be added" in message and "`kernel_size` 5 is larger" in message
    _assert_unchanged(model, 1, (None, 3, 3, 2))
    model = keras.Sequential()
    message = raises_ours(ValueError, layer_depthwise_conv_2d, model, kernel_size=5, input_shape=(3, 3, 2))
    assert "`kernel_size` 5 is larger" in message
    assert len(keras_internals.sequential_layers(model)) == 0


def test_a_zero_d_array_is_described_as_one(raises_ours):
    message = raises_ours(ValueError, layer_depthwise_conv_2d, np.array(3.0), kernel_size=3)
    assert "0-d array" in message
    assert "(1,)" not in message


class _FailingLayer(keras.layers.Layer):
    """Stands in for a backend failure, with what TensorFlow's messages carry: ANSI escapes, op and device names."""

    def call(self, inputs):
        raise RuntimeError(
            "Exception encountered when calling X.call().\n\n\x1b[1m{{function_node __wrapped__Op_device_/job:"
            "localhost/replica:0/task:0/device:CPU:0}} something went wrong on /job:localhost/replica:0/task:0/"
            "device:CPU:0 [Op:DepthwiseConv2dNative] name: \x1b[0m\n\nArguments received by X.call():\n"
            "  \u2022 inputs=tf.Tensor(shape=(2, 3), dtype=float32)"
        )


def test_a_backend_error_is_reraised_as_our_value_error_without_escapes(raises_ours):
    message = raises_ours(ValueError, compose_layer, np.ones((2, 3), dtype="float32"), _FailingLayer(name="failing"))
    assert message == "Invalid `object`: the layer 'failing' failed on `object` of shape (2, 3): something went wrong."
    with render.caller(render.R):
        message = raises_ours(ValueError, compose_layer, np.ones((2, 3), dtype="float32"), _FailingLayer(name="f"))
    assert "of shape c(2, 3)" in message


def test_a_backend_error_in_a_sequential_is_summarised_and_the_model_unchanged(raises_ours):
    model = keras.Sequential([keras.Input((3,))])
    message = raises_ours(ValueError, compose_layer, model, _FailingLayer(name="failing"))
    assert message.startswith(
        "Invalid `object`: the layer 'failing' cannot be added to the Sequential model"
    ) and "(left unchanged): " in message
    assert len(keras_internals.sequential_layers(model)) == 1


@pytest.mark.parametrize(("rank", "shape", "kwargs", "expected"), BATCH_OF_ZERO)
def test_a_batch_of_zero_gives_the_right_output_shape(functions, rank, shape, kwargs, expected):
    y = functions[rank](np.zeros(shape), **kwargs)
    assert tuple(y.shape) == expected
    assert keras.ops.convert_to_numpy(y).size == 0


@pytest.mark.parametrize(("rank", "shape", "kwargs", "expected"), BATCH_OF_ZERO[:2])
def test_a_batch_of_zero_in_float64_keeps_the_dtype(functions, rank, shape, kwargs, expected):
    y = functions[rank](np.zeros(shape), dtype="float64", **kwargs)
    assert tuple(y.shape) == expected
    assert keras.backend.standardize_dtype(y.dtype) == "float64"
