"""A quoted value keeps its summary: however long its elements, the length, the shape
or the number of characters survives, within the message's 300 characters, in both languages.

What is shortened is the quoted elements themselves: fewer significant digits, fewer characters
of a string, fewer elements of a nested list, and only then fewer elements.
"""

from __future__ import annotations

import re

import numpy as np
import pytest

import kerasr_bridge
from kerasr_bridge import from_r, render

RNG = np.random.default_rng(20261201)
LONG_DOUBLES = RNG.uniform(size=1000).tolist()

# value, the summary a Python caller reads, the summary an R caller reads.
CASES = {
    "long doubles": (LONG_DOUBLES, "(list of length 1000)", "(a vector of length 1000)"),
    "six long doubles": (LONG_DOUBLES[:6], "(list of length 6)", "(a vector of length 6)"),
    "long strings": (["x" * 200] * 10, "(list of length 10)", "(a vector of length 10)"),
    "two long strings": (["x" * 200, "y" * 300], "(list of length 2)", "(a vector of length 2)"),
    "a long string": ("z" * 100_000, "(str of 100000 characters)", "(a string of 100000 characters)"),
    "nested list of long doubles": ([LONG_DOUBLES, 2.0], "(list of length 2)", "(a list of length 2)"),
    "deeply nested lists": ([[[[[1.5] * 10] * 10] * 10] * 10], "(list of length 1)", "(a list of length 1)"),
    "named list of long doubles": ({"a" * 50: LONG_DOUBLES, "b": 2.0}, "(dict of 2 entries)", "(a list of length 2)"),
    "many entries": ({str(i): i for i in range(500)}, "(dict of 500 entries)", "(a list of length 500)"),
    "array of long doubles": (
        RNG.uniform(size=(3, 1000, 7)),
        "an array of shape (3, 1000, 7) and dtype float64",
        "a double array of dim c(3, 1000, 7)",
    ),
    "array of long strings": (
        np.array(["w" * 300] * 6),
        "an array of shape (6,) and dtype <U300",
        "a character array of dim c(6)",  # R's word for it
    ),
}


def _rendered(value: object, language: str) -> str:
    with render.caller(language):
        return render.describe(value)


@pytest.mark.parametrize("name", CASES)
def test_the_summary_survives_within_the_bound(name):
    value, python, r = CASES[name]
    for language, summary in ((render.PYTHON, python), (render.R, r)):
        text = _rendered(value, language)
        assert summary in text, text
        assert len(text) <= render.MAX_VALUE_CHARS, text
        # Nothing is cut in the middle of the summary, and no element is cut mid-number.
        assert not text.endswith("...."), text


@pytest.mark.parametrize("name", CASES)
def test_the_whole_message_keeps_the_summary_in_both_languages(name):
    value, python, r = CASES[name]
    with pytest.raises((TypeError, ValueError)) as raised:
        kerasr_bridge.layer_depthwise_conv_2d(kernel_size=value)
    message = str(raised.value)
    assert len(message) <= render.MAX_MESSAGE_CHARS
    assert python in message, message
    error = from_r.call("layer_depthwise_conv_2d", kernel_size=value)
    assert isinstance(error, from_r.RError)
    assert len(error.message) <= render.MAX_MESSAGE_CHARS
    assert r in error.message, error.message


def test_long_doubles_lose_digits_not_elements():
    """R's runif(1000) as kernel_size: five elements, each with fewer significant digits, and the length."""
    text = _rendered(LONG_DOUBLES, render.R)
    assert re.fullmatch(r"c\((0\.\d+, ){5}\.\.\.\) \(a vector of length 1000\)", text), text
    shown = [float(item) for item in text[2:].split(", ")[:5]]
    assert shown == pytest.approx(LONG_DOUBLES[:5], rel=1e-9)
    text = _rendered(LONG_DOUBLES, render.PYTHON)
    assert re.fullmatch(r"\[(0\.\d+, ){5}\.\.\.\] \(list of length 1000\)", text), text


def test_long_strings_are_shortened_inside_their_quotes():
    assert _rendered(["x" * 200] * 10, render.R).startswith('c("xxx')
    for language in (render.PYTHON, render.R):
        text = _rendered(["x" * 200] * 10, language)
        elements = re.findall(r"""["']x+\.\.\.["']""", text)
        assert len(elements) == 5, text


def test_nested_lists_are_abbreviated_level_by_level():
    assert _rendered([list(range(1000))], render.PYTHON) == "[[0, 1, 2, 3, 4, ...]] (list of length 1)"
    assert _rendered([list(range(1000))], render.R) == "list(c(0, 1, 2, 3, 4, ...)) (a list of length 1)"


@pytest.mark.parametrize(
    ("value", "python", "r"),
    [
        ([3.0, 2.5], "[3.0, 2.5] (list)", "c(3, 2.5)"),
        ((3,), "(3,) (tuple)", "c(3)"),
        ("same", "'same' (str)", '"same"'),
        ({"a": 3.0}, "{'a': 3.0} (dict)", "list(a = 3)"),
        (list(range(300)), "[0, 1, 2, 3, 4, ...] (list of length 300)",
         "c(0, 1, 2, 3, 4, ...) (a vector of length 300)"),
    ],
)
def test_short_values_are_quoted_whole(value, python, r):
    assert _rendered(value, render.PYTHON) == python
    assert _rendered(value, render.R) == r
