"""benchmarks/bench_python.py --quick runs and prints its tables (no timing is asserted).

The benchmark measures TensorFlow's execution modes (eager, tf.function, XLA)
against raw ``tf.nn`` calls, so it is TensorFlow-specific; the backend is the
one this run uses, not forced.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.tensorflow_only
def test_bench_python_quick_prints_the_tables():
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2"}
    result = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "bench_python.py"), "--quick"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    out = result.stdout
    for heading in (
        "### (a) Call overhead",
        "### (b) Data path",
        "### (c) Compute",
        "#### W1",
        "#### W2",
        "#### W3",
        "### (d) Separable layers",
    ):
        assert heading in out, heading
    assert "Device: " in out
    for row in (
        "| construct + call on 1x8x8x4 float32 |",
        "| construct only |",
        "| forward | ours, XLA |",
        "| 2D: construct + call on 1x8x8x4 float32 |",
        "| 2D: construct only |",
    ):
        assert row in out, row
    # Every table is well formed: a header, a separator, then rows of the same width.
    blocks = [block for block in out.split("\n\n") if block.startswith("| ")]
    assert len(blocks) >= 7
    for block in blocks:
        lines = block.strip().splitlines()
        widths = {line.count("|") for line in lines}
        assert len(lines) >= 3 and len(widths) == 1, block
        assert set(lines[1]) <= set("|-")
