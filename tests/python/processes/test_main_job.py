"""The main job end to end, short: examples/main_job.py --epochs 1 trains from Python and from R, and (as
`make demo`) prints none of TensorFlow's start-up lines."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
DRIVER = ROOT / "examples" / "main_job.py"

# Trains from R too (Rscript, kerasrbridge): the JAX and PyTorch runs deselect it.
pytestmark = pytest.mark.r


def r_environment() -> dict[str, str]:
    """The driver's own R environment (RETICULATE_PYTHON, R_LIBS), so the check below
    looks for kerasrbridge where the driver will. Imported here, not at collection:
    the driver imports TensorFlow, which the JAX and PyTorch runs do not have."""
    sys.path.insert(0, str(DRIVER.parent))
    from main_job import r_environment as driver_environment

    return driver_environment()


@pytest.fixture(scope="module")
def r_ready() -> None:
    rscript = shutil.which("Rscript")
    if rscript is None:
        pytest.fail("Rscript not found (make setup installs R)")
    check = subprocess.run(
        [rscript, "-e", 'quit(status = !requireNamespace("kerasrbridge", quietly = TRUE))'],
        env=r_environment(), capture_output=True, timeout=60,
    )
    if check.returncode != 0:
        pytest.fail("the R package kerasrbridge is not installed (make r-package)")


# TensorFlow's start-up lines, which `make demo` must not show (kerasr_bridge/_quiet.py keeps them away when
# kerasr_bridge is imported before keras and TensorFlow, in the driver, in the Python run and in R's Python).
START_UP_LINES = re.compile(
    r"oneDNN custom operations are on|All log messages before absl::InitializeLog|cpu_feature_guard"
    r"|This TensorFlow binary is optimized|^I\d{4} \d\d:\d\d:\d+\.\d+\s+\d+ \S+:\d+\]",
    re.M,
)


@pytest.fixture(scope="module")
def main_job(r_ready, tmp_path_factory) -> tuple[subprocess.CompletedProcess[str], Path]:
    """One epoch of the main job, run as `make demo` runs it: in a user's environment, without
    TF_CPP_MIN_LOG_LEVEL (the Makefile's and pytest's own setting left out). TF_ENABLE_ONEDNN_OPTS=1
    makes TensorFlow print its oneDNN line on every CPU, not only on Intel's, so its absence means something."""
    out_dir = tmp_path_factory.mktemp("main_job")
    env = {key: value for key, value in r_environment().items() if key != "TF_CPP_MIN_LOG_LEVEL"}
    env["TF_ENABLE_ONEDNN_OPTS"] = "1"
    done = subprocess.run(
        [sys.executable, str(DRIVER), "--epochs", "1", "--out-dir", str(out_dir)],
        env=env, capture_output=True, text=True, timeout=240, cwd=ROOT,
    )
    assert done.returncode == 0, f"stdout:\n{done.stdout}\nstderr:\n{done.stderr}"
    return done, out_dir


def test_main_job_one_epoch(main_job):
    done, tmp_path = main_job
    out = done.stdout
    # Both paths ran, each printing parameters, accuracy and time per epoch.
    for language in ("Python", "R"):
        assert re.search(rf"^\[{language}\] parameters: \d+$", out, re.M), out
        assert re.search(rf"^\[{language}\] test accuracy: [01]\.\d{{4}} ", out, re.M), out
        assert re.search(rf"^\[{language}\] time per epoch: \d+\.\d+ s", out, re.M), out
        assert re.search(rf"^{language} test accuracy: [01]\.\d{{4}} ", out, re.M), out
    # Same seed, op determinism, shuffle off and the same initial weights: bit-identical models.
    assert re.search(r"^max abs weight difference .*: 0\.0$", out, re.M), out
    assert "the R-trained and Python-trained models are bit-identical" in out
    png = tmp_path / "main_job.png"
    assert png.is_file()
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert png.stat().st_size > 50_000
    for name in ("init.npz", "python.keras", "r.keras", "python.json", "r.json"):
        assert (tmp_path / "main_job" / name).is_file()


def test_main_job_prints_no_tensorflow_start_up_line(main_job):
    """Neither the driver nor the Python run nor the R run (whose Python imports TensorFlow too) lets
    TensorFlow's start-up lines through: the demo shows its own lines only."""
    done, _ = main_job
    shown = START_UP_LINES.findall(done.stdout + done.stderr)
    assert not shown, f"TensorFlow's start-up lines reached the terminal: {shown}\nstderr:\n{done.stderr[-3000:]}"
