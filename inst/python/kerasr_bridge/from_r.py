"""The R package's one way into Python: :func:`call`.

Each R layer function forwards its supplied arguments here. The call runs
with values rendered in R syntax (see :mod:`kerasr_bridge.render`), and an
error comes back as a :class:`RError` value rather than being raised, so the
R side raises it with exactly this message and these classes under every
reticulate version: reticulate 1.29+ would append a hint line to a raised
Python error, and 1.28 garbles long ones.
"""

from __future__ import annotations

import inspect
import keyword
from dataclasses import dataclass
from typing import Any

from kerasr_bridge import render


@dataclass(frozen=True)
class RValue:
    """An R value with no faithful Python form (a data.frame, a factor, an environment, ...).

    The R package hands it over with its class and size, for messages only:
    no check accepts it, so every argument refuses it with its usual message.
    """

    classes: list[str]
    size: list[int]

    @property
    def description(self) -> str:
        if "data.frame" in self.classes and len(self.size) == 2:
            rows, columns = self.size
            return f"a data.frame of {rows} row{'s' * (rows != 1)} and {columns} column{'s' * (columns != 1)}"
        name = "/".join(self.classes)
        if "factor" in self.classes:
            return f"a factor of length {self.size[0]}"
        return f"an object of class {name}"

    def __repr__(self) -> str:
        return self.description


@dataclass(frozen=True)
class RError:
    """A Python exception, as the R package raises it: the message and reticulate's class names."""

    message: str
    type: str
    classes: list[str]


def r_function(function: Any, formals: list[str] | None, defaults: list[bool] | None) -> Any:
    """An R function, as reticulate wraps it, with its R formals as its Python signature.

    reticulate's wrapper takes ``(*args, **kwargs)``, which would let any R
    function pass the signature checks (an activation must take one tensor,
    an initializer ``(shape, dtype = NULL)``). R's ``...`` takes both extra
    positional and named arguments. Formals that are not Python names keep
    their position under a stand-in name.
    """
    if formals is None or defaults is None:
        return function  # a primitive: R shows no formals
    parameters = []
    for position, (name, has_default) in enumerate(zip(formals, defaults)):
        if name == "...":
            parameters.append(inspect.Parameter("args", inspect.Parameter.VAR_POSITIONAL))
            parameters.append(inspect.Parameter("kwargs", inspect.Parameter.VAR_KEYWORD))
            break  # R formals after ... can only be named, and ... already takes any name
        usable = name if name.isidentifier() and not keyword.iskeyword(name) else f"formal_{position + 1}"
        default = None if has_default else inspect.Parameter.empty
        parameters.append(inspect.Parameter(usable, inspect.Parameter.POSITIONAL_OR_KEYWORD, default=default))
    try:
        function.__signature__ = inspect.Signature(parameters)
    except (AttributeError, TypeError, ValueError):
        pass  # a wrapper that takes no attributes, or formals Python cannot order: left to Keras
    return function


def python_classes(error: BaseException) -> list[str]:
    """The S3 classes reticulate gives a Python exception, down to ``python.builtin.Exception``.

    ``python.builtin.BaseException`` and ``python.builtin.object`` are left
    out: reticulate's methods for them (``$``, ``[[``, ``print``) expect a live
    Python object, and R code such as rlang's reads fields of any condition.
    """
    names = []
    for cls in type(error).__mro__:
        if cls is BaseException:
            break
        module = "python.builtin" if cls.__module__ == "builtins" else cls.__module__
        names.append(f"{module}.{cls.__qualname__}")
    return names


def call(function_name: str, /, *unnamed: Any, **arguments: Any) -> Any:
    """Call ``kerasr_bridge.<function_name>(**arguments)`` for R; an error is returned as :class:`RError`.

    The R function passes its supplied arguments by name; ``unnamed`` holds
    what an R call left unnamed in ``...``.
    """
    import kerasr_bridge

    with render.caller(render.R):
        try:
            if unnamed:
                raise TypeError(
                    f"Arguments in `...` must be named (e.g. `input_shape = c(28, 28, 3)`); {function_name}() "
                    f"received {len(unnamed)} unnamed: {render.describe(list(unnamed))}."
                )
            return getattr(kerasr_bridge, function_name)(**arguments)
        except Exception as error:
            return RError(render.bounded(str(error), render.MAX_MESSAGE_CHARS), type(error).__name__,
                          python_classes(error))
