"""The generated bad-input matrix (matrix.py), from R and from Python.

Each case asserts, in both languages: the error class, the argument named,
the message rendered for the caller (R's equal to Python's rendered for R),
its bound, and a Sequential model given as object left unchanged.
"""

from __future__ import annotations

import inspect
import re

import keras
import pytest
from matrix import CASES, OBJECT_CASES, MatrixCase, ObjectCase

import kerasr_bridge
from kerasr_bridge import render

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


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input_fails_alike_in_r_and_python(R, case: MatrixCase):
    r = _r_outcome(R, case)
    assert r["alone"] is not None, "R raised no error"
    with render.caller(render.R):
        python_for_r = _python_error(case)
    python_type = type(python_for_r).__name__
    for outcome in (r["alone"], r["in_model"]):
        assert outcome["message"] == str(python_for_r)
        assert list(outcome["class"]) == [
            f"kerasrbridge_{python_type}", "kerasrbridge_error", f"python.builtin.{python_type}",
            "python.builtin.Exception", "error", "condition",
        ]
        assert outcome["call"].startswith(case.function + "(")
    assert r["unchanged"], "the R Sequential model was changed"

    python = _python_error(case)
    assert type(python) is type(python_for_r)
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
    python_type = type(python_for_r).__name__
    assert _unnamed(r["message"]) == _unnamed(str(python_for_r))
    assert list(r["class"]) == [
        f"kerasrbridge_{python_type}", "kerasrbridge_error", f"python.builtin.{python_type}",
        "python.builtin.Exception", "error", "condition",
    ]
    assert r["call"] == f"{case.function}(object, {case.r})"
    assert r["unchanged"], "the R Sequential model was changed"

    object = case.py_object()
    before = object.to_json() if case.sequential else None
    python = _python_error(case, object)
    assert type(python) is type(python_for_r)
    for message in (str(python), str(python_for_r)):
        assert f"`{case.argument}`" in message
        assert len(message) <= render.MAX_MESSAGE_CHARS
        assert "\x1b" not in message
    if case.sequential:
        assert object.to_json() == before


def test_the_matrix_is_large_and_covers_every_argument():
    assert len(CASES) + len(OBJECT_CASES) >= 300
    assert {case.argument for case in OBJECT_CASES} >= {"object", "input_shape", "batch_input_shape", "kernel_size"}
    for rank in (1, 2):
        arguments = {case.argument for case in CASES if case.rank == rank}
        formals = set(inspect.signature(getattr(kerasr_bridge, f"layer_depthwise_conv_{rank}d")).parameters)
        assert formals - {"object", "kwargs"} <= arguments
