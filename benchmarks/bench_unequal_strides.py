"""Unequal strides against the native equal-stride convolution of the same arithmetic; prints Markdown tables.

    .venv/bin/python benchmarks/bench_unequal_strides.py           # this process's settings (oneDNN as TF decides)
    .venv/bin/python benchmarks/bench_unequal_strides.py --both    # also with TF_ENABLE_ONEDNN_OPTS=0 (no oneDNN)

Workload: ``UnequalStridesDepthwiseConv2D(3, strides=(2, 1), padding="same")`` on
32x128x64x32 against ``keras.layers.DepthwiseConv2D(3)`` (strides (1, 1), padding "same") on 32x64x64x32:
both give 32x64x64x32 and do the same multiply-adds. The gcd route the layer used before (kept here as
``GcdRouteDepthwiseConv2D``, the reference of record) runs in the same loop, for before/after.

Timing: the three variants run interleaved in one loop (the order reversed every other repetition), each
call on a freshly made input tensor (made outside the timed region), after one untimed warm-up call each.
Reported: medians over repetitions and the median of the per-repetition ratios against the native layer
(paired, so the shared machine's drifting load cancels out), with its interquartile range. The load average
(``uptime``) before and after is printed beside the figures.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    # Run from a checkout without installing the package.
    sys.path.insert(0, str(ROOT))

import keras  # noqa: E402
import numpy as np  # noqa: E402

from kerasr_bridge import UnequalStridesDepthwiseConv2D, geometry  # noqa: E402

BATCH, ROWS, COLS, CHANNELS = 32, 64, 64, 32


class GcdRouteDepthwiseConv2D(UnequalStridesDepthwiseConv2D):
    """The gcd route, the only one before the phase route (still taken for dilation > 1 and non-finite input):
    convolve at gcd(strides) over the padded input, keep every k-th row/column."""

    def call(self, inputs: Any) -> Any:
        spatial = geometry.spatial_sizes(inputs.shape, self.data_format)
        return self._bias_and_activation(self._gcd_route(inputs, spatial))


def cpu_model() -> str:
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return "unknown (lscpu failed)"
    for line in out.splitlines():
        if line.startswith("Model name:"):
            return line.split(":", 1)[1].strip()
    return "unknown"


def load() -> str:
    with open("/proc/loadavg") as handle:
        return " ".join(handle.read().split()[:3])


def quartiles(values: list[float]) -> tuple[float, float]:
    q = statistics.quantiles(values, n=4)
    return q[0], q[2]


def run(dtype: str, reps: int, rng: np.random.Generator) -> list[str]:
    kernel = rng.standard_normal((3, 3, CHANNELS, 1)).astype(dtype)
    bias = rng.standard_normal(CHANNELS).astype(dtype)
    native = keras.layers.DepthwiseConv2D(3, padding="same", dtype=dtype)
    ours = UnequalStridesDepthwiseConv2D(3, strides=(2, 1), padding="same", dtype=dtype)
    old = GcdRouteDepthwiseConv2D(3, strides=(2, 1), padding="same", dtype=dtype)
    shapes = {
        "native": (BATCH, ROWS, COLS, CHANNELS),
        "ours": (BATCH, 2 * ROWS, COLS, CHANNELS),
        "old": (BATCH, 2 * ROWS, COLS, CHANNELS),
    }
    layers = {"native": native, "ours": ours, "old": old}
    for layer in layers.values():
        layer.build(shapes["native"])
        layer.set_weights([kernel, bias])

    def fresh(name: str) -> Any:
        return keras.ops.convert_to_tensor(rng.random(shapes[name], dtype=np.float32).astype(dtype, copy=False))

    # Agreement first: ours against the gcd route on one input.
    x = fresh("ours")
    difference = float(np.max(np.abs(keras.ops.convert_to_numpy(ours(x)) - keras.ops.convert_to_numpy(old(x)))))
    for name, layer in layers.items():  # warm-up (first-call costs), untimed
        layer(fresh(name))
    times: dict[str, list[float]] = {name: [] for name in layers}
    order = list(layers)
    for rep in range(reps):
        for name in order if rep % 2 == 0 else order[::-1]:
            x = fresh(name)
            start = time.perf_counter()
            out = layers[name](x)
            keras.ops.convert_to_numpy(out[:1, :1, :1, :1])  # the result exists (TF eager on the CPU is synchronous)
            times[name].append(time.perf_counter() - start)
    rows = []
    for name, label in (
        ("native", "native `DepthwiseConv2D(3)`, strides (1, 1), on 32x64x64x32"),
        ("ours", "ours: `UnequalStridesDepthwiseConv2D`, strides (2, 1), on 32x128x64x32"),
        ("old", "before: the gcd route, strides (2, 1), on 32x128x64x32"),
    ):
        ratios = [a / b for a, b in zip(times[name], times["native"])]
        low, high = quartiles(ratios)
        ratio = "" if name == "native" else f"{statistics.median(ratios):.2f} [{low:.2f}, {high:.2f}]"
        rows.append(f"| {dtype} | {label} | {statistics.median(times[name]) * 1e3:.2f} ms | {ratio} |")
    rows.append(f"| {dtype} | max abs difference, ours vs the gcd route | {difference:.1e} | |")
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--reps", type=int, default=15, help="paired repetitions (default 15; at least 11)")
    parser.add_argument("--both", action="store_true", help="run twice: as set now, and with TF_ENABLE_ONEDNN_OPTS=0")
    args = parser.parse_args()
    if args.both:
        for value in (os.environ.get("TF_ENABLE_ONEDNN_OPTS"), "0"):
            env = dict(os.environ)
            if value is None:
                env.pop("TF_ENABLE_ONEDNN_OPTS", None)
            else:
                env["TF_ENABLE_ONEDNN_OPTS"] = value
            subprocess.run([sys.executable, __file__, "--reps", str(args.reps)], env=env, check=True)
        return
    import tensorflow as tf

    onednn = os.environ.get("TF_ENABLE_ONEDNN_OPTS", "unset (TensorFlow's default)")
    print(f"\n### CPU: {cpu_model()}; TF_ENABLE_ONEDNN_OPTS={onednn}\n")
    print(
        f"TensorFlow {tf.__version__}, Keras {keras.__version__}, NumPy {np.__version__}; "
        f"{os.cpu_count()} CPUs; {args.reps} paired repetitions; load average before: {load()}\n"
    )
    print("| dtype | variant | median | ratio to native [IQR] |")
    print("|---|---|---|---|")
    rng = np.random.default_rng(18)
    for dtype in ("float32", "float64"):
        for row in run(dtype, args.reps, rng):
            print(row, flush=True)
    print(f"\nload average after: {load()}")


if __name__ == "__main__":
    main()
