"""Layers survive their config and .keras files bit for bit, our subclasses included.

Callables given in place of named Keras objects are kept and applied by fit().
"""

import keras
import numpy as np
import pytest
from reference import depthwise_conv

from kerasr_bridge import (
    ChannelsFirstDepthwiseConv2D,
    UnequalStridesDepthwiseConv2D,
    layer_depthwise_conv_1d,
    layer_depthwise_conv_2d,
)

CONFIG_CASES = [
    pytest.param(1, {"kernel_size": 3}, id="1d-defaults"),
    pytest.param(1, {"kernel_size": 5, "strides": 2, "padding": "same", "depth_multiplier": 3,
                     "activation": "relu", "use_bias": False, "depthwise_regularizer": "l2",
                     "depthwise_constraint": "non_neg", "name": "dw1"}, id="1d-full"),
    pytest.param(1, {"kernel_size": 2, "dilation_rate": 2, "data_format": "channels_first",
                     "bias_initializer": "ones", "bias_regularizer": "l1", "bias_constraint": "max_norm"},
                 id="1d-channels-first"),
    pytest.param(2, {"kernel_size": 3}, id="2d-defaults"),
    pytest.param(2, {"kernel_size": (3, 2), "strides": 2, "padding": "same", "depth_multiplier": 2,
                     "activation": "tanh", "depthwise_initializer": "he_normal", "activity_regularizer": "l2",
                     "dtype": "float64", "trainable": False, "name": "dw2"}, id="2d-full"),
    pytest.param(2, {"kernel_size": 3, "dilation_rate": (2, 1), "data_format": "channels_first"},
                 id="2d-channels-first"),
    pytest.param(2, {"kernel_size": 3, "strides": (2, 1), "padding": "same"}, id="2d-unequal-strides"),
    pytest.param(2, {"kernel_size": (1, 3), "strides": [1, 3], "data_format": "channels_first", "use_bias": False},
                 id="2d-unequal-strides-channels-first"),
]


@pytest.mark.parametrize(("rank", "kwargs"), CONFIG_CASES)
def test_config_round_trip(functions, rank, kwargs):
    layer = functions[rank](**kwargs)
    config = layer.get_config()
    clone = type(layer).from_config(config)
    assert type(clone) is type(layer)
    assert clone.get_config() == config
    # The generic path Keras uses when loading (class looked up by its registered name).
    revived = keras.layers.deserialize(keras.layers.serialize(layer))
    assert type(revived) is type(layer)
    assert revived.get_config() == config


def test_unequal_strides_class_is_registered_and_round_trips():
    # Built directly: layer_depthwise_conv_2d builds it on TensorFlow only (test_backend_differences.py).
    layer = UnequalStridesDepthwiseConv2D(kernel_size=3, strides=(2, 1))
    assert keras.saving.get_registered_name(UnequalStridesDepthwiseConv2D) == (
        "kerasr_bridge>UnequalStridesDepthwiseConv2D"
    )
    config = layer.get_config()
    assert config["strides"] == (2, 1)
    assert UnequalStridesDepthwiseConv2D.from_config(config).get_config() == config


def _fit_a_little(model, x, y):
    model.compile(optimizer=keras.optimizers.SGD(0.05), loss="mse")
    model.fit(x, y, epochs=1, batch_size=4, verbose=0)


SAVED_MODELS = {
    "2d": lambda seq: layer_depthwise_conv_2d(
        layer_depthwise_conv_2d(seq, kernel_size=3, depth_multiplier=2, activation="relu",
                                input_shape=(12, 12, 3), depthwise_regularizer="l2"),
        kernel_size=(3, 2), strides=2, padding="same"),
    "2d-unequal-strides": lambda seq: layer_depthwise_conv_2d(
        layer_depthwise_conv_2d(seq, kernel_size=3, input_shape=(12, 12, 3)),
        kernel_size=3, strides=(2, 1), padding="same", depth_multiplier=2),
    "2d-channels-first": lambda seq: layer_depthwise_conv_2d(
        seq, kernel_size=3, data_format="channels_first", input_shape=(3, 12, 12), depth_multiplier=2),
    "1d": lambda seq: layer_depthwise_conv_1d(
        layer_depthwise_conv_1d(seq, kernel_size=3, depth_multiplier=3, input_shape=(20, 3)),
        kernel_size=2, dilation_rate=2),
    "1d-float64": lambda seq: layer_depthwise_conv_1d(
        seq, kernel_size=4, strides=2, input_shape=(20, 3), dtype="float64", data_format="channels_last"),
}


@pytest.mark.parametrize("name", list(SAVED_MODELS))
def test_saved_model_predicts_bit_identically(name, tmp_path, rng):
    model = SAVED_MODELS[name](keras.Sequential(name=f"model_{name.replace('-', '_')}"))
    last = model.layers[-1]
    rank = len(model.input_shape) - 2
    pooling = keras.layers.GlobalAveragePooling1D if rank == 1 else keras.layers.GlobalAveragePooling2D
    model.add(pooling(data_format=last.data_format, dtype=last.dtype_policy))
    model.add(keras.layers.Dense(2, dtype=last.dtype_policy))
    x = rng.normal(size=(8, *model.input_shape[1:]))
    # Weights that are not the initial ones, so a re-initialised model would show.
    _fit_a_little(model, x, rng.normal(size=(8, 2)))
    before = model.predict(x, verbose=0)
    path = tmp_path / f"{name}.keras"
    model.save(path)
    loaded = keras.saving.load_model(path)
    assert [type(layer) for layer in loaded.layers] == [type(layer) for layer in model.layers]
    assert [layer.get_config() for layer in loaded.layers] == [layer.get_config() for layer in model.layers]
    assert loaded.input_shape == model.input_shape
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), before)
    for saved, restored in zip(model.get_weights(), loaded.get_weights()):
        np.testing.assert_array_equal(saved, restored)


def test_unequal_strides_and_channels_first_classes_are_in_the_saved_model(tmp_path, rng):
    model = layer_depthwise_conv_2d(
        layer_depthwise_conv_2d(keras.Sequential(), kernel_size=3, strides=(1, 2), input_shape=(9, 9, 2)),
        kernel_size=1, data_format="channels_first", depth_multiplier=2,
    )
    # Our subclasses on TensorFlow, plain Keras layers elsewhere (test_backend_differences.py); saved either way.
    if keras.backend.backend() == "tensorflow":
        assert [type(layer) for layer in model.layers] == [UnequalStridesDepthwiseConv2D, ChannelsFirstDepthwiseConv2D]
    x = rng.normal(size=(2, 9, 9, 2))
    before = model.predict(x, verbose=0)
    model.save(tmp_path / "m.keras")
    loaded = keras.saving.load_model(tmp_path / "m.keras")
    assert [type(layer) for layer in loaded.layers] == [type(layer) for layer in model.layers]
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), before)


@pytest.mark.parametrize("padding", ["valid", "same"])
def test_the_subclasses_save_and_load_on_every_backend(padding, tmp_path, rng):
    """Built directly, so that every backend runs them (models saved on TensorFlow hold them)."""
    model = keras.Sequential([
        keras.Input((9, 8, 2)),
        UnequalStridesDepthwiseConv2D(kernel_size=3, strides=(2, 1), dilation_rate=(1, 2), padding=padding,
                                      depth_multiplier=2, bias_initializer="random_normal"),
        ChannelsFirstDepthwiseConv2D(kernel_size=1, data_format="channels_first", bias_initializer="random_normal"),
    ])
    x = rng.normal(size=(2, 9, 8, 2))
    before = model.predict(x, verbose=0)
    model.save(tmp_path / "m.keras")
    loaded = keras.saving.load_model(tmp_path / "m.keras")
    assert [type(layer) for layer in loaded.layers] == [UnequalStridesDepthwiseConv2D, ChannelsFirstDepthwiseConv2D]
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), before)


# --------------------------------------------------------------------------- callables

def _clip(w):
    return keras.ops.clip(w, -0.01, 0.01)


@pytest.mark.parametrize("rank", [1, 2])
def test_plain_callables_are_accepted_and_a_constraint_is_applied_by_fit(functions, rank, rng):
    spatial = (8,) * rank
    calls = []

    def activation(x):
        calls.append("activation")
        return keras.ops.tanh(x)

    def initializer(shape, dtype=None):
        return keras.ops.ones(shape, dtype=dtype)

    def regularizer(w):
        return 0.01 * keras.ops.sum(keras.ops.square(w))

    model = functions[rank](
        keras.Sequential(),
        kernel_size=3,
        input_shape=(*spatial, 2),
        activation=activation,
        depthwise_initializer=initializer,
        bias_initializer=lambda shape, dtype=None: keras.ops.full(shape, 0.5, dtype=dtype),
        depthwise_regularizer=regularizer,
        bias_regularizer=regularizer,
        activity_regularizer=regularizer,
        depthwise_constraint=lambda w: keras.ops.clip(w, -0.01, 0.01),
        bias_constraint=_clip,
    )
    layer = model.layers[-1]
    kernel, bias = layer.get_weights()
    np.testing.assert_array_equal(kernel, np.ones_like(kernel))  # the initializers ran, the constraints not yet
    np.testing.assert_array_equal(bias, np.full_like(bias, 0.5))
    x = rng.normal(size=(8, *spatial, 2))
    out = layer(x)
    assert calls
    expected = np.tanh(depthwise_conv(x, kernel, bias))
    np.testing.assert_allclose(keras.ops.convert_to_numpy(out), expected, rtol=1e-5, atol=1e-5)
    assert len(layer.losses) == 3  # kernel, bias and activity regularizers
    model.compile(optimizer=keras.optimizers.SGD(0.01), loss="mse")
    model.fit(x, rng.normal(size=(8, *(6,) * rank, 2)), epochs=1, batch_size=4, verbose=0)
    kernel, bias = layer.get_weights()
    assert np.abs(kernel).max() <= 0.01 + 1e-7
    assert np.abs(bias).max() <= 0.01 + 1e-7
    assert np.isfinite(model.predict(x, verbose=0)).all()


def test_keras_objects_and_named_constraints_are_applied_by_fit(rng):
    model = layer_depthwise_conv_2d(
        keras.Sequential(), kernel_size=3, input_shape=(6, 6, 2),
        depthwise_initializer=keras.initializers.Constant(-1.0),
        depthwise_constraint="non_neg", bias_constraint=keras.constraints.MaxNorm(0.1),
    )
    _fit_a_little(model, rng.normal(size=(8, 6, 6, 2)), rng.normal(size=(8, 4, 4, 2)))
    kernel, bias = model.layers[-1].get_weights()
    assert (kernel >= 0).all()
    assert np.linalg.norm(bias) <= 0.1 + 1e-6
