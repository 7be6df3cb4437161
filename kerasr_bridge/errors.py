"""The errors our checks raise: a ``ValueError`` or ``TypeError`` that also names the argument.

``InvalidArgument`` (a bad value) and ``InvalidArgumentType`` (a value of the
wrong kind) are what tells our refusals from anyone else's: code asks
``isinstance(error, INVALID)``, never the message's text. Users keep catching
``ValueError``/``TypeError``, and R sees the same classes as before (see
:func:`kerasr_bridge.from_r.python_classes`). The message is always given
whole: these classes add no words to it (:func:`kerasr_bridge.render.invalid`
composes the usual one). Nothing here imports the rest of the package.
"""

from __future__ import annotations

from typing import Any


class _Invalid:
    """What both error types add to their builtin base: ``argument``, the argument the message blames."""

    argument: str

    def __init__(self, message: str, argument: str) -> None:
        super().__init__(message)  # type: ignore[call-arg]  # the builtin exception's message
        self.argument = argument

    def __reduce__(self) -> tuple[Any, ...]:
        # Exceptions are copied and pickled through their args, which hold the message only.
        return (type(self), (str(self), self.argument))


class InvalidArgument(_Invalid, ValueError):
    """A bad value for ``argument`` (a size of 0, an unknown padding, shapes that contradict each other)."""


class InvalidArgumentType(_Invalid, TypeError):
    """A value of the wrong kind for ``argument`` (a string for a size, a list for a bool)."""


# Every refusal of ours is one of these: `isinstance(error, INVALID)`.
INVALID = (InvalidArgument, InvalidArgumentType)


def named(*arguments: str) -> str:
    """Arguments as a message names them: `kernel_size` and `dilation_rate`."""
    return " and ".join(f"`{argument}`" for argument in arguments)
