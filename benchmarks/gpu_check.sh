#!/usr/bin/env bash
# Every GPU check of kerasr_bridge in one go, in under 8 minutes, with one summary.
#
#   bash benchmarks/gpu_check.sh                    # on a machine with an NVIDIA GPU
#   bash benchmarks/gpu_check.sh --rehearse-on-cpu  # the same steps on the CPU: tries the script, not the GPU
#   bash benchmarks/gpu_check.sh --install          # first make .venv-gpu with pip (needs PyPI; not timed)
#
# Steps, each bounded by `timeout` and by the whole run's budget (GPU_CHECK_BUDGET, 420 s,
# which leaves a minute for finding the Python and the backend; a rehearsal gets three times
# as long, as 2 CPU cores are slower than a GPU):
#   device     the backend sees the GPU and our layer's output lives on it
#   numerics   tests/python/test_outputs_match_reference.py, test_random_configurations.py, test_golden_fixtures.py
#              (pytest, -m "not r"; in parallel with pytest-xdist where that is installed)
#   layouts    channels_first with a bias, unequal strides, strides with dilation, 1D and 2D,
#              float32 and float64, against tests/reference.py (NumPy), on the GPU
#   training   a short training run (scikit-learn's digits, our layers in every kind)
#   bench      benchmarks/bench_python.py (TensorFlow); on JAX or PyTorch, a forward and
#              forward+backward table of our layer against plain Keras (bench_python.py is
#              TensorFlow-only)
# GPU_CHECK_STEPS="layouts bench" runs only the steps named (a rerun of what failed).
# Exit status: 0 every (selected) step passed; 1 a step failed or ran out of time; 2 no NVIDIA GPU here;
# 3 a GPU but no Python/backend here that can use it. Logs: out/gpu_check/ (GPU_CHECK_OUT).
#
# Which Python: GPU_CHECK_PYTHON, else the first of .venv-gpu/bin/python, .venv/bin/python,
# python3 that imports keras. Which backend: KERAS_BACKEND, else the first of tensorflow,
# jax, torch that sees the GPU. The package itself comes from this checkout (PYTHONPATH).
#
# Machines without network: carry what the Python there lacks as wheels and name the folder
# in GPU_CHECK_WHEELS (installed with --no-index --no-deps into a temporary directory). A
# machine with JAX or PyTorch (CUDA builds) but no Keras needs only keras and its two small
# pure or compiled dependencies that such images rarely have; fetch them where pip works:
#   python3 -m pip download --no-deps --only-binary=:all: --python-version 3.12 \
#     --platform manylinux2014_x86_64 --platform manylinux_2_17_x86_64 -d .whl keras==3.15.1 namex optree
#   GPU_CHECK_WHEELS=.whl bash benchmarks/gpu_check.sh
# (check the others with `pip show absl-py rich h5py ml-dtypes packaging numpy hypothesis
# pytest scikit-learn` there). tensorflow[and-cuda] is gigabytes: install it with --install
# where PyPI is reachable, or use a machine image that has it.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 3
ROOT=$PWD

REHEARSE=0
INSTALL=0
for argument in "$@"; do
  case "$argument" in
    --rehearse-on-cpu) REHEARSE=1 ;;
    --install) INSTALL=1 ;;
    -h|--help) sed -n '2,38p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "gpu_check: unknown argument '$argument' (see --help)" >&2; exit 64 ;;
  esac
done

die() {  # status, message
  echo "gpu_check: $2" >&2
  exit "$1"
}

# --------------------------------------------------------------------------- is there a GPU?
GPU_NAME="none (rehearsal on the CPU)"
if [ "$REHEARSE" -eq 0 ]; then
  command -v nvidia-smi >/dev/null 2>&1 \
    || die 2 "no NVIDIA GPU here: nvidia-smi is not on the PATH (no NVIDIA driver). Run this on a machine with an NVIDIA GPU; --rehearse-on-cpu tries the steps on the CPU."
  if ! GPUS=$(timeout 30 nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader 2>&1); then
    die 2 "no usable NVIDIA GPU here: nvidia-smi failed: $(echo "$GPUS" | head -3)"
  fi
  [ -n "$(echo "$GPUS" | tr -d '[:space:]')" ] || die 2 "no NVIDIA GPU here: nvidia-smi lists none."
  GPU_NAME=$(echo "$GPUS" | head -1)
fi

OUTDIR=${GPU_CHECK_OUT:-$ROOT/out/gpu_check}
mkdir -p "$OUTDIR" || die 3 "cannot write the logs to $OUTDIR"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/gpu_check.XXXXXX") || die 3 "no temporary directory"
trap 'rm -rf "$WORK"' EXIT

# --------------------------------------------------------------------------- which Python
if [ "$INSTALL" -eq 1 ] && [ ! -x .venv-gpu/bin/python ]; then
  echo "gpu_check: --install: making .venv-gpu with kerasr-bridge[gpu,test] (not counted in the budget)"
  if ! { python3 -m venv .venv-gpu && timeout 1800 .venv-gpu/bin/python -m pip install -q -e '.[gpu,test]'; }; then
    die 3 "--install failed: could not make .venv-gpu (is PyPI reachable?)"
  fi
fi
if [ -n "${GPU_CHECK_WHEELS:-}" ]; then
  ls "$GPU_CHECK_WHEELS"/*.whl >/dev/null 2>&1 || die 3 "GPU_CHECK_WHEELS=$GPU_CHECK_WHEELS holds no .whl files"
  python3 -m pip install -q --no-index --no-deps --no-compile --target "$WORK/site" "$GPU_CHECK_WHEELS"/*.whl \
    || die 3 "could not install the wheels in $GPU_CHECK_WHEELS"
  export PYTHONPATH="$WORK/site${PYTHONPATH:+:$PYTHONPATH}"
fi
export PYTHONPATH="$ROOT:$ROOT/tests${PYTHONPATH:+:$PYTHONPATH}"

# Looked up, not imported: importing keras would already start a backend, maybe one not installed.
has_packages() {
  timeout 60 "$1" -c 'import importlib.util as u, sys; sys.exit(any(u.find_spec(m) is None for m in sys.argv[1:]))' \
    keras numpy pytest hypothesis sklearn >/dev/null 2>&1
}
PY=""
if [ -n "${GPU_CHECK_PYTHON:-}" ]; then
  has_packages "$GPU_CHECK_PYTHON" \
    || die 3 "GPU_CHECK_PYTHON=$GPU_CHECK_PYTHON lacks one of keras, numpy, pytest, hypothesis, scikit-learn"
  PY=$GPU_CHECK_PYTHON
else
  for candidate in .venv-gpu/bin/python .venv/bin/python python3; do
    if command -v "$candidate" >/dev/null 2>&1 && has_packages "$candidate"; then PY=$candidate; break; fi
  done
  [ -n "$PY" ] || die 3 "no Python here has keras, numpy, pytest, hypothesis and scikit-learn (tried .venv-gpu, .venv, python3); carry wheels with GPU_CHECK_WHEELS or use --install (see --help)"
fi

# --------------------------------------------------------------------------- which backend
export TF_CPP_MIN_LOG_LEVEL=2 PYTHONUNBUFFERED=1
# Exact float32 for the comparisons with the reference: no TensorFloat-32 in cuDNN/cuBLAS
# (TensorFlow, PyTorch) nor in XLA's convolutions (JAX).
export NVIDIA_TF32_OVERRIDE=0 JAX_DEFAULT_MATMUL_PRECISION=highest
# Several processes share the GPU one after another: take memory as needed.
export TF_FORCE_GPU_ALLOW_GROWTH=true XLA_PYTHON_CLIENT_PREALLOCATE=false
export GPU_CHECK_REHEARSE=$REHEARSE
if [ "$REHEARSE" -eq 1 ]; then
  export CUDA_VISIBLE_DEVICES="" JAX_PLATFORMS=cpu
fi

probe_backend() {  # prints the device count the backend sees (GPUs, or CPUs in a rehearsal)
  KERAS_BACKEND=$1 timeout 120 "$PY" - "$1" "$REHEARSE" <<'EOF' 2>/dev/null
import sys

backend, rehearse = sys.argv[1], sys.argv[2] == "1"
if backend == "tensorflow":
    import tensorflow as tf
    print(len(tf.config.list_physical_devices("CPU" if rehearse else "GPU")))
elif backend == "jax":
    import jax
    print(len([d for d in jax.devices() if d.platform == ("cpu" if rehearse else "gpu")]))
else:
    import torch
    print(1 if rehearse else torch.cuda.device_count())
EOF
}

if [ -n "${KERAS_BACKEND:-}" ]; then
  BACKEND=$KERAS_BACKEND
  [ "$(probe_backend "$BACKEND")" -ge 1 ] 2>/dev/null \
    || die 3 "KERAS_BACKEND=$BACKEND in $PY does not see the GPU (not installed, or a CPU-only build)"
else
  BACKEND=""
  for candidate in tensorflow jax torch; do
    if [ "$(probe_backend "$candidate")" -ge 1 ] 2>/dev/null; then BACKEND=$candidate; break; fi
  done
  [ -n "$BACKEND" ] || die 3 "the GPU is there, but none of tensorflow, jax, torch in $PY sees it (CPU-only builds, or a CUDA/driver mismatch)"
fi
export KERAS_BACKEND=$BACKEND
# The float64 cases need 64-bit JAX arrays.
[ "$BACKEND" = jax ] && export JAX_ENABLE_X64=1

# --------------------------------------------------------------------------- the steps
SCALE=1
[ "$REHEARSE" -eq 1 ] && SCALE=3
BUDGET=${GPU_CHECK_BUDGET:-$((420 * SCALE))}
STARTED=$SECONDS
SUMMARY=()
FAILED=0

# run_step NAME TIMEOUT COMMAND...: runs within what is left of the budget; the last line
# matching "RESULT:" or pytest's closing line is the step's detail.
run_step() {
  local name=$1 limit=$(($2 * SCALE))
  shift 2
  if [ -n "${GPU_CHECK_STEPS:-}" ] && [[ " $GPU_CHECK_STEPS " != *" $name "* ]]; then
    SUMMARY+=("| $name | not selected | 0 | GPU_CHECK_STEPS=\"$GPU_CHECK_STEPS\" |")
    return
  fi
  local left=$((BUDGET - (SECONDS - STARTED)))
  if [ "$left" -lt 20 ]; then
    SUMMARY+=("| $name | NOT RUN | 0 | the ${BUDGET} s budget is spent |")
    FAILED=1
    return
  fi
  [ "$limit" -le "$left" ] || limit=$left
  echo "=== $name (at most ${limit} s)"
  local begin=$SECONDS status detail
  timeout -k 10 "$limit" "$@" 2>&1 | tee "$OUTDIR/$name.log"
  status=${PIPESTATUS[0]}
  detail=$(grep -E '^RESULT: |^Total time: |^=+ .*(passed|failed|error).* =+$|^[0-9]+ (passed|failed)' "$OUTDIR/$name.log" \
    | tail -1 | sed -E 's/^RESULT: //; s/^=+ //; s/ =+$//')
  local verdict=PASS
  if [ "$status" -eq 124 ] || [ "$status" -eq 137 ]; then
    verdict=TIMEOUT; detail="stopped after ${limit} s. $detail"
  elif [ "$status" -ne 0 ]; then
    verdict=FAIL; detail="exit status $status. $detail"
  fi
  [ "$verdict" = PASS ] || FAILED=1
  SUMMARY+=("| $name | $verdict | $((SECONDS - begin)) | ${detail:-see $OUTDIR/$name.log} |")
}

cat >"$WORK/checks.py" <<'EOF'
"""The GPU checks that are not pytest files: device, layouts, training, backend-neutral timings."""

import os
import statistics
import sys
import time

import keras
import numpy as np
from reference import depthwise_conv

from kerasr_bridge import layer_depthwise_conv_1d, layer_depthwise_conv_2d

BACKEND = keras.backend.backend()
REHEARSE = os.environ.get("GPU_CHECK_REHEARSE") == "1"
FUNCTIONS = {1: layer_depthwise_conv_1d, 2: layer_depthwise_conv_2d}

if BACKEND == "jax":
    import jax

    jax.config.update("jax_enable_x64", True)
    jax.config.update("jax_default_matmul_precision", "highest")
elif BACKEND == "torch":
    import torch

    torch.backends.cudnn.allow_tf32 = False
    torch.backends.cuda.matmul.allow_tf32 = False


def sync(value=None):
    """Wait for the device: its kernels run asynchronously."""
    if BACKEND == "jax" and value is not None:
        jax.block_until_ready(value)
    elif BACKEND == "torch" and torch.cuda.is_available():
        torch.cuda.synchronize()
    elif BACKEND == "tensorflow" and not REHEARSE:
        import tensorflow as tf

        tf.test.experimental.sync_devices()


def placement(value):
    if BACKEND == "jax":
        return ",".join(sorted(str(d) for d in value.devices()))
    return str(value.device)


def step_device():
    y = layer_depthwise_conv_2d(keras.ops.ones((1, 6, 6, 3)), kernel_size=3)
    where = placement(y)
    print(f"backend {BACKEND} {keras.__version__}; our layer's output lives on: {where}")
    # TensorFlow says ".../device:GPU:0", JAX and PyTorch "cuda:0".
    expected = ("cpu",) if REHEARSE else ("gpu", "cuda")
    assert any(word in where.lower() for word in expected), f"expected the output on {expected}, got {where}"
    print(f"RESULT: {BACKEND}, output on {where}")


def cases():
    """(rank, options): channels_first with bias, unequal strides, strides with dilation, both ranks."""
    for data_format in ("channels_last", "channels_first"):
        for padding in ("valid", "same"):
            yield 1, dict(kernel_size=3, strides=2, dilation_rate=2, padding=padding, data_format=data_format)
            yield 1, dict(kernel_size=3, strides=1, dilation_rate=1, padding=padding, data_format=data_format)
            for strides, dilation in (((2, 1), 1), ((1, 2), 1), ((3, 2), 1), (2, 2), ((2, 1), (1, 2)), ((2, 3), 2)):
                yield 2, dict(kernel_size=(3, 2), strides=strides, dilation_rate=dilation, padding=padding,
                              data_format=data_format)
            # The spatial size equals the channels: Keras's own layer adds the bias on the wrong axis there.
            yield 2, dict(kernel_size=3, strides=1, dilation_rate=1, padding=padding, data_format=data_format)


def step_layouts():
    rng = np.random.default_rng(20261126)
    worst = {"float32": 0.0, "float64": 0.0}
    count = 0
    for rank, options in cases():
        for dtype, tolerance in (("float32", 1e-4), ("float64", 1e-10)):
            channels, multiplier = 4, 2
            spatial = (11,) if rank == 1 else (13, 4)
            shape = (2, *spatial, channels) if options["data_format"] == "channels_last" else (2, channels, *spatial)
            x = rng.normal(size=shape).astype(dtype)
            kernel_size = options["kernel_size"]
            kernel_size = (kernel_size,) * rank if isinstance(kernel_size, int) else kernel_size
            kernel = rng.normal(size=(*kernel_size, channels, multiplier)).astype(dtype)
            bias = rng.normal(size=(channels * multiplier,)).astype(dtype)
            y = FUNCTIONS[rank](x, depth_multiplier=multiplier, weights=[kernel, bias], dtype=dtype, **options)
            expected = depthwise_conv(x, kernel, bias, strides=options["strides"], padding=options["padding"],
                                      dilation_rate=options["dilation_rate"], data_format=options["data_format"])
            got = keras.ops.convert_to_numpy(y)
            assert got.shape == expected.shape, (options, got.shape, expected.shape)
            error = float(np.max(np.abs(got - expected)) / max(1.0, float(np.max(np.abs(expected)))))
            assert error <= tolerance, f"{dtype} {options}: relative error {error:.3g} > {tolerance:g}"
            worst[dtype] = max(worst[dtype], error)
            count += 1
    print(f"RESULT: {count} cases match the reference; worst relative error float32 {worst['float32']:.2g}, "
          f"float64 {worst['float64']:.2g}")


def step_training():
    from sklearn.datasets import load_digits

    keras.utils.set_random_seed(1)
    digits = load_digits()
    x = (digits.images / 16.0).astype("float32")[..., None]
    y = digits.target.astype("int32")
    inputs = keras.Input((8, 8, 1))
    h = keras.layers.Conv2D(8, 1)(inputs)
    h = layer_depthwise_conv_2d(h, kernel_size=3, padding="same", depth_multiplier=2, activation="relu")
    first = layer_depthwise_conv_2d(keras.layers.Permute((3, 1, 2))(h), kernel_size=3, padding="same",
                                    data_format="channels_first", activation="relu")
    unequal = layer_depthwise_conv_2d(h, kernel_size=3, strides=(2, 1), padding="same", activation="relu")
    dilated = layer_depthwise_conv_2d(h, kernel_size=2, strides=2, dilation_rate=2, padding="same")
    one_d = layer_depthwise_conv_1d(keras.layers.Reshape((64, 16))(h), kernel_size=3, strides=2)
    pooled = [keras.layers.GlobalAveragePooling2D()(unequal), keras.layers.GlobalAveragePooling2D()(dilated),
              keras.layers.GlobalAveragePooling2D(data_format="channels_first")(first),
              keras.layers.GlobalAveragePooling1D()(one_d)]
    outputs = keras.layers.Dense(10, activation="softmax")(keras.layers.Concatenate()(pooled))
    model = keras.Model(inputs, outputs)
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"], jit_compile=BACKEND == "jax")
    start = time.perf_counter()
    history = model.fit(x[:1400], y[:1400], batch_size=64, epochs=8, verbose=0)
    seconds = time.perf_counter() - start
    accuracy = float(model.evaluate(x[1400:], y[1400:], verbose=0)[1])
    losses = history.history["loss"]
    print("losses: " + " ".join(f"{v:.3f}" for v in losses))
    assert losses[-1] < 0.7 * losses[0], losses
    assert accuracy > 0.5, f"held-out accuracy {accuracy:.3f} (chance: 0.1)"
    print(f"RESULT: 8 epochs in {seconds:.1f} s (first includes compilation); loss {losses[0]:.3f} -> "
          f"{losses[-1]:.3f}; held-out accuracy {accuracy:.3f}")


def timed(variants, reps=3 if REHEARSE else 15, inner=2 if REHEARSE else 10):
    """Median seconds per call of each variant over ``reps`` batches of ``inner`` calls.

    The variants take turns within each repetition (the order reversed every
    other one), so a drifting machine load hits them alike.
    """
    for function in variants.values():
        for _ in range(3):
            sync(function())
    times = {name: [] for name in variants}
    for rep in range(reps):
        for name in list(variants) if rep % 2 == 0 else list(variants)[::-1]:
            start = time.perf_counter()
            for _ in range(inner):
                value = variants[name]()
            sync(value)
            times[name].append((time.perf_counter() - start) / inner)
    return {name: statistics.median(values) for name, values in times.items()}


def step_bench():
    """Forward and forward+backward of our layer and plain Keras's, for JAX or PyTorch."""
    rows = []
    batch = 2 if REHEARSE else 32
    for name, rank, spatial, channels, kernel_size, strides in (
        ("W1", 2, (112, 112), 32, 3, 1), ("W2", 2, (56, 56), 128, 3, 2), ("W3", 1, (4096,), 64, 9, 1),
    ):
        x = keras.ops.convert_to_tensor(np.random.default_rng(4).normal(size=(batch, *spatial, channels)), "float32")
        ours = FUNCTIONS[rank](kernel_size=kernel_size, strides=strides, padding="same")
        plain = (keras.layers.DepthwiseConv1D if rank == 1 else keras.layers.DepthwiseConv2D)(
            kernel_size=kernel_size, strides=strides, padding="same")
        for layer in (ours, plain):
            layer.build(x.shape)
        plain.set_weights(ours.get_weights())
        variants = {}
        for label, layer in (("ours", ours), ("plain Keras", plain)):
            if BACKEND == "jax":
                weights = [v.value for v in layer.trainable_variables]
                forward = jax.jit(lambda w, x, layer=layer: layer.stateless_call(w, [], x)[0])
                backward = jax.jit(jax.grad(lambda w, x, forward=forward: forward(w, x).sum(), argnums=(0, 1)))
                variants[label, "forward"] = lambda forward=forward, weights=weights: forward(weights, x)
                variants[label, "backward"] = lambda backward=backward, weights=weights: backward(weights, x)
            else:
                xg = x.detach().clone().requires_grad_(True)
                variants[label, "forward"] = lambda layer=layer: layer(x)
                variants[label, "backward"] = lambda layer=layer: layer(xg).sum().backward()
        seconds = timed(variants)
        for label in ("ours", "plain Keras"):
            fwd, bwd = seconds[label, "forward"], seconds[label, "backward"]
            rows.append(f"| {name} | {label} | {fwd * 1e3:.3f} | {bwd * 1e3:.3f} |")
    mode = "jax.jit" if BACKEND == "jax" else "eager"
    print(f"#### Compute on {BACKEND} ({mode}), float32, batch {batch}, ms per call (median over batches of calls)")
    print("| workload | layer | forward | forward+backward |\n|---|---|---|---|")
    print("\n".join(rows))
    print(f"RESULT: {len(rows)} rows (W1 2D 112x112 C=32 k3; W2 2D 56x56 C=128 k3 s2; W3 1D 4096 C=64 k9)")


if __name__ == "__main__":
    globals()["step_" + sys.argv[1]]()
EOF

echo "gpu_check: GPU $GPU_NAME; Python $PY; KERAS_BACKEND=$BACKEND; budget ${BUDGET} s; logs in $OUTDIR"
run_step device 60 "$PY" "$WORK/checks.py" device
XDIST=()
if "$PY" -c 'import xdist' >/dev/null 2>&1; then
  CORES=$(nproc 2>/dev/null || echo 2)
  XDIST=(-n "$((CORES < 8 ? CORES : 8))")
fi
run_step numerics 240 "$PY" -m pytest -q -p no:cacheprovider -m "not r and not slow" "${XDIST[@]}" \
  tests/python/test_outputs_match_reference.py tests/python/test_random_configurations.py \
  tests/python/test_golden_fixtures.py
run_step layouts 90 "$PY" "$WORK/checks.py" layouts
run_step training 90 "$PY" "$WORK/checks.py" training
if [ "$BACKEND" = tensorflow ]; then
  BENCH_ARGS=()
  # The full tables take ~3 min on 2 CPU cores; a rehearsal only shows that they run.
  [ "$REHEARSE" -eq 1 ] && BENCH_ARGS=(--quick)
  run_step bench 200 "$PY" benchmarks/bench_python.py "${BENCH_ARGS[@]}"
else
  run_step bench 180 "$PY" "$WORK/checks.py" bench
fi

TOTAL=$((SECONDS - STARTED))
VERSIONS=$("$PY" -c 'import platform, keras, numpy; print(f"Python {platform.python_version()}, Keras {keras.__version__}, NumPy {numpy.__version__}")' 2>/dev/null)
{
  echo
  echo "## gpu_check summary"
  echo
  [ "$REHEARSE" -eq 1 ] && echo "**Rehearsal on the CPU: these are not GPU results.**" && echo
  echo "GPU: $GPU_NAME. Backend: $BACKEND. $VERSIONS. Total: ${TOTAL} s (budget ${BUDGET} s)."
  echo
  echo "| step | result | seconds | detail |"
  echo "|---|---|---|---|"
  printf '%s\n' "${SUMMARY[@]}"
  echo
  if [ "$FAILED" -eq 0 ]; then echo "gpu_check: ALL PASSED"; else echo "gpu_check: FAILED (logs in $OUTDIR)"; fi
} | tee "$OUTDIR/summary.md"
exit "$FAILED"
