"""Bad input fails alike in R and Python: the same message, the same classes, the argument named.

The cases come from bad_inputs.py. Each asserts, in both languages: the error
class (R's classes are Python's builtin ValueError or TypeError, as they have
always been; Python's error is our typed InvalidArgument/InvalidArgumentType
carrying the argument), the argument named, the message rendered for the
caller (R's equal to Python's rendered for R), its bound, the user's call in
R, and a Sequential model given as object left unchanged.
"""

from __future__ import annotations

import inspect
import re

import keras
import pytest
from bad_inputs import CASES, HANDWRITTEN_CASES, OBJECT_CASES, BadInput, MatrixCase, ObjectCase
from layer_cases import depthwise_function

import kerasr_bridge
from kerasr_bridge import render
from kerasr_bridge.declarations import DECLARATIONS
from kerasr_bridge.errors import INVALID
from kerasr_bridge.extra_arguments import EXTRA_ARGUMENTS

INPUT_SHAPES = {1: (10, 3), 2: (8, 8, 3)}


def _r_outcome(R, case: MatrixCase) -> dict:
    shape = ", ".join(f"{n}L" for n in INPUT_SHAPES[case.rank])
    return R(
        f"""
        outcome <- function(e) if (is.null(e)) NULL else
          list(message = conditionMessage(e), class = class(e), call = deparse1(conditionCall(e)))
        alone <- tryCatch({{ {case.function}({case.r}); NULL }}, error = identity)
        model <- keras$Sequential(list(keras$Input(shape = c({shape}))))
        before <- model$to_json()
        in_model <- tryCatch({{ {case.function}(model, {case.r}); NULL }}, error = identity)
        list(alone = outcome(alone), in_model = outcome(in_model), unchanged = identical(before, model$to_json()))
        """
    )


def _python_error(case: MatrixCase | ObjectCase, object=None) -> Exception:
    with pytest.raises((TypeError, ValueError)) as raised:
        getattr(kerasr_bridge, case.function)(object, **case.py)
    return raised.value


def r_classes(error: Exception) -> list[str]:
    """The classes R gives ``error``: named after its builtin class (ValueError, TypeError), never ours."""
    assert isinstance(error, INVALID), f"not one of our typed errors: {type(error).__name__}: {error}"
    builtin = next(cls.__name__ for cls in type(error).__mro__ if cls.__module__ == "builtins")
    return [
        f"kerasrbridge_{builtin}", "kerasrbridge_error", f"python.builtin.{builtin}",
        "python.builtin.Exception", "error", "condition",
    ]


def names_argument(error: Exception, argument: str) -> bool:
    """The error carries ``argument`` (alone, or among the arguments of a joint error)."""
    return argument in error.argument.split(" and ")


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input_fails_alike_in_r_and_python(R, case: MatrixCase):
    r = _r_outcome(R, case)
    assert r["alone"] is not None, "R raised no error"
    with render.caller(render.R):
        python_for_r = _python_error(case)
    for outcome in (r["alone"], r["in_model"]):
        assert outcome["message"] == str(python_for_r)
        assert list(outcome["class"]) == r_classes(python_for_r)
        assert outcome["call"].startswith(case.function + "(")
    assert r["unchanged"], "the R Sequential model was changed"

    python = _python_error(case)
    assert type(python) is type(python_for_r)
    assert names_argument(python, case.argument), python.argument
    for message in (str(python), str(python_for_r)):
        assert f"`{case.argument}`" in message
        assert len(message) <= render.MAX_MESSAGE_CHARS
    model = keras.Sequential([keras.Input(INPUT_SHAPES[case.rank])])
    before = model.to_json()
    assert str(_python_error(case, model)) == str(python)
    assert model.to_json() == before


def _unnamed(message: str) -> str:
    """``message`` with auto-generated layer and model names (a per-process counter) made alike."""
    return re.sub(r"'(depthwise_conv[12]d|sequential)(_\d+)?'", "'<name>'", message)


@pytest.mark.parametrize("case", OBJECT_CASES, ids=[c.id for c in OBJECT_CASES])
def test_bad_object_or_contradiction_fails_alike_in_r_and_python(R, case: ObjectCase):
    r = R(
        f"""
        object <- {case.r_object}
        before <- if (inherits(object, "keras.src.models.sequential.Sequential")) object$to_json()
        e <- tryCatch({{ {case.function}(object, {case.r}); NULL }}, error = identity)
        if (is.null(e)) NULL else list(
          message = conditionMessage(e), class = class(e), call = deparse1(conditionCall(e)),
          unchanged = is.null(before) || identical(before, object$to_json()))
        """
    )
    assert r is not None, "R raised no error"
    with render.caller(render.R):
        python_for_r = _python_error(case, case.py_object())
    assert _unnamed(r["message"]) == _unnamed(str(python_for_r))
    assert list(r["class"]) == r_classes(python_for_r)
    assert r["call"] == f"{case.function}(object, {case.r})"
    assert r["unchanged"], "the R Sequential model was changed"

    object = case.py_object()
    before = object.to_json() if case.sequential else None
    python = _python_error(case, object)
    assert type(python) is type(python_for_r)
    assert names_argument(python, case.argument), python.argument
    for message in (str(python), str(python_for_r)):
        assert f"`{case.argument}`" in message
        assert len(message) <= render.MAX_MESSAGE_CHARS
        assert "\x1b" not in message
    if case.sequential:
        assert object.to_json() == before


def test_the_bad_inputs_are_many_and_cover_every_argument():
    assert len(CASES) + len(OBJECT_CASES) >= 300
    assert len(HANDWRITTEN_CASES) >= 60
    assert {case.argument for case in OBJECT_CASES} >= {"object", "input_shape", "batch_input_shape", "kernel_size"}
    for declaration in DECLARATIONS.values():
        arguments = {case.argument for case in CASES if case.function == declaration.name}
        formals = set(inspect.signature(getattr(kerasr_bridge, declaration.name)).parameters)
        assert formals - {"object", "kwargs"} <= arguments
        assert set(EXTRA_ARGUMENTS) <= arguments | {"batch_input_shape", "batch_size"}


@pytest.mark.parametrize("case", HANDWRITTEN_CASES, ids=[c.id for c in HANDWRITTEN_CASES])
def test_bad_inputs_fail_alike_in_both_languages(R, case: BadInput):
    """R's message is exactly Python's, rendered for R; it names the argument; R's classes and call are set."""
    function = depthwise_function(case.rank)
    r_error = R(
        f"e <- tryCatch({{ {function}({case.r}); NULL }}, error = identity)\n"
        "if (is.null(e)) NULL else\n"
        "  list(message = conditionMessage(e), class = class(e), call = deparse1(conditionCall(e)))"
    )
    assert r_error is not None, "R raised no error"
    assert f"`{case.argument}`" in r_error["message"]
    assert r_error["call"].startswith(function + "(")
    with render.caller(render.R), pytest.raises((TypeError, ValueError)) as raised:
        getattr(kerasr_bridge, function)(**case.py)
    assert r_error["message"] == str(raised.value)
    assert list(r_error["class"]) == r_classes(raised.value)
    assert names_argument(raised.value, case.argument), raised.value.argument
    assert len(r_error["message"]) <= render.MAX_MESSAGE_CHARS


def test_bad_layer_leaves_the_r_sequential_unchanged(R):
    counts = R(
        """
        model <- keras$Sequential(list(keras$Input(shape = c(6L, 6L, 2L)))) |> layer_depthwise_conv_2d(kernel_size = 3)
        before <- length(model$layers)
        failed <- inherits(try(layer_depthwise_conv_2d(model, kernel_size = 3,
                   weights = list(array(0, c(3, 3, 5, 1)), array(0, 5))), silent = TRUE), "try-error")
        wrong_rank <- inherits(try(layer_depthwise_conv_1d(model, kernel_size = 3), silent = TRUE), "try-error")
        list(failed = failed, wrong_rank = wrong_rank, before = before, after = length(model$layers),
             output = unlist(model$output_shape))
        """
    )
    assert counts["failed"] and counts["wrong_rank"]
    assert counts["before"] == counts["after"] == 1
    assert list(counts["output"]) == [4, 4, 2]


def test_errors_report_the_users_call(R):
    call = R.run("deparse(tryCatch(layer_depthwise_conv_2d(kernel_size = 2.5), error = conditionCall))")
    assert "".join(call) == "layer_depthwise_conv_2d(kernel_size = 2.5)"


def test_every_bad_input_has_its_own_id():
    """One source: no case is written twice (ids name the case in test reports, from R and from Python)."""
    ids = [case.id for case in (*CASES, *OBJECT_CASES, *HANDWRITTEN_CASES)]
    assert len(ids) == len(set(ids)), sorted({i for i in ids if ids.count(i) > 1})
