"""Importing kerasr_bridge prints none of TensorFlow's start-up lines unless the user asked for them.

Each check imports the package in a fresh interpreter. TF_ENABLE_ONEDNN_OPTS=1
forces the one line TF_CPP_MIN_LOG_LEVEL cannot silence ("oneDNN custom
operations are on", logged before absl is initialised), which TensorFlow
only prints by itself on Intel CPUs. The filter itself is tested in
tests/python/test_startup_line_filter.py.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

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
