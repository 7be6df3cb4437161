"""Train a model of our layers on 2 worker processes with MultiWorkerMirroredStrategy.

    python examples/multiworker_custom_loop.py                  # 2 workers on 127.0.0.1, ~7 s on 2 idle cores
    python examples/multiworker_custom_loop.py --timeout 300    # slower machine

Keras 3.15's ``fit()`` fails under ``tf.distribute.MultiWorkerMirroredStrategy``
for any model ("Attempt to convert a value (PerReplica...)"), so this example
trains with a custom loop: ``tf.GradientTape`` inside ``strategy.run``, the loss
summed over the replicas with ``strategy.reduce``. The model holds our layers in
their four kinds (plain, channels_first with a bias, unequal strides (2, 1),
1D).

This script is the launcher: it picks free ports on 127.0.0.1, starts the two
workers (this same file with ``--role worker``, each with its own ``TF_CONFIG``)
and a single-process reference run (``--role single``: the same loop, the
same initial weights, data and batch order, under TensorFlow's default
strategy), then checks that both workers end with the same weights, and that
these agree with the reference. In a real cluster each machine runs the worker
part with its own TF_CONFIG; the launcher is only for trying it on one machine.

Network: TensorFlow's gRPC server listens on every interface at its port
(the address in TF_CONFIG only says where to connect), so by default
(``--network private``, where ``unshare`` may make one) the launcher moves itself
into a new network namespace of its own, which holds only a loopback device,
and the workers inherit it: nothing outside the machine can reach them.
``--network host`` skips that (traffic still only goes to 127.0.0.1).

Bounds: every child gets the deadline ``--timeout``; the launcher kills them
all (their process groups) when it passes, when one fails, or when the
launcher itself is interrupted, and each worker ends itself if the launcher
disappears. Exit status: 0 agreement, 1 disagreement, 2 a child failed or the
deadline passed.
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import json
import os
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

WORKERS = 2
PER_REPLICA_BATCH = 4
GLOBAL_BATCH = PER_REPLICA_BATCH * WORKERS
SAMPLES = 32
EPOCHS = 2
SEED = 20261126
TOLERANCE = 1e-5

# --------------------------------------------------------------------------- training (in the children)


def build_model() -> Any:
    """Our layers in their four kinds in one functional model."""
    import keras

    from kerasr_bridge import layer_depthwise_conv_1d, layer_depthwise_conv_2d

    inputs = keras.Input((8, 6, 3))
    plain = layer_depthwise_conv_2d(inputs, kernel_size=3, padding="same", depth_multiplier=2, activation="tanh")
    first = layer_depthwise_conv_2d(
        keras.layers.Permute((3, 1, 2))(plain), kernel_size=3, data_format="channels_first",
        bias_initializer="random_normal",
    )
    unequal = layer_depthwise_conv_2d(plain, kernel_size=(3, 2), strides=(2, 1), padding="same")
    one_d = layer_depthwise_conv_1d(keras.layers.Reshape((48, 6))(plain), kernel_size=3, strides=2)
    branches = [keras.layers.Flatten()(branch) for branch in (first, unequal, one_d)]
    outputs = keras.layers.Dense(2)(keras.layers.Concatenate()(branches))
    return keras.Model(inputs, outputs)


def make_data() -> tuple[Any, Any]:
    import numpy as np

    rng = np.random.default_rng(SEED)
    return rng.normal(size=(SAMPLES, 8, 6, 3)).astype("float32"), rng.normal(size=(SAMPLES, 2)).astype("float32")


def exit_with_launcher(deadline: float) -> None:
    """A worker waiting in a collective would wait for ever: end it when the launcher goes or time is up."""
    launcher = os.getppid()

    def watch() -> None:
        while True:
            if os.getppid() != launcher:
                os._exit(3)
            if time.monotonic() > deadline:
                print("worker: deadline passed, exiting", file=sys.stderr, flush=True)
                os._exit(4)
            time.sleep(0.5)

    threading.Thread(target=watch, daemon=True).start()


def train(role: str, out: Path) -> None:
    """One training run: a worker of the cluster in TF_CONFIG, or the single-process reference."""
    import keras
    import numpy as np
    import tensorflow as tf

    if role == "worker":
        strategy: Any = tf.distribute.MultiWorkerMirroredStrategy()
    else:
        strategy = tf.distribute.get_strategy()
    x, y = make_data()

    def dataset_fn(context: tf.distribute.InputContext) -> tf.data.Dataset:
        # Worker i takes rows i, i + 2, ... and batches them by 4: together the
        # workers see exactly the consecutive global batches of 8 the reference sees.
        batch = context.get_per_replica_batch_size(GLOBAL_BATCH)
        data = tf.data.Dataset.from_tensor_slices((x, y))
        return data.shard(context.num_input_pipelines, context.input_pipeline_id).batch(batch)

    with strategy.scope():
        keras.utils.set_random_seed(SEED)
        model = build_model()
        optimizer = keras.optimizers.SGD(0.05, momentum=0.9)
        optimizer.build(model.trainable_variables)
    initial = [np.asarray(w) for w in model.get_weights()]

    def step(inputs: Any, targets: Any) -> Any:
        with tf.GradientTape() as tape:
            per_example = tf.reduce_mean(tf.square(model(inputs, training=True) - targets), axis=-1)
            # Divided by the global batch, not the replica's: the optimizer sums the replicas' gradients.
            loss = tf.nn.compute_average_loss(per_example, global_batch_size=GLOBAL_BATCH)
        gradients = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(gradients, model.trainable_variables))
        return loss

    @tf.function
    def train_step(iterator: Any) -> Any:
        per_replica = strategy.run(step, args=next(iterator))
        return strategy.reduce(tf.distribute.ReduceOp.SUM, per_replica, axis=None)

    losses = []
    for _ in range(EPOCHS):
        iterator = iter(strategy.distribute_datasets_from_function(dataset_fn))
        losses += [float(train_step(iterator)) for _ in range(SAMPLES // GLOBAL_BATCH)]
    arrays = {f"initial_{i}": w for i, w in enumerate(initial)}
    arrays.update({f"trained_{i}": np.asarray(w) for i, w in enumerate(model.get_weights())})
    np.savez(out, losses=np.asarray(losses), replicas=strategy.num_replicas_in_sync, **arrays)


# --------------------------------------------------------------------------- the launcher


def loopback_up() -> None:
    """Bring up ``lo`` (a new network namespace starts with it down), as ``ip link set lo up`` would."""
    get_flags, set_flags, up = 0x8913, 0x8914, 0x1  # SIOCGIFFLAGS, SIOCSIFFLAGS, IFF_UP
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        request = struct.pack("16sh", b"lo", 0)
        flags = struct.unpack("16sh", fcntl.ioctl(sock, get_flags, request))[1]
        fcntl.ioctl(sock, set_flags, struct.pack("16sh", b"lo", flags | up))


def private_network_works() -> bool:
    """Whether ``unshare`` can give us a network namespace here (it needs user namespaces or root)."""
    unshare = shutil.which("unshare")
    if unshare is None:
        return False
    probe = subprocess.run([unshare, "--net", "--map-root-user", "true"], capture_output=True, timeout=10)
    return probe.returncode == 0


def free_ports(count: int) -> list[int]:
    """Ports the kernel reports free on 127.0.0.1, held together so they differ."""
    with contextlib.ExitStack() as stack:
        sockets = [stack.enter_context(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) for _ in range(count)]
        for sock in sockets:
            sock.bind(("127.0.0.1", 0))
        return [sock.getsockname()[1] for sock in sockets]


def stop(processes: dict[str, subprocess.Popen[str]]) -> None:
    """End every child still running, and whatever it started (each leads its own process group)."""
    for process in processes.values():
        if process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
    end = time.monotonic() + 5
    for process in processes.values():
        try:
            process.wait(timeout=max(end - time.monotonic(), 0.1))
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def launch(workdir: Path, timeout: float) -> dict[str, subprocess.Popen[str]]:
    ports = free_ports(WORKERS)
    cluster = {"worker": [f"127.0.0.1:{port}" for port in ports]}
    base = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2", "KERAS_BACKEND": "tensorflow", "CUDA_VISIBLE_DEVICES": ""}
    base.pop("TF_CONFIG", None)
    roles = {f"worker{i}": {"TF_CONFIG": json.dumps({"cluster": cluster, "task": {"type": "worker", "index": i}})}
             for i in range(WORKERS)}
    roles["single"] = {}
    processes: dict[str, subprocess.Popen[str]] = {}
    for name, extra in roles.items():
        role = "single" if name == "single" else "worker"
        command = [sys.executable, __file__, "--role", role, "--out", str(workdir / f"{name}.npz"),
                   "--timeout", str(timeout)]
        # The child holds its own copy of the log's descriptor; ours closes at once.
        with open(workdir / f"{name}.log", "w") as log:
            processes[name] = subprocess.Popen(
                command, env={**base, **extra}, stdout=log, stderr=subprocess.STDOUT, text=True,
                start_new_session=True,
            )
    return processes


def wait_all(processes: dict[str, subprocess.Popen[str]], deadline: float) -> str | None:
    """None when every child ended with status 0; else what went wrong (the first failure, or the deadline)."""
    while True:
        codes = {name: process.poll() for name, process in processes.items()}
        failed = [f"{name} exited with status {code}" for name, code in codes.items() if code not in (None, 0)]
        if failed:
            return failed[0]
        if all(code == 0 for code in codes.values()):
            return None
        if time.monotonic() > deadline:
            running = ", ".join(name for name, code in codes.items() if code is None)
            return f"deadline passed with {running} still running"
        time.sleep(0.2)


def compare(workdir: Path) -> tuple[dict[str, float], bool]:
    import numpy as np

    runs = {name: np.load(workdir / f"{name}.npz") for name in ("single", *(f"worker{i}" for i in range(WORKERS)))}
    count = len([key for key in runs["single"].files if key.startswith("trained_")])

    def max_diff(a: str, b: str, prefix: str = "trained") -> float:
        return max(float(np.max(np.abs(runs[a][f"{prefix}_{i}"] - runs[b][f"{prefix}_{i}"]))) for i in range(count))

    figures = {
        "replicas in sync (workers)": float(runs["worker0"]["replicas"]),
        "max |initial worker0 - initial single|": max_diff("worker0", "single", "initial"),
        "max weight change in training (single)": max(
            float(np.max(np.abs(runs["single"][f"trained_{i}"] - runs["single"][f"initial_{i}"]))) for i in range(count)
        ),
        "max |worker0 - worker1|": max_diff("worker0", "worker1"),
        "max |worker0 - single|": max_diff("worker0", "single"),
        "max |loss worker0 - loss single|": float(np.max(np.abs(runs["worker0"]["losses"] - runs["single"]["losses"]))),
    }
    agree = (
        figures["replicas in sync (workers)"] == WORKERS
        and figures["max |initial worker0 - initial single|"] == 0.0
        and figures["max |worker0 - worker1|"] == 0.0
        and figures["max |worker0 - single|"] <= TOLERANCE
        and figures["max weight change in training (single)"] > 100 * TOLERANCE
    )
    return figures, agree


def run_launcher(timeout: float, keep: Path | None) -> int:
    started = time.monotonic()
    deadline = started + timeout
    with tempfile.TemporaryDirectory(prefix="multiworker-") as tmp:
        workdir = keep or Path(tmp)
        workdir.mkdir(parents=True, exist_ok=True)
        processes: dict[str, subprocess.Popen[str]] = {}
        try:
            processes = launch(workdir, timeout)
            problem = wait_all(processes, deadline)
        finally:
            # Also on KeyboardInterrupt / SIGTERM (turned into SystemExit below): no child outlives us.
            stop(processes)
        elapsed = time.monotonic() - started
        if problem is not None:
            print(f"multiworker: FAILED: {problem} (after {elapsed:.1f} s; all children stopped)")
            for name in processes:
                log = (workdir / f"{name}.log").read_text(errors="replace")
                print(f"--- {name}.log (last 2000 characters)\n{log[-2000:]}")
            return 2
        figures, agree = compare(workdir)
    print(f"{WORKERS} workers on 127.0.0.1 (MultiWorkerMirroredStrategy, custom loop) vs one process:")
    for name, value in figures.items():
        print(f"  {name}: {value:.3g}")
    print(f"  wall time: {elapsed:.1f} s")
    verdict = "agree" if agree else "DISAGREE"
    print(f"multiworker: the workers and the single-process run {verdict} (tolerance {TOLERANCE:g})")
    return 0 if agree else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds for the whole run (default 120)")
    parser.add_argument("--keep", type=Path, help="keep the children's logs and weights in this folder")
    parser.add_argument(
        "--network", choices=("private", "host"), default="private",
        help="private (default): run in a network namespace of our own where possible; host: skip that",
    )
    parser.add_argument("--in-namespace", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--role", choices=("launcher", "worker", "single"), default="launcher", help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.role == "launcher":
        if args.network == "private" and not args.in_namespace:
            if private_network_works():
                # Same process (unshare execs), now alone in a new network namespace.
                os.execvp("unshare", ["unshare", "--net", "--map-root-user", "--", sys.executable, __file__,
                                      *(argv if argv is not None else sys.argv[1:]), "--in-namespace"])
            print("multiworker: no private network namespace here (unshare refused): the workers' gRPC "
                  "servers listen on every interface while they run", flush=True)
        if args.in_namespace:
            loopback_up()
        signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
        return run_launcher(args.timeout, args.keep)
    exit_with_launcher(time.monotonic() + args.timeout)
    os.environ.setdefault("KERAS_BACKEND", "tensorflow")
    root = Path(__file__).resolve().parents[1]
    if str(root) not in sys.path:
        # Run from a checkout without installing the package.
        sys.path.insert(0, str(root))
    train(args.role, args.out)
    # Skip TensorFlow's teardown: a worker whose peer has already left can hang in it.
    sys.stdout.flush()
    os._exit(0)


if __name__ == "__main__":
    sys.exit(main())
