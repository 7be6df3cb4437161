"""Messages speak the caller's language, and R's entry point hands errors back as values.

Values quoted in messages read in Python syntax for Python callers and in R
syntax for calls from R, bounded whatever the input's size; R's NA is kept
(and told apart from NaN by its bits). ``from_r.call()`` returns an error with
reticulate's class names, and R functions carry their R formals as signature.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import kerasr_bridge
from kerasr_bridge import from_r, render
from kerasr_bridge.r_values import R_NA, RValue, is_r_na


@pytest.mark.parametrize(
    ("value", "python", "r"),
    [
        (2.5, "2.5 (float)", "2.5"),
        (0.0, "0.0 (float)", "0"),
        (3, "3 (int)", "3"),
        (True, "True (bool)", "TRUE"),
        ("same", "'same' (str)", '"same"'),
        (None, "None (NoneType)", "NULL"),
        (R_NA, "nan (float)", "NA"),
        (float("nan"), "nan (float)", "NaN"),
        (float("-inf"), "-inf (float)", "-Inf"),
        ([3.0, R_NA], "[3.0, nan] (list)", "c(3, NA)"),
        ([[3.0, 3.0]], "[[3.0, 3.0]] (list)", "list(c(3, 3))"),
        ({"a": 3.0}, "{'a': 3.0} (dict)", "list(a = 3)"),
        (RValue(["data.frame"], [2, 1]), "a data.frame of 2 rows and 1 column (RValue)",
         "a data.frame of 2 rows and 1 column"),
        (list(range(300)), "[0, 1, 2, 3, 4, ...] (list of length 300)",
         "c(0, 1, 2, 3, 4, ...) (a vector of length 300)"),
        (np.array(3.0), "a 0-d array 3.0 of dtype float64", "3"),
    ],
)
def test_values_are_rendered_for_the_caller(value, python, r):
    assert render.describe(value) == python
    with render.caller(render.R):
        assert render.describe(value) == r
    assert render.describe(value) == python  # the R rendering ends with its block


def test_arrays_are_abbreviated_to_first_elements_and_shape():
    array = np.asfortranarray(np.arange(24.0).reshape(2, 3, 4))
    assert render.describe(array) == "an array of shape (2, 3, 4) and dtype float64 ([0.0, 1.0, 2.0, 3.0, 4.0, ...])"
    with render.caller(render.R):
        # R's element order is the column-major one.
        assert render.describe(array) == "a double array of dim c(2, 3, 4) (c(0, 12, 4, 16, 8, ...))"


@pytest.mark.parametrize("size", [10, 10_000, 1_000_000])
def test_messages_stay_short_whatever_the_input_size(size):
    for value in (list(range(size)), np.zeros(size), "x" * size, {str(i): i for i in range(min(size, 1000))}):
        with pytest.raises((TypeError, ValueError)) as raised:
            kerasr_bridge.layer_depthwise_conv_2d(kernel_size=value)
        assert len(str(raised.value)) <= render.MAX_MESSAGE_CHARS
        assert "`kernel_size`" in str(raised.value)
        error = from_r.call("layer_depthwise_conv_2d", kernel_size=value)
        assert isinstance(error, from_r.RError)
        assert len(error.message) <= render.MAX_MESSAGE_CHARS


def test_from_r_returns_errors_with_reticulates_class_names():
    error = from_r.call("layer_depthwise_conv_2d", kernel_size=2.5)
    assert error == from_r.RError(
        "Invalid `kernel_size`: expected a whole number >= 1; received 2.5.",
        "ValueError",
        ["python.builtin.ValueError", "python.builtin.Exception"],
    )
    assert from_r.call("layer_depthwise_conv_2d", 3.0, kernel_size=3).message.startswith(
        "Arguments in `...` must be named"
    )
    layer = from_r.call("layer_depthwise_conv_1d", kernel_size=3.0)
    assert layer.kernel_size == (3,)


def test_r_na_in_input_arrays_stays_missing_without_a_warning():
    x = np.array([1.0, R_NA, 3.0, 4.0]).reshape(1, 2, 2, 1)
    weights = [np.ones((1, 1, 1, 1)), np.zeros(1)]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = from_r.call("layer_depthwise_conv_2d", object=x, kernel_size=1, weights=weights)
    import keras

    np.testing.assert_array_equal(np.isnan(keras.ops.convert_to_numpy(out)), np.isnan(x))


def test_r_na_is_told_apart_from_nan_by_its_bits():
    assert is_r_na(R_NA)
    assert is_r_na(np.float64(R_NA))
    assert not is_r_na(float("nan"))
    assert not is_r_na(1954.0)


def test_r_functions_get_their_r_formals_as_signature():
    def wrapper(*args, **kwargs):  # what reticulate hands over for an R function
        return args

    import inspect

    assert str(inspect.signature(from_r.r_function(wrapper, ["a", "b"], [False, True]))) == "(a, b=None)"
    assert str(inspect.signature(from_r.r_function(wrapper, ["x", "...", "y"], [False, False, True]))) == (
        "(x, *args, **kwargs)"
    )
    assert str(inspect.signature(from_r.r_function(wrapper, ["x.value", "if"], [False, False]))) == (
        "(formal_1, formal_2)"
    )
    assert str(inspect.signature(from_r.r_function(wrapper, [], []))) == "()"
    with pytest.raises(TypeError, match="received a function with arguments \\(a, b\\)"), render.caller(render.R):
        kerasr_bridge.layer_depthwise_conv_1d(kernel_size=3, activation=from_r.r_function(wrapper, ["a", "b"], [0, 0]))
