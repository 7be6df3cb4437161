"""Unequal strides: each route of UnequalStridesDepthwiseConv2D against its baseline, side by side; prints Markdown.

    .venv/bin/python benchmarks/bench_unequal_strides.py           # this process's settings (oneDNN as TF decides)
    .venv/bin/python benchmarks/bench_unequal_strides.py --both    # also with TF_ENABLE_ONEDNN_OPTS=0 (no oneDNN)
    KERAS_BACKEND=jax .venv-jax/bin/python benchmarks/bench_unequal_strides.py      # plain Keras vs the phase
    KERAS_BACKEND=torch .venv-torch/bin/python benchmarks/bench_unequal_strides.py  # route, on JAX / PyTorch

Workload: ``UnequalStridesDepthwiseConv2D(3, strides=(2, 1), padding="same")`` on 32x128x64x32 ("ours", the
route it decides), against

- plain ``keras.layers.DepthwiseConv2D(3, strides=(2, 1))`` at the same strides, where TensorFlow computes them
  (forward, and forward + backward: the gradients of a sum over the input and the kernel);
- the native ``keras.layers.DepthwiseConv2D(3)`` at strides (1, 1) on 32x64x64x32: the same output size and the
  same multiply-adds, which TensorFlow always computes (the baseline where it refuses unequal strides);
- the phase and gcd routes forced (``forced_route``), for before/after;
- in float16, ours on ones (their sum overflows float16) against ours on 1e-3 (it does not);
- the first call at strides (31, 32) on 1x256x256x1 against equal strides (31, 31), each in a fresh process;
- the phase route against the gcd route as the number of phases grows (where MOST_PHASE_CONVS comes from).

Timing: the variants of one table run interleaved in one loop (the order reversed every other repetition),
each call on a freshly made input tensor (made outside the timed region), after one untimed warm-up call each.
Reported: medians over repetitions and the median of the per-repetition ratios against the baseline (paired,
so the shared machine's drifting load cancels out), with its interquartile range. The load average
(``uptime``) before and after is printed beside the figures.
"""

from __future__ import annotations

import argparse
import contextlib
import math
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

from kerasr_bridge import unequal_strides  # noqa: E402
from kerasr_bridge.unequal_strides import UnequalStridesDepthwiseConv2D, forced_route  # noqa: E402

BATCH, ROWS, COLS, CHANNELS = 32, 64, 64, 32
UNEQUAL = (BATCH, 2 * ROWS, COLS, CHANNELS)
EQUAL = (BATCH, ROWS, COLS, CHANNELS)
BACKEND = keras.backend.backend()


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


class Variant:
    """One timed thing: a call on a fresh input of ``shape``, under ``route`` (None: as the layer decides)."""

    def __init__(self, label: str, layer: Any, shape: tuple[int, ...], dtype: str, backward: bool = False,
                 route: str | None = None, fill: float | None = None) -> None:
        self.label, self.layer, self.shape, self.dtype = label, layer, shape, dtype
        self.backward, self.route, self.fill = backward, route, fill
        self.taken = "plain Keras"  # the route ours took on its last call

    def fresh(self, rng: np.random.Generator) -> Any:
        values = np.full(self.shape, self.fill) if self.fill is not None else rng.random(self.shape)
        return keras.ops.convert_to_tensor(values.astype(self.dtype))

    def __call__(self, x: Any) -> Any:
        with forced_route(self.route) if self.route else contextlib.nullcontext():
            if not self.backward:
                out = self.layer(x)
            else:
                import tensorflow as tf

                with tf.GradientTape() as tape:
                    tape.watch(x)
                    total = tf.reduce_sum(self.layer(x))
                out = tape.gradient(total, [x, self.layer.kernel])[0]
        self.taken = getattr(self.layer, "last_route", self.taken)
        return out


def layers(dtype: str, kernel: np.ndarray, bias: np.ndarray) -> dict[str, Any]:
    made = {
        "plain": keras.layers.DepthwiseConv2D(3, strides=(2, 1), padding="same", dtype=dtype),
        "native 1x1": keras.layers.DepthwiseConv2D(3, padding="same", dtype=dtype),
        "ours": UnequalStridesDepthwiseConv2D(3, strides=(2, 1), padding="same", dtype=dtype),
    }
    for layer in made.values():
        layer.build(EQUAL)
        layer.set_weights([kernel, bias])
    return made


def timed(variants: list[Variant], reps: int, rng: np.random.Generator) -> list[list[float]]:
    for variant in variants:  # warm-up (first-call costs), untimed
        variant(variant.fresh(rng))
    times: list[list[float]] = [[] for _ in variants]
    order = list(range(len(variants)))
    for rep in range(reps):
        for index in order if rep % 2 == 0 else order[::-1]:
            x = variants[index].fresh(rng)
            start = time.perf_counter()
            out = variants[index](x)
            keras.ops.convert_to_numpy(out[:1, :1, :1, :1])  # the result exists (eager CPU calls are synchronous)
            times[index].append(time.perf_counter() - start)
    return times


def table(title: str, variants: list[Variant], reps: int, rng: np.random.Generator,
          target: tuple[str, float] | None = None) -> None:
    """Times ``variants`` interleaved; ratios against the first (the baseline)."""
    times = timed(variants, reps, rng)
    print(f"\n{title}\n")
    print("| variant | route taken | median | ratio to the first [IQR] |")
    print("|---|---|---|---|")
    for variant, samples in zip(variants, times):
        ratios = [a / b for a, b in zip(samples, times[0])]
        low, high = quartiles(ratios)
        ratio = "" if variant is variants[0] else f"{statistics.median(ratios):.2f} [{low:.2f}, {high:.2f}]"
        print(f"| {variant.label} | {variant.taken} | {statistics.median(samples) * 1e3:.2f} ms | {ratio} |")
    if target is not None:
        label, bound = target
        ratio = statistics.median([a / b for a, b in zip(times[1], times[0])])
        print(f"\ntarget: {label} <= {bound}: {ratio:.2f}, {'met' if ratio <= bound else 'not met'}", flush=True)


def plain_computes(layer: Any, shape: tuple[int, ...], dtype: str) -> bool:
    try:
        layer(np.zeros(shape, dtype))
    except Exception as error:  # TensorFlow: "only supports equal length strides"
        if "equal length strides" not in str(error):
            raise
        return False
    return True


def dtype_tables(dtype: str, reps: int, rng: np.random.Generator) -> None:
    kernel = rng.standard_normal((3, 3, CHANNELS, 1)).astype(dtype)
    bias = rng.standard_normal(CHANNELS).astype(dtype)
    made = layers(dtype, kernel, bias)
    x = rng.random(UNEQUAL).astype(dtype)
    with forced_route("gcd"):
        exact = keras.ops.convert_to_numpy(made["ours"](x)).astype(np.float64)
    difference = float(np.max(np.abs(keras.ops.convert_to_numpy(made["ours"](x)).astype(np.float64) - exact)))
    route = made["ours"].last_route
    print(f"\n#### {dtype}: ours takes the {route} route; max abs difference to the exact gcd route {difference:.1e}")
    if plain_computes(made["plain"], UNEQUAL, dtype):
        for backward in (False, True):
            what = "forward + backward" if backward else "forward"
            table(
                f"{dtype}, {what}: ours against plain Keras at the same strides (2, 1) on 32x128x64x32",
                [
                    Variant("plain `DepthwiseConv2D(3, strides=(2, 1))`", made["plain"], UNEQUAL, dtype, backward),
                    Variant("ours (as decided)", made["ours"], UNEQUAL, dtype, backward),
                    Variant("ours, phase route forced (the route before)", made["ours"], UNEQUAL, dtype, backward,
                            "phase"),
                ],
                reps, rng, (f"{dtype} {what}, ours / plain", 1.2),
            )
        return
    print(f"\nplain Keras refuses {dtype} unequal strides here: the baseline is the native conv of the same output")
    fill = 1e-3 if dtype == "float16" else None  # float16 on [0, 1) would hold values near its precision
    table(
        f"{dtype}, forward: ours against the native conv of the same output (strides (1, 1) on 32x64x64x32)",
        [
            Variant("native `DepthwiseConv2D(3)`, strides (1, 1), on 32x64x64x32", made["native 1x1"], EQUAL, dtype),
            Variant("ours, strides (2, 1), on 32x128x64x32", made["ours"], UNEQUAL, dtype, fill=fill),
            Variant("the gcd route forced (the exact route)", made["ours"], UNEQUAL, dtype, route="gcd"),
        ],
        reps, rng, (f"{dtype}, ours / native of the same output", 1.9),
    )
    if dtype == "float16":
        table(
            "float16, forward: ours on 1e-3 (sum 8,389) against ours on ones (sum 8.4e6: overflows float16)",
            [
                Variant("ours on 1e-3", made["ours"], UNEQUAL, dtype, fill=1e-3),
                Variant("ours on ones", made["ours"], UNEQUAL, dtype, fill=1.0),
            ],
            reps, rng, ("float16 ones / 1e-3", 1.3),
        )


FIRST_CALL = """
import os, sys, time
sys.path.insert(0, {root!r})
import keras, numpy as np
import kerasr_bridge
from kerasr_bridge.unequal_strides import UnequalStridesDepthwiseConv2D
x = keras.ops.convert_to_tensor(np.random.default_rng(0).random((1, 256, 256, 1)).astype({dtype!r}))
make = {{"equal": lambda: keras.layers.DepthwiseConv2D(3, strides=(31, 31), padding="same", dtype={dtype!r}),
        "ours": lambda: UnequalStridesDepthwiseConv2D(3, strides=(31, 32), padding="same", dtype={dtype!r})}}
layer = make[{which!r}]()
start = time.perf_counter()
keras.ops.convert_to_numpy(layer(x))
print(time.perf_counter() - start)
"""


def first_calls(reps: int) -> None:
    """The first call after import, each in a fresh process, alternating."""
    print("\nFirst call after import (fresh process each, planning and the probe included), 1x256x256x1, 3x3\n")
    print("| dtype | equal strides (31, 31) | ours, strides (31, 32) | difference | route | target < 2 s |")
    print("|---|---|---|---|---|---|")
    for dtype in ("float32", "float64"):
        times: dict[str, list[float]] = {"equal": [], "ours": []}
        for _ in range(reps):
            for which in times:
                code = FIRST_CALL.format(root=str(ROOT), dtype=dtype, which=which)
                out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
                times[which].append(float(out.stdout.split()[-1]))
        equal, ours = (statistics.median(values) for values in times.values())
        layer = UnequalStridesDepthwiseConv2D(3, strides=(31, 32), padding="same", dtype=dtype)
        layer(np.zeros((1, 256, 256, 1), dtype))
        print(f"| {dtype} | {equal * 1e3:.1f} ms | {ours * 1e3:.1f} ms | {(ours - equal) * 1e3:+.1f} ms | "
              f"{layer.last_route} | {'met' if ours < 2 else 'not met'} |", flush=True)


def phase_counts(reps: int, rng: np.random.Generator, dtype: str) -> None:
    """Phase route against gcd route as the phase count (s1 / g) * (s2 / g) grows, the cap lifted."""
    cap = unequal_strides.MOST_PHASE_CONVS
    unequal_strides.MOST_PHASE_CONVS = 10**6
    unequal_strides._phase_plan.cache_clear()
    try:
        print(f"\n{dtype}, forward, 8x192x192x16, 3x3, \"same\": the phase route against the gcd route by phase count"
              f" (cap lifted; the layer's cap MOST_PHASE_CONVS = {cap})\n")
        print("| strides | phases | gcd route | phase route | phase / gcd [IQR] |")
        print("|---|---|---|---|---|")
        for strides in ((2, 1), (3, 2), (4, 3), (5, 3), (5, 4), (6, 5), (8, 7)):
            layer = UnequalStridesDepthwiseConv2D(3, strides=strides, padding="same", dtype=dtype)
            shape = (8, 192, 192, 16)
            variants = [Variant("gcd", layer, shape, dtype, route="gcd"),
                        Variant("phase", layer, shape, dtype, route="phase")]
            times = timed(variants, reps, rng)
            ratios = [a / b for a, b in zip(times[1], times[0])]
            low, high = quartiles(ratios)
            phases = math.prod(strides) // math.gcd(*strides) ** 2
            gcd_ms, phase_ms = (statistics.median(samples) * 1e3 for samples in times)
            print(f"| {strides} | {phases} | {gcd_ms:.2f} ms | {phase_ms:.2f} ms | "
                  f"{statistics.median(ratios):.2f} [{low:.2f}, {high:.2f}] |", flush=True)
    finally:
        unequal_strides.MOST_PHASE_CONVS = cap
        unequal_strides._phase_plan.cache_clear()


def other_backend(reps: int, rng: np.random.Generator) -> None:
    """JAX or PyTorch: plain Keras (what the builder gives there) against the phase route, float32 forward."""
    kernel = rng.standard_normal((3, 3, CHANNELS, 1)).astype("float32")
    bias = rng.standard_normal(CHANNELS).astype("float32")
    made = layers("float32", kernel, bias)
    table(
        f"{BACKEND}, float32, forward, strides (2, 1) on 32x128x64x32: plain Keras (built there) against our routes",
        [
            Variant("plain `DepthwiseConv2D(3, strides=(2, 1))`", made["plain"], UNEQUAL, "float32"),
            Variant("ours, phase route forced", made["ours"], UNEQUAL, "float32", route="phase"),
            Variant("ours, gcd route forced", made["ours"], UNEQUAL, "float32", route="gcd"),
            Variant("ours (as decided: native)", made["ours"], UNEQUAL, "float32"),
        ],
        reps, rng,
    )


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
    onednn = os.environ.get("TF_ENABLE_ONEDNN_OPTS", "unset (TensorFlow's default)")
    versions = f"Keras {keras.__version__}, NumPy {np.__version__}"
    if BACKEND == "tensorflow":
        import tensorflow as tf

        versions = f"TensorFlow {tf.__version__}, {versions}"
    print(f"\n### CPU: {cpu_model()}; backend {BACKEND}; TF_ENABLE_ONEDNN_OPTS={onednn}\n")
    print(f"{versions}; {os.cpu_count()} CPUs; {args.reps} paired repetitions; load average before: {load()}")
    rng = np.random.default_rng(18)
    if BACKEND != "tensorflow":
        other_backend(args.reps, rng)
    else:
        for dtype in ("float32", "float64", "float16"):
            dtype_tables(dtype, args.reps, rng)
        phase_counts(max(args.reps // 2, 5), rng, "float64")
        first_calls(3)
    print(f"\nload average after: {load()}")


if __name__ == "__main__":
    main()
