"""A small MobileNet-style classifier for scikit-learn's 8x8 digits, built with pipe().

Three depthwise separable blocks (layer_depthwise_conv_2d + pointwise 1x1
Conv2D, each followed by BatchNormalization and ReLU), global average pooling
and a softmax Dense(10). examples/mobilenet_digits.R trains the same model from
R through the kerasrbridge package and |>; examples/main_job.py runs both and
compares the final weights.

    python examples/mobilenet_digits.py --epochs 30

Needs scikit-learn besides the package: the ``examples`` extra
(``pip install -e '.[cpu,examples]'`` from a checkout).

Everything that decides the result is fixed: the stratified train/test split
(random_state=0), the seed (keras.utils.set_random_seed), TensorFlow's op
determinism, shuffle=False (the split has already shuffled the rows) and, with
--init-weights, the initial weights themselves.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

# kerasr_bridge before keras and TensorFlow: importing it first keeps TensorFlow's start-up lines
# ("oneDNN custom operations are on", ...) off the terminal; imported after them, it cannot.
from kerasr_bridge import layer_depthwise_conv_2d, pipe

# isort: split
import keras
import numpy as np
import tensorflow as tf
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

SEED = 20261124
BATCH_SIZE = 32
LEARNING_RATE = 0.005
# Faster-moving BatchNorm statistics than Keras's 0.99: the test accuracy is meaningful from epoch 1.
BN_MOMENTUM = 0.9
DEFAULT_EPOCHS = 30


def load_data() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The digits as (n, 8, 8, 1) float32 in [0, 1], split 75/25, stratified, random_state=0."""
    digits = load_digits()
    x = (digits.images / 16.0).astype("float32")[..., np.newaxis]
    y = digits.target.astype("int32")
    x_train, x_test, y_train, y_test = train_test_split(x, y, test_size=0.25, random_state=0, stratify=y)
    return x_train, x_test, y_train, y_test


def block(filters: int, strides: int = 1, depth_multiplier: int = 1) -> list:
    """One depthwise separable block: depthwise 3x3 -> BN -> ReLU -> pointwise 1x1 -> BN -> ReLU."""
    return [
        layer_depthwise_conv_2d(
            kernel_size=3, strides=strides, padding="same", depth_multiplier=depth_multiplier, use_bias=False
        ),
        keras.layers.BatchNormalization(momentum=BN_MOMENTUM),
        keras.layers.ReLU(),
        keras.layers.Conv2D(filters, kernel_size=1, use_bias=False),
        keras.layers.BatchNormalization(momentum=BN_MOMENTUM),
        keras.layers.ReLU(),
    ]


def build_model() -> keras.Sequential:
    return pipe(
        keras.Sequential([keras.Input(shape=(8, 8, 1))], name="mobilenet_digits"),
        *block(32, depth_multiplier=8),  # 8x8x1 -> 8 depthwise maps -> 32 channels
        *block(64, strides=2),  # -> 4x4x64
        *block(128, strides=2),  # -> 2x2x128
        keras.layers.GlobalAveragePooling2D(),
        keras.layers.Dense(10, activation="softmax"),
    )


def make_deterministic() -> None:
    keras.utils.set_random_seed(SEED)
    tf.config.experimental.enable_op_determinism()


def epoch_timer() -> tuple[keras.callbacks.Callback, list[float]]:
    seconds: list[float] = []
    start = [0.0]
    callback = keras.callbacks.LambdaCallback(
        on_epoch_begin=lambda epoch, logs: start.__setitem__(0, time.perf_counter()),
        on_epoch_end=lambda epoch, logs: seconds.append(time.perf_counter() - start[0]),
    )
    return callback, seconds


def describe_epoch_times(seconds: list[float]) -> str:
    text = f"{np.mean(seconds):.3f} s (mean of {len(seconds)})"
    if len(seconds) > 1:
        text += f"; first {seconds[0]:.3f} s (graph tracing), then {np.median(seconds[1:]):.3f} s (median)"
    return text


def train(
    epochs: int = DEFAULT_EPOCHS,
    init_weights: str | None = None,
    save_init: str | None = None,
    model_out: str | None = None,
    history_out: str | None = None,
    verbose: int = 0,
) -> dict:
    """Train from Python; returns (and optionally writes) the results main_job.py compares."""
    make_deterministic()
    x_train, x_test, y_train, y_test = load_data()
    model = build_model()
    if init_weights:
        with np.load(init_weights) as saved:
            model.set_weights([saved[key] for key in sorted(saved.files)])
    if save_init:
        np.savez(save_init, **{f"w{i:03d}": w for i, w in enumerate(model.get_weights())})
    model.compile(
        optimizer=keras.optimizers.Adam(LEARNING_RATE),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    timer, seconds = epoch_timer()
    history = model.fit(
        x_train, y_train, batch_size=BATCH_SIZE, epochs=epochs, shuffle=False,
        validation_data=(x_test, y_test), callbacks=[timer], verbose=verbose,
    )
    _, accuracy = model.evaluate(x_test, y_test, batch_size=256, verbose=0)
    results = {
        "language": "Python",
        "params": int(model.count_params()),
        "test_accuracy": float(accuracy),
        "epoch_seconds": seconds,
        "history": {key: [float(v) for v in values] for key, values in history.history.items()},
    }
    print(f"[Python] parameters: {results['params']}")
    print(f"[Python] test accuracy: {accuracy:.4f} ({len(y_test)} test digits, {epochs} epochs)")
    print(f"[Python] time per epoch: {describe_epoch_times(seconds)}")
    if model_out:
        model.save(model_out)
    if history_out:
        Path(history_out).write_text(json.dumps(results, indent=1))
    results["model"] = model
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=DEFAULT_EPOCHS)
    parser.add_argument("--init-weights", help="start from these weights (.npz, keys in get_weights() order)")
    parser.add_argument("--save-init", help="write the initial weights here (.npz) before training")
    parser.add_argument("--model-out", help="save the trained model here (.keras)")
    parser.add_argument("--history-out", help="write accuracy, epoch times and the history here (.json)")
    parser.add_argument("--verbose", action="store_true", help="print Keras's progress line for every epoch")
    args = parser.parse_args()
    train(args.epochs, args.init_weights, args.save_init, args.model_out, args.history_out, verbose=2 * args.verbose)


if __name__ == "__main__":
    main()
