"""Saved models travel: across languages, in fresh processes, for every layer class we build.

A fresh R session only attaches the package (``library(kerasrbridge)``, which
must not start Python) before loading; a fresh Python process only imports
``kerasr_bridge``. Predictions must agree bit for bit with the saving side's.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import keras
import numpy as np
import pytest
from layer_cases import layer_function

import kerasr_bridge

# One model per layer class: (rank, Python arguments, the same in R, input shape without batch); the
# separable family's models are named separable_*.
MODELS = {
    "plain_2d": (2, {"kernel_size": 3, "depth_multiplier": 2}, "kernel_size = 3, depth_multiplier = 2", (7, 7, 3)),
    "plain_1d": (1, {"kernel_size": 3, "activation": "relu"}, 'kernel_size = 3, activation = "relu"', (9, 4)),
    "channels_first_2d": (2, {"kernel_size": 2, "data_format": "channels_first"},
                          'kernel_size = 2, data_format = "channels_first"', (3, 6, 3)),
    "channels_first_1d": (1, {"kernel_size": 2, "data_format": "channels_first"},
                          'kernel_size = 2, data_format = "channels_first"', (4, 4)),
    "unequal_strides": (2, {"kernel_size": 3, "strides": (2, 1), "padding": "same"},
                        'kernel_size = 3, strides = c(2, 1), padding = "same"', (8, 7, 2)),
    "separable_2d": (2, {"filters": 4, "kernel_size": 3, "depth_multiplier": 2},
                     "filters = 4, kernel_size = 3, depth_multiplier = 2", (7, 7, 3)),
    "separable_1d": (1, {"filters": 3, "kernel_size": 3, "activation": "relu"},
                     'filters = 3, kernel_size = 3, activation = "relu"', (9, 4)),
    "separable_channels_first_2d": (2, {"filters": 3, "kernel_size": 2, "data_format": "channels_first"},
                                    'filters = 3, kernel_size = 2, data_format = "channels_first"', (3, 6, 4)),
    "separable_channels_first_1d": (1, {"filters": 3, "kernel_size": 2, "data_format": "channels_first"},
                                    'filters = 3, kernel_size = 2, data_format = "channels_first"', (4, 4)),
    "separable_unequal_strides": (2, {"filters": 2, "kernel_size": 3, "strides": (2, 1), "padding": "same"},
                                  'filters = 2, kernel_size = 3, strides = c(2, 1), padding = "same"', (8, 7, 2)),
}


def _function(name: str) -> str:
    """The layer function a model of MODELS is made with."""
    return layer_function("separable" if name.startswith("separable") else "depthwise", MODELS[name][0])


def _input(name: str) -> np.ndarray:
    shape = (3, *MODELS[name][3])
    return np.random.default_rng(len(name)).uniform(-1, 1, size=shape).astype("float32")


def _environment() -> dict[str, str]:
    # The stack under test: R_LIBS (set by the Makefile per stack) and this very Python.
    return {**os.environ, "RETICULATE_PYTHON": sys.executable, "TF_CPP_MIN_LOG_LEVEL": "2"}


def _run(command: list[str], cwd: Path) -> str:
    done = subprocess.run(command, capture_output=True, text=True, timeout=600, cwd=cwd, env=_environment())
    output = f"{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    assert done.returncode == 0, f"{command[0]} failed ({done.returncode}):\n{output}"
    return done.stdout


def _rscript() -> str:
    rscript = shutil.which("Rscript")
    if rscript is None:
        pytest.fail("Rscript not found (make setup installs R)")
    return rscript


def _layer_classes(model: keras.Model) -> list[str]:
    return [type(layer).__name__ for layer in model.layers]


def test_every_layer_class_is_covered():
    built = set()
    for name, (_, kwargs, _, _) in MODELS.items():
        built.add(type(getattr(kerasr_bridge, _function(name))(**kwargs)).__name__)
    expected = {"DepthwiseConv1D", "DepthwiseConv2D", "SeparableConv1D", "SeparableConv2D"}
    if keras.backend.backend() == "tensorflow":
        expected |= {"ChannelsFirstDepthwiseConv1D", "ChannelsFirstDepthwiseConv2D", "UnequalStridesDepthwiseConv2D",
                     "ChannelsFirstSeparableConv1D", "ChannelsFirstSeparableConv2D", "UnequalStridesSeparableConv2D"}
    assert built == expected


def test_models_saved_in_python_load_in_a_fresh_r_session(tmp_path):
    expected = {}
    for name, (_, kwargs, _, shape) in MODELS.items():
        model = keras.Sequential([keras.Input(shape)])
        getattr(kerasr_bridge, _function(name))(model, **kwargs, bias_initializer="random_normal")
        model.save(tmp_path / f"{name}.keras")
        (tmp_path / f"{name}.json").write_text(model.to_json())
        np.save(tmp_path / f"{name}_weights.npy", np.array(model.get_weights(), dtype=object), allow_pickle=True)
        np.save(tmp_path / f"{name}_x.npy", _input(name))
        expected[name] = (keras.ops.convert_to_numpy(model(_input(name))), _layer_classes(model))

    script = f"""
    library(kerasrbridge)
    stopifnot(!reticulate::py_available())  # attaching starts neither Python nor TensorFlow
    np <- reticulate::import("numpy", convert = FALSE)
    keras3_loader <- if (requireNamespace("keras3", quietly = TRUE)) keras3::load_model
    names <- c({", ".join(f'"{name}"' for name in MODELS)})
    for (name in names) {{
      x <- np$load(paste0(name, "_x.npy"))
      loaded <- keras$models$load_model(paste0(name, ".keras"))
      np$save(paste0(name, "_load_model.npy"), loaded$predict(x, verbose = 0L))
      from_json <- keras$models$model_from_json(readLines(paste0(name, ".json"), warn = FALSE))
      from_json$set_weights(np$load(paste0(name, "_weights.npy"), allow_pickle = TRUE))
      np$save(paste0(name, "_model_from_json.npy"), from_json$predict(x, verbose = 0L))
      if (!is.null(keras3_loader)) {{
        np$save(paste0(name, "_keras3.npy"), keras3_loader(paste0(name, ".keras"))$predict(x, verbose = 0L))
      }}
      writeLines(vapply(loaded$layers, function(l) class(l)[1], ""), paste0(name, "_classes.txt"))
    }}
    cat(if (is.null(keras3_loader)) "without keras3" else "with keras3", "\\n")
    """
    output = _run([_rscript(), "-e", script], tmp_path)
    loaders = ["load_model", "model_from_json"]
    if "with keras3" in output:
        loaders.append("keras3")
    elif os.environ.get("KERASRBRIDGE_STACK", "") == "current":
        pytest.fail("keras3 must be installed in the current R stack")
    for name, (prediction, classes) in expected.items():
        for loader in loaders:
            got = np.load(tmp_path / f"{name}_{loader}.npy")
            np.testing.assert_array_equal(got, prediction, err_msg=f"{name} via {loader}")
        r_classes = (tmp_path / f"{name}_classes.txt").read_text().split()
        assert [c.rsplit(".", 1)[-1] for c in r_classes] == classes


def test_models_saved_in_r_load_in_a_fresh_python_process(tmp_path):
    lines = ["library(kerasrbridge)", 'np <- reticulate::import("numpy", convert = FALSE)']
    for name, (_, _, r_args, shape) in MODELS.items():
        np.save(tmp_path / f"{name}_x.npy", _input(name))
        lines += [
            f"model <- keras$Sequential(list(keras$Input(shape = c({', '.join(f'{n}L' for n in shape)})))) |>",
            f'  {_function(name)}({r_args}, bias_initializer = "random_normal")',
            f'model$save("{name}.keras")',
            f'np$save("{name}_r.npy", model$predict(np$load("{name}_x.npy"), verbose = 0L))',
        ]
    _run([_rscript(), "-e", "\n".join(lines)], tmp_path)

    names = json.dumps(list(MODELS))
    script = f"""
import json, keras, numpy as np
import kerasr_bridge  # registers our layer classes; nothing else is needed
out = {{}}
for name in {names}:
    model = keras.saving.load_model(name + ".keras")
    np.save(name + "_python.npy", model.predict(np.load(name + "_x.npy"), verbose=0))
    out[name] = [type(layer).__name__ for layer in model.layers]
print(json.dumps(out))
"""
    classes = json.loads(_run([sys.executable, "-c", script], tmp_path).strip().splitlines()[-1])
    for name, (_, kwargs, _, _) in MODELS.items():
        np.testing.assert_array_equal(np.load(tmp_path / f"{name}_python.npy"), np.load(tmp_path / f"{name}_r.npy"),
                                      err_msg=name)
        built = type(getattr(kerasr_bridge, _function(name))(**kwargs)).__name__
        assert classes[name] == [built]
