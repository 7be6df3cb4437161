"""What building a layer leaves for later, in one record per layer, in one store.

A layer function checks its arguments once, when it builds the layer; some of
what it learnt is needed again later, when the layer meets an input (in the
layer function, in ``pipe()``, or in a direct ``layer(x)`` call):

- the language it was made in, so that the layer's own later checks quote
  values in that language;
- the input its older R keras arguments declared (``input_shape`` ...), so
  that an ``object`` contradicting it is refused naming that argument;
- the user's own callables, so that an error one of them raises is blamed on
  its argument, and what the user's initializers return is checked when the
  layer builds.

:func:`keep` writes the record once, at the end of building
(:func:`kerasr_bridge.builder.build_layer`); every reader goes through
:func:`record_of`. The store sits beside the layer rather than on it: a
Keras layer is Keras's object, and the record dies with the layer. A layer
nobody built through us (loaded from a file, made by Keras) has no record.
"""

from __future__ import annotations

import weakref
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class LayerRecord:
    """What one layer's building left for later (see the module docstring)."""

    # "r" for a layer made from R (kerasr_bridge.render's name): its own checks render values in R. None:
    # made from Python, whose checks render for whoever calls the layer.
    caller: str | None = None
    # A kerasr_bridge.input_fit.DeclaredInput, or None where the extra arguments declared no input.
    declared_input: Any = None
    # The user's own callables, by the argument that holds them.
    user_callables: Mapping[str, Any] = field(default_factory=dict)
    # Those of the user_callables arguments that are initializers (their results are checked at build).
    user_initializers: tuple[str, ...] = ()


_RECORDS: weakref.WeakKeyDictionary[Any, LayerRecord] = weakref.WeakKeyDictionary()
_NOTHING = LayerRecord()


def keep(layer: Any, record: LayerRecord) -> None:
    """Keep ``record`` for ``layer``; a record saying nothing beyond the defaults is not stored."""
    if record != _NOTHING:
        _RECORDS[layer] = record


def record_of(layer: Any) -> LayerRecord:
    """The record building ``layer`` left; the empty record for a layer we did not build."""
    return _RECORDS.get(layer, _NOTHING)
