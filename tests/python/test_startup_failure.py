"""When Keras or its backend cannot be imported, one short message names the backend, what chose it, what to do.

kerasr_bridge/startup_failure.py stands outside the package's imports (the R
package runs it by path when its Python half cannot be loaded); the fresh R
sessions of tests/backends check the R side end to end.
"""

from __future__ import annotations

import json
import re
import sys

import pytest

from kerasr_bridge import render, startup_failure

PYTHON = "/opt/some/venv/bin/python"


def test_the_backend_keras_will_try_and_what_chose_it(monkeypatch, tmp_path):
    monkeypatch.setenv("KERAS_BACKEND", "jax")
    assert startup_failure.chosen_backend() == ("jax", "chosen by KERAS_BACKEND")
    monkeypatch.delenv("KERAS_BACKEND")
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    assert startup_failure.chosen_backend() == ("tensorflow", "Keras's default")
    (tmp_path / "keras.json").write_text(json.dumps({"backend": "torch"}))
    assert startup_failure.chosen_backend() == ("torch", f"chosen by {tmp_path / 'keras.json'}")
    (tmp_path / "keras.json").write_text("not json")
    assert startup_failure.chosen_backend() == ("tensorflow", "Keras's default")


@pytest.mark.parametrize("language", ["python", "r"])
def test_an_unknown_backend(language):
    error = ValueError("Unable to import backend : bogus")
    kind, message = startup_failure.message_for(error, PYTHON, "bogus", "chosen by KERAS_BACKEND", language)
    assert kind == "ImportError"
    assert message.startswith('Keras has no backend "bogus" (chosen by KERAS_BACKEND): set KERAS_BACKEND to')
    assert ("Sys.setenv()" in message) == (language == "r")
    assert len(message) <= render.MAX_MESSAGE_CHARS


@pytest.mark.parametrize(("backend", "missing"), [("jax", "jax"), ("torch", "torch"), ("tensorflow", "tensorflow")])
def test_a_backend_that_is_not_installed(backend, missing):
    error = ModuleNotFoundError(f"No module named '{missing}'", name=missing)
    kind, message = startup_failure.message_for(error, PYTHON, backend, "chosen by KERAS_BACKEND", "r")
    assert kind == "ModuleNotFoundError"
    assert f'backend "{backend}" (chosen by KERAS_BACKEND) is not installed in this Python' in message
    assert f"`{PYTHON} -m pip install {backend}` adds it" in message
    assert len(message) <= render.MAX_MESSAGE_CHARS


@pytest.mark.parametrize("length", [40, 90, 400])
@pytest.mark.parametrize("chooser", ["chosen by KERAS_BACKEND", "chosen by /home/someone/.keras/keras.json"])
def test_a_long_python_path_keeps_the_message_within_its_bound(length, chooser):
    """A Python path of any length: shown whole where it fits, its start elided where it does not."""
    python = "/opt/" + "p" * (length - 5)
    error = ModuleNotFoundError("No module named 'tensorflow'", name="tensorflow")
    _, message = startup_failure.message_for(error, python, "tensorflow", chooser, "r")
    assert len(message) <= render.MAX_MESSAGE_CHARS
    if length == 40:  # an ordinary path: whole
        assert f"`{python} -m pip install tensorflow`" in message
    if python not in message:  # too long for the bound: its end is kept, its start elided
        kept = re.search(r"`\.\.\.(\S+) -m pip install tensorflow`", message)
        assert kept and python.endswith(kept[1]) and len(kept[1]) >= 8, message
    assert startup_failure.MAX_MESSAGE_CHARS == render.MAX_MESSAGE_CHARS


def test_no_keras_at_all():
    error = ModuleNotFoundError("No module named 'keras'", name="keras")
    kind, message = startup_failure.message_for(error, PYTHON, "tensorflow", "Keras's default", "r")
    assert kind == "ModuleNotFoundError"
    assert message.startswith(f"Keras is not installed in this Python: `{PYTHON} -m pip install keras`")
    assert "install_kerasrbridge()" in message


def test_other_failures_are_left_to_the_general_message():
    """A missing NumPy or a bug of ours is not a backend problem: None, and the R package says what it always said."""
    assert startup_failure.message_for(ModuleNotFoundError("x", name="numpy"), PYTHON, "jax", "c", "r") is None
    assert startup_failure.message_for(RuntimeError("boom"), PYTHON, "tensorflow", "c", "r") is None


def test_a_working_installation_has_no_failure():
    assert startup_failure.failure(sys.executable) is None
