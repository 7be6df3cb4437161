"""What users bring, alike in R and Python: their own callables that raise, Keras's function objects.

An error raised by the user's own function (R's ``stop()``, Python's ``raise``)
names the argument that held it, in the same message in both languages (R's is
Python's rendered for R), with the user's text; R's classes are the user's R
condition's (where reticulate 1.29+ hands them over), then ours; a Sequential
model is left unchanged. Keras's own functions (``keras$activations$gelu``,
keras3's ``activation_gelu`` where keras3 is installed) are stored by name, as
in Python.
"""

from __future__ import annotations

import re

import keras
import numpy as np
import pytest

import kerasr_bridge
from kerasr_bridge import render
from kerasr_bridge.user_code import UserCodeError

ARGUMENTS = ["activation", "depthwise_initializer", "bias_initializer", "activity_regularizer"]
SHAPES = {1: (2, 8, 3), 2: (2, 6, 6, 3)}
OUR_CLASSES = [
    "kerasrbridge_UserCodeError", "kerasrbridge_error", "kerasr_bridge.user_code.UserCodeError",
    "python.builtin.RuntimeError", "python.builtin.Exception", "error", "condition",
]


def _unnamed(message: str) -> str:
    return re.sub(r"'(depthwise_conv[12]d|sequential)(_\d+)?'", "'<name>'", message)


def _raising(*args, **kwargs):
    raise RuntimeError("my custom boom")


@pytest.mark.parametrize("rank", [1, 2])
@pytest.mark.parametrize("argument", ARGUMENTS)
def test_an_error_of_the_users_own_function_fails_alike(R, argument: str, rank: int) -> None:
    shape = SHAPES[rank]
    function = f"layer_depthwise_conv_{rank}d"
    r = R(
        f"""
        e <- tryCatch(suppressWarnings({function}(array(0.5, c({", ".join(map(str, shape))})), kernel_size = 2,
                      {argument} = function(...) stop("my custom boom"))), error = identity)
        model <- keras$Sequential(list(keras$Input(shape = c({", ".join(f"{n}L" for n in shape[1:])}))))
        before <- model$to_json()
        in_model <- tryCatch(suppressWarnings({function}(model, kernel_size = 2,
                             {argument} = function(...) stop("my custom boom"))), error = identity)
        list(message = conditionMessage(e), class = class(e),
             model_class = if (inherits(in_model, "error")) class(in_model),
             unchanged = !inherits(in_model, "error") || identical(before, model$to_json()),
             reticulate_129 = utils::packageVersion("reticulate") >= "1.29")
        """
    )
    with render.caller(render.R), pytest.raises(UserCodeError) as raised:
        getattr(kerasr_bridge, function)(np.full(shape, 0.5), kernel_size=2, **{argument: _raising})
    python_for_r = str(raised.value)
    assert _unnamed(r["message"]) == _unnamed(python_for_r)
    assert r["message"].startswith(f"Invalid `{argument}`: your function raised an error in the layer ")
    assert r["message"].endswith(": my custom boom.") and len(r["message"]) <= render.MAX_MESSAGE_CHARS
    user_classes = ["simpleError"] if r["reticulate_129"] else []
    assert list(r["class"]) == user_classes + OUR_CLASSES
    if r["model_class"] is not None:  # raised while added (built symbolically): the model is unchanged
        assert list(r["model_class"]) == user_classes + OUR_CLASSES
    assert r["unchanged"]

    with pytest.raises(UserCodeError) as raised:
        getattr(kerasr_bridge, function)(np.full(shape, 0.5), kernel_size=2, **{argument: _raising})
    error = raised.value
    assert error.argument == argument and isinstance(error.__cause__, RuntimeError)
    assert str(error).startswith(f"Invalid `{argument}`") and "my custom boom" in str(error)
    model = keras.Sequential([keras.Input(shape[1:])])
    before = model.to_json()
    try:
        getattr(kerasr_bridge, function)(model, kernel_size=2, **{argument: _raising})
    except UserCodeError as in_model:  # raised while added (an initializer builds the layer): model unchanged
        assert in_model.argument == argument
        assert model.to_json() == before


def test_keras_function_objects_are_stored_by_name_alike(R) -> None:
    r = R(
        """
        stored <- function(activation) {
          layer_depthwise_conv_2d(kernel_size = 2, activation = activation)$get_config()$activation
        }
        has_keras3 <- requireNamespace("keras3", quietly = TRUE)
        list(keras = stored(keras$activations$gelu),
             keras3 = if (has_keras3) stored(keras3::activation_gelu) else "gelu",
             keras3_relu6 = if (has_keras3) stored(keras3::activation_relu6) else "relu6")
        """
    )
    python = kerasr_bridge.layer_depthwise_conv_2d(kernel_size=2, activation=keras.activations.gelu)
    assert r["keras"] == r["keras3"] == python.get_config()["activation"] == "gelu"
    assert r["keras3_relu6"] == "relu6"


@pytest.mark.skipif(keras.backend.backend() != "tensorflow", reason="the unequal-strides layer is TensorFlow's")
def test_a_direct_call_of_a_layer_made_from_r_says_what_python_says_for_r(R) -> None:
    r = R(
        """
        lay <- layer_depthwise_conv_2d(kernel_size = 3, strides = c(2, 1), padding = "same")
        conditionMessage(tryCatch(lay(keras$Input(shape = list(NULL, NULL, 3L))), error = identity))
        """
    )
    with render.caller(render.R):
        layer = kerasr_bridge.layer_depthwise_conv_2d(kernel_size=3, strides=[2.0, 1.0], padding="same")
    with pytest.raises(ValueError) as raised:
        layer(keras.Input((None, None, 3)))  # called later, outside the R call, as lay(x) is
    assert "c(2, 1)" in str(raised.value) and "list(NULL, NULL, NULL, 3)" in str(raised.value)
    assert str(raised.value) in r  # R's adds reticulate's class prefix or hint line around it
