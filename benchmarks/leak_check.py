"""Leak check: create-and-call cycles from Python and from R, RSS growth reported.

    .venv/bin/python benchmarks/leak_check.py --cycles 10000

Each cycle builds a fresh layer through the bridge and passes a small input
through it (from R: the R function on an R array, through reticulate). RSS is
read from /proc after a warm-up, then after the cycles (garbage collected).
The same cycles with plain Keras (``keras.layers.DepthwiseConv2D(3)(x)``, from
R through reticulate) run in the same process as the baseline: Keras 3.15 on
TensorFlow 2.21 itself keeps about 35 KB of native memory per variable created
under a new layer name scope (measured: a bare ``tf.Variable`` inside a unique
``tf.name_scope`` grows the same; without the scope it does not), so absolute
growth measures Keras; the bridge's own cost is the growth beyond that
baseline. Prints a Markdown table; exit status 1 if the bridge's excess over
plain Keras exceeds --limit-mb.
"""

from __future__ import annotations

import argparse
import gc
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

R_SCRIPT = r"""
rss_mb <- function() {
  status <- readLines("/proc/self/status")
  as.numeric(sub("[^0-9]*([0-9]+).*", "\\1", grep("^VmRSS", status, value = TRUE))) / 1024
}
# The package as it is in this checkout (installed or not).
suppressMessages(pkgload::load_all(commandArgs(TRUE)[3], quiet = TRUE, export_all = FALSE))
cycles <- as.integer(commandArgs(TRUE)[1]); warmup <- as.integer(commandArgs(TRUE)[2])
x <- array(runif(8 * 8 * 4), c(1, 8, 8, 4))
variants <- list(
  keras = function() as.array(keras$layers$DepthwiseConv2D(kernel_size = 3L)(x)),
  bridge = function() as.array(layer_depthwise_conv_2d(x, kernel_size = 3))
)
collect <- function() { invisible(gc()); reticulate::import("gc")$collect() }
for (name in names(variants)) {
  run <- variants[[name]]
  for (i in seq_len(warmup)) run()
  collect(); before <- rss_mb(); start <- Sys.time()
  for (i in seq_len(cycles)) run()
  collect()
  cat(sprintf("RESULT %s %.1f %.1f %.3f\n", name, before, rss_mb(), as.numeric(Sys.time() - start, units = "secs")))
}
"""


def rss_mb() -> float:
    with open("/proc/self/status") as status:
        line = next(line for line in status if line.startswith("VmRSS"))
    return int(line.split()[1]) / 1024


Measurement = dict[str, tuple[float, float, float]]  # variant -> (RSS before, RSS after, seconds)


def python_cycles(cycles: int, warmup: int) -> Measurement:
    import keras
    import numpy as np

    from kerasr_bridge import layer_depthwise_conv_2d

    x = np.random.default_rng(0).uniform(size=(1, 8, 8, 4)).astype("float32")
    # convert_to_numpy, not np.asarray: PyTorch outputs that require grad refuse np.asarray.
    variants = {
        "keras": lambda: keras.ops.convert_to_numpy(keras.layers.DepthwiseConv2D(3)(x)),
        "bridge": lambda: keras.ops.convert_to_numpy(layer_depthwise_conv_2d(x, kernel_size=3)),
    }
    results = {}
    for name, run in variants.items():
        for _ in range(warmup):
            run()
        gc.collect()
        before, start = rss_mb(), time.perf_counter()
        for _ in range(cycles):
            run()
        gc.collect()
        results[name] = (before, rss_mb(), time.perf_counter() - start)
    return results


def r_cycles(cycles: int, warmup: int) -> Measurement:
    env = {**os.environ, "RETICULATE_PYTHON": sys.executable, "TF_CPP_MIN_LOG_LEVEL": "2"}
    done = subprocess.run(
        ["Rscript", "-e", R_SCRIPT, str(cycles), str(warmup), str(ROOT)],
        capture_output=True, text=True, env=env, check=True,
    )
    results = {}
    for line in done.stdout.splitlines():
        if line.startswith("RESULT"):
            name, *numbers = line.split()[1:]
            before, after, seconds = map(float, numbers)
            results[name] = (before, after, seconds)
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cycles", type=int, default=10_000)
    parser.add_argument("--warmup", type=int, default=200)
    parser.add_argument("--limit-mb", type=float, default=50.0)
    parser.add_argument("--language", choices=["python", "r", "both"], default="both")
    args = parser.parse_args()
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    runs = {"python": python_cycles, "r": r_cycles}
    languages = ["python", "r"] if args.language == "both" else [args.language]
    print("| language | variant | cycles | RSS before (MB) | RSS after (MB) | growth (MB) | per cycle (ms) |")
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: |")
    worst = 0.0
    for language in languages:
        results = runs[language](args.cycles, args.warmup)
        for name, (before, after, seconds) in results.items():
            print(f"| {language} | {name} | {args.cycles} | {before:.1f} | {after:.1f} | {after - before:+.1f} | "
                  f"{1000 * seconds / args.cycles:.2f} |", flush=True)
        excess = (results["bridge"][1] - results["bridge"][0]) - (results["keras"][1] - results["keras"][0])
        worst = max(worst, excess)
        print(f"| {language} | bridge - keras | | | | {excess:+.1f} | |", flush=True)
    print(f"\nlimit: the bridge's growth beyond plain Keras < {args.limit_mb:.0f} MB; worst: {worst:+.1f} MB")
    return 0 if worst < args.limit_mb else 1


if __name__ == "__main__":
    sys.exit(main())
