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
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from kerasr_bridge import errors, layer_functions, render, user_code
from kerasr_bridge.declarations import DECLARATIONS
from kerasr_bridge.r_values import RValue

__all__ = ["FUNCTIONS", "RError", "RValue", "RWarned", "call", "python_classes", "r_function"]

# What R may call, by name: the R package's layer functions forward to these.
FUNCTIONS: dict[str, Callable[..., Any]] = {name: getattr(layer_functions, name) for name in DECLARATIONS}


@dataclass(frozen=True)
class RError:
    """A Python exception, as the R package raises it: the message and reticulate's class names."""

    message: str
    type: str
    classes: list[str]
    # The R condition's own classes where the user's R function raised it (reticulate 1.29+ hands them
    # over as `r_class`; an R object, converted back by reticulate): R puts them first.
    r_classes: Any = None


@dataclass(frozen=True)
class RWarned:
    """A result together with the warnings R raises before returning it (reticulate hands over no warnings)."""

    value: Any
    warnings: list[str]


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
    Our own error types (:mod:`kerasr_bridge.errors`) are left out too: R users
    meet a ``ValueError`` or ``TypeError``, as they always have.
    """
    names = []
    for cls in type(error).__mro__:
        if cls is BaseException:
            break
        if cls.__module__ == errors.__name__:
            continue
        module = "python.builtin" if cls.__module__ == "builtins" else cls.__module__
        names.append(f"{module}.{cls.__qualname__}")
    return names


def call(function_name: str, /, *unnamed: Any, **arguments: Any) -> Any:
    """Call ``FUNCTIONS[function_name](**arguments)`` for R; an error is returned as :class:`RError`.

    The R function passes its supplied arguments by name; ``unnamed`` holds
    what an R call left unnamed in ``...``.
    """
    collected: list[str] = []
    token = user_code.R_WARNINGS.set(collected)
    try:
        return _call(function_name, unnamed, arguments, collected)
    finally:
        user_code.R_WARNINGS.reset(token)


def _call(function_name: str, unnamed: tuple[Any, ...], arguments: dict[str, Any], collected: list[str]) -> Any:
    with render.caller(render.R):
        try:
            function = FUNCTIONS.get(function_name)
            if function is None:
                raise LookupError(f"kerasr_bridge.from_r.call() knows no function {function_name!r}.")
            if unnamed:
                raise errors.InvalidArgumentType(
                    f"Arguments in `...` must be named (e.g. `input_shape = c(28, 28, 3)`); {function_name}() "
                    f"received {len(unnamed)} unnamed: {render.describe(list(unnamed))}.",
                    "...",
                )
            result = function(**arguments)
        except Exception as error:
            classes = python_classes(error)
            # The class R names the error by: the first one left in `classes` (ValueError for ours).
            type_name = classes[0].rpartition(".")[2]
            original = error.original if isinstance(error, user_code.UserCodeError) else None
            r_classes = getattr(original, "r_class", None)
            return RError(render.bounded(str(error), render.MAX_MESSAGE_CHARS), type_name, classes, r_classes)
        return RWarned(result, collected) if collected else result
