"""Keras's own depthwise convolution tests, run against our layers on the current backend.

The keras wheel ships ``keras/src/layers/convolutional/depthwise_conv_test.py``.
Its test classes build every layer through the module's ``layers`` name
(``layers.DepthwiseConv1D(...)``, ``layers.DepthwiseConv2D(...)``, or handed to
``run_layer_test``, which only calls it). Each variant below runs those classes
unchanged, with ``layers`` standing for:

- ``functions``: our ``layer_depthwise_conv_1d`` / ``_2d`` (called without an
  object, positional arguments in Keras's order: the same as ours after
  ``object``);
- ``channels_first_classes``: our registered ``ChannelsFirstDepthwiseConv1D`` /
  ``2D``;
- ``unequal_strides_class``: our registered ``UnequalStridesDepthwiseConv2D``
  (a 2D class: the tests of 1D layers only are not applicable, listed in
  RUN's not_applicable; where a test builds both, the 1D layer is Keras's own).

Every upstream test runs in every variant, except those RUN's not_applicable lists,
and passes, unless its intended_differences list it with the reason: it is then
a strict xfail, so it fails the run if it starts passing. Both lists are
checked against the upstream test names, so neither can go stale silently.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import keras
import pytest
from keras.src.layers.convolutional import depthwise_conv_test as upstream
from keras_upstream_harness import UpstreamRun, no_object

from kerasr_bridge import (
    ChannelsFirstDepthwiseConv1D,
    ChannelsFirstDepthwiseConv2D,
    UnequalStridesDepthwiseConv2D,
    layer_depthwise_conv_1d,
    layer_depthwise_conv_2d,
)


def _probe(stand_in: Callable[..., Any], rank: int) -> tuple[keras.layers.Layer, keras.layers.Layer]:
    function = (layer_depthwise_conv_1d, layer_depthwise_conv_2d)[rank - 1]
    return stand_in(2, data_format="channels_first"), function(kernel_size=2, data_format="channels_first")


_2D_ONLY = (
    "UnequalStridesDepthwiseConv2D is a 2D layer; the 1D tests run against the functions and "
    "ChannelsFirstDepthwiseConv1D"
)
RUN = UpstreamRun(
    upstream=upstream,
    upstream_classes=(upstream.DepthwiseConvBasicTest, upstream.DepthwiseConvCorrectnessTest),
    class_names=("DepthwiseConv1D", "DepthwiseConv2D"),
    variants={
        "functions": (no_object(layer_depthwise_conv_1d), no_object(layer_depthwise_conv_2d)),
        "channels_first_classes": (ChannelsFirstDepthwiseConv1D, ChannelsFirstDepthwiseConv2D),
        "unequal_strides_class": (keras.layers.DepthwiseConv1D, UnequalStridesDepthwiseConv2D),
    },
    probe=_probe,
    one_d_tests=("test_depthwise_conv1d_basic", "test_depthwise_conv1d"),
    not_applicable={
        ("unequal_strides_class", "DepthwiseConvBasicTest", "test_depthwise_conv1d_basic"): _2D_ONLY,
        ("unequal_strides_class", "DepthwiseConvCorrectnessTest", "test_depthwise_conv1d"): _2D_ONLY,
    },
    intended_differences={
        ("functions", "DepthwiseConvBasicTest", "test_bad_init_args"):
            "our own message wording: the upstream test matches Keras's sentences word for word; ours name "
            "the argument in the form 'Invalid `depth_multiplier`: expected ...; received 0.' "
            "(test_our_messages_for_the_upstream_bad_init_args checks them)",
    },
)
_CLASSES = RUN.test_classes(__name__)
globals().update(_CLASSES)


def test_the_lists_name_real_upstream_tests():
    """Every not_applicable and intended_differences entry names a variant and an existing upstream test."""
    RUN.check_lists()


def test_every_upstream_test_runs_in_every_variant_or_is_listed():
    """Nothing is dropped silently: an upstream test is collected in each variant unless not_applicable says why."""
    RUN.check_every_test_collected(_CLASSES)


@pytest.mark.parametrize(
    ("function", "kwargs", "argument"),
    [
        (layer_depthwise_conv_1d, {"depth_multiplier": 0, "kernel_size": 1}, "depth_multiplier"),
        (layer_depthwise_conv_2d, {"depth_multiplier": 2, "kernel_size": (1, 0)}, "kernel_size"),
        (layer_depthwise_conv_2d, {"depth_multiplier": 2, "kernel_size": (2, 2), "strides": (1, 0)}, "strides"),
    ],
)
def test_our_messages_for_the_upstream_bad_init_args(function, kwargs, argument):
    """The cases of upstream's test_bad_init_args: refused with a ValueError, in our wording, naming the argument."""
    with pytest.raises(ValueError, match=rf"^Invalid `{argument}`: expected .*; received .*0"):
        function(**kwargs)
