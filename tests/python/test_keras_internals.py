"""Keras's private names that the package uses are all still there, and used nowhere but keras_internals.py.

A Keras release that renames one fails here, naming the name and the Keras
version the module was written for, rather than somewhere in a user's call.
"""

from __future__ import annotations

import ast
import hashlib
import importlib
import inspect
import textwrap
from pathlib import Path

import keras
import pytest

from kerasr_bridge import channels_first_bias, keras_internals, unequal_strides

PACKAGE = Path(keras_internals.__file__).parent
USED = [(cls, name) for cls, names in keras_internals.USED.items() for name in names]


def _private_names() -> set[str]:
    """The private attribute names in USED (``pop(rebuild)`` counts as its method, which is public)."""
    return {name for _, name in USED if "(" not in name}


@pytest.mark.parametrize(("cls", "name"), USED, ids=[f"{cls.__name__}.{name}" for cls, name in USED])
def test_each_private_keras_name_we_use_still_exists(cls, name):
    instance = cls()
    method, _, parameter = name.partition("(")
    where = (
        f"keras {keras.version()} has no {cls.__name__}.{name}, which "
        f"kerasr_bridge/keras_internals.py uses (written for keras {keras_internals.WRITTEN_FOR_KERAS})"
    )
    assert hasattr(instance, method), where
    if parameter:
        assert parameter.rstrip(")") in inspect.signature(getattr(instance, method)).parameters, where


def test_the_sequential_internals_still_behave_as_we_rely_on():
    """_layers counts the InputLayer; a layer that fails to build is taken out, the model left as it was."""
    model = keras.Sequential([keras.Input((6, 6, 2))])
    assert len(keras_internals.sequential_layers(model)) == 1
    assert isinstance(keras_internals.sequential_layers(model)[0], keras.layers.InputLayer)
    model.add(keras.layers.DepthwiseConv2D(3))
    before = len(keras_internals.sequential_layers(model))
    with pytest.raises(Exception):  # noqa: B017  (whatever the backend raises for a kernel larger than the input)
        model.add(keras.layers.DepthwiseConv2D(9))
    assert len(keras_internals.sequential_layers(model)) == before + 1  # Keras keeps what it could not build
    keras_internals.remove_added_layers(model, before)
    assert len(keras_internals.sequential_layers(model)) == before
    assert model.output_shape == (None, 4, 4, 2)


def test_no_other_module_uses_those_private_names():
    """One door: a private Keras name used elsewhere would break, on a Keras update, where nobody looks."""
    private = _private_names()
    offenders = []
    for path in sorted(PACKAGE.glob("*.py")):
        if path.name == "keras_internals.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and node.attr in private:
                offenders.append(f"{path.name}:{node.lineno} .{node.attr}")
    assert not offenders, offenders


def _keras_method(where: str):
    module, _, qualified = where.partition(":")
    cls_name, _, method = qualified.partition(".")
    return getattr(getattr(importlib.import_module(module), cls_name), method)


@pytest.mark.parametrize("where", keras_internals.COPIED)
def test_each_copied_keras_method_is_unchanged_since_we_copied_it(where):
    fingerprint, copy = keras_internals.COPIED[where]
    source = textwrap.dedent(inspect.getsource(_keras_method(where)))
    assert hashlib.sha256(source.encode()).hexdigest()[:16] == fingerprint, (
        f"keras {keras.version()} changed {where}, which {copy} copies "
        f"(copied from keras {keras_internals.WRITTEN_FOR_KERAS}): read it again"
    )


@pytest.mark.parametrize("where", keras_internals.OVERRIDDEN)
def test_each_overridden_keras_method_still_exists(where):
    assert callable(_keras_method(where)), where


def _our_layer_classes() -> list[type]:
    return [*channels_first_bias.FIXED.values(), *unequal_strides.FIXED.values()]


@pytest.mark.parametrize("cls", _our_layer_classes(), ids=lambda cls: cls.__name__)
def test_every_keras_method_our_subclasses_override_is_listed(cls):
    """A method of ours that shadows one of Keras's is on the OVERRIDDEN list, which the checks above read."""
    listed = {where.rpartition(".")[2] for where in keras_internals.OVERRIDDEN}
    ours = {
        name
        for klass in cls.__mro__
        if klass.__module__.startswith("kerasr_bridge")
        for name in vars(klass)
        if callable(vars(klass)[name])
    }
    keras_bases = [base for base in cls.__mro__ if base.__module__.startswith("keras.")]
    shadowed = {name for name in ours if any(hasattr(base, name) for base in keras_bases)}
    assert "call" in shadowed, "the check sees our overrides"
    assert shadowed <= listed, f"{cls.__name__} overrides Keras's {sorted(shadowed - listed)}, not on the list"
