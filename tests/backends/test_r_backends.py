"""Fresh Rscript sessions on the Keras backend of this run: results convert back to R, quietly.

Each case runs ``check_conversions.R`` in a new R process (R's S3 methods
and reticulate's Python are per process, and the order in which keras3 and
kerasrbridge are attached matters), with the environment of this run:
KERAS_BACKEND, RETICULATE_PYTHON and R_LIBS (the Makefile sets them per
stack). Nothing may be printed on stderr.

keras3 is attached before and after kerasrbridge wherever the stack has it
(the current, jax and torch stacks use .rlib-current); Debian's stack
(reticulate 1.28) cannot install keras3, so there only the session without
keras3 runs. Where the stack promises keras3, its absence fails.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

SCRIPT = Path(__file__).with_name("check_conversions.R")
# Stacks whose R library (.rlib-current) holds keras3.
KERAS3_STACKS = {"current", "jax", "torch"}

pytestmark = pytest.mark.r


def _rscript() -> str:
    rscript = shutil.which("Rscript")
    assert rscript, "Rscript not found on PATH"
    return rscript


def _has_keras3() -> bool:
    stack = os.environ.get("KERASRBRIDGE_STACK", "")
    if stack in KERAS3_STACKS:
        return True
    if stack == "debian":
        return False
    found = subprocess.run(
        [_rscript(), "-e", 'cat(requireNamespace("keras3", quietly = TRUE))'],
        capture_output=True,
        text=True,
        check=False,
    )
    return found.stdout.strip() == "TRUE"


ORDERS = ["none", "before", "after"] if _has_keras3() else ["none"]


@pytest.mark.parametrize("keras3_order", ORDERS)
def test_conversions_in_a_fresh_r_session(keras3_order: str) -> None:
    env = dict(os.environ)
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    backend = env.setdefault("KERAS_BACKEND", "tensorflow")
    run = subprocess.run(
        [_rscript(), "--vanilla", str(SCRIPT), keras3_order],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )
    report = f"stdout:\n{run.stdout}\nstderr:\n{run.stderr}"
    assert run.returncode == 0, report
    assert run.stderr == "", report
    lines = run.stdout.splitlines()
    assert lines[-1] == "ok", report
    assert f"backend {backend} " in lines, report
    methods = dict(line.split()[1:3] for line in lines if line.startswith("method "))
    if keras3_order == "none":
        # Without keras3 every conversion is ours.
        assert set(methods.values()) == {"kerasrbridge"}, report
    else:
        # keras3's own as.array answers for its tensors, whichever was attached first.
        assert methods["as.array"] in {"keras3", "tensorflow"}, report


def _missing_backend(python: str) -> str:
    """A Keras backend whose package this run's Python lacks (each stack lacks at least one)."""
    for backend in ("jax", "torch", "tensorflow"):
        found = subprocess.run([python, "-c", f"import importlib.util as u; print(u.find_spec('{backend}') is None)"],
                               capture_output=True, text=True, check=False, timeout=60)
        if found.stdout.strip() == "True":
            return backend
    pytest.fail(f"{python} has every backend: no missing one to try")


BACKEND_FAILURE = r"""
library(kerasrbridge)
report <- function(e) cat(paste(class(e), collapse = " "), "\n", conditionMessage(e), "\n", sep = "")
tryCatch(layer_depthwise_conv_2d(kernel_size = 3), error = report)
tryCatch(keras$Input(shape = c(4L, 4L, 1L)), error = report)
"""


@pytest.mark.parametrize("choice", ["bogus", "missing"])
def test_a_bogus_or_missing_backend_is_named_in_one_short_error(choice: str) -> None:
    """Not a missing kerasr_bridge: the backend, KERAS_BACKEND that chose it, and what to do, in <= 300 characters;
    the same from the layer function and from `keras`, with nothing else printed."""
    env = dict(os.environ)
    python = env.get("RETICULATE_PYTHON")
    assert python, "RETICULATE_PYTHON is not set (the Makefile sets it per stack)"
    backend = "bogus" if choice == "bogus" else _missing_backend(python)
    env["KERAS_BACKEND"] = backend
    run = subprocess.run([_rscript(), "--vanilla", "-e", BACKEND_FAILURE], capture_output=True, text=True, env=env,
                         timeout=300, check=False, cwd="/")
    report = f"stdout:\n{run.stdout}\nstderr:\n{run.stderr}"
    assert run.returncode == 0, report
    assert run.stderr == "", report
    lines = run.stdout.splitlines()
    assert len(lines) == 4, report
    for classes, message in (lines[0:2], lines[2:4]):
        assert "kerasrbridge_error" in classes.split(), report
        assert f'"{backend}"' in message and "KERAS_BACKEND" in message, report
        assert "kerasr_bridge" not in message and len(message) <= 300, report
    assert lines[1] == lines[3], report
    if choice == "missing":
        assert f"pip install {backend}" in lines[1], report
