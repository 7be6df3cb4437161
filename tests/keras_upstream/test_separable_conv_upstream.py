"""Keras's own separable convolution tests, run against our layers on the current backend.

The keras wheel ships ``keras/src/layers/convolutional/separable_conv_test.py``.
Its test classes build every layer through the module's ``layers`` name
(``layers.SeparableConv1D(...)``, ``layers.SeparableConv2D(...)``, or handed to
``run_layer_test``, which only calls it). Each variant below runs those classes
unchanged, with ``layers`` standing for:

- ``functions``: our ``layer_separable_conv_1d`` / ``_2d`` (called without an
  object, positional arguments in Keras's order: ``filters, kernel_size, ...``,
  the same as ours after ``object``);
- ``channels_first_classes``: our registered ``ChannelsFirstSeparableConv1D`` /
  ``2D``.

As in tests/keras_upstream/test_depthwise_conv_upstream.py:

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

# separable_conv_test.py imports conv_test.py (for its NumPy references), whose tests carry Keras's own
# `requires_trainable_backend` marker: pytest.ini registers it, as --strict-markers requires.
from keras.src.layers.convolutional import separable_conv_test as upstream
from keras_upstream_harness import UpstreamRun, no_object

from kerasr_bridge import (
    ChannelsFirstSeparableConv1D,
    ChannelsFirstSeparableConv2D,
    layer_separable_conv_1d,
    layer_separable_conv_2d,
)


def _probe(stand_in: Callable[..., Any], rank: int) -> tuple[keras.layers.Layer, keras.layers.Layer]:
    function = (layer_separable_conv_1d, layer_separable_conv_2d)[rank - 1]
    layer = stand_in(3, 2, data_format="channels_first")
    assert (layer.filters, layer.kernel_size) == (3, (2,) * rank)  # Keras's positional order: filters first
    return layer, function(filters=3, kernel_size=2, data_format="channels_first")


# Both variants have a 1D and a 2D layer, so every upstream test applies to both (no not_applicable).
RUN = UpstreamRun(
    upstream=upstream,
    upstream_classes=(upstream.SeparableConvBasicTest, upstream.SeparableConvCorrectnessTest),
    class_names=("SeparableConv1D", "SeparableConv2D"),
    variants={
        "functions": (no_object(layer_separable_conv_1d), no_object(layer_separable_conv_2d)),
        "channels_first_classes": (ChannelsFirstSeparableConv1D, ChannelsFirstSeparableConv2D),
    },
    probe=_probe,
    one_d_tests=("test_separable_conv1d_basic", "test_separable_conv1d"),
    intended_differences={
        ("functions", "SeparableConvBasicTest", "test_bad_init_args"):
            "our own message wording: the upstream test matches Keras's sentences word for word; ours name "
            "the argument in the form 'Invalid `filters`: expected ...; received 0.' "
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
        (layer_separable_conv_1d, {"depth_multiplier": 0, "filters": 1, "kernel_size": 1}, "depth_multiplier"),
        (layer_separable_conv_1d, {"depth_multiplier": 1, "filters": 0, "kernel_size": 1}, "filters"),
        (layer_separable_conv_2d, {"depth_multiplier": 2, "filters": 2, "kernel_size": (1, 0)}, "kernel_size"),
        (layer_separable_conv_2d, {"depth_multiplier": 2, "filters": 2, "kernel_size": (2, 2), "strides": (1, 0)},
         "strides"),
    ],
)
def test_our_messages_for_the_upstream_bad_init_args(function, kwargs, argument):
    """The cases of upstream's test_bad_init_args: refused with a ValueError, in our wording, naming the argument."""
    with pytest.raises(ValueError, match=rf"^Invalid `{argument}`: expected .*; received .*0"):
        function(**kwargs)
