"""kerasr_bridge/startup_failure.py run as the R package runs it: by path, in a Python whose backend is bogus."""

from __future__ import annotations

import subprocess
import sys

from kerasr_bridge import startup_failure


def test_run_by_path_in_a_python_whose_backend_is_bogus(tmp_path):
    """As the R package runs it: runpy.run_path, in a process where KERAS_BACKEND names no backend."""
    code = (
        "import runpy, sys\n"
        f"checker = runpy.run_path({startup_failure.__file__!r})\n"
        "print(checker['failure'](sys.executable, 'r')[1])\n"
    )
    env = {"KERAS_BACKEND": "bogus", "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=300)
    assert run.returncode == 0, run.stderr[-2000:]
    assert run.stdout.startswith('Keras has no backend "bogus" (chosen by KERAS_BACKEND)'), run.stdout
