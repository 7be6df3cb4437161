"""UnequalStridesDepthwiseConv2D's routes: which one each call takes, and that each computes the right numbers.

- native: TensorFlow's own kernel, where the probe (native_route_computes) found it computes unequal strides
  (on this CPU: float32 and bfloat16 with oneDNN); JAX and PyTorch always;
- phase: where TensorFlow refuses (float64, float16; float32 with oneDNN off), or forced (forced_route);
- gcd: the exact route, for inf/NaN inputs where a plan has zero taps, dilation, and too many phases.

Each is checked against the NumPy reference (tests/reference.py), eagerly, inside tf.function, inside fit()
and after save/load; the planner's closed form against the search it replaced.
"""

import contextlib
import math
import time

import keras
import numpy as np
import pytest
from reference import depthwise_conv

from kerasr_bridge import geometry, unequal_strides
from kerasr_bridge.unequal_strides import UnequalStridesDepthwiseConv2D, forced_route

ON_TENSORFLOW = keras.backend.backend() == "tensorflow"
# Sums of up to 12 products of values below 3 in magnitude, against a float64 reference.
TOLERANCE = {
    "float16": {"rtol": 2e-2, "atol": 3e-2},
    "bfloat16": {"rtol": 5e-2, "atol": 2e-1},
    "float32": {"rtol": 1e-5, "atol": 1e-5},
    "float64": {"rtol": 1e-12, "atol": 1e-12},
}

# Weights after four SGD steps through different routes: each step's rounding differences (another summation
# order) carry into the next, and PyTorch's fit() differs by ~1e-9 in float64 (its trainer is not all float64).
# A wrong route differs by ~1e-2.
AFTER_TRAINING = {"float32": {"rtol": 1e-4, "atol": 1e-5}, "float64": {"rtol": 1e-6, "atol": 1e-7}}


def _layer(rng, channels, dtype, **config):
    layer = UnequalStridesDepthwiseConv2D(dtype=dtype, **config)
    layer.build((None, 5, 5, channels) if config.get("data_format", "channels_last") == "channels_last"
                else (None, channels, 5, 5))
    weights = [rng.uniform(-1, 1, size=tuple(w.shape)) for w in layer.weights]
    layer.set_weights(weights)
    # The reference reads the weights as the layer holds them (rounded to its dtype).
    return layer, *(keras.ops.convert_to_numpy(keras.ops.cast(w, "float64")) for w in layer.weights)


def _expected(layer, x, kernel, bias):
    config = layer.get_config()
    return depthwise_conv(np.asarray(x, np.float64), kernel, bias, tuple(config["strides"]), config["padding"],
                          tuple(config["dilation_rate"]), config["data_format"])


def _numpy(tensor):
    return keras.ops.convert_to_numpy(keras.ops.cast(tensor, "float64"))


def _native_computes(dtype, data_format="channels_last"):
    """What the probe says for this dtype here (eagerly, on the default device)."""
    layer = UnequalStridesDepthwiseConv2D(2, strides=(2, 1), dtype=dtype, data_format=data_format)
    layer(np.zeros((1, 6, 6, 1) if data_format == "channels_last" else (1, 1, 6, 6)))
    return layer.last_route == "native"


# --- the planner in closed form ---------------------------------------------------------------------


def _zero_taps_by_search(size, kernel, period, shift, count, padding):
    """The search _zero_taps replaced (every before, after up to 2 * period + kernel): the reference of record."""
    best = None
    limit = 2 * period + kernel
    for before in range(limit + 1):
        for after in range(limit + 1):
            extent = before + kernel + after
            got = geometry.output_size(size, extent, period, padding)
            offset = before if padding == "valid" else before - geometry.same_padding(size, extent, period)[0]
            if got == count and offset == shift and (best is None or before + after < sum(best)):
                best = (before, after)
    return best


@pytest.mark.parametrize("padding", ["valid", "same"])
@pytest.mark.parametrize("period", [1, 2, 3, 4, 6, 7])
def test_zero_taps_in_closed_form_equal_the_search(padding, period):
    found = 0
    for size in range(1, 16):
        for kernel in range(1, 5):
            for count in range(1, -(-size // period) + 2):
                for shift in range(-period - 2, 2 * period + 3):
                    expected = _zero_taps_by_search(size, kernel, period, shift, count, padding)
                    assert unequal_strides._zero_taps(size, kernel, period, shift, count, padding) == expected, (
                        size, kernel, period, shift, count, padding)
                    found += expected is not None
    assert found > 100  # the sweep reaches plans, not only refusals


@pytest.mark.parametrize("strides", [(24, 25), (31, 32), (7, 3), (5, 4), (64, 1), (1, 97), (128, 127)])
def test_plans_for_long_periods_cost_no_search(strides):
    """Coprime and large strides: the phase count formula decides before any plan, in well under a millisecond."""
    start = time.perf_counter()
    for size in ((128, 128), (256, 256), (300, 257)):
        for padding in ("same", "valid"):
            unequal_strides._phase_plan(size, (3, 3), strides, padding)
    elapsed = time.perf_counter() - start
    phases = math.prod(strides) // math.gcd(*strides) ** 2
    assert unequal_strides._too_many_phases(strides) == (phases > unequal_strides.MOST_PHASE_CONVS)
    assert elapsed < 0.25, elapsed  # 6 plans; the search took 21.5 s for one at (24, 25)


@pytest.mark.parametrize("padding", ["valid", "same"])
@pytest.mark.parametrize(
    ("strides", "kernel_size"),
    [((3, 2), (2, 1)), ((5, 1), (3, 2)), ((7, 1), (2, 2)), ((6, 4), (2, 3)), ((3, 5), (3, 3)), ((4, 3), (2, 2)),
     ((5, 2), (1, 3)), ((31, 32), (3, 3))],
)
def test_coprime_strides_and_strides_larger_than_the_kernel(rng, strides, kernel_size, padding):
    """Phase plans up to MOST_PHASE_CONVS phases (zero taps, explicit padding, crops), the gcd route past that."""
    layer, kernel, bias = _layer(rng, 2, "float64", kernel_size=kernel_size, strides=strides, padding=padding)
    taken_phase = set()
    for size in ((23, 19), (kernel_size[0], kernel_size[1] + 5), (40, 41)):
        x = rng.uniform(-3, 3, size=(2, *size, 2))
        for route in ("phase", "gcd"):
            with forced_route(route):
                got = _numpy(layer(x))
            np.testing.assert_allclose(got, _expected(layer, x, kernel, bias), **TOLERANCE["float64"])
            phase_taken = route == "phase" and not unequal_strides._too_many_phases(strides)
            if layer.last_route == "phase":
                assert phase_taken
                taken_phase.add(size)
            elif phase_taken:  # no plan: only where the plan would cost more taps than the gcd route
                assert unequal_strides._phase_plan(size, kernel_size, strides, padding) is None
    if strides in ((3, 2), (5, 1), (7, 1)):  # coprime, larger than the kernel, and at most MOST_PHASE_CONVS phases
        assert taken_phase


def test_first_call_at_long_periods_costs_about_what_equal_strides_cost(rng):
    """Strides (31, 32) on 1x256x256x1 (the search took 74 s there): the first call, planning included."""
    x = rng.uniform(size=(1, 256, 256, 1)).astype("float32")
    keras.layers.DepthwiseConv2D(3, padding="same")(x)  # the backend's own first-use costs, paid once
    start = time.perf_counter()
    keras.layers.DepthwiseConv2D(3, strides=(31, 31), padding="same")(x)
    equal = time.perf_counter() - start
    layer = UnequalStridesDepthwiseConv2D(3, strides=(31, 32), padding="same")
    start = time.perf_counter()
    got = layer(x)
    unequal = time.perf_counter() - start
    assert unequal < max(0.5, 5 * equal), (unequal, equal)  # the probe, once per process, is most of it
    kernel, bias = (w.astype(np.float64) for w in layer.get_weights())
    np.testing.assert_allclose(_numpy(got), _expected(layer, x, kernel, bias), **TOLERANCE["float32"])


# --- which route, and its numbers -------------------------------------------------------------------


@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
@pytest.mark.parametrize("dtype", ["float16", "bfloat16", "float32", "float64"])
def test_the_route_follows_the_probe_and_every_route_is_right(rng, dtype, data_format):
    """Unforced: native where the probe says the backend computes unequal strides, else phase (a plan exists)."""
    layer, kernel, bias = _layer(rng, 3, dtype, kernel_size=3, strides=(2, 1), padding="same",
                                 data_format=data_format, depth_multiplier=2)
    shape = (2, 11, 10, 3) if data_format == "channels_last" else (2, 3, 11, 10)
    x = keras.ops.cast(rng.uniform(-3, 3, size=shape), dtype)
    got = _numpy(layer(x))
    key = unequal_strides._route_key(x, data_format, False)
    assert layer.last_route == ("native" if unequal_strides.native_route_computes(key) else "phase")
    np.testing.assert_allclose(got, _expected(layer, _numpy(x), kernel, bias), **TOLERANCE[dtype])


@pytest.mark.tensorflow_only
def test_the_probe_agrees_with_plain_keras_on_this_machine(rng):
    """Native exactly where plain Keras computes unequal strides here (right, forward and gradient)."""
    import tensorflow as tf

    for dtype in ("float16", "bfloat16", "float32", "float64"):
        plain = keras.layers.DepthwiseConv2D((3, 2), strides=(1, 3), dtype=dtype)
        x = tf.constant(rng.uniform(-1, 1, size=(2, 9, 11, 2)), dtype=dtype)
        try:
            with tf.GradientTape() as tape:
                tape.watch(x)
                out = plain(x)
            tape.gradient(out, x)
            computes = True
        except tf.errors.OpError as error:
            assert "equal length strides" in str(error)
            computes = False
        assert _native_computes(dtype) == computes, dtype
    assert not _native_computes("float64")  # refused by TensorFlow on every CPU


@pytest.mark.tensorflow_only
def test_the_native_route_on_tensorflow_is_plain_keras(rng):
    import tensorflow as tf

    if not _native_computes("float32"):
        pytest.skip("TensorFlow refuses float32 unequal strides here (oneDNN off)")
    layer, _, _ = _layer(rng, 3, "float32", kernel_size=3, strides=(1, 2), padding="same")
    plain = keras.layers.DepthwiseConv2D(3, strides=(1, 2), padding="same")
    plain.build((None, 5, 5, 3))
    plain.set_weights(layer.get_weights())
    x = tf.constant(rng.uniform(-3, 3, size=(2, 12, 13, 3)), tf.float32)
    np.testing.assert_array_equal(_numpy(layer(x)), _numpy(plain(x)))
    assert layer.last_route == "native"


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("route", ["phase", "gcd"])
def test_forced_routes_compute_the_same_numbers(rng, route, dtype):
    layer, kernel, bias = _layer(rng, 3, dtype, kernel_size=(3, 2), strides=(3, 2), padding="same",
                                 depth_multiplier=2)
    x = rng.uniform(-3, 3, size=(2, 13, 12, 3)).astype(dtype)
    with forced_route(route):
        got = _numpy(layer(x))
    assert layer.last_route == route
    np.testing.assert_allclose(got, _expected(layer, x, kernel, bias), **TOLERANCE[dtype])


@pytest.mark.tensorflow_only
def test_forcing_the_native_route_where_tensorflow_refuses_fails_as_plain_keras(rng):
    layer, _, _ = _layer(rng, 2, "float64", kernel_size=2, strides=(2, 1))
    with forced_route("native"), pytest.raises(Exception, match="equal length strides"):
        layer(rng.uniform(size=(1, 6, 6, 2)))
    with pytest.raises(ValueError, match="route must be one of"):
        with forced_route("fastest"):
            pass


def test_dilation_takes_the_native_route_where_it_computes(rng):
    """Keras runs a strided dilated convolution as a stride-1 one plus a subsample: exact, where the probe agrees."""
    layer, kernel, bias = _layer(rng, 2, "float64", kernel_size=3, strides=(2, 1), dilation_rate=(1, 2),
                                 padding="same")
    x = rng.uniform(-3, 3, size=(2, 11, 12, 2))
    got = _numpy(layer(x))
    assert layer.last_route in ("native", "gcd")
    np.testing.assert_allclose(got, _expected(layer, x, kernel, bias), **TOLERANCE["float64"])


# --- inf and NaN, and the finiteness check ----------------------------------------------------------


@pytest.mark.parametrize("route", [None, "phase"])
@pytest.mark.parametrize("dtype", ["float16", "float32", "float64"])
@pytest.mark.parametrize("bad", [np.inf, np.nan])
def test_a_non_finite_input_reaches_only_its_windows_on_every_route(rng, bad, dtype, route):
    """Native reads exact windows; the phase route hands inputs holding inf or NaN to the exact gcd route."""
    layer, kernel, bias = _layer(rng, 2, dtype, kernel_size=3, strides=(2, 1), padding="same")
    x = rng.uniform(-1, 1, size=(2, 7, 8, 2))
    x[1, 3, 4, 0] = bad
    with forced_route(route) if route else contextlib.nullcontext():
        got = _numpy(layer(keras.ops.cast(x, dtype)))
    expected = _expected(layer, x, kernel, bias)
    if keras.backend.backend() != "jax":  # XLA spreads NaN to the other channels, in plain Keras too
        np.testing.assert_array_equal(np.isfinite(got), np.isfinite(expected))
    finite = np.isfinite(got) & np.isfinite(expected)
    np.testing.assert_allclose(got[finite], expected[finite], **TOLERANCE[dtype])


@pytest.mark.tensorflow_only
@pytest.mark.parametrize("dtype", ["float16", "bfloat16"])
def test_ordinary_narrow_float_inputs_take_the_fast_route(rng, dtype, monkeypatch):
    """Ones in float16 sum past 65,504: the finiteness check must not overflow into the slow exact route."""
    layer, kernel, bias = _layer(rng, 4, dtype, kernel_size=3, strides=(2, 1), padding="same")
    phase_calls = []
    original = layer._phase_route
    monkeypatch.setattr(layer, "_phase_route", lambda *args: phase_calls.append(1) or original(*args))
    x = np.ones((2, 128, 64, 4))
    with forced_route("phase"):  # the route that checks finiteness (TensorFlow may take bfloat16 natively)
        got = _numpy(layer(keras.ops.cast(x, dtype)))
    assert float(np.sum(x)) > 65_504
    assert layer.last_route == "phase" and phase_calls == [1]
    np.testing.assert_allclose(got, _expected(layer, x, kernel, bias), **TOLERANCE[dtype])


# --- tf.function, fit() and save/load ---------------------------------------------------------------


@pytest.mark.tensorflow_only
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_the_route_holds_inside_tf_function(rng, dtype):
    """Decided at trace time (the probe runs eagerly in its own thread): the graph holds only that route."""
    import tensorflow as tf

    unequal_strides.NATIVE_COMPUTES.clear()  # the probe itself must run while tracing
    layer, kernel, bias = _layer(rng, 3, dtype, kernel_size=3, strides=(2, 1), padding="same")
    function = tf.function(layer.__call__, input_signature=[tf.TensorSpec((None, 10, 9, 3), dtype)])
    graph = function.get_concrete_function().graph.as_graph_def()
    nodes = [*graph.node, *(node for branch in graph.library.function for node in branch.node_def)]  # tf.cond's too
    strides = sorted(list(node.attr["strides"].list.i) for node in nodes if node.op == "DepthwiseConv2dNative")
    native = _native_computes(dtype)
    assert layer.last_route == ("native" if native else "phase")
    # native: one convolution at strides (2, 1); phase: two at (2, 2) and, for inf or NaN, the exact one at (1, 1)
    assert strides == ([[1, 2, 1, 1]] if native else [[1, 1, 1, 1], [1, 2, 2, 1], [1, 2, 2, 1]])
    x = rng.uniform(-3, 3, size=(3, 10, 9, 3)).astype(dtype)
    np.testing.assert_allclose(_numpy(function(x)), _expected(layer, x, kernel, bias), **TOLERANCE[dtype])


@pytest.mark.tensorflow_only
def test_the_probe_follows_the_device_scope_of_a_trace(rng):
    import tensorflow as tf

    layer, _, _ = _layer(rng, 2, "float32", kernel_size=2, strides=(1, 2))

    @tf.function
    def on_cpu(x):
        with tf.device("/CPU:0"):
            return layer(x)

    on_cpu(tf.zeros((1, 5, 6, 2)))
    assert any(key.device.endswith("CPU:0") and key.device.startswith("/device")
               for key in unequal_strides.NATIVE_COMPUTES)


def _model(layer_config, dtype, rng):
    inputs = keras.Input((12, 10, 3), dtype=dtype)
    layer = UnequalStridesDepthwiseConv2D(dtype=dtype, **layer_config)
    model = keras.Model(inputs, keras.layers.GlobalAveragePooling2D(dtype=dtype)(layer(inputs)))
    model.layers[1].set_weights([rng.uniform(-1, 1, size=tuple(w.shape)) for w in model.layers[1].weights])
    return model


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_fit_trains_the_same_weights_on_every_route(rng, dtype):
    """One epoch of SGD through each route (decided while fit() traces) ends at the same weights."""
    config = {"kernel_size": 3, "strides": (2, 1), "padding": "same", "depth_multiplier": 2}
    start = _model(config, dtype, rng).get_weights()
    x = rng.uniform(-1, 1, size=(16, 12, 10, 3)).astype(dtype)
    y = rng.uniform(-1, 1, size=(16, 6)).astype(dtype)
    trained = {}
    for route in (None, "phase", "gcd"):
        model = _model(config, dtype, rng)
        model.set_weights(start)
        model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse", jit_compile=False)
        with forced_route(route) if route else contextlib.nullcontext():
            model.fit(x, y, batch_size=4, epochs=1, shuffle=False, verbose=0)
        taken = model.layers[1].last_route
        assert taken == route or (route is None and taken == ("native" if _native_computes(dtype) else "phase"))
        trained[taken] = model.get_weights()
    assert len(trained) == 3 if _native_computes(dtype) else len(trained) == 2
    reference = trained["gcd"]
    for route, weights in trained.items():
        for got, expected in zip(weights, reference):
            np.testing.assert_allclose(got, expected, **AFTER_TRAINING[dtype], err_msg=route)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_a_loaded_model_takes_the_route_for_its_dtype(rng, dtype, tmp_path):
    model = _model({"kernel_size": 3, "strides": (1, 2), "padding": "same"}, dtype, rng)
    # float32 values: a loaded model's InputLayer is float32 (Keras's saving), whatever the model's dtype.
    x = rng.uniform(-1, 1, size=(2, 12, 10, 3)).astype("float32").astype(dtype)
    expected = _numpy(model(x))
    model.save(tmp_path / "model.keras")
    loaded = keras.saving.load_model(tmp_path / "model.keras")
    assert type(loaded.layers[1]) is UnequalStridesDepthwiseConv2D
    np.testing.assert_allclose(_numpy(loaded(x)), expected, **TOLERANCE[dtype])
    assert loaded.layers[1].last_route == ("native" if _native_computes(dtype) else "phase")
    got = loaded.predict(x, verbose=0)  # traced: on TensorFlow, the route is decided inside predict's tf.function
    assert loaded.layers[1].last_route == ("native" if _native_computes(dtype) else "phase")
    # Off TensorFlow, predict() may hand the model float32 batches of float64 data (a loaded InputLayer is float32).
    np.testing.assert_allclose(got, expected, **TOLERANCE[dtype if ON_TENSORFLOW else "float32"])

