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
