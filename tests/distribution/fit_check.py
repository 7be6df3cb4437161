"""Train one model of our layers on one device and data-parallel on two; save both results.

    python tests/distribution/fit_check.py --engine mirrored --out result.npz
    python tests/distribution/fit_check.py --engine data_parallel --out result.npz

Run as a fresh process, always: the two devices must be declared before the
backend initialises its devices (TensorFlow's logical CPU devices, JAX's
``--xla_force_host_platform_device_count``), which this script does first.

``mirrored``: ``tf.distribute.MirroredStrategy`` over 2 logical CPU devices,
``fit()`` inside ``strategy.scope()``. ``data_parallel``: JAX and
``keras.distribution.DataParallel`` over 2 host devices. The reference run is
the same model on one device, from the same initial weights, with the same data
and batch order. The test (tests/python/processes/test_data_parallel_training.py) compares the
arrays; this script only records them, with what shows that two replicas ran.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

DEVICES = 2
ENGINES = {"mirrored": "tensorflow", "data_parallel": "jax"}


def declare_devices(engine: str) -> None:
    """Before any backend import: make the backend see ``DEVICES`` CPU devices."""
    os.environ["KERAS_BACKEND"] = ENGINES[engine]
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    if engine == "data_parallel":
        flags = os.environ.get("XLA_FLAGS", "")
        os.environ["XLA_FLAGS"] = f"{flags} --xla_force_host_platform_device_count={DEVICES}".strip()
        # The single-device reference must not pick a GPU where one exists.
        os.environ["JAX_PLATFORMS"] = "cpu"
    else:
        import tensorflow as tf

        # Hide any GPU: the two replicas are the logical CPU devices declared next.
        tf.config.set_visible_devices([], "GPU")
        cpu = tf.config.list_physical_devices("CPU")[0]
        tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * DEVICES)


def build_model() -> Any:
    """Our layers in their four kinds, in one functional model (plain, channels_first + bias, (2, 1), 1D).

    The multi-worker example's model, so both engines train the same layers.
    The channels_first branch sees (6, 8, 6): its last spatial size equals the
    channels, the case where Keras's own layer adds the bias on the wrong axis
    on TensorFlow.
    """
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "examples"))
    from multiworker_custom_loop import build_model as example_model

    return example_model()


def data() -> tuple[Any, Any]:
    import numpy as np

    rng = np.random.default_rng(20261126)
    x = rng.normal(size=(32, 8, 6, 3)).astype("float32")
    y = rng.normal(size=(32, 2)).astype("float32")
    return x, y


def train(model: Any, initial: list[Any], x: Any, y: Any) -> tuple[list[Any], list[float]]:
    import keras

    model.set_weights(initial)
    # Plain SGD with momentum: no per-parameter normalisation (as in Adam) to
    # magnify rounding differences in tiny gradients.
    # XLA stays off on TensorFlow (CPU); on JAX it is the engine itself ("auto": jit).
    jit = "auto" if keras.backend.backend() == "jax" else False
    model.compile(optimizer=keras.optimizers.SGD(0.05, momentum=0.9), loss="mse", jit_compile=jit)
    history = model.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0)
    return model.get_weights(), [float(v) for v in history.history["loss"]]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engine", choices=sorted(ENGINES), required=True)
    parser.add_argument("--out", type=Path, required=True, help="the .npz to write")
    args = parser.parse_args(argv)
    declare_devices(args.engine)

    import keras
    import numpy as np

    keras.utils.set_random_seed(7)
    x, y = data()
    single_model = build_model()
    initial = single_model.get_weights()
    single_weights, single_loss = train(single_model, initial, x, y)

    info: dict[str, Any] = {"backend": keras.backend.backend(), "keras": keras.__version__}
    classes = {type(layer).__name__ for layer in single_model.layers}
    info["layer_classes"] = sorted(name for name in classes if "Depthwise" in name)
    if args.engine == "mirrored":
        import tensorflow as tf

        strategy = tf.distribute.MirroredStrategy([f"/cpu:{i}" for i in range(DEVICES)])
        info["replicas"] = strategy.num_replicas_in_sync
        info["devices"] = list(strategy.extended.worker_devices)
        with strategy.scope():
            model = build_model()
            # Variables created in the scope are mirrored: one copy per replica.
            info["kernel_copies"] = len(strategy.experimental_local_results(model.weights[0].value))
            weights, loss = train(model, initial, x, y)
    else:
        import jax

        distribution = keras.distribution.DataParallel(devices=jax.devices())
        info["replicas"] = len(jax.devices())
        info["devices"] = [str(device) for device in jax.devices()]
        # How a global batch is laid out: split along the batch axis over the mesh.
        info["data_layout"] = list(distribution.get_data_layout((8, 8, 6, 3)).axes)
        with distribution.scope():
            model = build_model()
            weights, loss = train(model, initial, x, y)
            # Where the trained kernel lives: replicated over every device of the mesh.
            info["kernel_copies"] = len(model.weights[0].value.sharding.device_set)
    info["single_loss"], info["distributed_loss"] = single_loss, loss
    arrays = {f"initial_{i}": w for i, w in enumerate(initial)}
    arrays.update({f"single_{i}": w for i, w in enumerate(single_weights)})
    arrays.update({f"distributed_{i}": np.asarray(w) for i, w in enumerate(weights)})
    np.savez(args.out, **arrays)
    print(json.dumps(info))
    return 0


if __name__ == "__main__":
    sys.exit(main())
