"""Benchmarks for kerasr_bridge (Python side); prints Markdown tables.

    .venv/bin/python benchmarks/bench_python.py            # full run, a few minutes on 2 cores
    .venv/bin/python benchmarks/bench_python.py --quick    # smoke run, well under a minute

Sections:

(a) overhead: ``layer_depthwise_conv_2d(x, kernel_size=3)`` against
    ``keras.layers.DepthwiseConv2D(3)(x)`` on a 1x8x8x4 float32 array
    (construction + call), and construction alone.
(b) data path: a float64 array in Fortran order (as reticulate hands R arrays
    over) through our layer function, against a plain Keras layer with the same
    weights called on the same array (and new layers each call on both sides),
    and the conversions alone.
(c) compute: forward and forward+backward of three workloads through our layer
    (eager, tf.function, tf.function(jit_compile=True)), a plain Keras layer and
    raw ``tf.nn.depthwise_conv2d``, with the achieved memory bandwidth against a
    measured copy bandwidth.
(d) separable: ``layer_separable_conv_2d(x, filters=8, kernel_size=3)`` against
    ``keras.layers.SeparableConv2D(8, 3)(x)`` on the same 1x8x8x4 array
    (construction + call), and construction alone; the 1D layer likewise.

Options: ``--quick`` (small sizes, few repetitions: the smoke test), ``--only
SECTION`` (overhead, data, compute or separable; repeatable). On a GPU machine the header
names the GPU and every timed batch ends with a device synchronisation.

Timing method: every variant of a table runs in the same repetition loop,
interleaved (A, B, A, B, ...; the order reversed every other repetition), each
repetition timing a batch of calls. Reported are medians over repetitions and
ratios: the median of the per-repetition ratios (paired, so drifting machine
load cancels out), with its interquartile range. No result here is asserted
(speed is not tested); the numerical agreement of the variants is.
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
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
import tensorflow as tf  # noqa: E402

import kerasr_bridge  # noqa: E402
from kerasr_bridge import (  # noqa: E402
    compose_layer,
    layer_depthwise_conv_1d,
    layer_depthwise_conv_2d,
    layer_separable_conv_1d,
    layer_separable_conv_2d,
)
from kerasr_bridge.arrays import c_order_copy  # noqa: E402

GPUS = tf.config.list_physical_devices("GPU")
# GPU convolutions may use TensorFloat-32 and pick different algorithms per
# call: the agreement checks allow for that there.
TOLERANCE = 2e-2 if GPUS else 1e-3


def sync() -> None:
    """Wait for queued device work (GPU kernels run asynchronously; CPU eager ops do not)."""
    if GPUS:
        tf.test.experimental.sync_devices()


# --------------------------------------------------------------------------- timing


def interleaved(
    variants: dict[str, Callable[[], Any]], reps: int, inner: dict[str, int] | int, *, warmup: int = 2
) -> dict[str, list[float]]:
    """Seconds per call of each variant, one value per repetition; variants interleaved."""
    names = list(variants)
    counts = inner if isinstance(inner, dict) else dict.fromkeys(names, inner)
    for name in names:
        for _ in range(warmup):
            variants[name]()
        sync()
    times: dict[str, list[float]] = {name: [] for name in names}
    for rep in range(reps):
        gc.collect()
        for name in names if rep % 2 == 0 else reversed(names):
            function, count = variants[name], counts[name]
            start = time.perf_counter()
            for _ in range(count):
                function()
            sync()
            times[name].append((time.perf_counter() - start) / count)
    return times


def calibrate(
    variants: dict[str, Callable[[], Any]], batch: float, reps: int, table: float
) -> tuple[dict[str, int], int]:
    """Calls per timed batch (about ``batch`` seconds, at least one) and repetitions.

    Runs each variant twice (warming it up: tracing, XLA compilation) and
    lowers ``reps`` (to no fewer than 3) where all variants' batches together
    would take longer than ``table`` seconds.
    """
    inner: dict[str, int] = {}
    per_rep = 0.0
    for name, function in variants.items():
        function()
        sync()
        start = time.perf_counter()
        function()
        sync()
        once = max(time.perf_counter() - start, 1e-7)
        inner[name] = max(1, round(batch / once))
        per_rep += inner[name] * once
    return inner, max(min(reps, 3), min(reps, int(table / per_rep)))


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def quartiles(values: Sequence[float]) -> tuple[float, float]:
    if len(values) < 2:
        return values[0], values[0]
    q = statistics.quantiles(values, n=4, method="inclusive")
    return q[0], q[2]


def ratio_rows(times: dict[str, list[float]], comparisons: Iterable[tuple[str, str, str, str]]) -> list[list[str]]:
    """A table row per (what, ours, theirs, target): both medians, their difference and the paired ratio."""
    return [
        [
            what,
            fmt_time(median(times[ours])),
            fmt_time(median(times[theirs])),
            fmt_time(median(times[ours]) - median(times[theirs])),
            paired_ratio(times, ours, theirs),
            target,
        ]
        for what, ours, theirs, target in comparisons
    ]


def paired_ratio(times: dict[str, list[float]], a: str, b: str) -> str:
    """``a / b``: median of the per-repetition ratios, with the interquartile range."""
    ratios = [x / y for x, y in zip(times[a], times[b])]
    low, high = quartiles(ratios)
    return f"{median(ratios):.3f} [{low:.3f}, {high:.3f}]"


def fmt_time(seconds: float) -> str:
    if seconds < 1e-3:
        return f"{seconds * 1e6:.1f} µs"
    if seconds < 1:
        return f"{seconds * 1e3:.2f} ms"
    return f"{seconds:.2f} s"


def table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


# --------------------------------------------------------------------------- environment


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def device_description() -> str:
    cpu = f"CPU {cpu_model()}, {os.cpu_count()} cores"
    if not GPUS:
        return f"{cpu} (no GPU)"
    names = []
    for gpu in GPUS:
        details = tf.config.experimental.get_device_details(gpu)
        names.append(details.get("device_name", gpu.name))
    return f"GPU {', '.join(names)} (host: {cpu})"


def environment() -> str:
    rows = [
        ("command", "`" + " ".join([Path(sys.executable).name, *sys.argv]) + "`"),
        ("device", device_description()),
        ("python", platform.python_version()),
        ("numpy", np.__version__),
        ("keras", keras.__version__),
        ("tensorflow", tf.__version__),
        ("kerasr_bridge", kerasr_bridge.__version__),
        ("TF intra-op threads", tf.config.threading.get_intra_op_parallelism_threads() or "default (all cores)"),
    ]
    return table(["", ""], rows)


# --------------------------------------------------------------------------- (a) overhead


def bench_overhead(quick: bool) -> str:
    reps, inner = (7, 5) if quick else (41, 20)
    x = np.random.default_rng(1).standard_normal((1, 8, 8, 4)).astype(np.float32)
    variants = {
        "ours: construct+call": lambda: layer_depthwise_conv_2d(x, kernel_size=3),
        "keras: construct+call": lambda: keras.layers.DepthwiseConv2D(3)(x),
        "ours: construct": lambda: layer_depthwise_conv_2d(kernel_size=3),
        "keras: construct": lambda: keras.layers.DepthwiseConv2D(3),
    }
    np.testing.assert_equal(
        tuple(variants["ours: construct+call"]().shape), tuple(variants["keras: construct+call"]().shape)
    )
    times = interleaved(variants, reps, inner)
    rows = ratio_rows(times, (
        ("construct + call on 1x8x8x4 float32", "ours: construct+call", "keras: construct+call", "<= 1.05"),
        ("construct only", "ours: construct", "keras: construct", "-"),
    ))
    return (
        f"### (a) Call overhead ({reps} interleaved repetitions of {inner} calls each)\n\n"
        "`layer_depthwise_conv_2d(x, kernel_size=3)` against `keras.layers.DepthwiseConv2D(3)(x)`; "
        "construction alone: `layer_depthwise_conv_2d(kernel_size=3)` against `keras.layers.DepthwiseConv2D(3)`.\n\n"
        + table(
            ["what", "ours (median)", "Keras (median)", "difference", "ratio ours/Keras [IQR]", "target"], rows
        )
    )


# --------------------------------------------------------------------------- (b) data path


def bench_data_path(quick: bool) -> str:
    shape = (4, 64, 64, 32) if quick else (32, 64, 64, 32)
    reps = 5 if quick else 21
    rng = np.random.default_rng(2)
    # What reticulate hands over for an R double array: float64, Fortran order.
    x_fortran = np.asfortranarray(rng.standard_normal(shape))
    kernel = rng.standard_normal((3, 3, shape[-1], 1)).astype(np.float32) * 0.1
    bias = rng.standard_normal(shape[-1]).astype(np.float32)
    weights = [kernel, bias]

    plain = keras.layers.DepthwiseConv2D(3)
    plain.build((None, *shape[1:]))
    plain.set_weights(weights)
    ours_layer = layer_depthwise_conv_2d(kernel_size=3, weights=weights)
    x_c32 = np.ascontiguousarray(x_fortran, dtype=np.float32)

    variants = {
        "plain": lambda: np.asarray(plain(x_fortran)),
        "ours": lambda: np.asarray(layer_depthwise_conv_2d(x_fortran, kernel_size=3, weights=weights)),
        "compose": lambda: np.asarray(compose_layer(x_fortran, ours_layer)),
        "plain_new": lambda: np.asarray(keras.layers.DepthwiseConv2D(3)(x_fortran)),
        "ours_new": lambda: np.asarray(layer_depthwise_conv_2d(x_fortran, kernel_size=3)),
        "convert_ours": lambda: c_order_copy(x_fortran, "float32"),
        "convert_numpy": lambda: np.ascontiguousarray(x_fortran, dtype=np.float32),
        "convert_keras": lambda: keras.ops.cast(keras.ops.convert_to_tensor(x_fortran), "float32"),
        "plain_c32": lambda: np.asarray(plain(x_c32)),
    }
    reference = variants["plain"]()
    for name in ("ours", "compose", "plain_c32"):
        np.testing.assert_allclose(variants[name](), reference, rtol=TOLERANCE / 100, atol=TOLERANCE / 100)
    inner, reps = calibrate(variants, 0.05 if quick else 0.15, reps, 1e9)
    times = interleaved(variants, reps, inner, warmup=0)
    # name: (row label, the row it is compared with)
    rows_spec = {
        "plain": ("A. Keras layer (built once, weights w) called on the Fortran float64 array", None),
        "ours": ("B. `layer_depthwise_conv_2d(x, kernel_size=3, weights=w)` (builds the layer each call)", "plain"),
        "compose": ("C. `compose_layer(x, layer)` (our layer built once, as in `pipe`)", "plain"),
        "plain_new": ("D. `keras.layers.DepthwiseConv2D(3)(x)`: a new Keras layer each call", None),
        "ours_new": ("E. `layer_depthwise_conv_2d(x, kernel_size=3)`: a new layer each call", "plain_new"),
        "convert_keras": ("F. conversion alone, as a plain Keras call does it: `convert_to_tensor`, `cast`", None),
        "convert_ours": ("G. conversion alone, ours: `arrays.c_order_copy(x, 'float32')`", "convert_keras"),
        "convert_numpy": ("H. conversion alone, one pass: `np.ascontiguousarray(x, dtype=float32)`", "convert_keras"),
        "plain_c32": ("I. Keras layer (built once) on an already converted C-order float32 array: the floor", "plain"),
    }
    rows = []
    for name, (label, versus) in rows_spec.items():
        compared = rows_spec[versus][0][0] if versus else ""
        speedup = paired_ratio(times, versus, name) if versus else ""
        rows.append([label, fmt_time(median(times[name])), compared, speedup])
    size = "x".join(map(str, shape))
    return (
        f"### (b) Data path: {size} float64 array in Fortran order ({reps} interleaved repetitions)\n\n"
        "The array is what reticulate hands over for an R double array. Every layer row returns a NumPy array "
        "(`np.asarray(output)`), as an R caller converts back. Speed-up: time of row \"vs\" / time of this row "
        "(paired median [IQR]). Target: ours (B, E) at least 1.5x faster than the plain Keras call (A, D).\n\n"
        + table(["path", "median", "vs", "speed-up [IQR]"], rows)
    )


# --------------------------------------------------------------------------- (c) compute


@dataclass(frozen=True)
class Workload:
    name: str
    rank: int
    batch: int
    spatial: tuple[int, ...]
    channels: int
    kernel: int
    stride: int

    def describe(self) -> str:
        size = "x".join(map(str, self.spatial))
        kind = "1D" if self.rank == 1 else "2D"
        return (
            f"{self.name}: {kind} N={self.batch}, {size}, C={self.channels}, "
            f"k={self.kernel}, stride {self.stride}, same"
        )


def workloads(quick: bool) -> list[Workload]:
    batch = 2 if quick else 32
    return [
        Workload("W1", 2, batch, (112, 112), 32, 3, 1),
        Workload("W2", 2, batch, (56, 56), 128, 3, 2),
        Workload("W3", 1, batch, (4096,), 64, 9, 1),
    ]


def copy_bandwidth(quick: bool) -> tuple[float, float]:
    """(NumPy copy bandwidth on the host, TensorFlow elementwise bandwidth on the device), bytes/s.

    Both count bytes read plus bytes written. NumPy's copy runs on one thread;
    TensorFlow's elementwise kernel (``tf.negative``) uses all intra-op threads
    (or the GPU).
    """
    n = (16 if quick else 64) * 2**20  # float32 elements: 64 or 256 MiB
    source = np.random.default_rng(3).standard_normal(n, dtype=np.float32)
    target = np.empty_like(source)
    tensor = tf.constant(source)
    variants = {"numpy": lambda: np.copyto(target, source), "tf": lambda: tf.negative(tensor)}
    times = interleaved(variants, 5 if quick else 11, 1, warmup=1)
    return 2 * source.nbytes / median(times["numpy"]), 2 * source.nbytes / median(times["tf"])


class Case:
    """One workload's tensors, layers and the callables to time."""

    def __init__(self, workload: Workload) -> None:
        w = workload
        rng = np.random.default_rng(4)
        self.workload = w
        shape = (w.batch, *w.spatial, w.channels)
        self.x = tf.constant(rng.standard_normal(shape, dtype=np.float32))
        kernel_shape = (*(w.kernel,) * w.rank, w.channels, 1)
        self.kernel_np = (rng.standard_normal(kernel_shape, dtype=np.float32) / w.kernel**w.rank).astype(np.float32)
        self.bias_np = rng.standard_normal(w.channels, dtype=np.float32)
        weights = [self.kernel_np, self.bias_np]
        function = layer_depthwise_conv_1d if w.rank == 1 else layer_depthwise_conv_2d
        keras_class = keras.layers.DepthwiseConv1D if w.rank == 1 else keras.layers.DepthwiseConv2D
        self.ours = function(kernel_size=w.kernel, strides=w.stride, padding="same", weights=weights)
        self.keras = keras_class(kernel_size=w.kernel, strides=w.stride, padding="same")
        self.keras.build((None, *w.spatial, w.channels))
        self.keras.set_weights(weights)
        self.kernel = tf.Variable(self.kernel_np)
        self.bias = tf.Variable(self.bias_np)
        y = self.raw_forward(self.x)
        self.dy = tf.constant(rng.standard_normal(tuple(y.shape), dtype=np.float32))
        self.x_elements = int(np.prod(shape))
        self.y_elements = int(np.prod(y.shape))
        self.weight_elements = self.kernel_np.size + self.bias_np.size

    def raw_forward(self, x: tf.Tensor) -> tf.Tensor:
        w = self.workload
        if w.rank == 1:
            y = tf.nn.depthwise_conv2d(
                tf.expand_dims(x, 1), self.kernel[tf.newaxis], strides=[1, 1, w.stride, 1], padding="SAME"
            )
            y = tf.squeeze(y, 1)
        else:
            y = tf.nn.depthwise_conv2d(x, self.kernel, strides=[1, w.stride, w.stride, 1], padding="SAME")
        return tf.nn.bias_add(y, self.bias)

    def forwards(self) -> dict[str, Callable[[tf.Tensor], tf.Tensor]]:
        ours = self.ours
        return {
            "Keras layer, eager": self.keras,
            "ours, eager": lambda x: compose_layer(x, ours),
            "ours, tf.function": tf.function(lambda x: compose_layer(x, ours)),
            "ours, XLA": tf.function(lambda x: compose_layer(x, ours), jit_compile=True),
            "raw tf.nn, eager": self.raw_forward,
            "raw tf.nn, tf.function": tf.function(self.raw_forward),
        }

    def variables(self, name: str) -> list[tf.Variable]:
        if name.startswith("Keras"):
            return [self.keras.kernel, self.keras.bias]
        if name.startswith("ours"):
            return [self.ours.kernel, self.ours.bias]
        return [self.kernel, self.bias]

    def backwards(self) -> dict[str, Callable[[tf.Tensor, tf.Tensor], list[tf.Tensor]]]:
        def gradient_step(forward: Callable[[tf.Tensor], tf.Tensor], variables: list[tf.Variable]) -> Callable:
            def step(x: tf.Tensor, dy: tf.Tensor) -> list[tf.Tensor]:
                with tf.GradientTape() as tape:
                    tape.watch(x)
                    y = forward(x)
                return tape.gradient(y, [x, *variables], output_gradients=dy)

            return step

        ours = self.ours
        steps = {}
        for name, forward in (
            ("Keras layer, eager", self.keras),
            ("ours, eager", lambda x: compose_layer(x, ours)),
            ("raw tf.nn, eager", self.raw_forward),
        ):
            steps[name] = gradient_step(forward, self.variables(name))
        ours_step = gradient_step(lambda x: compose_layer(x, ours), self.variables("ours"))
        steps["ours, tf.function"] = tf.function(ours_step)
        steps["ours, XLA"] = tf.function(ours_step, jit_compile=True)
        steps["raw tf.nn, tf.function"] = tf.function(gradient_step(self.raw_forward, self.variables("raw")))
        return {name: steps[name] for name in self.forwards()}

    def bytes_moved(self, backward: bool) -> int:
        """Compulsory traffic (float32): each tensor a kernel needs read or written once.

        forward: read x and the weights, write y. Backward adds the input
        gradient (read dy and the kernel, write dx), the kernel gradient (read
        x and dy, write dk) and the bias gradient (read dy, write db).
        """
        x, y, wt = self.x_elements, self.y_elements, self.weight_elements
        elements = x + wt + y
        if backward:
            elements += (y + wt + x) + (x + y + wt) + y
        return 4 * elements


def check_agreement(case: Case, forwards: dict, backwards: dict) -> float:
    """Largest difference of any variant's outputs and gradients from raw tf.nn (relative to max(1, max |raw|))."""
    reference = case.raw_forward(case.x).numpy()
    scale = max(1.0, float(np.max(np.abs(reference))))
    worst = 0.0
    for forward in forwards.values():
        worst = max(worst, float(np.max(np.abs(forward(case.x).numpy() - reference))) / scale)
    grads_reference = [g.numpy() for g in backwards["raw tf.nn, eager"](case.x, case.dy)]
    for step in backwards.values():
        for got, want in zip(step(case.x, case.dy), grads_reference):
            scale = max(1.0, float(np.max(np.abs(want))))
            worst = max(worst, float(np.max(np.abs(got.numpy() - want))) / scale)
    if worst > TOLERANCE:
        raise AssertionError(f"{case.workload.name}: variants disagree (max abs/relative difference {worst:g})")
    return worst


def bench_compute(quick: bool) -> str:
    reps = 3 if quick else 15
    budget = 0.02 if quick else 0.1  # seconds per timed batch
    table_budget = 2.0 if quick else 25.0  # seconds per workload and pass, lowering reps (>= 3) if needed
    host_bw, device_bw = copy_bandwidth(quick)
    reference_bw = device_bw if GPUS else host_bw
    reference_name = "TensorFlow elementwise on the GPU" if GPUS else "NumPy copy"
    sections = [
        f"### (c) Compute (up to {reps} interleaved repetitions per workload and pass: column reps)\n\n"
        f"Memory bandwidth measured here (bytes read + written): NumPy copy {host_bw / 1e9:.1f} GB/s (one thread), "
        f"TensorFlow elementwise `tf.negative` {device_bw / 1e9:.1f} GB/s "
        f"({'GPU' if GPUS else 'all intra-op threads'}). \"% of copy\" is against the {reference_name} figure. "
        "Bandwidth counts the compulsory traffic (each tensor read or written once). "
        "Ratios are paired medians [IQR] of time: our eager call against the plain Keras layer's, and each "
        "layer call against raw tf.nn in the same mode (eager or tf.function); "
        "the variants' outputs and gradients agree with raw tf.nn (max relative difference in the workload line)."
    ]
    for workload in workloads(quick):
        case = Case(workload)
        forwards, backwards = case.forwards(), case.backwards()
        worst = check_agreement(case, forwards, backwards)
        rows = []
        for backward, functions in ((False, forwards), (True, backwards)):
            if backward:
                variants = {name: (lambda f=f, x=case.x, dy=case.dy: f(x, dy)) for name, f in functions.items()}
            else:
                variants = {name: (lambda f=f, x=case.x: f(x)) for name, f in functions.items()}
            inner, used_reps = calibrate(variants, budget, reps, table_budget)
            times = interleaved(variants, used_reps, inner, warmup=0)
            moved = case.bytes_moved(backward)
            raw_of = {
                "Keras layer, eager": "raw tf.nn, eager",
                "ours, eager": "raw tf.nn, eager",
                "ours, tf.function": "raw tf.nn, tf.function",
            }
            for name in variants:
                seconds = median(times[name])
                bandwidth = moved / seconds
                rows.append(
                    [
                        "forward+backward" if backward else "forward",
                        name,
                        fmt_time(seconds),
                        f"{bandwidth / 1e9:.1f}",
                        f"{100 * bandwidth / reference_bw:.0f}%",
                        paired_ratio(times, name, "Keras layer, eager") if name == "ours, eager" else "",
                        paired_ratio(times, name, raw_of[name]) if name in raw_of else "",
                        used_reps,
                    ]
                )
        sections.append(
            f"#### {workload.describe()} (max relative difference {worst:.1e})\n\n"
            + table(
                ["pass", "variant", "median", "GB/s", "% of copy", "/ Keras layer [IQR]", "/ raw tf.nn [IQR]", "reps"],
                rows,
            )
        )
    return "\n\n".join(sections)


# --------------------------------------------------------------------------- (d) separable


def bench_separable(quick: bool) -> str:
    """Section (a)'s measurement for the separable layers: fresh layers every call, paired ratios."""
    reps, inner = (7, 5) if quick else (41, 20)
    rng = np.random.default_rng(5)
    x = rng.standard_normal((1, 8, 8, 4)).astype(np.float32)
    x1 = rng.standard_normal((1, 16, 4)).astype(np.float32)
    variants = {
        "ours: construct+call": lambda: layer_separable_conv_2d(x, filters=8, kernel_size=3),
        "keras: construct+call": lambda: keras.layers.SeparableConv2D(8, 3)(x),
        "ours: construct": lambda: layer_separable_conv_2d(filters=8, kernel_size=3),
        "keras: construct": lambda: keras.layers.SeparableConv2D(8, 3),
        "ours 1D: construct+call": lambda: layer_separable_conv_1d(x1, filters=8, kernel_size=3),
        "keras 1D: construct+call": lambda: keras.layers.SeparableConv1D(8, 3)(x1),
        "ours 1D: construct": lambda: layer_separable_conv_1d(filters=8, kernel_size=3),
        "keras 1D: construct": lambda: keras.layers.SeparableConv1D(8, 3),
    }
    for ours, theirs in (
        ("ours: construct+call", "keras: construct+call"),
        ("ours 1D: construct+call", "keras 1D: construct+call"),
    ):
        np.testing.assert_equal(tuple(variants[ours]().shape), tuple(variants[theirs]().shape))
    for ours, theirs in (("ours: construct", "keras: construct"), ("ours 1D: construct", "keras 1D: construct")):
        ours_config, keras_config = variants[ours]().get_config(), variants[theirs]().get_config()
        del ours_config["name"], keras_config["name"]
        assert ours_config == keras_config, (ours_config, keras_config)
    times = interleaved(variants, reps, inner)
    rows = ratio_rows(times, (
        ("2D: construct + call on 1x8x8x4 float32", "ours: construct+call", "keras: construct+call", "<= 1.05"),
        ("2D: construct only", "ours: construct", "keras: construct", "<= 1.05"),
        ("1D: construct + call on 1x16x4 float32", "ours 1D: construct+call", "keras 1D: construct+call", "-"),
        ("1D: construct only", "ours 1D: construct", "keras 1D: construct", "-"),
    ))
    return (
        f"### (d) Separable layers: call overhead ({reps} interleaved repetitions of {inner} calls each)\n\n"
        "`layer_separable_conv_2d(x, filters=8, kernel_size=3)` against `keras.layers.SeparableConv2D(8, 3)(x)`; "
        "construction alone: `layer_separable_conv_2d(filters=8, kernel_size=3)` against "
        "`keras.layers.SeparableConv2D(8, 3)`; the 1D layer likewise. A new layer every call on both sides; "
        "the configurations are checked equal.\n\n"
        + table(
            ["what", "ours (median)", "Keras (median)", "difference", "ratio ours/Keras [IQR]", "target"], rows
        )
    )


# --------------------------------------------------------------------------- main


SECTIONS = {"overhead": bench_overhead, "data": bench_data_path, "compute": bench_compute, "separable": bench_separable}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes and few repetitions (smoke test)")
    parser.add_argument(
        "--only", choices=sorted(SECTIONS), action="append", help="run only this section (repeatable)"
    )
    args = parser.parse_args(argv)
    start = time.perf_counter()
    title = "quick run (smoke test sizes; not for quoting)" if args.quick else "full run"
    print(f"## kerasr_bridge benchmarks: {title}\n\nDevice: {device_description()}\n")
    print(environment(), end="\n\n", flush=True)
    for name, section in SECTIONS.items():
        if args.only and name not in args.only:
            continue
        print(section(args.quick), end="\n\n", flush=True)
    print(f"Total time: {time.perf_counter() - start:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
