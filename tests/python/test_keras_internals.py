"""Keras's private names that the package uses are all still there, and used nowhere but keras_internals.py.

A Keras release that renames one fails here, naming the name and the Keras
version the module was written for, rather than somewhere in a user's call.
"""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

import keras
import pytest

from kerasr_bridge import keras_internals

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
