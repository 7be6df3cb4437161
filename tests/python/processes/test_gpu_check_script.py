"""benchmarks/gpu_check.sh stops at once, clearly, with status 2 where there is no NVIDIA GPU.

The GPU steps themselves need a GPU (none in CI); `--rehearse-on-cpu` runs them
on the CPU by hand. Here: the paths a machine without a GPU takes, with a stub
`nvidia-smi` standing in for a broken or empty driver.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
SCRIPT = ROOT / "benchmarks" / "gpu_check.sh"


def run(path: str, *args: str) -> tuple[subprocess.CompletedProcess[str], float]:
    env = {**os.environ, "PATH": path}
    start = time.monotonic()
    done = subprocess.run(["bash", str(SCRIPT), *args], env=env, capture_output=True, text=True, timeout=60, cwd=ROOT)
    return done, time.monotonic() - start


def stub(tmp_path: Path, body: str) -> str:
    """A PATH whose nvidia-smi is the given shell script, then the usual directories."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "nvidia-smi"
    fake.write_text("#!/bin/sh\n" + body + "\n")
    fake.chmod(0o755)
    return f"{bin_dir}{os.pathsep}{os.environ['PATH']}"


def test_no_driver_stops_at_once_with_status_2():
    real = shutil.which("nvidia-smi")
    if real is not None and Path(real).parent in (Path("/usr/bin"), Path("/bin")):
        pytest.skip("an NVIDIA driver is installed here: its nvidia-smi cannot be left off the PATH")
    path = os.pathsep.join(d for d in os.environ["PATH"].split(os.pathsep) if not (Path(d) / "nvidia-smi").exists())
    done, seconds = run(path)
    assert done.returncode == 2, done.stdout + done.stderr
    assert "no NVIDIA GPU here: nvidia-smi is not on the PATH" in done.stderr
    assert "--rehearse-on-cpu" in done.stderr
    assert seconds < 5
    assert done.stdout == ""


def test_failing_driver_stops_at_once_with_status_2(tmp_path):
    message = "NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver."
    path = stub(tmp_path, f'echo "{message}"; exit 9')
    done, seconds = run(path)
    assert done.returncode == 2, done.stdout + done.stderr
    assert "no usable NVIDIA GPU here: nvidia-smi failed: NVIDIA-SMI has failed" in done.stderr
    assert seconds < 5


def test_driver_without_devices_stops_at_once_with_status_2(tmp_path):
    done, seconds = run(stub(tmp_path, "exit 0"))
    assert done.returncode == 2, done.stdout + done.stderr
    assert "no NVIDIA GPU here: nvidia-smi lists none." in done.stderr
    assert seconds < 5


def test_unknown_argument_is_refused(tmp_path):
    done, _ = run(os.environ["PATH"], "--gpu-please")
    assert done.returncode == 64
    assert "unknown argument '--gpu-please'" in done.stderr
