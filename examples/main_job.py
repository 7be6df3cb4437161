"""The main job: train the MobileNet-style digits classifier from Python and from R, show they agree.

1. examples/mobilenet_digits.py trains from Python (pipe()) and saves its
   initial weights, its trained model and its history;
2. examples/mobilenet_digits.R trains from R (kerasrbridge and |>), via
   Rscript, starting from those initial weights (it also reports how far its
   own seeded initial weights are from them: 0, the seeds agree too);
3. both trained models are loaded here and compared weight by weight;
4. out/main_job.png shows input digits, the depthwise feature maps of the first
   block, both runs' training curves, and layer_depthwise_conv_1d filtering a
   synthetic 3-channel signal with kernels set through ``weights=``.

    python examples/main_job.py [--epochs 30] [--out-dir out]

Needs scikit-learn and matplotlib besides the package: the ``examples`` extra
(``pip install -e '.[cpu,examples]'`` from a checkout).

``make demo`` runs it. Rscript, RETICULATE_PYTHON (default: this Python) and
R_LIBS (default: ./.rlib, where ``make r-package`` installs kerasrbridge) can be
set through the environment.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

EXAMPLES = Path(__file__).resolve().parent
ROOT = EXAMPLES.parent
sys.path.insert(0, str(EXAMPLES))

# kerasr_bridge before keras and TensorFlow: importing it first keeps TensorFlow's start-up lines
# ("oneDNN custom operations are on", ...) off the terminal; imported after them, it cannot.
from kerasr_bridge import layer_depthwise_conv_1d  # noqa: E402

# isort: split
import keras  # noqa: E402
import matplotlib  # noqa: E402

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import mobilenet_digits as md  # noqa: E402
import numpy as np  # noqa: E402

# TensorFlow's C++ logging bypasses TF_CPP_MIN_LOG_LEVEL for this harmless
# message (a tf.data attribute it does not know); everything else is passed on.
NOISE = ("use_unbounded_threadpool", "All log messages before absl::InitializeLog")


def run(label: str, command: list[str], env: dict[str, str]) -> float:
    """Run one training script, pass its output on; returns its wall time."""
    print(f"\n=== {label}: {' '.join(command)}", flush=True)
    start = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True, cwd=ROOT)
    seconds = time.perf_counter() - start
    sys.stdout.write(done.stdout)
    kept = [line for line in done.stderr.splitlines() if not any(noise in line for noise in NOISE)]
    if kept:
        print("\n".join(kept), file=sys.stderr)
    if done.returncode != 0:
        sys.exit(f"{label} failed with exit status {done.returncode}")
    print(f"=== {label} done in {seconds:.1f} s", flush=True)
    return seconds


def r_environment() -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("RETICULATE_PYTHON", sys.executable)
    env.setdefault("R_LIBS", str(ROOT / ".rlib"))
    env["TF_CPP_MIN_LOG_LEVEL"] = env.get("TF_CPP_MIN_LOG_LEVEL", "2")
    return env


def compare_weights(python_model: keras.Model, r_model: keras.Model) -> tuple[float, int, int]:
    """(max abs difference, arrays bit-identical, arrays) over all weights, BN statistics included."""
    pairs = list(zip(python_model.get_weights(), r_model.get_weights(), strict=True))
    for a, b in pairs:
        if a.shape != b.shape:
            raise ValueError(f"the two models differ in architecture: weight shapes {a.shape} and {b.shape}")
    max_diff = max(float(np.max(np.abs(a.astype(np.float64) - b.astype(np.float64)))) for a, b in pairs)
    identical = sum(np.array_equal(a, b) for a, b in pairs)
    return max_diff, identical, len(pairs)


# ---------------------------------------------------------------------------
# The 1D panel: layer_depthwise_conv_1d with per-channel kernels set through weights=


def synthetic_signal(steps: int = 400) -> tuple[np.ndarray, np.ndarray]:
    """3 noisy channels: a slow sine, a faster sine, a square wave (the sign of a sine)."""
    rng = np.random.default_rng(7)
    t = np.linspace(0.0, 2.0, steps)
    slow, fast, square = np.sin(2 * np.pi * 1.0 * t), np.sin(2 * np.pi * 2.5 * t), np.sign(np.sin(2 * np.pi * 1.5 * t))
    clean = np.stack([slow, fast, square], axis=-1)
    return t, (clean + rng.normal(scale=[0.35, 0.35, 0.2], size=clean.shape)).astype("float32")


def channel_kernels(width: int = 15) -> tuple[np.ndarray, list[str]]:
    """One kernel per channel, shape (width, 3, 1): box smoothing, Gaussian smoothing, Gaussian edge detector."""
    offsets = np.arange(width) - width // 2
    box = np.full(width, 1.0 / width)
    gaussian = np.exp(-0.5 * (offsets / 2.5) ** 2)
    gaussian /= gaussian.sum()
    # Derivative of a Gaussian, flipped to keras's cross-correlation: > 0 on rising edges.
    edge = offsets * np.exp(-0.5 * (offsets / 2.5) ** 2)
    edge /= np.abs(edge).sum() / 2
    names = [f"box smoothing (width {width})", "Gaussian smoothing (sigma 2.5)", "edge detector (Gaussian derivative)"]
    return np.stack([box, gaussian, edge], axis=-1)[:, :, np.newaxis].astype("float32"), names


def filter_signal(signal: np.ndarray, kernels: np.ndarray) -> np.ndarray:
    out = layer_depthwise_conv_1d(
        signal[np.newaxis], kernel_size=kernels.shape[0], padding="same", use_bias=False, weights=[kernels]
    )
    return np.asarray(out)[0]


# ---------------------------------------------------------------------------
# The figure


def plot(path: Path, model: keras.Model, x_test: np.ndarray, y_test: np.ndarray,
         runs: dict[str, dict], summary: str) -> None:
    # One example of each of 6 classes, the same ones every run.
    picks = [int(np.flatnonzero(y_test == digit)[0]) for digit in (0, 2, 3, 5, 7, 8)]
    images = x_test[picks]
    predicted = np.argmax(model.predict(images, verbose=0), axis=-1)
    depthwise = model.layers[0]
    kernels = depthwise.get_weights()[0][:, :, 0, :]  # (3, 3, depth_multiplier)
    maps = np.asarray(depthwise(images))  # (6, 8, 8, depth_multiplier)
    n_maps = maps.shape[-1]

    fig = plt.figure(figsize=(17, 15), layout="constrained")
    fig.suptitle("kerasr-bridge main job: a MobileNet-style digits classifier trained from Python and from R",
                 fontsize=16, fontweight="bold")
    top, bottom = fig.subfigures(2, 1, height_ratios=[2.1, 1])
    left, right = top.subfigures(1, 2, width_ratios=[1.2, 1])

    # Left: test digits and the first block's depthwise feature maps.
    left.suptitle(f"test digits and the first block's depthwise 3x3 feature maps\n"
                  f"(layer_depthwise_conv_2d, depth_multiplier={n_maps}; before BatchNorm/ReLU)", fontsize=12.5)
    axes = left.subplots(len(picks) + 1, n_maps + 1, gridspec_kw={"wspace": 0.05, "hspace": 0.05})
    limit = np.abs(kernels).max()
    axes[0, 0].axis("off")
    axes[0, 0].text(0.5, 0.3, "input\n8x8", ha="center", va="center", fontsize=11, fontweight="bold")
    for k in range(n_maps):
        axes[0, k + 1].imshow(kernels[:, :, k], cmap="RdBu_r", vmin=-limit, vmax=limit)
        axes[0, k + 1].set_title(f"kernel {k + 1}", fontsize=9.5)
    for row in range(len(picks)):
        axes[row + 1, 0].imshow(images[row, :, :, 0], cmap="gray_r", vmin=0, vmax=1)
        axes[row + 1, 0].set_ylabel(f"label {y_test[picks[row]]}\npred. {predicted[row]}", fontsize=10,
                                    rotation=0, ha="right", va="center")
        for k in range(n_maps):
            axes[row + 1, k + 1].imshow(maps[row, :, :, k], cmap="magma")
    for ax in axes.flat:
        ax.set_xticks([])
        ax.set_yticks([])

    # Right: training curves of both runs.
    right.suptitle("training curves: Python (thick, coloured) and R (thin, dashed, on top)", fontsize=12.5)
    ax_loss, ax_acc = right.subplots(2, 1, sharex=True)
    styles = {"Python": {"lw": 4, "alpha": 0.5}, "R": {"lw": 1.2, "ls": "--", "ms": 3}}
    colours = {
        ("Python", ""): "tab:blue", ("Python", "val_"): "tab:orange", ("R", ""): "black", ("R", "val_"): "dimgray",
    }
    for name, result in runs.items():
        history = result["history"]
        epochs = np.arange(1, len(history["loss"]) + 1)
        for prefix, split in (("", "train"), ("val_", "test")):
            style = {**styles[name], "color": colours[name, prefix], "marker": "o" if name == "R" else None}
            ax_loss.plot(epochs, history[prefix + "loss"], label=f"{name}: {split}", **style)
            ax_acc.plot(epochs, history[prefix + "accuracy"], label=f"{name}: {split}", **style)
    ax_loss.set_yscale("log")
    ax_loss.set_ylabel("loss (sparse categorical cross-entropy)")
    ax_acc.set_ylabel("accuracy")
    ax_acc.set_xlabel("epoch")
    ax_acc.axhline(0.95, color="green", lw=0.8, ls=":", label="0.95 target")
    for ax in (ax_loss, ax_acc):
        ax.grid(alpha=0.3)
        ax.legend(fontsize=9, ncol=2, loc="upper right" if ax is ax_loss else "lower right")
    ax_acc.text(0.98, 0.3, summary, transform=ax_acc.transAxes, ha="right", va="bottom", fontsize=10,
                family="monospace", bbox={"boxstyle": "round", "facecolor": "lightyellow", "alpha": 0.95})

    # Bottom: the 1D depthwise filter, before and after, one axes per channel.
    t, signal = synthetic_signal()
    kernels_1d, names = channel_kernels()
    filtered = filter_signal(signal, kernels_1d)
    bottom.suptitle(f"layer_depthwise_conv_1d(signal, kernel_size={kernels_1d.shape[0]}, padding=\"same\", "
                    "use_bias=False, weights=[kernels]): one kernel per channel, channels never mixed",
                    fontsize=12.5)
    colours_1d = ["tab:blue", "tab:green", "tab:red"]
    for channel, ax in enumerate(bottom.subplots(1, 3)):
        ax.plot(t, signal[:, channel], color="0.65", lw=0.8, label="input (noisy)")
        ax.plot(t, filtered[:, channel], color=colours_1d[channel], lw=2, label="output")
        ax.set_title(f"channel {channel + 1}: {names[channel]}", fontsize=11)
        ax.set_xlabel("time (s)")
        ax.grid(alpha=0.3)
        ax.legend(fontsize=9, loc="lower left")
        low, high = ax.get_ylim()
        ax.set_ylim(low, high + 0.4 * (high - low))  # room for the kernel inset
        inset = ax.inset_axes([0.78, 0.76, 0.2, 0.2])
        inset.bar(np.arange(kernels_1d.shape[0]), kernels_1d[:, channel, 0], color=colours_1d[channel])
        inset.set_title("kernel", fontsize=8)
        inset.set_xticks([])
        inset.tick_params(labelsize=6)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=90)
    plt.close(fig)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=md.DEFAULT_EPOCHS)
    parser.add_argument("--out-dir", type=Path, default=ROOT / "out", help="where main_job.png and the runs go")
    args = parser.parse_args()
    started = time.perf_counter()
    out = args.out_dir.resolve()
    work = out / "main_job"
    work.mkdir(parents=True, exist_ok=True)
    files = {name: work / name for name in ("init.npz", "python.keras", "python.json", "r.keras", "r.json")}

    seconds = {}
    seconds["Python"] = run("Python", [
        sys.executable, str(EXAMPLES / "mobilenet_digits.py"), "--epochs", str(args.epochs),
        "--save-init", str(files["init.npz"]), "--model-out", str(files["python.keras"]),
        "--history-out", str(files["python.json"]),
    ], dict(os.environ))
    rscript = os.environ.get("RSCRIPT") or shutil.which("Rscript")
    if rscript is None:
        sys.exit("Rscript not found: install R (make setup) or set RSCRIPT")
    seconds["R"] = run("R", [
        rscript, str(EXAMPLES / "mobilenet_digits.R"), "--epochs", str(args.epochs),
        "--init-weights", str(files["init.npz"]), "--model-out", str(files["r.keras"]),
        "--history-out", str(files["r.json"]),
    ], r_environment())

    runs = {"Python": json.loads(files["python.json"].read_text()), "R": json.loads(files["r.json"].read_text())}
    python_model = keras.saving.load_model(files["python.keras"])
    r_model = keras.saving.load_model(files["r.keras"])
    max_diff, identical, total = compare_weights(python_model, r_model)
    _, x_test, _, y_test = md.load_data()
    accuracy = {
        name: float(np.mean(np.argmax(model.predict(x_test, batch_size=256, verbose=0), -1) == y_test))
        for name, model in (("Python", python_model), ("R", r_model))
    }
    history_diff = max(
        abs(a - b) for key in runs["Python"]["history"]
        for a, b in zip(runs["Python"]["history"][key], runs["R"]["history"][key], strict=True)
    )

    print("\n=== Results")
    print(f"parameters: Python {runs['Python']['params']}, R {runs['R']['params']}")
    for name in runs:
        print(f"{name} test accuracy: {runs[name]['test_accuracy']:.4f} "
              f"(reloaded model here: {accuracy[name]:.4f}); time per epoch: "
              f"{md.describe_epoch_times(runs[name]['epoch_seconds'])}; whole run {seconds[name]:.1f} s")
    print(f"max abs weight difference (R - Python, {total} arrays incl. BatchNorm statistics): {max_diff!r}")
    print(f"bit-identical arrays: {identical}/{total}"
          + (" -> the R-trained and Python-trained models are bit-identical" if identical == total else ""))
    print(f"max abs difference of the per-epoch loss/accuracy histories: {history_diff!r}")

    summary = "\n".join([
        f"{args.epochs} epochs, {runs['Python']['params']} parameters",
        f"test accuracy  Python {runs['Python']['test_accuracy']:.4f}",
        f"               R      {runs['R']['test_accuracy']:.4f}",
        f"time/epoch     Python {np.mean(runs['Python']['epoch_seconds']):.2f} s",
        f"               R      {np.mean(runs['R']['epoch_seconds']):.2f} s",
        f"max |w_R - w_Py| = {max_diff:g}",
        f"bit-identical arrays: {identical}/{total}",
    ])
    png = out / "main_job.png"
    plot(png, python_model, x_test, y_test, runs, summary)
    print(f"figure: {png}")
    print(f"main job done in {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
