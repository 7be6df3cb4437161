"""Data-parallel training of our layers on the engines Keras already has, against one device.

Each check runs in a fresh process (tests/distribution/fit_check.py or the
multi-worker example): the replicas' devices must be declared before the
backend initialises, which in this pytest process has long happened.

- KERAS_BACKEND=tensorflow: ``tf.distribute.MirroredStrategy`` over 2 logical
  CPU devices with ``fit()``, and examples/multiworker_custom_loop.py
  (``MultiWorkerMirroredStrategy``, 2 worker processes on 127.0.0.1, custom loop).
- KERAS_BACKEND=jax: ``keras.distribution.DataParallel`` over 2 host devices.

The model holds our layers in their four kinds (plain, channels_first with a
bias, unequal strides (2, 1), 1D). The distributed run starts from the single
run's initial weights, with the same data and batches: with the loss averaged
over the global batch, the summed replica gradients are the single device's
gradients, so the weights agree up to float rounding. A missing backend fails
these tests; they only do not apply under another backend.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import psutil
import pytest

ROOT = Path(__file__).resolve().parents[3]
FIT_CHECK = ROOT / "tests" / "distribution" / "fit_check.py"
MULTIWORKER = ROOT / "examples" / "multiworker_custom_loop.py"
BACKEND = os.environ.get("KERAS_BACKEND", "tensorflow")
# Observed: differences of about 1e-7 after 8 steps that move every array by 0.02 or more.
ATOL = 1e-6
MIN_CHANGE = 1e-3


def child_environment() -> dict[str, str]:
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2", "PYTHONUNBUFFERED": "1"}
    # The children declare their own devices and backend; nothing of ours leaks in.
    for name in ("XLA_FLAGS", "JAX_ENABLE_X64", "JAX_PLATFORMS", "TF_CONFIG"):
        env.pop(name, None)
    return env


def run_fit_check(engine: str, tmp_path: Path) -> tuple[dict[str, Any], Any]:
    out = tmp_path / f"{engine}.npz"
    done = subprocess.run(
        [sys.executable, str(FIT_CHECK), "--engine", engine, "--out", str(out)],
        env=child_environment(), capture_output=True, text=True, timeout=300, cwd=ROOT,
    )
    assert done.returncode == 0, f"stdout:\n{done.stdout[-4000:]}\nstderr:\n{done.stderr[-4000:]}"
    info = json.loads(done.stdout.strip().splitlines()[-1])
    return info, np.load(out)


def assert_same_training(info: dict[str, Any], arrays: Any) -> None:
    count = len([key for key in arrays.files if key.startswith("single_")])
    assert count == len([key for key in arrays.files if key.startswith("distributed_")]) == 10
    changes = []
    for i in range(count):
        single, distributed = arrays[f"single_{i}"], arrays[f"distributed_{i}"]
        np.testing.assert_allclose(distributed, single, rtol=0, atol=ATOL, err_msg=f"weight {i}")
        changes.append(float(np.max(np.abs(single - arrays[f"initial_{i}"]))))
    # Training moved every array by much more than the tolerance: agreement is not trivial.
    assert min(changes) > MIN_CHANGE, changes
    np.testing.assert_allclose(info["distributed_loss"], info["single_loss"], rtol=1e-5)
    assert info["single_loss"][-1] < info["single_loss"][0]
    assert info["replicas"] == 2, info
    assert info["kernel_copies"] == 2, info


@pytest.mark.tensorflow_only
def test_mirrored_strategy_fit_matches_one_device(tmp_path):
    info, arrays = run_fit_check("mirrored", tmp_path)
    assert info["backend"] == "tensorflow"
    assert_same_training(info, arrays)
    assert info["devices"] == [f"/job:localhost/replica:0/task:0/device:CPU:{i}" for i in range(2)]
    # Our registered subclasses (channels_first bias, unequal strides) ran as mirrored layers too.
    assert {"ChannelsFirstDepthwiseConv2D", "UnequalStridesDepthwiseConv2D"} <= set(info["layer_classes"]), info


@pytest.mark.jax_only
def test_jax_data_parallel_fit_matches_one_device(tmp_path):
    info, arrays = run_fit_check("data_parallel", tmp_path)
    assert info["backend"] == "jax"
    assert_same_training(info, arrays)
    assert len(set(info["devices"])) == 2 and all("cpu" in device.lower() for device in info["devices"]), info
    assert info["data_layout"] == ["batch", None, None, None], info


def example_children(marker: str) -> list[psutil.Process]:
    """Processes (ours) whose command line names ``marker``: the example's children write there."""
    found = []
    for process in psutil.process_iter(["cmdline"]):
        if any(marker in part for part in process.info["cmdline"] or ()):
            found.append(process)
    return found


@pytest.mark.tensorflow_only
def test_multiworker_example_agrees_with_one_process(tmp_path):
    # 2 workers and the reference, 3 TensorFlow processes at once: about 7 s on 2 idle cores.
    done = subprocess.run(
        [sys.executable, str(MULTIWORKER), "--timeout", "200", "--keep", str(tmp_path)],
        env=child_environment(), capture_output=True, text=True, timeout=240, cwd=ROOT,
    )
    assert done.returncode == 0, f"stdout:\n{done.stdout[-6000:]}\nstderr:\n{done.stderr[-4000:]}"
    out = done.stdout
    # The time docs/scaling-out.md states for it (tests/docs holds the example's header to the same), with room
    # for a machine shared with other work.
    stated = re.search(r"takes about (\d+) s on 2 idle cores",
                       " ".join((ROOT / "docs" / "scaling-out.md").read_text().split()))
    wall = re.search(r"wall time: ([\d.]+) s", out)
    assert stated and wall and float(wall[1]) <= 5 * float(stated[1]), (stated, wall)
    assert "replicas in sync (workers): 2\n" in out, out
    assert "max |worker0 - worker1|: 0\n" in out, out
    assert "the workers and the single-process run agree" in out, out
    assert not example_children(str(tmp_path))
    for name in ("worker0", "worker1", "single"):
        assert (tmp_path / f"{name}.npz").is_file()


@pytest.mark.tensorflow_only
def test_multiworker_example_stops_its_workers_at_the_deadline(tmp_path):
    # Far too short for TensorFlow to even start: the launcher must give up and end every child.
    done = subprocess.run(
        [sys.executable, str(MULTIWORKER), "--timeout", "2", "--keep", str(tmp_path)],
        env=child_environment(), capture_output=True, text=True, timeout=60, cwd=ROOT,
    )
    assert done.returncode == 2, done.stdout + done.stderr
    assert "FAILED: deadline passed with" in done.stdout
    assert not example_children(str(tmp_path))
