"""The user's own callables in a layer: who raised, and whether a saved model can restore them.

A layer may hold the user's functions (an activation, initializer, regularizer
or constraint written in R or Python). When one of them raises, the error is
the user's, not a fault of ``object``: :func:`user_code_error` finds, in the
traceback, the frame of the callable that raised and names its argument,
keeping the user's text and the original exception (as ``__cause__``).

A saved model stores a callable by name: Keras's own functions and those
registered with ``keras.saving.register_keras_serializable`` load again; an R
function (reticulate's wrapper, stored as ``builtins.function``) never does,
and a Python lambda only with ``safe_mode=False``. :func:`warn_unsaveable`
warns at construction, in the caller's language, since saving is Keras's own
code (``model.save()``, ``to_json()``, ``clone_model()``) that never passes
through us.
"""

from __future__ import annotations

import inspect
import traceback
import types
import warnings
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

import keras
import numpy as np

from kerasr_bridge import layer_records
from kerasr_bridge.declarations import LayerFunction
from kerasr_bridge.errors import InvalidArgument, InvalidArgumentType
from kerasr_bridge.render import (
    KERAS_FRAME,
    MAX_MESSAGE_CHARS,
    bounded,
    describe,
    message_lines,
    name_text,
    shape_text,
    spell,
    without_backend_noise,
)

# Set by kerasr_bridge.from_r.call: R collects the warnings and raises them as R warnings (reticulate
# does not hand Python warnings over). A context variable, like the caller's language, so threads keep
# their own.
R_WARNINGS: ContextVar[list[str] | None] = ContextVar("kerasr_bridge_r_warnings", default=None)


class UnsaveableCallableWarning(UserWarning):
    """A layer holds a callable that a saved model cannot restore; ``argument`` names it."""

    def __init__(self, message: str, argument: str) -> None:
        super().__init__(message)
        self.argument = argument


class UserCodeError(RuntimeError):
    """The user's own callable raised while the layer ran; ``__cause__`` is the user's exception.

    ``argument`` names the layer argument that held the callable, ``original``
    is the exception the user's code raised (also ``__cause__``).
    """

    def __init__(self, message: str, argument: str, original: BaseException) -> None:
        super().__init__(message)
        self.argument = argument
        self.original = original

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (str(self), self.argument, self.original))


def is_r_function(value: Any) -> bool:
    """Whether ``value`` is reticulate's Python wrapper around an R function (1.28's and 1.46's)."""
    code = getattr(value, "__code__", None)
    return code is not None and code.co_name == "python_function" and "rpytools" in code.co_filename


def _is_keras_own(value: Any) -> bool:
    return getattr(value, "__module__", "").startswith("keras.") or isinstance(
        value,
        (
            keras.layers.Layer,
            keras.initializers.Initializer,
            keras.regularizers.Regularizer,
            keras.constraints.Constraint,
        ),
    )


def user_callables(function: LayerFunction, config: dict[str, Any]) -> dict[str, Any]:
    """The callables in ``config`` that are the user's own (not names, not Keras's own objects).

    Only the arguments ``function`` declares as user code may hold them.
    """
    return {
        argument: value
        for argument in function.callable_arguments
        if callable(value := config.get(argument)) and not isinstance(value, str) and not _is_keras_own(value)
    }


def _unsaveable_reason(value: Any) -> str | None:
    if is_r_function(value):
        return "an R function"
    if isinstance(value, types.LambdaType) and value.__name__ == "<lambda>":
        return "a Python lambda"
    return None


# What a saved model restores instead of the user's own callable, per argument kind: a Keras name and,
# for R, keras3's function or object of that name.
_SAVEABLE_EXAMPLES = {
    "activation": ("gelu", "activation_gelu"),
    "initializer": ("glorot_uniform", "initializer_glorot_uniform()"),
    "regularizer": ("l2", "regularizer_l2()"),
    "constraint": ("non_neg", "constraint_nonneg()"),
}


def warn_unsaveable(function: LayerFunction, callables: dict[str, Any]) -> None:
    """Warn once per argument whose callable a saved model cannot restore, saying what to pass instead."""
    for argument, value in callables.items():
        what = _unsaveable_reason(value)
        if what is None:
            continue
        name, keras3 = _SAVEABLE_EXAMPLES[function.argument(argument).kind]
        instead = spell(
            f"a Keras name (e.g. {argument}='{name}') or a function registered with "
            "keras.saving.register_keras_serializable()",
            f'a Keras name (e.g. {argument} = "{name}") or keras3\'s {keras3}',
        )
        saving = spell("model.save(), to_json()", "save_model(), to_json()")
        load = " (lambdas load only with safe_mode=False)" if what == "a Python lambda" else ""
        message = (
            f"`{argument}` is {what}: a saved model ({saving}) will not restore it{load}; to save it, pass {instead}."
        )
        message = bounded(message, MAX_MESSAGE_CHARS)
        collected = R_WARNINGS.get()
        if collected is not None:
            collected.append(message)
        else:
            warnings.warn(UnsaveableCallableWarning(message, argument), stacklevel=4)


def _raised_by(frame: types.FrameType, value: Any) -> bool:
    """Whether ``frame`` runs ``value`` (its code, and for a closure the same closed-over values)."""
    function = value if inspect.isfunction(value) else inspect.getattr_static(type(value), "__call__", None)
    code = getattr(function, "__code__", None)
    if code is None or frame.f_code is not code:
        return False
    if not inspect.isfunction(value):
        return frame.f_locals.get("self") is value
    # reticulate's wrapper shares its code for every R function: the wrapped R function tells them apart.
    cells = value.__closure__ or ()
    return all(frame.f_locals.get(name, cell) is cell.cell_contents for name, cell in zip(code.co_freevars, cells))


def original_exception(error: BaseException) -> BaseException:
    """The exception the user's code raised: Keras re-raises it as a new one of the same class, its frame added."""
    context = error.__context__
    if error.__suppress_context__ and type(context) is type(error) and KERAS_FRAME[0] in str(error):
        return context  # type: ignore[return-value]
    return error


def user_text(error: BaseException) -> str:
    """The user's own message, on one line: no ANSI escapes, no Keras frame, no quotes ``str(KeyError)`` adds."""
    text = error.args[0] if len(error.args) == 1 and isinstance(error.args[0], str) else str(error)
    return without_backend_noise(" ".join(message_lines(text))).strip() or type(error).__name__


def user_code_error(error: BaseException, layer: keras.layers.Layer, where: str) -> UserCodeError | None:
    """A :class:`UserCodeError` where ``error`` was raised inside one of the layer's user callables, else None.

    ``where`` says what the layer was doing, for the message ("on `object` of shape c(2, 6, 6, 3)").
    """
    callables = layer_records.record_of(layer).user_callables
    if not callables:
        return None
    original = original_exception(error)
    frames = [frame for frame, _ in traceback.walk_tb(original.__traceback__)]
    # The innermost matching frame: a user's activation may call the user's other functions.
    for frame in reversed(frames):
        for argument, value in callables.items():
            if _raised_by(frame, value):
                return _error(argument, layer, where, original)
    return None


def _error(argument: str, layer: keras.layers.Layer, where: str, original: BaseException) -> UserCodeError:
    name = name_text(layer.name)
    head = f"Invalid `{argument}`: your function raised an error in the layer {name} {where}: "
    text = bounded(user_text(original), MAX_MESSAGE_CHARS - len(head) - 1)
    return UserCodeError(f"{head}{text}.", argument, original)


# -- What the user's initializers return -----------------------------------------------------------


def _result_shape(value: Any) -> tuple[int, ...] | None:
    """The shape of a numeric array or tensor (or a value NumPy reads as one); None for anything else."""
    if hasattr(value, "shape") and hasattr(value, "dtype"):
        try:
            numeric = keras.backend.standardize_dtype(value.dtype).startswith(("float", "bfloat", "int", "uint"))
            return tuple(int(size) for size in value.shape) if numeric else None
        except (TypeError, ValueError):
            return None
    try:
        array = np.asarray(value)
    except Exception:  # whatever NumPy cannot read is no array
        return None
    return array.shape if array.dtype.kind in "iuf" else None


def _checked(argument: str, initializer: Callable[..., Any]) -> Callable[..., Any]:
    """``initializer``, whose result must be a numeric array of the shape Keras asks for."""

    def checked(shape: Any, dtype: Any = None, **kwargs: Any) -> Any:
        value = initializer(shape, dtype=dtype, **kwargs)
        got = _result_shape(value)
        wanted = tuple(int(size) for size in shape)
        if got != wanted:
            error = InvalidArgumentType if got is None else InvalidArgument
            received = describe(value) if got is None else f"an array of shape {shape_text(got)}"
            raise error(
                f"Invalid `{argument}`: expected a function returning a numeric array of the shape it is given, "
                f"{shape_text(wanted)}; received one returning {received}.",
                argument,
            )
        return value

    return checked


@contextmanager
def initializers_checked(layer: keras.layers.Layer, callables: Mapping[str, Any] | None = None,
                         initializers: tuple[str, ...] | None = None) -> Iterator[None]:
    """While ``layer`` builds, what the user's initializers return is checked (shape and type), naming them.

    A wrong result would otherwise reach the backend's kernel, which then fails
    on ``object`` (and TensorFlow prints to stderr). The layer's attributes get
    the user's own functions back afterwards, so a saved model stores those.
    """
    if layer.built:  # the usual call of a built layer: nothing to look up
        yield
        return
    if callables is None or initializers is None:
        record = layer_records.record_of(layer)
        callables, initializers = record.user_callables, record.user_initializers
    swapped = {name: callables[name] for name in initializers if getattr(layer, name, None) is callables[name]}
    if not swapped:
        yield
        return
    for name, initializer in swapped.items():
        setattr(layer, name, _checked(name, initializer))
    try:
        yield
    finally:
        for name, initializer in swapped.items():
            setattr(layer, name, initializer)
