"""Every use of Keras's private API, behind one door.

Keras's public API cannot tell whether a Sequential model starts with an
Input (``model.layers`` leaves the InputLayer out) nor take a layer back out
without rebuilding the model. A Keras release that renames one of these
breaks only this module, and ``tests/python/test_keras_internals.py`` says
which name is gone and for which Keras version it was written.
"""

from __future__ import annotations

import keras

# The Keras release these internals were read from (and the lowest one we declare).
WRITTEN_FOR_KERAS = "3.15.1"

# Every private name used below, per class (a method's private parameter as
# "method(parameter)"), for the test that checks they are all still there.
USED: dict[type, tuple[str, ...]] = {
    keras.Sequential: ("_layers", "_maybe_rebuild", "pop(rebuild)"),
}

# Every Keras method our registered subclasses override, as "module:Class.method"
# (the class that defines it in Keras), each with what the override relies on.
OVERRIDDEN: dict[str, str] = {
    "keras.src.layers.layer:Layer.__call__": "takes (inputs, ...) and calls call(); ours wraps it, then calls super()",
    "keras.src.layers.convolutional.base_depthwise_conv:BaseDepthwiseConv.call": "call(inputs) -> outputs",
    "keras.src.layers.convolutional.base_separable_conv:BaseSeparableConv.call": "call(inputs) -> outputs",
}

# Every Keras method whose body we copy and change, with a fingerprint of the
# source we copied (sha256 of the dedented source, first 16 hex digits): when
# Keras changes the original, the test says which copy to read again.
COPIED: dict[str, tuple[str, str]] = {
    "keras.src.layers.convolutional.base_depthwise_conv:BaseDepthwiseConv.call": (
        "53671561ebb056dd",
        "kerasr_bridge.channels_first_bias.BroadcastBias.call (the bias added by broadcasting)",
    ),
    "keras.src.layers.convolutional.base_separable_conv:BaseSeparableConv.call": (
        "e83b60d2808c1ae7",
        "kerasr_bridge.channels_first_bias.SeparableConvolution._convolve with BroadcastBias.call",
    ),
}


def sequential_layers(model: keras.Sequential) -> list[keras.layers.Layer]:
    """The model's layers, its InputLayer first where it has one (``model.layers`` leaves that out)."""
    return model._layers


def remove_added_layers(model: keras.Sequential, count_before: int) -> None:
    """Take back what ``model.add`` appended beyond ``count_before`` layers, leaving the model as it was.

    ``Sequential.add`` appends before it rebuilds, so a layer that fails to
    build stays in the model; popping without a rebuild takes it out, and one
    rebuild then restores the model's former graph.
    """
    while len(model._layers) > count_before:
        model.pop(rebuild=False)
    if model._layers:
        model._maybe_rebuild()

