"""Hostile input, second round (issue 11, items 4-7 and the small ones).

Contradicting shape arguments, callables checked at construction, errors
from the computation re-raised as ours, and batches of 0. Messages are
checked in both renderings (Python, and R through render.caller).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import textwrap

import keras
import numpy as np
import pytest

from kerasr_bridge import compose_layer, layer_depthwise_conv_1d, layer_depthwise_conv_2d, render

FUNCTIONS = {1: layer_depthwise_conv_1d, 2: layer_depthwise_conv_2d}
LANGUAGES = [render.PYTHON, render.R]
ANSI = re.compile(r"\x1b\[")
# What TensorFlow's errors carry and ours must not: class names, module paths, op and device names.
LEAKS = re.compile(r"tensorflow|errors_impl|InvalidArgumentError|ResourceExhaustedError|\[Op:|/job:|function_node")


def _raises(error_type, call, *args, **kwargs) -> str:
    with pytest.raises(error_type) as caught:
        call(*args, **kwargs)
    message = str(caught.value)
    assert len(message) <= render.MAX_MESSAGE_CHARS, message
    assert not ANSI.search(message), message
    assert not LEAKS.search(message), message
    return message


def _sequential(shape) -> keras.Sequential:
    model = keras.Sequential([keras.Input(shape)])
    return model


def _assert_unchanged(model: keras.Sequential, n_layers: int, output_shape) -> None:
    assert len(model._layers) == n_layers  # `_layers` counts the InputLayer too
    if n_layers == 1:  # an Input alone: the model has no output yet
        assert tuple(model._layers[0].batch_shape) == output_shape
    else:
        assert model.output_shape == output_shape


# -- 4. contradictions are errors ----------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("rank", [1, 2])
def test_input_shape_contradicting_the_array_is_an_error(rank, language):
    x = np.ones((4, *(10,) * rank, 3))
    with render.caller(language):
        message = _raises(ValueError, FUNCTIONS[rank], x, kernel_size=3, input_shape=(12,) * rank + (3,))
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
def test_each_contradicting_argument_is_named(kwargs, argument):
    x = np.ones((4, 10, 10, 3))
    message = _raises(ValueError, layer_depthwise_conv_2d, x, kernel_size=3, **kwargs)
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
def test_input_shape_contradicting_a_sequential_is_an_error_and_the_model_is_unchanged(language):
    model = _sequential((28, 28, 3))
    with render.caller(language):
        message = _raises(ValueError, layer_depthwise_conv_2d, model, kernel_size=3, input_shape=(32, 32, 3))
    assert message.startswith("Invalid `input_shape`: expected the shape of the input the layer receives")
    assert "left unchanged" in message
    assert ("c(28, 28, 3)" if language == render.R else "(28, 28, 3)") in message
    _assert_unchanged(model, 1, (None, 28, 28, 3))
    # The model still takes a layer that agrees with it.
    layer_depthwise_conv_2d(model, kernel_size=3, input_shape=(28, 28, 3))
    _assert_unchanged(model, 2, (None, 26, 26, 3))


def test_input_shape_is_compared_with_what_the_layer_receives_not_the_first_input():
    model = layer_depthwise_conv_2d(_sequential((28, 28, 3)), kernel_size=3)
    message = _raises(ValueError, layer_depthwise_conv_2d, model, kernel_size=3, input_shape=(28, 28, 3))
    assert "(26, 26, 3)" in message
    _assert_unchanged(model, 2, (None, 26, 26, 3))
    layer_depthwise_conv_2d(model, kernel_size=3, input_shape=(26, 26, 3))
    _assert_unchanged(model, 3, (None, 24, 24, 3))


def test_batch_input_shape_contradicting_a_sequential_batch_is_an_error():
    model = keras.Sequential([keras.Input(batch_shape=(8, 6, 6, 2))])
    message = _raises(ValueError, layer_depthwise_conv_2d, model, kernel_size=3, batch_input_shape=(4, 6, 6, 2))
    assert message.startswith("Invalid `batch_input_shape`")
    _assert_unchanged(model, 1, (8, 6, 6, 2))


def test_input_shape_on_a_sequential_with_layers_but_no_input_is_an_error():
    model = keras.Sequential([keras.layers.Dense(3)])
    message = _raises(ValueError, layer_depthwise_conv_2d, model, kernel_size=3, input_shape=(8, 8, 3))
    assert message.startswith("Invalid `input_shape`: expected it only for the first layer")
    assert len(model.layers) == 1


def test_input_shape_on_an_empty_sequential_still_starts_the_model():
    model = layer_depthwise_conv_2d(keras.Sequential(), kernel_size=3, input_shape=(8, 8, 3))
    assert model.output_shape == (None, 6, 6, 3)


# -- 5. callables checked at construction ----------------------------------------------------------


# What reticulate makes of an R function: a Python function of (*args, **kwargs), whose arity cannot be read.
def _r_identity(*args, **kwargs):
    return args[0]


def _r_initializer(*args, **kwargs):
    return keras.ops.ones(args[0], dtype=kwargs.get("dtype"))


BAD_CALLABLES = [
    ("activation", lambda a, b: a + b, "with arguments (a, b)"),
    ("activation", keras.initializers.GlorotUniform(), "a Keras initializer (GlorotUniform)"),
    ("activation", keras.initializers.GlorotUniform, "the Keras initializer class (GlorotUniform)"),
    ("activation", keras.regularizers.L2(0.1), "a Keras regularizer (L2)"),
    ("activation", keras.losses.Huber(), "a Keras loss (Huber)"),
    ("depthwise_initializer", lambda shape: np.zeros(shape), "with arguments (shape)"),
    ("depthwise_initializer", keras.regularizers.L2(0.1), "a Keras regularizer (L2)"),
    ("bias_initializer", keras.layers.Dense(2), "a Keras layer (Dense)"),
    ("depthwise_regularizer", keras.layers.Dense(3), "a Keras layer (Dense)"),
    ("bias_regularizer", lambda: 0.0, "with arguments ()"),
    ("activity_regularizer", keras.constraints.NonNeg(), "a Keras constraint (NonNeg)"),
    ("depthwise_constraint", lambda w, x: w, "with arguments (w, x)"),
    ("bias_constraint", keras.initializers.Zeros(), "a Keras initializer (Zeros)"),
]


@pytest.mark.parametrize(("argument", "value", "received"), BAD_CALLABLES)
@pytest.mark.parametrize("rank", [1, 2])
def test_unusable_callables_are_refused_at_construction(rank, argument, value, received):
    message = _raises(TypeError, FUNCTIONS[rank], kernel_size=3, **{argument: value})
    assert message.startswith(f"Invalid `{argument}`: expected ")
    assert received in message


def test_callable_messages_in_r_speak_of_functions():
    with render.caller(render.R):
        message = _raises(TypeError, layer_depthwise_conv_2d, kernel_size=3, activation=lambda a, b: a)
        assert "received a function with arguments (a, b)." in message
        message = _raises(TypeError, layer_depthwise_conv_2d, kernel_size=3, depthwise_initializer=lambda s: s)
        assert "(shape, dtype = NULL)" in message


def _initializer(shape, dtype=None):
    return keras.ops.ones(shape, dtype=dtype)


GOOD_CALLABLES = [
    {"activation": keras.layers.LeakyReLU(negative_slope=0.5)},
    {"activation": keras.ops.relu},
    {"activation": lambda x, alpha=0.1: x * alpha},
    {"activation": _r_identity},
    {"depthwise_initializer": _initializer, "bias_initializer": keras.initializers.Ones},
    {"depthwise_initializer": _r_initializer},
    {"depthwise_regularizer": lambda w: 0.01 * keras.ops.sum(w), "activity_regularizer": keras.regularizers.L1(0.1)},
    {"depthwise_constraint": lambda w: keras.ops.abs(w), "bias_constraint": keras.constraints.NonNeg()},
    {"depthwise_constraint": _r_identity},
]


@pytest.mark.parametrize("kwargs", GOOD_CALLABLES)
def test_usable_callables_are_accepted_and_run(kwargs, rng):
    x = rng.normal(size=(2, 6, 6, 3)).astype("float32")
    y = keras.ops.convert_to_numpy(layer_depthwise_conv_2d(x, kernel_size=3, **kwargs))
    assert y.shape == (2, 4, 4, 3)
    assert np.isfinite(y).all()


def test_a_ufunc_without_a_signature_is_accepted_and_its_failure_on_torch_reported_as_ours(rng):
    layer = layer_depthwise_conv_2d(kernel_size=3, activation=np.tanh)  # no signature to read: Keras will call it
    x = rng.normal(size=(2, 6, 6, 3)).astype("float32")
    if keras.backend.backend() == "torch":
        # PyTorch refuses NumPy's conversion of a tensor that requires grad.
        with pytest.raises(ValueError, match=r"^Invalid `object`: .*numpy"):
            compose_layer(x, layer)
    else:
        y = keras.ops.convert_to_numpy(compose_layer(x, layer))
        assert y.shape == (2, 4, 4, 3) and np.isfinite(y).all()


# -- 6. errors from the computation -----------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_kernel_larger_than_a_valid_input_names_kernel_size(language):
    with render.caller(language):
        message = _raises(ValueError, layer_depthwise_conv_2d, np.ones((2, 3, 3, 2)), kernel_size=5)
    assert message.startswith("Invalid `kernel_size`: the layer ")
    assert "larger than the input's spatial size" in message and "empty" in message
    message = _raises(ValueError, layer_depthwise_conv_1d, np.ones((2, 3, 2)), kernel_size=5)
    assert message.startswith("Invalid `kernel_size`")


def test_a_huge_dilation_on_a_small_valid_input_names_both_arguments():
    message = _raises(ValueError, layer_depthwise_conv_2d, np.ones((1, 10, 10, 2)), kernel_size=3,
                      dilation_rate=1e5)
    assert message.startswith("Invalid `kernel_size` and `dilation_rate`")
    assert "200001" in message


def test_a_kernel_larger_than_the_input_runs_with_same_padding():
    y = layer_depthwise_conv_2d(np.ones((1, 3, 3, 2)), kernel_size=5, padding="same")
    assert tuple(y.shape) == (1, 3, 3, 2)


@pytest.mark.tensorflow_only  # other backends may try to pad the input by 1e5 on every side
def test_a_huge_dilation_with_same_padding_is_our_error_naming_dilation_rate():
    message = _raises(ValueError, layer_depthwise_conv_2d, np.ones((1, 10, 10, 2)), kernel_size=3,
                      dilation_rate=1e5, padding="same")
    assert message.startswith("Invalid `dilation_rate`: the layer ")
    assert "shape (1, 10, 10, 2)" in message


@pytest.mark.parametrize(
    ("kernel_size", "dilation_rate"), [(3, 2147483647), (3, 2**30), (2, 2147483647), ((1, 3), (5, 2**30))]
)
@pytest.mark.parametrize("padding", ["valid", "same"])
def test_sizes_that_can_never_run_are_refused_at_construction(kernel_size, dilation_rate, padding):
    message = _raises(ValueError, layer_depthwise_conv_2d, kernel_size=kernel_size, dilation_rate=dilation_rate,
                      padding=padding)
    assert message.startswith("Invalid `kernel_size` and `dilation_rate`: expected an effective kernel extent")


def test_a_kernel_of_one_takes_any_dilation():
    layer = layer_depthwise_conv_1d(kernel_size=1, dilation_rate=2147483647)
    assert layer.dilation_rate == (2147483647,)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(
    ("shape", "data_format"), [((2, 5, 5, 0), "channels_last"), ((2, 0, 5, 5), "channels_first")]
)
def test_zero_channels_are_refused_naming_object(shape, data_format, language):
    with render.caller(language):
        message = _raises(ValueError, layer_depthwise_conv_2d, np.ones(shape), kernel_size=3,
                          data_format=data_format)
    assert message.startswith("Invalid `object`: the layer ")
    assert "0 channels" in message


def test_zero_channels_in_a_sequential_are_refused_and_the_model_is_unchanged():
    model = _sequential((5, 5, 0))
    message = _raises(ValueError, layer_depthwise_conv_2d, model, kernel_size=3)
    assert "0 channels" in message and "left unchanged" in message
    _assert_unchanged(model, 1, (None, 5, 5, 0))


def test_a_zero_spatial_size_is_refused_naming_object():
    message = _raises(ValueError, layer_depthwise_conv_2d, np.ones((2, 0, 5, 2)), kernel_size=1, padding="same")
    assert message.startswith("Invalid `object`") and "spatial size of 0" in message


def test_a_kernel_larger_than_a_sequential_input_names_kernel_size_and_leaves_it_unchanged():
    model = _sequential((3, 3, 2))
    message = _raises(ValueError, layer_depthwise_conv_2d, model, kernel_size=5)
    assert "cannot be added" in message and "`kernel_size` 5 is larger" in message
    _assert_unchanged(model, 1, (None, 3, 3, 2))
    model = keras.Sequential()
    message = _raises(ValueError, layer_depthwise_conv_2d, model, kernel_size=5, input_shape=(3, 3, 2))
    assert "`kernel_size` 5 is larger" in message
    assert len(model._layers) == 0


class _FailingLayer(keras.layers.Layer):
    """Stands in for a backend failure, with what TensorFlow's messages carry: ANSI escapes, op and device names."""

    def call(self, inputs):
        raise RuntimeError(
            "Exception encountered when calling X.call().\n\n\x1b[1m{{function_node __wrapped__Op_device_/job:"
            "localhost/replica:0/task:0/device:CPU:0}} something went wrong on /job:localhost/replica:0/task:0/"
            "device:CPU:0 [Op:DepthwiseConv2dNative] name: \x1b[0m\n\nArguments received by X.call():\n"
            "  \u2022 inputs=tf.Tensor(shape=(2, 3), dtype=float32)"
        )


def test_a_backend_error_is_reraised_as_our_value_error_without_escapes():
    message = _raises(ValueError, compose_layer, np.ones((2, 3), dtype="float32"), _FailingLayer(name="failing"))
    assert message == "Invalid `object`: the layer 'failing' failed on `object` of shape (2, 3): something went wrong."
    with render.caller(render.R):
        message = _raises(ValueError, compose_layer, np.ones((2, 3), dtype="float32"), _FailingLayer(name="f"))
    assert "of shape c(2, 3)" in message


def test_a_backend_error_in_a_sequential_is_summarised_and_the_model_unchanged():
    model = keras.Sequential([keras.Input((3,))])
    message = _raises(ValueError, compose_layer, model, _FailingLayer(name="failing"))
    assert message.startswith(
        "Invalid `object`: the layer 'failing' cannot be added to the Sequential model"
    ) and "(left unchanged): " in message
    assert len(model._layers) == 1


# -- 7. batch of 0 -----------------------------------------------------------------------------------

BATCH_ZERO_CASES = [
    # (rank, input shape, kwargs, expected output shape)
    (2, (0, 5, 5, 2), {"kernel_size": 2}, (0, 4, 4, 2)),
    (2, (0, 5, 5, 2), {"kernel_size": 2, "depth_multiplier": 3}, (0, 4, 4, 6)),
    (2, (0, 2, 5, 5), {"kernel_size": 2, "data_format": "channels_first"}, (0, 2, 4, 4)),
    (2, (0, 5, 5, 2), {"kernel_size": 2, "strides": (2, 1)}, (0, 2, 4, 2)),
    (2, (0, 5, 5, 2), {"kernel_size": 2, "strides": (2, 1), "padding": "same", "depth_multiplier": 3}, (0, 3, 5, 6)),
    (1, (0, 5, 2), {"kernel_size": 2, "depth_multiplier": 3, "activation": "relu"}, (0, 4, 6)),
    (1, (0, 2, 5), {"kernel_size": 2, "data_format": "channels_first"}, (0, 2, 4)),
]


@pytest.mark.parametrize(("rank", "shape", "kwargs", "expected"), BATCH_ZERO_CASES)
def test_a_batch_of_zero_gives_the_right_output_shape(rank, shape, kwargs, expected):
    y = FUNCTIONS[rank](np.zeros(shape), **kwargs)
    assert tuple(y.shape) == expected
    assert keras.ops.convert_to_numpy(y).size == 0


@pytest.mark.parametrize(("rank", "shape", "kwargs", "expected"), BATCH_ZERO_CASES[:2])
def test_a_batch_of_zero_in_float64_keeps_the_dtype(rank, shape, kwargs, expected):
    y = FUNCTIONS[rank](np.zeros(shape), dtype="float64", **kwargs)
    assert tuple(y.shape) == expected
    assert keras.backend.standardize_dtype(y.dtype) == "float64"


@pytest.mark.tensorflow_only
def test_a_batch_of_zero_is_right_with_tensorflows_onednn_kernels():
    """TensorFlow's oneDNN kernels (on by default on Intel CPUs) return the input's shape for a batch of 0."""
    script = textwrap.dedent(
        f"""
        import json, numpy as np
        from kerasr_bridge import layer_depthwise_conv_1d, layer_depthwise_conv_2d
        functions = {{1: layer_depthwise_conv_1d, 2: layer_depthwise_conv_2d}}
        cases = {BATCH_ZERO_CASES!r}
        print(json.dumps([list(functions[rank](np.zeros(shape), **kwargs).shape) for rank, shape, kwargs, _ in cases]))
        """
    )
    env = {**os.environ, "TF_ENABLE_ONEDNN_OPTS": "1", "KERAS_BACKEND": "tensorflow"}
    result = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-2000:]
    shapes = json.loads(result.stdout.strip().splitlines()[-1])
    assert [tuple(shape) for shape in shapes] == [case[3] for case in BATCH_ZERO_CASES]


# -- small ones ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("rank", [1, 2])
def test_a_misspelt_kernel_size_is_reported_as_unknown_with_a_suggestion(rank):
    function = FUNCTIONS[rank]
    message = _raises(TypeError, function, kernel=3)
    assert message.startswith(f"{function.__name__}() got unknown argument(s) `kernel` (did you mean `kernel_size`")
    message = _raises(TypeError, function, kernel_size=3, dilation=2)
    assert "did you mean `dilation_rate` instead of `dilation`?" in message


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("object", [3, 3.0, [3, 3]])
def test_a_size_given_as_object_is_pointed_out(object, language):
    with render.caller(language):
        message = _raises(TypeError, layer_depthwise_conv_2d, object)
    assert message.startswith("layer_depthwise_conv_2d() missing required argument `kernel_size`; the first argument")
    assert "`object`" in message
    assert ("kernel_size = ..." if language == render.R else "kernel_size=...") in message


def test_missing_kernel_size_without_a_size_like_object_says_only_that():
    message = _raises(TypeError, layer_depthwise_conv_2d)
    assert message == "layer_depthwise_conv_2d() missing required argument `kernel_size`."


def test_a_zero_d_array_is_described_as_one():
    message = _raises(ValueError, layer_depthwise_conv_2d, np.array(3.0), kernel_size=3)
    assert "0-d array" in message
    assert "(1,)" not in message


def test_messages_about_long_names_stay_bounded():
    names = {f"an_unknown_argument_with_a_long_name_{i}" * 3: 1 for i in range(8)}
    message = _raises(TypeError, layer_depthwise_conv_2d, kernel_size=3, **names)
    assert message.startswith("layer_depthwise_conv_2d() got unknown argument(s) `an_unknown")

    def an_activation_whose_name_goes_on_and_on_and_on_and_on_and_on_and_on_and_on_and_on(a, b, c, d, e, f, g, h):
        return a

    message = _raises(TypeError, layer_depthwise_conv_2d, kernel_size=3,
                      activation=an_activation_whose_name_goes_on_and_on_and_on_and_on_and_on_and_on_and_on_and_on)
    assert message.startswith("Invalid `activation`: expected ")
