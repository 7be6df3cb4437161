"""What differs between the Keras backends, and what must not.

Plain Keras computes depthwise convolution correctly on JAX and PyTorch; on
TensorFlow it has two defects (the module docstrings of
kerasr_bridge/channels_first_bias.py and kerasr_bridge/unequal_strides.py), so
our registered subclasses are built there only. The expectations about plain
Keras below depend on the backend: if a backend changes (TensorFlow fixes a
defect, another backend gains one), these tests fail and the class selection
in builder.py (each fix module's BACKENDS and applies()) must follow.
"""

from __future__ import annotations

import json
from pathlib import Path

import keras
import numpy as np
import pytest
from reference import depthwise_conv

from kerasr_bridge import (
    ChannelsFirstDepthwiseConv1D,
    ChannelsFirstDepthwiseConv2D,
    UnequalStridesDepthwiseConv2D,
)

BACKEND = keras.backend.backend()
ON_TENSORFLOW = BACKEND == "tensorflow"
PLAIN = {1: keras.layers.DepthwiseConv1D, 2: keras.layers.DepthwiseConv2D}
CHANNELS_FIRST = {1: ChannelsFirstDepthwiseConv1D, 2: ChannelsFirstDepthwiseConv2D}
SAVED = Path(__file__).parents[1] / "fixtures" / "saved_on_tensorflow"


def _bias_case(rank, rng):
    """channels_first, 3 channels, a 1-wide kernel on spatial size 3: the last axis has as many entries as channels."""
    x = rng.normal(size=(2, 3, *(3,) * rank)).astype("float32")
    kernel = rng.normal(size=(*(1,) * rank, 3, 1)).astype("float32")
    bias = rng.normal(size=(3,)).astype("float32")
    return x, [kernel, bias], depthwise_conv(x, kernel, bias, data_format="channels_first")


@pytest.mark.parametrize("rank", [1, 2])
def test_plain_keras_channels_first_bias_is_wrong_on_tensorflow_only(functions, rank, rng):
    x, weights, expected = _bias_case(rank, rng)
    plain = PLAIN[rank](1, data_format="channels_first")
    plain.build(x.shape)
    plain.set_weights(weights)
    got = keras.ops.convert_to_numpy(plain(x))
    if ON_TENSORFLOW:
        assert not np.allclose(got, expected, atol=1e-3), "TensorFlow's bias defect is gone: drop the subclass"
    else:
        np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-5)
    # Ours is right on every backend, whichever class it builds.
    ours = functions[rank](x, kernel_size=1, data_format="channels_first", weights=weights)
    np.testing.assert_allclose(keras.ops.convert_to_numpy(ours), expected, rtol=1e-5, atol=1e-5)


def test_plain_keras_unequal_strides_fail_on_tensorflow_only(rng):
    """float64, where TensorFlow's native kernel refuses unequal strides on every CPU."""
    x = rng.normal(size=(1, 7, 6, 2))
    plain = keras.layers.DepthwiseConv2D(2, strides=(2, 1), dtype="float64")
    if ON_TENSORFLOW:
        with pytest.raises(Exception, match="equal length strides"):
            plain(x)
        return
    got = keras.ops.convert_to_numpy(plain(x))
    kernel, bias = plain.get_weights()
    np.testing.assert_allclose(got, depthwise_conv(x, kernel, bias, (2, 1)), rtol=1e-12, atol=1e-12)


def test_plain_keras_one_channel_unequal_strides_are_wrong_on_torch_only(rng):
    """PyTorch's CPU conv2d on the one-channel tensor Keras's permute() makes (batch >= 2, output width 1)."""
    x = rng.normal(size=(2, 7, 4, 1)).astype("float32")
    plain = keras.layers.DepthwiseConv2D((3, 2), strides=(1, 3), use_bias=False, depthwise_initializer="ones")
    expected = depthwise_conv(x, np.ones((3, 2, 1, 1), "float32"), None, (1, 3))
    got = keras.ops.convert_to_numpy(plain(x))
    if BACKEND == "torch":
        assert not np.allclose(got, expected, atol=1e-3), "PyTorch's unequal-strides defect is gone: drop the subclass"
    else:
        np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-5)


# The class each defect's layers are built from, per backend (the plain class where none is listed).
SUBCLASSES = {
    "channels_first": {"tensorflow": CHANNELS_FIRST},
    "unequal_strides": {"tensorflow": {2: UnequalStridesDepthwiseConv2D}, "torch": {2: UnequalStridesDepthwiseConv2D}},
}


@pytest.mark.parametrize("rank", [1, 2])
def test_subclasses_are_built_where_the_backend_needs_them_only(functions, rank):
    cases = [({"data_format": "channels_first"}, "channels_first")]
    if rank == 2:
        cases += [
            ({"strides": (2, 1)}, "unequal_strides"),
            ({"strides": (1, 3), "dilation_rate": 2, "data_format": "channels_first"}, "unequal_strides"),
        ]
    for kwargs, defect in cases:
        layer = functions[rank](kernel_size=3, **kwargs)
        assert type(layer) is SUBCLASSES[defect].get(BACKEND, PLAIN)[rank], kwargs
    # Where no defect applies, the plain class everywhere.
    for kwargs in ({}, {"data_format": "channels_first", "use_bias": False}, {"strides": 2, "dilation_rate": 2}):
        assert type(functions[rank](kernel_size=3, **kwargs)) is PLAIN[rank], kwargs


def _saved_cases():
    return json.loads((SAVED / "cases.json").read_text())["cases"]


@pytest.mark.parametrize("case", [case["name"] for case in _saved_cases()])
def test_models_saved_on_tensorflow_load_and_predict_on_this_backend(case):
    """Files written by tests/fixtures/saved_on_tensorflow/make.py (TensorFlow), holding every subclass."""
    info = next(c for c in _saved_cases() if c["name"] == case)
    model = keras.saving.load_model(SAVED / f"{case}.keras")
    assert [type(layer).__name__ for layer in model.layers] == info["classes"]
    arrays = np.load(SAVED / f"{case}.npz")
    got = keras.ops.convert_to_numpy(model(arrays["x"]))
    # The stored output is TensorFlow's; the reference decides, and both agree.
    np.testing.assert_allclose(got, arrays["y"], rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(got, arrays["reference"], rtol=1e-5, atol=1e-5)
