"""R and Python give one behaviour: configs, weights, outputs, errors, composition, files."""

from __future__ import annotations

from typing import Any

import keras
import numpy as np
import pytest
from cases import CASES, Case

import kerasr_bridge


def strip_names(config: Any, drop: tuple[str, ...] = ()) -> Any:
    """A config without layer names (auto-generated, so they differ) and without ``drop`` keys."""
    if isinstance(config, dict):
        return {k: strip_names(v, drop) for k, v in config.items() if k != "name" and k not in drop}
    if isinstance(config, (list, tuple)):
        return [strip_names(v, drop) for v in config]
    return config


def python_call(case: Case, object: Any = None) -> Any:
    return getattr(kerasr_bridge, case.function)(object, **case.py)


def r_call(case: Case, object: str | None = None) -> str:
    return f"{case.function}({object + ', ' if object else ''}{case.r})"


def input_data(case: Case) -> np.ndarray:
    return np.random.default_rng(abs(hash(case.id)) % 2**32).uniform(-1, 1, size=case.shape).astype("float32")


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_config_and_weight_shapes(R, case):
    py_layer = python_call(case)
    r_layer = R(r_call(case), **case.inputs)
    assert type(r_layer) is type(py_layer)
    assert strip_names(r_layer.get_config(), case.callables) == strip_names(py_layer.get_config(), case.callables)
    if "name" in case.py:
        assert r_layer.name == py_layer.name == case.py["name"]
    x = input_data(case)
    py_layer(x)
    r_layer(x)
    assert [w.shape for w in r_layer.get_weights()] == [w.shape for w in py_layer.get_weights()]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_outputs_bit_identical(R, case):
    """Same weights, same data (an R array and a NumPy array): the same bits."""
    x = input_data(case)
    weights = python_call(case)
    weights(x)
    weights = weights.get_weights()
    extra = {} if "weights" in case.py else {"weights": weights}
    r_weights = "" if "weights" in case.py else ", weights = w"
    if case.object == "sequential":
        spatial_input = case.shape[1:]
        legacy_shape = any(k in case.py for k in ("input_shape", "batch_input_shape"))
        py_model = keras.Sequential() if legacy_shape else keras.Sequential([keras.Input(spatial_input)])
        py_model = python_call(case.__class__(**{**case.__dict__, "py": {**case.py, **extra}}), py_model)
        start = "keras$Sequential()" if legacy_shape else "keras$Sequential(list(keras$Input(shape = input_shape)))"
        r_model = R(
            f"model <- {start} |> {case.function}({case.r}{r_weights}); model",
            input_shape=list(spatial_input), w=weights, **case.inputs,
        )
        assert strip_names(r_model.get_config(), case.callables) == strip_names(py_model.get_config(), case.callables)
        expected = np.asarray(py_model(x))
        got_r = R("as.array(model(x))", x=x)
    else:
        expected = np.asarray(getattr(kerasr_bridge, case.function)(x, **case.py, **extra))
        got_r = R(f"as.array({case.function}(x, {case.r}{r_weights}))", x=x, w=weights, **case.inputs)
    # as.array() gives R doubles; float32 -> double is exact, so compare the bits after casting back.
    assert got_r.shape == expected.shape
    np.testing.assert_array_equal(np.asarray(got_r).astype(expected.dtype), expected)


def test_pipe_chain_matches_python_pipe(R):
    x = np.random.default_rng(1).uniform(size=(3, 12, 12, 2)).astype("float32")
    py_model = kerasr_bridge.pipe(
        keras.Sequential([keras.Input((12, 12, 2))]),
        kerasr_bridge.layer_depthwise_conv_2d(kernel_size=3, depth_multiplier=2, activation="relu"),
        kerasr_bridge.layer_depthwise_conv_2d(kernel_size=(2, 2), strides=2, padding="same"),
        keras.layers.GlobalAveragePooling2D(),
        keras.layers.Dense(3),
    )
    r_model = R(
        """
        keras$Sequential(list(keras$Input(shape = c(12L, 12L, 2L)))) |>
          layer_depthwise_conv_2d(kernel_size = 3, depth_multiplier = 2, activation = "relu") |>
          layer_depthwise_conv_2d(kernel_size = c(2, 2), strides = 2, padding = "same") |>
          (\\(m) { m$add(keras$layers$GlobalAveragePooling2D()); m })() |>
          (\\(m) { m$add(keras$layers$Dense(3L)); m })()
        """
    )
    assert strip_names(r_model.get_config()) == strip_names(py_model.get_config())
    r_model.set_weights(py_model.get_weights())
    np.testing.assert_array_equal(np.asarray(r_model(x)), np.asarray(py_model(x)))


def _small_model_r() -> str:
    return """
    keras$utils$set_random_seed(3L)
    x <- array(runif(16 * 8 * 8 * 2), c(16, 8, 8, 2))
    y <- array(runif(16 * 2), c(16, 2))
    model <- keras$Sequential(list(keras$Input(shape = c(8L, 8L, 2L)))) |>
      layer_depthwise_conv_2d(kernel_size = 3, depth_multiplier = 2, activation = "relu") |>
      layer_depthwise_conv_2d(kernel_size = 2, strides = list(2L, 1L))
    model$add(keras$layers$GlobalAveragePooling2D())
    model$add(keras$layers$Dense(2L))
    model$compile(optimizer = "adam", loss = "mse")
    invisible(model$fit(x, y, epochs = 2L, verbose = 0L))
    """


def test_model_trained_in_r_loads_in_python(R, tmp_path):
    path = str(tmp_path / "from_r.keras")
    prediction_r = R(_small_model_r() + f'model$save("{path}"); list(x = x, p = model$predict(x, verbose = 0L))')
    loaded = keras.saving.load_model(path)
    x = np.asarray(prediction_r["x"])
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), np.asarray(prediction_r["p"], dtype="float32"))


def test_model_trained_in_python_loads_in_r(R, tmp_path):
    rng = np.random.default_rng(4)
    x = rng.uniform(size=(16, 20, 3)).astype("float32")
    model = kerasr_bridge.pipe(
        keras.Sequential([keras.Input((20, 3))]),
        kerasr_bridge.layer_depthwise_conv_1d(kernel_size=3, depth_multiplier=2, activation="relu"),
        keras.layers.GlobalAveragePooling1D(),
        keras.layers.Dense(1),
    )
    model.compile(optimizer="adam", loss="mse")
    model.fit(x, rng.uniform(size=(16, 1)), epochs=2, verbose=0)
    path = str(tmp_path / "from_python.keras")
    model.save(path)
    predicted_in_r = R(f'loaded <- keras$saving$load_model("{path}"); loaded$predict(x, verbose = 0L)', x=x)
    np.testing.assert_array_equal(np.asarray(predicted_in_r, dtype="float32"), model.predict(x, verbose=0))
