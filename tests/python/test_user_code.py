"""The user's own callables: errors keep their identity, unsaveable ones are warned about.

A function the user wrote raises: the message names its argument (not `object`),
keeps the user's text on one line (no ANSI escapes, no literal newline, no quotes
``str(KeyError)`` adds), the original exception is ``__cause__``, and a Sequential
model is left as it was. A callable a saved model cannot restore (a Python
lambda here; an R function in tests/testthat/test-user-code.R) warns at
construction; Keras's own functions are stored by name and do not.
"""

from __future__ import annotations

import warnings

import keras
import numpy as np
import pytest

from kerasr_bridge import layer_depthwise_conv_1d, layer_depthwise_conv_2d
from kerasr_bridge.errors import INVALID
from kerasr_bridge.render import MAX_MESSAGE_CHARS
from kerasr_bridge.user_code import UnsaveableCallableWarning, UserCodeError

X = np.random.default_rng(0).uniform(size=(2, 6, 6, 3)).astype("float32")


class Boom(Exception):
    """An exception class of the user's own."""


def _raiser(exception: BaseException):
    def activation(x):
        raise exception

    return activation


def _initializer(exception: BaseException):
    def initializer(shape, dtype=None):
        raise exception

    return initializer


RAISED = [
    RuntimeError("my custom boom"),
    KeyError("my custom boom"),
    Boom("my custom boom"),
    ValueError("my custom boom\nsecond line"),
]


@pytest.mark.parametrize("exception", RAISED, ids=lambda e: type(e).__name__)
@pytest.mark.parametrize(
    "argument", ["activation", "depthwise_initializer", "bias_initializer", "activity_regularizer"]
)
def test_error_of_the_users_callable_names_its_argument(argument: str, exception: BaseException) -> None:
    fn = _initializer(exception) if argument.endswith("initializer") else _raiser(exception)
    with pytest.raises(UserCodeError) as caught:
        layer_depthwise_conv_2d(X, kernel_size=2, **{argument: fn})
    error = caught.value
    message = str(error)
    assert message.startswith(f"Invalid `{argument}`: your function raised an error in the layer ")
    assert "my custom boom" in message and "'my custom boom'" not in message
    assert "\x1b" not in message and "\n" not in message and "\\n" not in message
    assert "Exception encountered" not in message and len(message) <= MAX_MESSAGE_CHARS
    assert error.argument == argument
    # The user's own exception, as they raised it, is the cause.
    assert error.__cause__ is error.original
    assert type(error.original) is type(exception)
    assert not isinstance(error, INVALID)


def test_users_callable_failing_in_sequential_add_leaves_the_model_unchanged() -> None:
    model = keras.Sequential([keras.Input((6, 6, 3)), keras.layers.DepthwiseConv2D(1)])
    before = [layer.name for layer in model.layers], model.output_shape
    with pytest.raises(UserCodeError, match=r"^Invalid `depthwise_initializer`: .*left unchanged.*init boom\.$"):
        layer_depthwise_conv_2d(model, kernel_size=2, depthwise_initializer=_initializer(RuntimeError("init boom")))
    assert ([layer.name for layer in model.layers], model.output_shape) == before


def test_users_callable_calling_the_users_other_code_is_blamed_on_the_innermost_argument() -> None:
    def helper(x):
        raise RuntimeError("deep")

    with pytest.raises(UserCodeError, match=r"^Invalid `activation`") as caught:
        with pytest.warns(UnsaveableCallableWarning):
            layer_depthwise_conv_1d(X[:, 0], kernel_size=2, activation=lambda x: helper(x))
    assert str(caught.value.__cause__) == "deep"


def test_a_long_layer_name_keeps_the_message_bounded() -> None:
    with pytest.raises(UserCodeError) as caught:
        layer_depthwise_conv_2d(X, kernel_size=2, activation=_raiser(RuntimeError("x" * 500)), name="n" * 3000)
    assert len(str(caught.value)) <= MAX_MESSAGE_CHARS


def test_other_failures_are_still_ours() -> None:
    with pytest.raises(ValueError) as caught:
        layer_depthwise_conv_2d(X, kernel_size=7)
    assert not isinstance(caught.value, UserCodeError)


# -- Saving: Keras's own functions by name, a warning for what cannot be restored -------------------


@pytest.mark.parametrize("activation", [keras.activations.gelu, keras.activations.relu, "gelu"])
def test_keras_functions_are_stored_by_name_without_warning(activation) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error", UnsaveableCallableWarning)
        layer = layer_depthwise_conv_2d(kernel_size=2, activation=activation)
    assert layer.get_config()["activation"] in ("gelu", "relu")
    clone = keras.layers.DepthwiseConv2D.from_config(layer.get_config())
    assert clone.activation is layer.activation or clone.activation.__name__ == layer.activation.__name__


def test_a_lambda_warns_at_construction_with_what_to_pass_instead() -> None:
    with pytest.warns(UnsaveableCallableWarning, match=r"^`activation` is a Python lambda: a saved model") as got:
        layer_depthwise_conv_2d(kernel_size=2, activation=lambda x: x * 2)
    assert "register_keras_serializable" in str(got[0].message) and "safe_mode=False" in str(got[0].message)
    assert got[0].filename == __file__  # the warning points at the user's call


def test_a_named_python_function_does_not_warn() -> None:
    def doubled(x):
        return x * 2

    with warnings.catch_warnings():
        warnings.simplefilter("error", UnsaveableCallableWarning)
        layer_depthwise_conv_2d(kernel_size=2, activation=doubled)


# -- what the user's initializers return ------------------------------------------------------------


def _returning(value):
    def initializer(shape, dtype=None):
        return value

    return initializer


WRONG_RESULTS = [
    ("depthwise_initializer", np.ones((2, 2)), "an array of shape (2, 2)", ValueError),
    ("depthwise_initializer", "abc", "'abc' (str)", TypeError),
    ("depthwise_initializer", None, "None (NoneType)", TypeError),
    ("bias_initializer", np.ones(5), "an array of shape (5,)", ValueError),
]


@pytest.mark.parametrize(("argument", "value", "received", "kind"), WRONG_RESULTS)
@pytest.mark.parametrize("object_kind", ["array", "sequential", "weights"])
def test_an_initializer_returning_the_wrong_thing_is_named_not_object(argument, value, received, kind, object_kind,
                                                                     capfd):
    """Its argument named, the shape it was given and what it returned, nothing on stderr, a model left unchanged."""
    x = np.ones((2, 8, 8, 3), "float32")
    model = keras.Sequential([keras.Input((8, 8, 3))])
    calls = {
        "array": lambda: layer_depthwise_conv_2d(x, kernel_size=3, **{argument: _returning(value)}),
        "sequential": lambda: layer_depthwise_conv_2d(model, kernel_size=3, **{argument: _returning(value)}),
        # `weights` builds the layer before any input: the initializers run then.
        "weights": lambda: layer_depthwise_conv_2d(kernel_size=3, weights=[np.ones((3, 3, 1, 1)), np.ones(1)],
                                                   **{argument: _returning(value)}),
    }
    capfd.readouterr()
    with pytest.raises(kind) as raised:
        calls[object_kind]()
    assert isinstance(raised.value, INVALID) and raised.value.argument == argument
    wanted = {"depthwise_initializer": (3, 3, 1 if object_kind == "weights" else 3, 1),
              "bias_initializer": (1 if object_kind == "weights" else 3,)}[argument]
    if object_kind == "weights" and argument == "bias_initializer":
        received = "an array of shape (5,)"
    assert str(raised.value) == (
        f"Invalid `{argument}`: expected a function returning a numeric array of the shape it is given, {wanted}; "
        f"received one returning {received}."
    )
    assert len(str(raised.value)) <= MAX_MESSAGE_CHARS
    assert capfd.readouterr().err == ""
    assert len(model.layers) == 0


def test_a_right_initializer_runs_and_the_layer_keeps_the_users_function():
    """The check wraps the initializer only while the layer builds: the saved config names the user's function."""

    @keras.saving.register_keras_serializable(package="kerasr_bridge_tests")
    def halves(shape, dtype=None):
        return keras.ops.full(shape, 0.5, dtype=dtype)

    layer = layer_depthwise_conv_2d(kernel_size=2, depthwise_initializer=halves, use_bias=False)
    y = layer_depthwise_conv_2d(np.ones((1, 3, 3, 1), "float32"), kernel_size=2, depthwise_initializer=halves)
    np.testing.assert_allclose(keras.ops.convert_to_numpy(y), np.full((1, 2, 2, 1), 2.0))
    layer(np.ones((1, 3, 3, 1), "float32"))
    assert layer.depthwise_initializer is halves
    assert layer.get_config()["depthwise_initializer"]["config"] == "kerasr_bridge_tests>halves"
