"""Importing kerasr_bridge prints none of TensorFlow's start-up lines unless the user asked for them (issue 11.8).

Each check imports the package in a fresh interpreter. TF_ENABLE_ONEDNN_OPTS=1
forces the one line TF_CPP_MIN_LOG_LEVEL cannot silence ("oneDNN custom
operations are on", logged before absl is initialised), which TensorFlow
only prints by itself on Intel CPUs.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from kerasr_bridge._quiet import filter_startup_lines

ONEDNN_LINE = "oneDNN custom operations are on"
SCRIPT = "import os, kerasr_bridge; print(os.environ.get('TF_CPP_MIN_LOG_LEVEL'))"


def _import_in_subprocess(level: str | None, **extra: str) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if key != "TF_CPP_MIN_LOG_LEVEL"}
    env.update(extra)
    if level is not None:
        env["TF_CPP_MIN_LOG_LEVEL"] = level
    result = subprocess.run([sys.executable, "-c", SCRIPT], env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    return result


@pytest.mark.parametrize("onednn", ["1", None], ids=["onednn-forced-on", "onednn-default"])
def test_import_is_silent_when_the_user_set_no_level(onednn):
    extra = {"TF_ENABLE_ONEDNN_OPTS": onednn} if onednn else {}
    result = _import_in_subprocess(None, **extra)
    assert result.stderr == ""
    # The quiet default is set for the process (and the processes it starts), INFO only.
    assert result.stdout.strip() == "1"


@pytest.mark.tensorflow_only
def test_an_explicit_level_0_lets_the_start_up_lines_through():
    result = _import_in_subprocess("0", KERAS_BACKEND="tensorflow", TF_ENABLE_ONEDNN_OPTS="1")
    assert ONEDNN_LINE in result.stderr
    assert result.stdout.strip() == "0"


@pytest.mark.tensorflow_only
def test_an_explicit_level_2_also_silences_the_onednn_line():
    result = _import_in_subprocess("2", KERAS_BACKEND="tensorflow", TF_ENABLE_ONEDNN_OPTS="1")
    assert result.stderr == ""
    assert result.stdout.strip() == "2"


ABSL_PREAMBLE = "WARNING: All log messages before absl::InitializeLog() is called are written to STDERR\n"
INFO_ONEDNN = (
    "I0000 00:00:1795698646.215519   29336 port.cc:153] oneDNN custom operations are on. You may see slightly "
    "different numerical results due to floating-point round-off errors.\n"
)
INFO_CPU = (
    "I0000 00:00:1795698646.504739   29336 cpu_feature_guard.cc:227] This TensorFlow binary is optimized to use "
    "available CPU instructions in performance-critical operations.\n"
    "To enable the following instructions: AVX2 FMA, in other operations, rebuild TensorFlow with the appropriate "
    "compiler flags.\n"
)
TSL_WARNING = "2024-01-01 12:00:00.000000: W tensorflow/core/util/port.cc:113] something to warn about\n"
TSL_ERROR = "2024-01-01 12:00:00.000001: E external/local_xla/xla/stream_executor/cuda/cuda_dnn.cc:1] an error\n"
OTHER = "/somewhere/module.py:3: UserWarning: a Python warning raised during import\n  warnings.warn(...)\n"


def test_the_filter_keeps_what_the_level_does_not_hide():
    text = ABSL_PREAMBLE + INFO_ONEDNN + INFO_CPU + TSL_WARNING + OTHER + TSL_ERROR
    assert filter_startup_lines(text, 0) == text
    assert filter_startup_lines(text, 1) == TSL_WARNING + OTHER + TSL_ERROR
    assert filter_startup_lines(text, 2) == OTHER + TSL_ERROR
    assert filter_startup_lines(text, 3) == OTHER


def test_the_filter_drops_a_continuation_line_only_after_a_dropped_line():
    continuation = INFO_CPU.splitlines(keepends=True)[1]
    assert filter_startup_lines(continuation, 1) == continuation
    assert filter_startup_lines(OTHER + continuation, 1) == OTHER + continuation
