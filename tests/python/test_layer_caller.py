"""A layer made from R renders R syntax in the messages it raises later."""

from __future__ import annotations

import keras
import pytest

from kerasr_bridge import layer_depthwise_conv_2d, render
from kerasr_bridge.errors import InvalidArgument

pytestmark = pytest.mark.tensorflow_only  # the unequal-strides subclass (and its check) is TensorFlow's


def test_a_layer_made_for_r_says_r_on_a_later_direct_call() -> None:
    with render.caller(render.R):
        layer = layer_depthwise_conv_2d(kernel_size=3, strides=[2, 1], padding="same")
    with pytest.raises(InvalidArgument) as caught:
        layer(keras.Input((None, None, 3)))  # outside the R call: the layer remembers
    assert "`strides` c(2, 1)" in str(caught.value) and "list(NULL, NULL, NULL, 3)" in str(caught.value)


def test_a_layer_made_in_python_says_python() -> None:
    layer = layer_depthwise_conv_2d(kernel_size=3, strides=(2, 1), padding="same")
    with pytest.raises(InvalidArgument) as caught:
        layer(keras.Input((None, None, 3)))
    assert "`strides` (2, 1)" in str(caught.value) and "(None, None, None, 3)" in str(caught.value)
