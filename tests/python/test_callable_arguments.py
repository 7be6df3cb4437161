"""Functions in place of Keras objects: refused at construction where Keras could not call them, else run.

An activation, regularizer or constraint must take one tensor, an
initializer ``(shape, dtype=None)``; a Keras object must be of the kind the
argument takes. R functions arrive as reticulate's ``(*args, **kwargs)``
wrapper and are checked by their R formals (see ``from_r.r_function``).
"""

from __future__ import annotations

import keras
import numpy as np
import pytest

from kerasr_bridge import compose_layer, layer_depthwise_conv_2d, render


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
def test_unusable_callables_are_refused_at_construction(functions, raises_ours, rank, argument, value, received):
    message = raises_ours(TypeError, functions[rank], kernel_size=3, **{argument: value})
    assert message.startswith(f"Invalid `{argument}`: expected ")
    assert received in message


def test_callable_messages_in_r_speak_of_functions(raises_ours):
    with render.caller(render.R):
        message = raises_ours(TypeError, layer_depthwise_conv_2d, kernel_size=3, activation=lambda a, b: a)
        assert "received a function with arguments (a, b)." in message
        message = raises_ours(TypeError, layer_depthwise_conv_2d, kernel_size=3, depthwise_initializer=lambda s: s)
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
