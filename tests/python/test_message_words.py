"""Messages in the caller's words: values quoted as the caller's language prints them, nothing raw, nothing Keras's.

Each case runs for Python and for R (kerasr_bridge.render's caller); the
parity suite checks R's own messages equal Python's rendered for R.
"""

from __future__ import annotations

import warnings

import keras
import numpy as np
import pytest

from kerasr_bridge import layer_depthwise_conv_1d, layer_depthwise_conv_2d, render
from kerasr_bridge.errors import INVALID
from kerasr_bridge.r_values import RList
from kerasr_bridge.user_code import R_WARNINGS

LANGUAGES = [render.PYTHON, render.R]


def _message(language, call, *args, **kwargs) -> str:
    with render.caller(language), pytest.raises(INVALID) as raised:
        call(*args, **kwargs)
    message = str(raised.value)
    assert len(message) <= render.MAX_MESSAGE_CHARS
    return message


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(("value", "python", "r"), [
    ("a\nb", r"'a\nb'", r'"a\nb"'),
    ("\x1b[31m", r"'\x1b[31m'", r'"\033[31m"'),
    ("same\t", r"'same\t'", r'"same\t"'),
])
def test_control_characters_are_escaped_as_a_string_literal(language, value, python, r):
    message = _message(language, layer_depthwise_conv_2d, kernel_size=3, padding=value)
    assert "\n" not in message and "\x1b" not in message and "\t" not in message
    assert f"received {python if language == render.PYTHON else r}" in message


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_near_whole_number_shows_the_digits_that_make_it_not_whole(language):
    message = _message(language, layer_depthwise_conv_2d, kernel_size=3 - 1e-15)
    assert "received 2.999999999999999" in message


def test_minus_zero_reads_as_each_language_prints_it():
    assert _message(render.R, layer_depthwise_conv_2d, kernel_size=-0.0).endswith("received 0.")
    assert _message(render.PYTHON, layer_depthwise_conv_2d, kernel_size=-0.0).endswith("received -0.0 (float).")
    # Zero or below needs no upper bound in the message; a size too large does.
    assert "<=" not in _message(render.R, layer_depthwise_conv_2d, kernel_size=0)
    assert "and <= 2147483647" in _message(render.R, layer_depthwise_conv_2d, kernel_size=3e10)


def test_sizes_given_with_names_are_refused_as_named():
    message = _message(render.R, layer_depthwise_conv_2d, kernel_size=3, strides={"a": 2.0, "b": 1.0})
    assert message == (
        "Invalid `strides`: expected a whole number >= 1 or an unnamed list of 2 of them; received list(a = 2, b = 1)."
    )
    assert "not a named list" in _message(render.R, layer_depthwise_conv_1d, kernel_size={"a": 3.0})


def test_the_weights_message_writes_shapes_in_the_callers_language():
    weights = RList((np.ones((2, 2)), np.ones(3)))
    r = _message(render.R, layer_depthwise_conv_2d, kernel_size=3, weights=weights)
    assert r == (
        "Invalid `weights`: expected a kernel of shape c(3, 3, channels, 1) and a bias of shape "
        "c(channels * depth_multiplier); received arrays of shapes c(2, 2), c(3)."
    )
    python = _message(render.PYTHON, layer_depthwise_conv_2d, kernel_size=3, weights=[np.ones((2, 2)), np.ones(3)])
    assert "a kernel of shape (3, 3, channels, 1)" in python and "received arrays of shapes (2, 2), (3,)" in python


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_layer_of_the_wrong_rank_for_a_sequential_says_so_in_our_words(language):
    model = keras.Sequential([keras.Input((6, 6, 3))])
    message = _message(language, layer_depthwise_conv_1d, model, kernel_size=3)
    shape = "(None, 6, 6, 3)" if language == render.PYTHON else "list(NULL, 6, 6, 3)"
    assert message.endswith(f"it takes inputs of rank 3 (batch, 1 spatial, channels); received input of shape {shape}.")
    assert "Kernel shape" not in message and len(model.layers) == 0


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("arrays", [
    [np.ones((20, 20)), np.ones(30), np.ones((5, 5, 5))], [np.arange(100.0).reshape(10, 10)] * 6,
])
def test_a_list_of_arrays_is_quoted_with_balanced_parentheses(language, arrays):
    message = _message(language, layer_depthwise_conv_2d, RList(tuple(arrays)), kernel_size=3)
    received = message.split("received ", 1)[1]
    depth = 0
    for char in received:
        depth += {"(": 1, ")": -1}.get(char, 0)
        assert depth >= 0, received
    assert depth == 0, received


@pytest.mark.parametrize(("argument", "python", "r"), [
    ("activation", "activation='gelu'", "keras3's activation_gelu"),
    ("depthwise_initializer", "depthwise_initializer='glorot_uniform'", "keras3's initializer_glorot_uniform()"),
    ("bias_regularizer", "bias_regularizer='l2'", "keras3's regularizer_l2()"),
    ("depthwise_constraint", "depthwise_constraint='non_neg'", "keras3's constraint_nonneg()"),
])
def test_the_unsaveable_warning_suggests_the_argument_that_was_given(argument, python, r):
    def user_function(*args, **kwargs):
        return args[0]

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        layer_depthwise_conv_2d(kernel_size=3, **{argument: lambda *a, **k: a[0]})
    assert python in str(caught[0].message) and len(str(caught[0].message)) <= render.MAX_MESSAGE_CHARS
    token = R_WARNINGS.set([])
    try:
        with render.caller(render.R):
            layer_depthwise_conv_2d(kernel_size=3, **{argument: user_function})
        # Made in R, the function would be an R one; a Python function is the user's too, and saves by name.
        assert R_WARNINGS.get() == []
        with render.caller(render.R):
            layer_depthwise_conv_2d(kernel_size=3, **{argument: lambda *a, **k: a[0]})
        (message,) = R_WARNINGS.get()
    finally:
        R_WARNINGS.reset(token)
    assert f'{argument} = "' in message and r in message
