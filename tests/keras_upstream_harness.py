"""Runs Keras's own layer tests (from the keras wheel) against our layers: the machinery tests/keras_upstream shares.

An upstream test module builds every layer through its ``layers`` name
(``layers.DepthwiseConv2D(...)``, or handed to ``run_layer_test``, which only
calls it). :class:`UpstreamRun` makes, for each variant, a subclass of each
upstream test class whose ``setUp`` puts the variant's stand-ins in that
name, so the upstream tests run unchanged against them. Every upstream test
runs in every variant, except those ``not_applicable`` lists, and passes,
unless ``intended_differences`` lists it with the reason: it is then a strict
xfail, so it fails the run if it starts passing. Both lists are checked
against the upstream test names (:meth:`UpstreamRun.check_lists`), so
neither can go stale silently.
"""

from __future__ import annotations

import types
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import keras
import pytest
from keras.src import testing


def no_object(function: Callable[..., Any]) -> Callable[..., keras.layers.Layer]:
    """A layer class stand-in: Keras's positional order is ours after ``object``."""

    def build(*args: Any, **kwargs: Any) -> keras.layers.Layer:
        return function(None, *args, **kwargs)

    build.__name__ = function.__name__
    return build


def test_names(base: type) -> list[str]:
    return sorted(name for name in dir(base) if name.startswith("test") and callable(getattr(base, name)))


@dataclass
class UpstreamRun:
    """One upstream test module run against our layers.

    ``class_names`` are the two names (1D, 2D) the module's ``layers`` must
    offer; ``variants`` maps a variant's name to its two stand-ins, in that
    order. ``probe`` builds a small layer through a stand-in and gives the
    layer function the same layer comes from (checked by each variant's
    ``test_the_stand_in_is_in_place``). ``one_d_tests`` are the prefixes of
    upstream's 1D-only tests, which ``not_applicable`` may leave out of a
    variant: (variant, upstream class, prefix) -> why; ``intended_differences``:
    (variant, upstream class, test) -> reason.
    """

    upstream: types.ModuleType
    upstream_classes: tuple[type, ...]  # the module's test classes, named (checked against the module)
    class_names: tuple[str, str]
    variants: dict[str, tuple[Callable[..., Any], Callable[..., Any]]]
    probe: Callable[[Callable[..., Any], int], tuple[keras.layers.Layer, keras.layers.Layer]]
    one_d_tests: tuple[str, ...]
    not_applicable: dict[tuple[str, str, str], str] = field(default_factory=dict)
    intended_differences: dict[tuple[str, str, str], str] = field(default_factory=dict)

    def discovered_classes(self) -> tuple[type, ...]:
        """The upstream module's test classes, as the module defines them."""
        return tuple(
            value for value in vars(self.upstream).values()
            if isinstance(value, type) and issubclass(value, testing.TestCase)
        )

    def excluded(self, variant: str, base: type, name: str) -> bool:
        return any(
            (variant, base.__name__, prefix) in self.not_applicable
            and name.startswith(prefix) and name[len(prefix):].isdigit()
            for prefix in self.one_d_tests
        )

    def variant_class(self, variant: str, base: type, module: str) -> type:
        upstream, class_names, probe = self.upstream, self.class_names, self.probe
        stand_ins = self.variants[variant]
        stand_in = types.SimpleNamespace(**dict(zip(class_names, stand_ins)))

        def setUp(self: Any) -> None:
            base.setUp(self)
            self._upstream_layers = upstream.layers
            upstream.layers = stand_in
            self.addCleanup(setattr, upstream, "layers", self._upstream_layers)

        def test_the_stand_in_is_in_place(self: Any) -> None:
            """The upstream module's `layers` is ours while a test of this variant runs (not Keras's)."""
            assert upstream.layers is stand_in
            for rank, (name, stand_in_class) in enumerate(zip(class_names, stand_ins), start=1):
                layer, expected = probe(getattr(upstream.layers, name), rank)
                assert type(layer) is (stand_in_class if isinstance(stand_in_class, type) else type(expected))

        namespace: dict[str, Any] = {
            "setUp": setUp,
            "test_the_stand_in_is_in_place": test_the_stand_in_is_in_place,
            "__module__": module,
            "__qualname__": f"{variant}__{base.__name__}",
        }
        for name in test_names(base):
            if self.excluded(variant, base, name):
                # Not collected (unittest skips non-callables); not_applicable says why.
                namespace[name] = None
            elif (variant, base.__name__, name) in self.intended_differences:
                reason = self.intended_differences[(variant, base.__name__, name)]
                method = getattr(base, name)

                def marked(self: Any, _method: Callable[..., Any] = method) -> None:
                    _method(self)

                marked.__name__ = name
                namespace[name] = pytest.mark.xfail(strict=True, reason=reason)(marked)
        return type(f"{variant}__{base.__name__}", (base,), namespace)

    def test_classes(self, module: str) -> dict[str, type]:
        """Every variant's subclass of every upstream test class, by name, for the test module's globals."""
        classes = [self.variant_class(variant, base, module) for variant in self.variants
                   for base in self.upstream_classes]
        return {cls.__name__: cls for cls in classes}

    def check_lists(self) -> None:
        """Every not_applicable and intended_differences entry names a variant and an existing upstream test."""
        bases = {base.__name__: base for base in self.upstream_classes}
        for variant, base_name, prefix in self.not_applicable:
            assert variant in self.variants and base_name in bases
            assert any(name.startswith(prefix) for name in test_names(bases[base_name])), prefix
        for variant, base_name, name in self.intended_differences:
            assert variant in self.variants and name in test_names(bases[base_name]), name

    def check_every_test_collected(self, classes: dict[str, type]) -> None:
        """Nothing is dropped silently: every upstream test class is named, and each of its tests is collected
        in each variant unless not_applicable says why."""
        assert self.upstream_classes == self.discovered_classes()
        for variant in self.variants:
            for base in self.upstream_classes:
                variant_class = classes[f"{variant}__{base.__name__}"]
                for name in test_names(base):
                    collected = callable(getattr(variant_class, name))
                    assert collected != self.excluded(variant, base, name), (variant, name)
