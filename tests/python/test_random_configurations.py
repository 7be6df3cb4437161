"""Random valid configurations agree with the NumPy reference; random invalid ones fail at construction.

Property-based (hypothesis): a failure at construction is our ValueError or
TypeError naming the argument; whole numbers in any R form are accepted exactly.
"""

from __future__ import annotations

import math

import keras
import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from reference import depthwise_conv

from kerasr_bridge import arguments
from kerasr_bridge.r_values import R_NA


def _sizes(draw, rank, at_least_one_above_1):
    sizes = [draw(st.integers(1, 3)) for _ in range(rank)]
    if at_least_one_above_1:
        sizes[draw(st.integers(0, rank - 1))] = draw(st.integers(2, 3))
    return tuple(sizes)


@st.composite
def valid_configs(draw, strided_and_dilated=False):
    rank = draw(st.sampled_from([1, 2]))
    channels = draw(st.integers(1, 5))
    # Spatial sizes equal to the channel count are drawn on purpose: layout
    # guesses inside backends have broken on such coincidences.
    spatial = tuple(draw(st.one_of(st.just(channels), st.integers(1, 9))) for _ in range(rank))
    kernel = tuple(draw(st.integers(1, 4)) for _ in range(rank))
    # Independent draws: strides > 1 together with dilation > 1 (equal or not,
    # on the same or on different axes) is as valid as either alone.
    strides = _sizes(draw, rank, strided_and_dilated)
    dilation = _sizes(draw, rank, strided_and_dilated)
    padding = draw(st.sampled_from(["valid", "same"]))
    if padding == "valid":
        assume(all(s >= (k - 1) * d + 1 for s, k, d in zip(spatial, kernel, dilation)))
    return {
        "rank": rank,
        "channels": channels,
        "spatial": spatial,
        "batch": draw(st.integers(1, 2)),
        "kernel_size": kernel,
        "strides": strides,
        "dilation_rate": dilation,
        "padding": padding,
        "depth_multiplier": draw(st.integers(1, 3)),
        "data_format": draw(st.sampled_from(["channels_last", "channels_first"])),
        "use_bias": draw(st.booleans()),
        "seed": draw(st.integers(0, 2**16)),
    }


@given(valid_configs())
def test_random_valid_configurations_match_the_reference(functions, config):
    _check_against_reference(functions, config)


@given(valid_configs(strided_and_dilated=True))
def test_random_strided_and_dilated_configurations_match_the_reference(functions, config):
    """strides > 1 and dilation_rate > 1 in every example (unequal, on the same or different axes)."""
    assert max(config["strides"]) > 1 and max(config["dilation_rate"]) > 1
    _check_against_reference(functions, config)


def _check_against_reference(functions, config):
    rank, channels, spatial = config["rank"], config["channels"], config["spatial"]
    rng = np.random.default_rng(config["seed"])
    shape = (
        (config["batch"], *spatial, channels)
        if config["data_format"] == "channels_last"
        else (config["batch"], channels, *spatial)
    )
    x = rng.uniform(-1, 1, size=shape).astype("float32")
    kernel = rng.uniform(-1, 1, size=(*config["kernel_size"], channels, config["depth_multiplier"])).astype("float32")
    weights = [kernel]
    bias = None
    if config["use_bias"]:
        bias = rng.uniform(-1, 1, size=(channels * config["depth_multiplier"],)).astype("float32")
        weights.append(bias)
    arguments = {k: config[k] for k in ("kernel_size", "strides", "dilation_rate", "padding",
                                        "depth_multiplier", "data_format", "use_bias")}
    y = functions[rank](x, weights=weights, **arguments)
    expected = depthwise_conv(x, kernel, bias, config["strides"], config["padding"], config["dilation_rate"],
                              config["data_format"])
    np.testing.assert_allclose(keras.ops.convert_to_numpy(y), expected, rtol=1e-5, atol=1e-5)


NUMERIC_ARGUMENTS = ["kernel_size", "strides", "dilation_rate", "depth_multiplier"]

def _not_a_size(value: float) -> bool:
    return not (math.isfinite(value) and value.is_integer() and value >= 1)


bad_numbers = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True).filter(_not_a_size),
    st.integers(max_value=0),
    st.integers(min_value=2**31),
    st.text(max_size=3),
    st.booleans(),
    st.just(R_NA),
    st.lists(st.lists(st.integers(1, 3), min_size=1, max_size=2), min_size=1, max_size=2),
    st.dictionaries(st.text(max_size=2), st.integers(), max_size=2),
)
bad_strings = st.one_of(
    st.text(max_size=12).filter(lambda s: s.lower() not in ("valid", "same", "channels_last", "channels_first")),
    st.integers(),
    st.floats(),
    st.booleans(),
    st.just(R_NA),
)


@given(rank=st.sampled_from([1, 2]), argument=st.sampled_from(NUMERIC_ARGUMENTS), value=bad_numbers)
def test_random_invalid_numbers_fail_at_construction(functions, rank, argument, value):
    arguments = {"kernel_size": 3, argument: value}
    with pytest.raises((ValueError, TypeError), match=f"`{argument}`"):
        functions[rank](**arguments)


@given(rank=st.sampled_from([1, 2]), argument=st.sampled_from(["padding", "data_format"]), value=bad_strings)
def test_random_invalid_strings_fail_at_construction(functions, rank, argument, value):
    with pytest.raises((ValueError, TypeError), match=f"`{argument}`"):
        functions[rank](kernel_size=3, **{argument: value})


@given(value=st.one_of(st.integers(1, 2**31 - 1), st.integers(1, 2**31 - 1).map(float),
                       st.integers(1, 2**31 - 1).map(np.int32), st.integers(1, 10**6).map(np.float64)))
def test_whole_numbers_in_any_r_form_are_accepted_exactly(value):
    assert arguments.as_positive_int(value, "x") == int(value)
    assert arguments.as_int_tuple([value, value], "x", 2) == (int(value), int(value))
    assert arguments.as_int_tuple(np.array([value]), "x", 2) == (int(value), int(value))
