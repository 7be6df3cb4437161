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

Every upstream test runs in every variant, except those in NOT_APPLICABLE,
and passes, unless INTENDED_DIFFERENCES lists it with the reason: it is then
a strict xfail, so it fails the run if it starts passing. Both lists are
checked against the upstream test names, so neither can go stale silently.
"""

from __future__ import annotations

import types
from collections.abc import Callable
from typing import Any

import keras
import pytest
from keras.src import testing

# separable_conv_test.py imports conv_test.py (for its NumPy references), whose tests carry Keras's own
# `requires_trainable_backend` marker: pytest.ini registers it, as --strict-markers requires.
from keras.src.layers.convolutional import separable_conv_test as upstream

from kerasr_bridge import (
    ChannelsFirstSeparableConv1D,
    ChannelsFirstSeparableConv2D,
    layer_separable_conv_1d,
    layer_separable_conv_2d,
)

UPSTREAM_CLASSES = (upstream.SeparableConvBasicTest, upstream.SeparableConvCorrectnessTest)


def _no_object(function: Callable[..., Any]) -> Callable[..., keras.layers.Layer]:
    """A layer class stand-in: Keras's positional order is ours after ``object``."""

    def build(*args: Any, **kwargs: Any) -> keras.layers.Layer:
        return function(None, *args, **kwargs)

    build.__name__ = function.__name__
    return build


# variant -> (what `layers.SeparableConv1D` is, what `layers.SeparableConv2D` is)
VARIANTS: dict[str, tuple[Callable[..., Any], Callable[..., Any]]] = {
    "functions": (_no_object(layer_separable_conv_1d), _no_object(layer_separable_conv_2d)),
    "channels_first_classes": (ChannelsFirstSeparableConv1D, ChannelsFirstSeparableConv2D),
}

_1D_TESTS = ("test_separable_conv1d_basic", "test_separable_conv1d")
# (variant, upstream class, test method prefix) -> why it does not apply. Every upstream test applies to
# both variants (both have a 1D and a 2D layer); the mechanism stays for a 2D-only class.
NOT_APPLICABLE: dict[tuple[str, str, str], str] = {}
# (variant, upstream class, test method) -> reason. Strict xfails.
INTENDED_DIFFERENCES: dict[tuple[str, str, str], str] = {
    ("functions", "SeparableConvBasicTest", "test_bad_init_args"):
        "our own message wording: the upstream test matches Keras's sentences word for word; ours name "
        "the argument in the form 'Invalid `filters`: expected ...; received 0.' "
        "(test_our_messages_for_the_upstream_bad_init_args checks them)",
}


def _excluded(variant: str, base: type, name: str) -> bool:
    return any(
        (variant, base.__name__, prefix) in NOT_APPLICABLE and name.startswith(prefix) and name[len(prefix):].isdigit()
        for prefix in _1D_TESTS
    )


def _test_names(base: type) -> list[str]:
    return sorted(name for name in dir(base) if name.startswith("test") and callable(getattr(base, name)))


def _variant_class(variant: str, base: type) -> type:
    conv1d, conv2d = VARIANTS[variant]
    stand_in = types.SimpleNamespace(SeparableConv1D=conv1d, SeparableConv2D=conv2d)

    def setUp(self: Any) -> None:
        base.setUp(self)
        self._upstream_layers = upstream.layers
        upstream.layers = stand_in
        self.addCleanup(setattr, upstream, "layers", self._upstream_layers)

    def test_the_stand_in_is_in_place(self: Any) -> None:
        """The upstream module's `layers` is ours while a test of this variant runs (not Keras's)."""
        assert upstream.layers is stand_in
        for rank, stand_in_class in ((1, conv1d), (2, conv2d)):
            layer = getattr(upstream.layers, f"SeparableConv{rank}D")(3, 2, data_format="channels_first")
            assert (layer.filters, layer.kernel_size) == (3, (2,) * rank)
            if isinstance(stand_in_class, type):
                assert type(layer) is stand_in_class
            else:
                function = (layer_separable_conv_1d, layer_separable_conv_2d)[rank - 1]
                expected = function(filters=3, kernel_size=2, data_format="channels_first")
                assert type(layer) is type(expected)

    namespace: dict[str, Any] = {
        "setUp": setUp,
        "test_the_stand_in_is_in_place": test_the_stand_in_is_in_place,
        "__module__": __name__,
        "__qualname__": f"{variant}__{base.__name__}",
    }
    for name in _test_names(base):
        if _excluded(variant, base, name):
            # Not collected (unittest skips non-callables); NOT_APPLICABLE says why.
            namespace[name] = None
        elif (variant, base.__name__, name) in INTENDED_DIFFERENCES:
            reason = INTENDED_DIFFERENCES[(variant, base.__name__, name)]
            method = getattr(base, name)

            def marked(self: Any, _method: Callable[..., Any] = method) -> None:
                _method(self)

            marked.__name__ = name
            namespace[name] = pytest.mark.xfail(strict=True, reason=reason)(marked)
    return type(f"{variant}__{base.__name__}", (base,), namespace)


for _variant in VARIANTS:
    for _base in UPSTREAM_CLASSES:
        _cls = _variant_class(_variant, _base)
        globals()[_cls.__name__] = _cls
del _variant, _base, _cls


def test_the_lists_name_real_upstream_tests():
    """Every NOT_APPLICABLE and INTENDED_DIFFERENCES entry names a variant and an existing upstream test."""
    bases = {base.__name__: base for base in UPSTREAM_CLASSES}
    for variant, base_name, prefix in NOT_APPLICABLE:
        assert variant in VARIANTS and base_name in bases
        assert any(name.startswith(prefix) for name in _test_names(bases[base_name])), prefix
    for variant, base_name, name in INTENDED_DIFFERENCES:
        assert variant in VARIANTS and name in _test_names(bases[base_name]), name


def test_every_upstream_test_runs_in_every_variant_or_is_listed():
    """Nothing is dropped silently: an upstream test is collected in each variant unless NOT_APPLICABLE says why."""
    assert UPSTREAM_CLASSES == tuple(
        value for value in vars(upstream).values()
        if isinstance(value, type) and issubclass(value, testing.TestCase)
    )
    for variant in VARIANTS:
        for base in UPSTREAM_CLASSES:
            variant_class = globals()[f"{variant}__{base.__name__}"]
            for name in _test_names(base):
                collected = callable(getattr(variant_class, name))
                assert collected != _excluded(variant, base, name), (variant, name)


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
