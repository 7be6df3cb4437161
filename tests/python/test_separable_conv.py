"""The separable layer functions get every guarantee the depthwise ones have.

``layer_separable_conv_1d`` / ``_2d``: keras3's signature; what each kind of
``object`` gets (the layer, a Sequential extended all-or-nothing, an array,
tensor or ``keras.Input`` passed through, ``pipe()``); outputs and gradients
against the independent NumPy reference (tests/reference.py) on the current
backend, unequal strides, dilation with strides and the channels_first bias
included; our typed errors for the separable arguments (``filters``, the
pointwise kernel in ``weights``, the pointwise_* callables); saving and
loading with each of our separable classes; and what differs by backend.

Some of these are the specification of work in progress (unequal strides on
TensorFlow where its kernel refuses them: float64; PyTorch's one-channel
unequal-strides defect): they fail until kerasr_bridge builds a fixed
separable class there, as it does for the depthwise layers.
"""

from __future__ import annotations

import inspect
import itertools
import json
import math
import subprocess
import sys
import warnings

import keras
import numpy as np
import pytest
from layer_cases import case_id, pairwise_cases
from reference import separable_conv

import kerasr_bridge
from kerasr_bridge import (
    ChannelsFirstSeparableConv1D,
    ChannelsFirstSeparableConv2D,
    layer_separable_conv_1d,
    layer_separable_conv_2d,
    pipe,
)
from kerasr_bridge.declarations import DECLARATIONS
from kerasr_bridge.errors import INVALID
from kerasr_bridge.r_values import R_NA
from kerasr_bridge.render import MAX_MESSAGE_CHARS
from kerasr_bridge.user_code import UnsaveableCallableWarning, UserCodeError

BACKEND = keras.backend.backend()
ON_TENSORFLOW = BACKEND == "tensorflow"
FUNCTIONS = {1: layer_separable_conv_1d, 2: layer_separable_conv_2d}
PLAIN = {1: keras.layers.SeparableConv1D, 2: keras.layers.SeparableConv2D}
CHANNELS_FIRST = {1: ChannelsFirstSeparableConv1D, 2: ChannelsFirstSeparableConv2D}
RANKS = [pytest.param(1, id="1d"), pytest.param(2, id="2d")]
to_numpy = keras.ops.convert_to_numpy


def _as_tuple(value, rank):
    return (value,) * rank if isinstance(value, int) else tuple(value)


def _weights(rng, rank, channels=2, depth_multiplier=1, filters=4, kernel=3, use_bias=True, dtype="float32"):
    """Weights as get_weights() returns them: depthwise kernel, pointwise kernel, bias."""
    kernel_size = _as_tuple(kernel, rank)
    weights = [
        rng.normal(size=(*kernel_size, channels, depth_multiplier)),
        rng.normal(size=(*(1,) * rank, channels * depth_multiplier, filters)),
    ]
    if use_bias:
        weights.append(rng.normal(size=(filters,)))
    return [w.astype(dtype) for w in weights]


def _reference(x, weights, case):
    rank = x.ndim - 2
    return separable_conv(
        x, weights[0], weights[1], weights[2] if len(weights) == 3 else None,
        strides=_as_tuple(case.get("strides", 1), rank), padding=case.get("padding", "valid"),
        dilation_rate=_as_tuple(case.get("dilation_rate", 1), rank),
        data_format=case.get("data_format", "channels_last"),
    )


# ================================================================== the signature and the objects

SEPARABLE_FORMALS = [
    "object", "filters", "kernel_size", "strides", "padding", "data_format", "dilation_rate", "depth_multiplier",
    "activation", "use_bias", "depthwise_initializer", "pointwise_initializer", "bias_initializer",
    "depthwise_regularizer", "pointwise_regularizer", "bias_regularizer", "activity_regularizer",
    "depthwise_constraint", "pointwise_constraint", "bias_constraint", "kwargs",
]
SEPARABLE_DEFAULTS = {
    "object": None, "padding": "valid", "data_format": None, "depth_multiplier": 1, "activation": None,
    "use_bias": True, "depthwise_initializer": "glorot_uniform", "pointwise_initializer": "glorot_uniform",
    "bias_initializer": "zeros", "depthwise_regularizer": None, "pointwise_regularizer": None,
    "bias_regularizer": None, "activity_regularizer": None, "depthwise_constraint": None,
    "pointwise_constraint": None, "bias_constraint": None,
}


@pytest.mark.parametrize("rank", RANKS)
def test_signature_mirrors_keras3(rank):
    parameters = inspect.signature(FUNCTIONS[rank]).parameters
    assert list(parameters) == SEPARABLE_FORMALS
    defaults = {name: p.default for name, p in parameters.items() if name not in ("filters", "kernel_size", "kwargs")}
    spatial_default = 1 if rank == 1 else (1, 1)
    assert defaults == {**SEPARABLE_DEFAULTS, "strides": spatial_default, "dilation_rate": spatial_default}
    assert parameters["kwargs"].kind is inspect.Parameter.VAR_KEYWORD
    # The declaration says what the generated function builds.
    declaration = DECLARATIONS[FUNCTIONS[rank].__name__]
    assert (declaration.family, declaration.rank, declaration.keras_class) == ("separable", rank, PLAIN[rank].__name__)


@pytest.mark.parametrize("rank", RANKS)
def test_filters_and_kernel_size_are_required(rank, raises_ours):
    function = FUNCTIONS[rank]
    name = function.__name__
    assert raises_ours(TypeError, function, kernel_size=3) == f"{name}() missing required argument `filters`."
    assert raises_ours(TypeError, function, filters=2) == f"{name}() missing required argument `kernel_size`."
    model = keras.Sequential()
    assert "`filters`" in raises_ours(TypeError, function, model, kernel_size=3)
    assert len(model.layers) == 0
    # A count given where `object` goes is pointed out.
    message = raises_ours(TypeError, function, 8, kernel_size=3)
    assert message.startswith(f"{name}() missing required argument `filters`; the first argument is `object`")
    assert "filters=..." in message


def test_no_object_gives_the_plain_keras_layer():
    layer = layer_separable_conv_2d(filters=4, kernel_size=3)
    assert type(layer) is keras.layers.SeparableConv2D
    assert not layer.built
    assert (layer.filters, layer.kernel_size, layer.depth_multiplier) == (4, (3, 3), 1)
    assert type(layer_separable_conv_1d(filters=4, kernel_size=3)) is keras.layers.SeparableConv1D
    # channels_first without a bias needs no fix on any backend.
    for rank in (1, 2):
        assert type(FUNCTIONS[rank](filters=2, kernel_size=1, data_format="channels_first", use_bias=False)) is (
            PLAIN[rank]
        )


def test_array_is_passed_through_the_layer(rng):
    y = layer_separable_conv_2d(rng.uniform(size=(4, 10, 10, 12)), 16, 3, depth_multiplier=2, activation="relu")
    assert tuple(y.shape) == (4, 8, 8, 16)
    assert to_numpy(y).min() >= 0.0
    y1 = layer_separable_conv_1d(rng.uniform(size=(4, 10, 12)), filters=8, kernel_size=3, activation="relu")
    assert tuple(y1.shape) == (4, 8, 8)


def test_backend_tensor_and_symbolic_input_pass_through(rng):
    tensor = keras.ops.convert_to_tensor(rng.uniform(size=(2, 9, 9, 4)), dtype="float32")
    assert tuple(layer_separable_conv_2d(tensor, filters=5, kernel_size=3).shape) == (2, 7, 7, 5)
    inputs = keras.Input((9, 9, 4))
    outputs = layer_separable_conv_2d(inputs, filters=6, kernel_size=3, depth_multiplier=2)
    assert isinstance(outputs, keras.KerasTensor)
    model = keras.Model(inputs, layer_separable_conv_2d(outputs, filters=3, kernel_size=3))
    assert model.output_shape == (None, 5, 5, 3)
    inputs_1d = keras.Input((9, 4))
    assert layer_separable_conv_1d(inputs_1d, filters=2, kernel_size=3).shape == (None, 7, 2)


def test_sequential_gets_the_layer_and_is_returned():
    model = keras.Sequential([keras.Input((28, 28, 3))])
    same = layer_separable_conv_2d(model, filters=16, kernel_size=3, padding="same")
    assert same is model
    assert isinstance(model.layers[-1], keras.layers.SeparableConv2D)
    assert model.output_shape == (None, 28, 28, 16)
    model_1d = layer_separable_conv_1d(keras.Sequential([keras.Input((20, 3))]), filters=4, kernel_size=3)
    assert model_1d.output_shape == (None, 18, 4)


def test_pipe_composes_left_to_right():
    model = pipe(
        keras.Sequential([keras.Input((28, 28, 3))]),
        layer_separable_conv_2d(filters=16, kernel_size=3, padding="same"),
        layer_separable_conv_2d(filters=32, kernel_size=3, strides=2),
    )
    assert model.output_shape == (None, 13, 13, 32)
    assert pipe(np.ones((1, 5, 5, 2)), layer_separable_conv_2d(filters=7, kernel_size=3), keras.ops.shape) == (
        1, 3, 3, 7
    )


def test_input_shape_dtype_name_and_trainable(rng):
    model = layer_separable_conv_2d(
        keras.Sequential(), filters=4, kernel_size=3, input_shape=(10, 10, 2), dtype="float64", name="sep",
        trainable=False,
    )
    assert model.input_shape == (None, 10, 10, 2) and model.output_shape == (None, 8, 8, 4)
    layer = model.get_layer("sep")
    assert layer.trainable is False and model.trainable_weights == []
    assert len(layer.non_trainable_weights) == 3
    assert all(keras.backend.standardize_dtype(w.dtype) == "float64" for w in layer.weights)
    assert model.predict(np.ones((1, 10, 10, 2)), verbose=0).dtype == np.float64
    model = layer_separable_conv_1d(keras.Sequential(), filters=4, kernel_size=3, batch_input_shape=(8, 10, 2))
    assert model.input_shape == (8, 10, 2) and model.output_shape == (8, 8, 4)


@pytest.mark.parametrize("rank", RANKS)
@pytest.mark.parametrize("use_bias", [True, False], ids=["bias", "nobias"])
def test_weights_are_the_initial_weights(rank, use_bias, rng):
    weights = _weights(rng, rank, depth_multiplier=2, filters=3, use_bias=use_bias)
    layer = FUNCTIONS[rank](filters=3, kernel_size=3, depth_multiplier=2, use_bias=use_bias, weights=weights)
    assert layer.built
    for actual, given in zip(layer.get_weights(), weights, strict=True):
        np.testing.assert_array_equal(actual, given)
    layer(np.ones((1, *(7,) * rank, 2), dtype="float32"))
    for actual, given in zip(layer.get_weights(), weights, strict=True):
        np.testing.assert_array_equal(actual, given)
    # As R delivers them: nested lists.
    layer = FUNCTIONS[rank](filters=3, kernel_size=3, depth_multiplier=2, use_bias=use_bias,
                            weights=[w.tolist() for w in weights])
    for actual, given in zip(layer.get_weights(), weights, strict=True):
        np.testing.assert_array_equal(actual, given)


def _trained_looking_model(rng):
    model = keras.Sequential([keras.Input((10, 10, 3)), keras.layers.Conv2D(4, 3, name="conv")])
    x = rng.normal(size=(2, 10, 10, 3)).astype("float32")
    return model, x, model.predict(x, verbose=0)


@pytest.mark.parametrize(
    ("function", "kwargs"),
    [
        # `weights` for 2 input channels; the model's output has 4.
        (layer_separable_conv_2d, {"filters": 2, "kernel_size": 3,
                                   "weights": _weights(np.random.default_rng(0), 2, filters=2)}),
        (layer_separable_conv_1d, {"filters": 2, "kernel_size": 3}),
        (layer_separable_conv_2d, {"filters": 2, "kernel_size": 9, "data_format": "channels_first"}),
    ],
    ids=["weights-for-other-channels", "1d-after-2d", "kernel-larger-than-input"],
)
def test_a_layer_that_does_not_fit_leaves_the_sequential_unchanged(function, kwargs, rng):
    model, x, before = _trained_looking_model(rng)
    with pytest.raises(ValueError, match=r"Invalid `object`.*cannot be added.*left unchanged"):
        function(model, **kwargs)
    assert len(model.layers) == 1 and model.output_shape == (None, 8, 8, 4)
    np.testing.assert_array_equal(model.predict(x, verbose=0), before)
    layer_separable_conv_2d(model, filters=5, kernel_size=3)
    assert model.output_shape == (None, 6, 6, 5)


def test_object_of_the_wrong_kind_or_rank_is_rejected():
    with pytest.raises(TypeError, match="object"):
        layer_separable_conv_2d("a string", filters=2, kernel_size=3)
    with pytest.raises(ValueError, match=r"object.*rank 4"):
        layer_separable_conv_2d(np.ones((2, 5, 5)), filters=2, kernel_size=3)
    with pytest.raises(ValueError, match=r"object.*rank 3"):
        layer_separable_conv_1d(np.ones((2, 5, 5, 2)), filters=2, kernel_size=3)


# ================================================================== outputs against the reference

TOLERANCE = {"float32": {"rtol": 1e-5, "atol": 1e-5}, "float64": {"rtol": 1e-12, "atol": 1e-12}}
SPATIAL = {1: (9,), 2: (7, 6)}
CHANNELS = {1: 2, 2: 3}
AXES = {
    1: {"kernel_size": [1, 3], "strides": [1, 2], "dilation_rate": [1, 2]},
    2: {"kernel_size": [1, 3, (3, 2)], "strides": [1, 2, (2, 1), (1, 3)], "dilation_rate": [1, 2, (2, 1)]},
}
COMMON_AXES = {
    "padding": ["valid", "same"],
    "depth_multiplier": [1, 2, 3],
    "filters": [1, 4],
    "data_format": ["channels_last", "channels_first"],
    "dtype": ["float32", "float64"],
    "use_bias": [True, False],
}
BUDGET = {1: 0, 2: 0}  # the pairwise selection alone (JAX compiles every new shape: time counts)


def select_cases(rank, budget, seed=20261124):
    """Every pair of parameter values at least once, then random cases up to ``budget``."""
    return pairwise_cases({**AXES[rank], **COMMON_AXES}, budget, seed + rank)


_case_id = case_id


def _problem(rank, case, rng, spatial=None, channels=None, batch=2):
    """Input in the case's data format, and weights as get_weights() returns them."""
    spatial = SPATIAL[rank] if spatial is None else spatial
    channels = CHANNELS[rank] if channels is None else channels
    x = rng.normal(size=(batch, *spatial, channels)).astype(case["dtype"])
    if case["data_format"] == "channels_first":
        x = np.ascontiguousarray(np.moveaxis(x, -1, 1))
    weights = _weights(rng, rank, channels, case["depth_multiplier"], case["filters"], case["kernel_size"],
                       case["use_bias"], case["dtype"])
    return x, weights


def _check(case, x, weights):
    rank = x.ndim - 2
    kwargs = {name: value for name, value in case.items() if name != "dtype"}
    got = FUNCTIONS[rank](x, **kwargs, dtype=case["dtype"], weights=weights)
    expected = _reference(x, weights, case)
    assert keras.backend.standardize_dtype(got.dtype) == case["dtype"]
    got = to_numpy(got)
    assert got.shape == expected.shape
    np.testing.assert_allclose(got, expected, **TOLERANCE[case["dtype"]])


@pytest.mark.parametrize("case", [pytest.param(c, id=_case_id(c)) for c in select_cases(1, BUDGET[1])])
def test_separable_conv_1d_matches_reference(case, rng):
    _check(case, *_problem(1, case, rng))


@pytest.mark.parametrize("case", [pytest.param(c, id=_case_id(c)) for c in select_cases(2, BUDGET[2])])
def test_separable_conv_2d_matches_reference(case, rng):
    _check(case, *_problem(2, case, rng))


@pytest.mark.parametrize("rank", [1, 2])
def test_the_selection_covers_every_value_and_pair(rank):
    chosen = select_cases(rank, BUDGET[rank])
    assert len(chosen) == len({repr(case) for case in chosen})
    for name, values in {**AXES[rank], **COMMON_AXES}.items():
        assert {repr(case[name]) for case in chosen} == {repr(value) for value in values}, name


def _case(**overrides):
    return {"kernel_size": 1, "strides": 1, "dilation_rate": 1, "padding": "valid", "depth_multiplier": 1,
            "filters": 3, "data_format": "channels_last", "dtype": "float32", "use_bias": True, **overrides}


@pytest.mark.parametrize("rank", RANKS)
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_channels_first_bias_with_the_last_spatial_size_equal_to_filters(rank, dtype, rng):
    """Input 1x3x5x3 (1x3x3 in 1D), channels_first, 3 filters: TensorFlow's own layer adds this bias on the width."""
    case = _case(data_format="channels_first", dtype=dtype)
    x, weights = _problem(rank, case, rng, spatial=(5, 3)[-rank:], channels=3, batch=1)
    assert x.shape == (1, 3, 5, 3)[: rank + 2] if rank == 2 else x.shape == (1, 3, 3)
    _check(case, x, weights)
    # Kernels larger than one, a depth multiplier and "same" padding, with the same coincidence.
    case = _case(data_format="channels_first", dtype=dtype, kernel_size=2, depth_multiplier=2, padding="same")
    _check(case, *_problem(rank, case, rng, spatial=(5, 3)[-rank:], channels=3, batch=1))


@pytest.mark.parametrize("rank", [1, 2])
@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
@pytest.mark.parametrize(
    ("channels", "size", "kernel_size", "strides", "padding", "depth_multiplier", "filters"),
    [
        (4, 4, 1, 1, "valid", 1, 4),   # every size is 4, in and out
        (3, 5, 3, 1, "valid", 1, 3),   # output spatial 3 == channels == filters
        (2, 4, 1, 1, "same", 2, 4),    # output spatial 4 == channels * depth_multiplier == filters
    ],
)
def test_spatial_size_equal_to_channel_counts(rank, data_format, channels, size, kernel_size, strides, padding,
                                              depth_multiplier, filters, rng):
    for dtype in ("float32", "float64"):
        case = _case(kernel_size=kernel_size, strides=strides, padding=padding, depth_multiplier=depth_multiplier,
                     filters=filters, data_format=data_format, dtype=dtype)
        _check(case, *_problem(rank, case, rng, spatial=(size,) * rank, channels=channels))


# strides > 1 together with dilation_rate > 1: both ranks and data formats, equal and unequal, both paddings.
STRIDED_DILATED = {
    1: {"strides": [3], "dilation_rate": [2]},
    2: {"strides": [2, (2, 1), (1, 3)], "dilation_rate": [(1, 2)]},
}


def _strided_dilated_params():
    params = []
    for rank, axes in STRIDED_DILATED.items():
        for strides, dilation, padding, data_format in itertools.product(
            axes["strides"], axes["dilation_rate"], ["valid", "same"], ["channels_last", "channels_first"],
        ):
            case = _case(kernel_size=2 if rank == 1 else (2, 3), strides=strides, dilation_rate=dilation,
                         padding=padding, depth_multiplier=2, filters=3, data_format=data_format, dtype="float64")
            params.append(pytest.param(rank, case, id=f"{rank}d-{_case_id(case)}"))
    return params


@pytest.mark.parametrize(("rank", "case"), _strided_dilated_params())
def test_strides_with_dilation_match_reference(rank, case, rng):
    _check(case, *_problem(rank, case, rng, spatial=(11, 10)[:rank], channels=2))


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_unequal_strides_with_a_larger_common_factor(dtype, rng):
    """Strides (4, 2), sizes the strides divide and not, both paddings and data formats."""
    for padding, data_format in itertools.product(["valid", "same"], ["channels_last", "channels_first"]):
        case = _case(kernel_size=(3, 2), strides=(4, 2), padding=padding, depth_multiplier=2, filters=2,
                     data_format=data_format, dtype=dtype)
        for spatial in [(9, 7), (12, 8)]:
            _check(case, *_problem(2, case, rng, spatial=spatial, channels=2))


# PyTorch's CPU conv2d computes these wrongly from the one-channel tensor Keras's permute() makes
# (batch >= 2, an output width of 1, unequal strides): every backend must be right.
ONE_CHANNEL = [((7, 4), (3, 2), (1, 3)), ((5, 3), (2, 3), (1, 2)), ((4, 7), (2, 2), (3, 1))]


@pytest.mark.parametrize(("spatial", "kernel_size", "strides"), ONE_CHANNEL)
@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
def test_one_channel_unequal_strides_with_a_batch(spatial, kernel_size, strides, data_format, rng):
    case = _case(kernel_size=kernel_size, strides=strides, filters=2, data_format=data_format, use_bias=False)
    x, weights = _problem(2, case, rng, spatial=spatial, channels=1, batch=3)
    for _ in range(2):  # the wrong values changed between runs
        _check(case, x, weights)


@pytest.mark.parametrize("rank", RANKS)
def test_compiled_model_matches_reference_channels_first(rank, rng):
    """The traced (predict) path, channels_first, output spatial == filters, with an activation."""
    case = _case(data_format="channels_first", depth_multiplier=2, filters=4)
    x, weights = _problem(rank, case, rng, spatial=(4,) * rank, channels=2)
    model = FUNCTIONS[rank](keras.Sequential([keras.Input(x.shape[1:])]), filters=4, kernel_size=1,
                            depth_multiplier=2, data_format="channels_first", weights=weights, activation="tanh")
    np.testing.assert_allclose(model.predict(x, verbose=0), np.tanh(_reference(x, weights, case)),
                               rtol=1e-5, atol=1e-5)


# Keras 3.15.1 off TensorFlow promotes float64 to float32 in ops.tanh (BIT64_TO_BIT32_DTYPE in
# keras/src/backend/common/dtypes.py); on JAX a float64 layer's tanh then computes in float32. Upstream's,
# as for plain Keras layers; strict, so the run fails when Keras fixes it.
JAX_TANH_FLOAT32 = pytest.mark.xfail(
    keras.backend.backend() == "jax", strict=True, reason="Keras 3.15.1's ops.tanh returns float32 for float64 on JAX"
)


@pytest.mark.parametrize("activation", [pytest.param("tanh", marks=JAX_TANH_FLOAT32), "sigmoid"])
def test_a_float64_layer_with_an_activation_computes_in_float64(activation, rng):
    """dtype="float64" holds through the activation too (Keras 3.15.1's ops.tanh/sigmoid on JAX cast to float32)."""
    case = _case(kernel_size=2, dtype="float64", filters=2)
    x, weights = _problem(2, case, rng)
    got = layer_separable_conv_2d(x, filters=2, kernel_size=2, activation=activation, dtype="float64", weights=weights)
    assert keras.backend.standardize_dtype(got.dtype) == "float64"
    z = _reference(x, weights, case)
    expected = np.tanh(z) if activation == "tanh" else 1 / (1 + np.exp(-z))
    np.testing.assert_allclose(to_numpy(got), expected, rtol=1e-12, atol=1e-12)


# ================================================================== gradients

def _backend_gradients(layer, x, cotangent):
    """d sum(cotangent * layer(x)) / d (x, *layer.trainable_weights), by the backend's own autodiff."""
    weights = layer.trainable_weights
    if BACKEND == "tensorflow":
        import tensorflow as tf

        x = tf.constant(x)
        with tf.GradientTape() as tape:
            tape.watch(x)
            loss = tf.reduce_sum(layer(x) * cotangent)
        grads = tape.gradient(loss, [x, *weights])
    elif BACKEND == "jax":
        import jax
        import jax.numpy as jnp

        def loss(values, x):
            y, _ = layer.stateless_call(values, [], x)
            return jnp.sum(y * cotangent)

        d_values, d_x = jax.grad(loss, argnums=(0, 1))([w.value for w in weights], jnp.asarray(x))
        grads = [d_x, *d_values]
    elif BACKEND == "torch":
        import torch

        x = torch.tensor(x, requires_grad=True)
        for w in weights:
            w.value.grad = None
        (layer(x) * torch.as_tensor(cotangent)).sum().backward()
        grads = [x.grad, *(w.value.grad for w in weights)]
    else:
        pytest.fail(f"no gradient helper for the {BACKEND} backend")
    return [np.asarray(to_numpy(g), dtype=np.float64) for g in grads]


def _reference_gradients(x, weights, case, cotangent):
    """The same gradients from the NumPy reference: it is linear in x and in each kernel (given the others)."""
    z = _reference(x, weights, case)
    g = cotangent * (1 - np.tanh(z) ** 2) if case.get("activation") == "tanh" else cotangent
    unbiased = list(weights[:2])

    def linear_gradient(position, array):
        grad = np.zeros(array.shape)
        for index in np.ndindex(*array.shape):
            basis = np.zeros(array.shape)
            basis[index] = 1.0
            parts = [x, *unbiased]
            parts[position] = basis
            grad[index] = np.sum(g * _reference(parts[0], parts[1:], case))
        return grad

    grads = [linear_gradient(0, x), linear_gradient(1, weights[0]), linear_gradient(2, weights[1])]
    if len(weights) == 3:
        channel_axis = -1 if case.get("data_format", "channels_last") == "channels_last" else 1
        grads.append(np.moveaxis(g, channel_axis, -1).reshape(-1, g.shape[channel_axis]).sum(axis=0))
    return grads


# float64 (tight tolerances) throughout; float32 too where TensorFlow takes another route for it (unequal
# strides: its own kernel in float32 with oneDNN, ours in float64).
_GRADIENTS = [
    (1, {"kernel_size": 3, "strides": 2, "padding": "same", "depth_multiplier": 2}, "1d-strided-same", ["float64"]),
    (1, {"kernel_size": 2, "dilation_rate": 2, "data_format": "channels_first"}, "1d-channels-first", ["float64"]),
    (2, {"kernel_size": 2, "depth_multiplier": 2, "activation": "tanh"}, "2d-tanh", ["float32", "float64"]),
    (2, {"kernel_size": (2, 3), "strides": (2, 1), "padding": "same"}, "2d-unequal-strides-same",
     ["float32", "float64"]),
    (2, {"kernel_size": 2, "strides": (1, 2), "dilation_rate": (2, 1), "use_bias": False, "data_format":
         "channels_first"}, "2d-unequal-strides-dilated-channels-first", ["float32", "float64"]),
    (2, {"kernel_size": 1, "data_format": "channels_first"}, "2d-channels-first-bias", ["float64"]),
]
GRADIENT_CASES = [
    pytest.param(rank, kwargs, dtype, id=f"{name}-{dtype}",
                 marks=JAX_TANH_FLOAT32 if kwargs.get("activation") == "tanh" and dtype == "float64" else ())
    for rank, kwargs, name, dtypes in _GRADIENTS
    for dtype in dtypes
]


@pytest.mark.parametrize(("rank", "kwargs", "dtype"), GRADIENT_CASES)
def test_gradients_match_the_reference(rank, kwargs, dtype, rng):
    """Forward and backward on this backend: the input's and every weight's gradient, as the reference gives them."""
    case = {"filters": 3, **kwargs}
    channels_first = case.get("data_format") == "channels_first"
    shape = (2, 3, *(5, 3)[-rank:]) if channels_first else (2, *(6, 5)[-rank:], 2)
    x = rng.normal(size=shape).astype(dtype)
    channels = shape[1] if channels_first else shape[-1]
    weights = _weights(rng, rank, channels, case.get("depth_multiplier", 1), 3, case["kernel_size"],
                       case.get("use_bias", True), dtype)
    layer = FUNCTIONS[rank](**case, dtype=dtype, weights=weights)
    out_shape = tuple(layer.compute_output_shape(shape))
    cotangent = rng.normal(size=out_shape).astype(dtype)
    got = _backend_gradients(layer, x, cotangent)
    expected = _reference_gradients(x, weights, case, cotangent)
    assert len(got) == len(expected)
    tolerance = {"float32": {"rtol": 1e-4, "atol": 1e-4}, "float64": {"rtol": 1e-10, "atol": 1e-10}}[dtype]
    for name, actual, wanted in zip(["x", "depthwise_kernel", "pointwise_kernel", "bias"], got, expected):
        np.testing.assert_allclose(actual, wanted, err_msg=name, **tolerance)


# ================================================================== bad arguments

BAD_FILTERS = [
    pytest.param(2.5, ValueError, "2.5", id="2.5"),
    pytest.param(0, ValueError, "received 0", id="0"),
    pytest.param(-1, ValueError, "-1", id="-1"),
    pytest.param(-(2**31), ValueError, str(-(2**31)), id="NA_integer"),
    pytest.param(math.nan, ValueError, "nan", id="nan"),
    pytest.param(math.inf, ValueError, "inf", id="inf"),
    pytest.param("3", TypeError, "'3'", id="str"),
    pytest.param(True, TypeError, "True", id="TRUE"),
    pytest.param(np.bool_(True), TypeError, "True", id="np-bool"),
    pytest.param(R_NA, (TypeError, ValueError), "", id="NA"),
    pytest.param(None, TypeError, "None", id="NULL"),
    pytest.param([4, 4], (TypeError, ValueError), "[4, 4]", id="vector"),
]


def _no_separable_layer_may_be_created(monkeypatch):
    from keras.src.layers.convolutional.base_separable_conv import BaseSeparableConv

    def refuse(self, *args, **kwargs):
        raise AssertionError("a Keras layer was created although the arguments are invalid")

    monkeypatch.setattr(BaseSeparableConv, "__init__", refuse)


@pytest.mark.parametrize("rank", RANKS)
@pytest.mark.parametrize(("value", "kind", "shown"), BAD_FILTERS)
def test_bad_filters_are_refused_naming_filters(rank, value, kind, shown, raises_ours, monkeypatch):
    function = FUNCTIONS[rank]
    _no_separable_layer_may_be_created(monkeypatch)
    kinds = kind if isinstance(kind, tuple) else (kind,)
    with pytest.raises(kinds) as caught:
        function(filters=value, kernel_size=3)
    message = str(caught.value)
    assert isinstance(caught.value, INVALID), message
    assert caught.value.argument == "filters"
    assert message.startswith("Invalid `filters`: expected "), message
    assert shown in message and len(message) <= MAX_MESSAGE_CHARS
    raises_ours(type(caught.value), function, filters=value, kernel_size=3)
    # The same error with an array or a Sequential model as object; the model is left as it was.
    with pytest.raises(type(caught.value)) as again:
        function(np.ones((1, *(6,) * rank, 2), "float32"), filters=value, kernel_size=3)
    assert str(again.value) == message
    model = keras.Sequential()
    with pytest.raises(type(caught.value)):
        function(model, filters=value, kernel_size=3)
    assert len(model.layers) == 0


@pytest.mark.parametrize("rank", RANKS)
@pytest.mark.parametrize(
    ("kwargs", "argument", "shown"),
    [
        ({"pointwise_initializer": "glorot_unifrom"}, "pointwise_initializer", "'glorot_unifrom'"),
        ({"pointwise_regularizer": "l3"}, "pointwise_regularizer", "'l3'"),
        ({"pointwise_constraint": "max_normal"}, "pointwise_constraint", "'max_normal'"),
        ({"pointwise_constraint": 2.0}, "pointwise_constraint", "2.0"),
        ({"depth_multiplier": 0}, "depth_multiplier", "received 0"),
        ({"kernel_size": (1, 0)}, "kernel_size", "(1, 0)"),
        ({"padding": "causal"}, "padding", "'causal'"),
    ],
)
def test_other_bad_arguments_name_their_argument(rank, kwargs, argument, shown, raises_ours, monkeypatch):
    _no_separable_layer_may_be_created(monkeypatch)
    message = raises_ours((TypeError, ValueError), FUNCTIONS[rank], **{"filters": 2, "kernel_size": 3, **kwargs})
    assert message.startswith(f"Invalid `{argument}`"), message
    assert shown in message


@pytest.mark.parametrize("rank", RANKS)
@pytest.mark.parametrize(
    "weights",
    [
        pytest.param(lambda r, k: [np.ones((*k, 2, 1)), np.ones((*(1,) * r, 3, 4)), np.zeros(4)], id="pointwise-in"),
        pytest.param(lambda r, k: [np.ones((*k, 2, 1)), np.ones((*(1,) * r, 2, 5)), np.zeros(4)], id="pointwise-out"),
        pytest.param(lambda r, k: [np.ones((*k, 2, 1)), np.ones((*(3,) * r, 2, 4)), np.zeros(4)],
                     id="pointwise-kernel"),
        pytest.param(lambda r, k: [np.ones((*k, 2, 1)), np.ones((2, 4)), np.zeros(4)], id="pointwise-rank"),
        pytest.param(lambda r, k: [np.ones((*k, 2, 1)), np.zeros(4)], id="no-pointwise"),
        pytest.param(lambda r, k: [np.ones((*k, 2, 1)), np.ones((*(1,) * r, 2, 4)), np.zeros(2)], id="bias-length"),
    ],
)
def test_weights_with_a_wrong_pointwise_kernel_are_refused(rank, weights, raises_ours):
    kernel = (3,) * rank
    given = weights(rank, kernel)
    message = raises_ours(ValueError, FUNCTIONS[rank], filters=4, kernel_size=3, weights=given)
    assert message.startswith("Invalid `weights`: expected a depthwise kernel of shape "), message
    assert "a pointwise kernel of shape" in message and "a bias of shape (4,)" in message
    model = keras.Sequential([keras.Input((*(8,) * rank, 2))])
    with pytest.raises(ValueError, match=r"^Invalid `weights`"):
        FUNCTIONS[rank](model, filters=4, kernel_size=3, weights=given)
    assert len(model.layers) == 0


def test_an_unknown_argument_gets_a_suggestion(raises_ours):
    message = raises_ours(TypeError, layer_separable_conv_2d, filter=3, kernel_size=3)
    assert message.startswith("layer_separable_conv_2d() got unknown argument(s) `filter` (did you mean `filters`")


# ================================================================== the user's own code

X = np.random.default_rng(0).uniform(size=(2, 6, 6, 3)).astype("float32")


def _raising_initializer(message):
    def initializer(shape, dtype=None):
        raise RuntimeError(message)

    return initializer


def _returning(value):
    def initializer(shape, dtype=None):
        return value

    return initializer


@pytest.mark.parametrize("argument", ["pointwise_initializer", "depthwise_initializer", "bias_initializer"])
def test_a_raising_initializer_is_blamed_on_its_argument(argument):
    with pytest.raises(UserCodeError) as caught:
        layer_separable_conv_2d(X, filters=2, kernel_size=2, **{argument: _raising_initializer("my custom boom")})
    message = str(caught.value)
    assert message.startswith(f"Invalid `{argument}`: your function raised an error in the layer "), message
    assert "my custom boom" in message and len(message) <= MAX_MESSAGE_CHARS
    assert caught.value.argument == argument
    assert isinstance(caught.value.__cause__, RuntimeError)


def test_a_raising_pointwise_initializer_leaves_the_sequential_unchanged():
    model = keras.Sequential([keras.Input((6, 6, 3)), keras.layers.DepthwiseConv2D(1)])
    before = [layer.name for layer in model.layers], model.output_shape
    with pytest.raises(UserCodeError, match=r"^Invalid `pointwise_initializer`: .*left unchanged.*init boom\.$"):
        layer_separable_conv_2d(model, filters=2, kernel_size=2,
                                pointwise_initializer=_raising_initializer("init boom"))
    assert ([layer.name for layer in model.layers], model.output_shape) == before


@pytest.mark.parametrize(
    ("value", "received", "kind"),
    [(np.ones((2, 2)), "an array of shape (2, 2)", ValueError), ("abc", "'abc' (str)", TypeError),
     (None, "None (NoneType)", TypeError)],
)
@pytest.mark.parametrize("object_kind", ["array", "sequential", "weights"])
def test_a_pointwise_initializer_returning_the_wrong_thing_is_named(value, received, kind, object_kind, capfd):
    x = np.ones((2, 8, 8, 3), "float32")
    model = keras.Sequential([keras.Input((8, 8, 3))])
    initializer = {"pointwise_initializer": _returning(value)}
    calls = {
        "array": lambda: layer_separable_conv_2d(x, filters=4, kernel_size=3, depth_multiplier=2, **initializer),
        "sequential": lambda: layer_separable_conv_2d(model, filters=4, kernel_size=3, depth_multiplier=2,
                                                      **initializer),
        # `weights` builds the layer before any input (1 input channel here): the initializers run then.
        "weights": lambda: layer_separable_conv_2d(
            filters=4, kernel_size=3, depth_multiplier=2,
            weights=[np.ones((3, 3, 1, 2)), np.ones((1, 1, 2, 4)), np.ones(4)], **initializer),
    }
    capfd.readouterr()
    with pytest.raises(kind) as raised:
        calls[object_kind]()
    assert isinstance(raised.value, INVALID) and raised.value.argument == "pointwise_initializer"
    wanted = (1, 1, 2 if object_kind == "weights" else 6, 4)
    assert str(raised.value) == (
        f"Invalid `pointwise_initializer`: expected a function returning a numeric array of the shape it is given, "
        f"{wanted}; received one returning {received}."
    )
    assert capfd.readouterr().err == ""
    assert len(model.layers) == 0


@pytest.mark.parametrize(
    ("argument", "value", "suggestion"),
    [
        ("pointwise_initializer", lambda shape, dtype=None: keras.ops.ones(shape, dtype=dtype),
         "pointwise_initializer='glorot_uniform'"),
        ("pointwise_regularizer", lambda w: 0.01 * keras.ops.sum(w), "pointwise_regularizer='l2'"),
        ("pointwise_constraint", lambda w: w, "pointwise_constraint='non_neg'"),
    ],
)
def test_a_lambda_warns_naming_its_pointwise_argument(argument, value, suggestion):
    with pytest.warns(UnsaveableCallableWarning, match=rf"^`{argument}` is a Python lambda: a saved model") as got:
        layer_separable_conv_2d(filters=2, kernel_size=2, **{argument: value})
    message = str(got[0].message)
    assert got[0].message.argument == argument
    assert suggestion in message and "register_keras_serializable" in message and "safe_mode=False" in message
    assert got[0].filename == __file__


def test_a_right_pointwise_initializer_runs_and_the_layer_keeps_it(rng):
    @keras.saving.register_keras_serializable(package="kerasr_bridge_tests")
    def pointwise_halves(shape, dtype=None):
        return keras.ops.full(shape, 0.5, dtype=dtype)

    with warnings.catch_warnings():
        warnings.simplefilter("error", UnsaveableCallableWarning)
        layer = layer_separable_conv_2d(filters=2, kernel_size=1, pointwise_initializer=pointwise_halves,
                                        depthwise_initializer="ones", use_bias=False)
    x = rng.normal(size=(1, 3, 3, 2)).astype("float32")
    y = to_numpy(layer(x))
    np.testing.assert_allclose(y, np.repeat(0.5 * x.sum(axis=-1, keepdims=True), 2, axis=-1), rtol=1e-6)
    assert layer.pointwise_initializer is pointwise_halves
    assert layer.get_config()["pointwise_initializer"]["config"] == "kerasr_bridge_tests>pointwise_halves"


def test_callables_for_the_pointwise_kernel_are_applied(rng):
    def regularizer(w):
        return 0.01 * keras.ops.sum(keras.ops.square(w))

    def clip(w):
        return keras.ops.clip(w, -0.01, 0.01)

    model = layer_separable_conv_2d(
        keras.Sequential(), filters=2, kernel_size=3, input_shape=(6, 6, 2), pointwise_regularizer=regularizer,
        pointwise_constraint=clip, pointwise_initializer=keras.initializers.Constant(1.0),
    )
    layer = model.layers[-1]
    np.testing.assert_array_equal(layer.get_weights()[1], np.ones((1, 1, 2, 2)))
    layer(rng.normal(size=(2, 6, 6, 2)))
    assert len(layer.losses) == 1
    model.compile(optimizer=keras.optimizers.SGD(0.01), loss="mse")
    model.fit(rng.normal(size=(4, 6, 6, 2)), rng.normal(size=(4, 4, 4, 2)), epochs=1, batch_size=2, verbose=0)
    assert np.abs(layer.get_weights()[1]).max() <= 0.01 + 1e-7


# ================================================================== saving and loading

CONFIG_CASES = [
    pytest.param(1, {"filters": 2, "kernel_size": 3}, id="1d-defaults"),
    pytest.param(1, {"filters": 4, "kernel_size": 5, "strides": 2, "padding": "same", "depth_multiplier": 3,
                     "activation": "relu", "use_bias": False, "pointwise_regularizer": "l2",
                     "pointwise_constraint": "non_neg", "name": "sep1"}, id="1d-full"),
    pytest.param(1, {"filters": 3, "kernel_size": 2, "dilation_rate": 2, "data_format": "channels_first",
                     "bias_initializer": "ones", "pointwise_initializer": "he_normal"}, id="1d-channels-first"),
    pytest.param(2, {"filters": 2, "kernel_size": 3}, id="2d-defaults"),
    pytest.param(2, {"filters": 5, "kernel_size": (3, 2), "strides": 2, "padding": "same", "depth_multiplier": 2,
                     "activation": "tanh", "depthwise_initializer": "he_normal", "activity_regularizer": "l2",
                     "dtype": "float64", "trainable": False, "name": "sep2"}, id="2d-full"),
    pytest.param(2, {"filters": 3, "kernel_size": 3, "dilation_rate": (2, 1), "data_format": "channels_first"},
                 id="2d-channels-first"),
    pytest.param(2, {"filters": 3, "kernel_size": 3, "strides": (2, 1), "padding": "same"}, id="2d-unequal-strides"),
    pytest.param(2, {"filters": 3, "kernel_size": (1, 3), "strides": [1, 3], "data_format": "channels_first"},
                 id="2d-unequal-strides-channels-first"),
]


@pytest.mark.parametrize(("rank", "kwargs"), CONFIG_CASES)
def test_config_round_trip(rank, kwargs):
    layer = FUNCTIONS[rank](**kwargs)
    config = layer.get_config()
    clone = type(layer).from_config(config)
    assert type(clone) is type(layer)
    assert clone.get_config() == config
    revived = keras.layers.deserialize(keras.layers.serialize(layer))
    assert type(revived) is type(layer)
    assert revived.get_config() == config


@pytest.mark.parametrize("rank", [1, 2])
def test_the_channels_first_classes_are_registered_under_our_package(rank):
    cls = CHANNELS_FIRST[rank]
    assert keras.saving.get_registered_name(cls) == f"kerasr_bridge>ChannelsFirstSeparableConv{rank}D"
    assert keras.saving.get_registered_object(f"kerasr_bridge>ChannelsFirstSeparableConv{rank}D") is cls
    assert issubclass(cls, PLAIN[rank])
    layer = cls(filters=3, kernel_size=1, data_format="channels_first")
    assert keras.layers.deserialize(keras.layers.serialize(layer)).__class__ is cls


def _fit_a_little(model, x, y):
    model.compile(optimizer=keras.optimizers.SGD(0.05), loss="mse")
    model.fit(x, y, epochs=1, batch_size=4, verbose=0)


SAVED_MODELS = {
    "2d": lambda seq: layer_separable_conv_2d(
        layer_separable_conv_2d(seq, filters=4, kernel_size=3, depth_multiplier=2, activation="relu",
                                input_shape=(12, 12, 3), pointwise_regularizer="l2"),
        filters=3, kernel_size=(3, 2), strides=2, padding="same"),
    "2d-channels-first": lambda seq: layer_separable_conv_2d(
        seq, filters=3, kernel_size=3, data_format="channels_first", input_shape=(3, 12, 12), depth_multiplier=2),
    "1d": lambda seq: layer_separable_conv_1d(
        layer_separable_conv_1d(seq, filters=5, kernel_size=3, depth_multiplier=3, input_shape=(20, 3)),
        filters=2, kernel_size=2, dilation_rate=2),
    "1d-channels-first-float64": lambda seq: layer_separable_conv_1d(
        seq, filters=4, kernel_size=4, strides=2, input_shape=(3, 20), dtype="float64",
        data_format="channels_first"),
    "2d-unequal-strides": lambda seq: layer_separable_conv_2d(
        layer_separable_conv_2d(seq, filters=4, kernel_size=3, input_shape=(12, 12, 3)),
        filters=3, kernel_size=3, strides=(2, 1), padding="same", depth_multiplier=2),
}


def _saved_model(name, rng):
    model = SAVED_MODELS[name](keras.Sequential(name=f"model_{name.replace('-', '_')}"))
    last = model.layers[-1]
    rank = len(model.input_shape) - 2
    pooling = keras.layers.GlobalAveragePooling1D if rank == 1 else keras.layers.GlobalAveragePooling2D
    model.add(pooling(data_format=last.data_format, dtype=last.dtype_policy))
    model.add(keras.layers.Dense(2, dtype=last.dtype_policy))
    x = rng.normal(size=(8, *model.input_shape[1:]))
    _fit_a_little(model, x, rng.normal(size=(8, 2)))  # weights that are not the initial ones
    return model, x


@pytest.mark.parametrize("name", list(SAVED_MODELS))
def test_saved_model_predicts_bit_identically(name, tmp_path, rng):
    model, x = _saved_model(name, rng)
    if ON_TENSORFLOW and "channels-first" in name:
        assert type(model.layers[0]) in CHANNELS_FIRST.values()
    before = model.predict(x, verbose=0)
    model.save(tmp_path / f"{name}.keras")
    loaded = keras.saving.load_model(tmp_path / f"{name}.keras")  # no custom_objects: our classes are registered
    assert [type(layer) for layer in loaded.layers] == [type(layer) for layer in model.layers]
    assert [layer.get_config() for layer in loaded.layers] == [layer.get_config() for layer in model.layers]
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), before)
    for saved, restored in zip(model.get_weights(), loaded.get_weights(), strict=True):
        np.testing.assert_array_equal(saved, restored)


@pytest.mark.parametrize("padding", ["valid", "same"])
def test_the_channels_first_classes_save_and_load_on_every_backend(padding, tmp_path, rng):
    """Built directly, so that every backend runs them (models saved on TensorFlow hold them)."""
    model = keras.Sequential([
        keras.Input((3, 5, 3)),
        ChannelsFirstSeparableConv2D(filters=3, kernel_size=2, padding=padding, data_format="channels_first",
                                     depth_multiplier=2, bias_initializer="random_normal"),
        keras.layers.Reshape((3, -1)),
        ChannelsFirstSeparableConv1D(filters=2, kernel_size=1, data_format="channels_first",
                                     bias_initializer="random_normal"),
    ])
    x = rng.normal(size=(2, 3, 5, 3))
    before = model.predict(x, verbose=0)
    # Right on every backend: the reference, layer by layer.
    dk, pk, b = model.layers[0].get_weights()
    middle = separable_conv(x, dk, pk, b, padding=padding, data_format="channels_first").reshape(2, 3, -1)
    dk, pk, b = model.layers[2].get_weights()
    np.testing.assert_allclose(before, separable_conv(middle, dk, pk, b, data_format="channels_first"),
                               rtol=1e-5, atol=1e-5)
    model.save(tmp_path / "m.keras")
    loaded = keras.saving.load_model(tmp_path / "m.keras")
    assert [type(layer) for layer in loaded.layers] == [type(layer) for layer in model.layers]
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), before)


@pytest.mark.process
def test_a_fresh_process_loads_them_after_importing_kerasr_bridge_alone(tmp_path, rng):
    """Saved here with every separable class we build on this backend; loaded where only kerasr_bridge is imported."""
    model = keras.Sequential([keras.Input((3, 6, 5))])
    layer_separable_conv_2d(model, filters=3, kernel_size=2, data_format="channels_first",
                            bias_initializer="random_normal")
    model.add(keras.layers.Reshape((3, -1)))
    layer_separable_conv_1d(model, filters=3, kernel_size=1, data_format="channels_first",
                            bias_initializer="random_normal")
    model.add(keras.layers.Permute((2, 1)))
    layer_separable_conv_1d(model, filters=2, kernel_size=2, bias_initializer="random_normal")
    x = rng.normal(size=(2, 3, 6, 5)).astype("float32")
    model.save(tmp_path / "m.keras")
    np.save(tmp_path / "x.npy", x)
    script = (
        "import json, keras, numpy as np\n"
        "import kerasr_bridge  # registers our layer classes; nothing else is needed\n"
        "model = keras.saving.load_model('m.keras')\n"
        "np.save('y.npy', model.predict(np.load('x.npy'), verbose=0))\n"
        "print(json.dumps([type(layer).__name__ for layer in model.layers]))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    classes = json.loads(done.stdout.strip().splitlines()[-1])
    assert classes == [type(layer).__name__ for layer in model.layers]
    if ON_TENSORFLOW:
        assert classes[0] == "ChannelsFirstSeparableConv2D" and classes[2] == "ChannelsFirstSeparableConv1D"
    np.testing.assert_array_equal(np.load(tmp_path / "y.npy"), model.predict(x, verbose=0))


# ================================================================== what differs by backend

@pytest.mark.parametrize("rank", RANKS)
def test_plain_keras_channels_first_bias_is_wrong_on_tensorflow_only(rank, rng):
    """Input 1x3x5x3 (1x3x3 in 1D), channels_first, 3 filters: the last spatial size equals `filters`."""
    x = rng.normal(size=(1, 3, *(5, 3)[-rank:])).astype("float32")
    weights = _weights(rng, rank, channels=3, filters=3, kernel=1)
    expected = separable_conv(x, *weights, data_format="channels_first")
    plain = PLAIN[rank](3, 1, data_format="channels_first")
    plain.build(x.shape)
    plain.set_weights(weights)
    got = to_numpy(plain(x))
    if ON_TENSORFLOW:
        assert not np.allclose(got, expected, atol=1e-3), "TensorFlow's bias defect is gone: drop the subclass"
    else:
        np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-5)
    ours = FUNCTIONS[rank](x, filters=3, kernel_size=1, data_format="channels_first", weights=weights)
    np.testing.assert_allclose(to_numpy(ours), expected, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("rank", RANKS)
def test_the_channels_first_class_is_built_on_tensorflow_only(rank):
    layer = FUNCTIONS[rank](filters=3, kernel_size=1, data_format="channels_first")
    assert type(layer) is (CHANNELS_FIRST[rank] if ON_TENSORFLOW else PLAIN[rank])
    for kwargs in ({}, {"data_format": "channels_first", "use_bias": False}, {"strides": 2, "dilation_rate": 2}):
        assert type(FUNCTIONS[rank](filters=3, kernel_size=3, **kwargs)) is PLAIN[rank], kwargs


def _is_our_registered_subclass(cls, base):
    name = keras.saving.get_registered_name(cls)
    return cls is not base and issubclass(cls, base) and name.startswith("kerasr_bridge>")


@pytest.mark.parametrize("kwargs", [{"strides": (2, 1)}, {"strides": (1, 3), "dilation_rate": 2},
                                    {"strides": (1, 2), "data_format": "channels_first", "use_bias": False}])
def test_unequal_strides_build_a_fixed_class_where_the_backend_needs_one(kwargs):
    """TensorFlow refuses them (float64, or oneDNN off), PyTorch computes some wrongly (one channel): as for
    the depthwise layers, a registered subclass of SeparableConv2D there; the plain class on JAX."""
    cls = type(layer_separable_conv_2d(filters=2, kernel_size=3, **kwargs))
    if BACKEND in ("tensorflow", "torch"):
        assert _is_our_registered_subclass(cls, keras.layers.SeparableConv2D), cls
    else:
        assert cls is keras.layers.SeparableConv2D


def test_plain_keras_float64_unequal_strides_fail_on_tensorflow_only(rng):
    x = rng.normal(size=(1, 7, 6, 2))
    weights = _weights(rng, 2, channels=2, filters=3, kernel=2, dtype="float64")
    plain = keras.layers.SeparableConv2D(3, 2, strides=(2, 1), dtype="float64")
    plain.build(x.shape)
    plain.set_weights(weights)
    if ON_TENSORFLOW:
        with pytest.raises(Exception, match="equal length strides"):
            plain(x)
    else:
        np.testing.assert_allclose(to_numpy(plain(x)), separable_conv(x, *weights, strides=(2, 1)),
                                   rtol=1e-12, atol=1e-12)
    # Ours computes them on every backend.
    ours = layer_separable_conv_2d(x, filters=3, kernel_size=2, strides=(2, 1), dtype="float64", weights=weights)
    np.testing.assert_allclose(to_numpy(ours), separable_conv(x, *weights, strides=(2, 1)), rtol=1e-12, atol=1e-12)


def test_plain_keras_one_channel_unequal_strides_are_wrong_on_torch_only(rng):
    x = rng.normal(size=(2, 7, 4, 1)).astype("float32")
    weights = [np.ones((3, 2, 1, 1), "float32"), np.ones((1, 1, 1, 2), "float32")]
    expected = separable_conv(x, *weights, strides=(1, 3))
    plain = keras.layers.SeparableConv2D(2, (3, 2), strides=(1, 3), use_bias=False)
    plain.build(x.shape)
    plain.set_weights(weights)
    got = to_numpy(plain(x))
    if BACKEND == "torch":
        assert not np.allclose(got, expected, atol=1e-3), "PyTorch's unequal-strides defect is gone: drop the subclass"
    else:
        np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-5)
    ours = layer_separable_conv_2d(x, filters=2, kernel_size=(3, 2), strides=(1, 3), use_bias=False, weights=weights)
    np.testing.assert_allclose(to_numpy(ours), expected, rtol=1e-5, atol=1e-5)


def test_every_separable_function_is_covered_here():
    """A new separable declaration (a 3D one) needs its tests here."""
    declared = {d.name for d in DECLARATIONS.values() if d.family == "separable"}
    assert declared == {f.__name__ for f in FUNCTIONS.values()}
    assert all(getattr(kerasr_bridge, name) is FUNCTIONS[DECLARATIONS[name].rank] for name in declared)
