"""The extra R keras arguments that reach the layer through ``...``/**kwargs do what R keras users expect.

input_shape, batch_input_shape, batch_size, dtype, name, trainable and
weights; and a Sequential model that a layer does not fit is left as it was.
"""

import keras
import numpy as np
import pytest

from kerasr_bridge import layer_depthwise_conv_1d, layer_depthwise_conv_2d

RANKS = [pytest.param(1, id="1d"), pytest.param(2, id="2d")]


def _weights(rng, rank, channels=2, depth_multiplier=1, kernel=3, use_bias=True):
    kernel_array = rng.normal(size=(*(kernel,) * rank, channels, depth_multiplier)).astype("float32")
    if not use_bias:
        return [kernel_array]
    return [kernel_array, rng.normal(size=(channels * depth_multiplier,)).astype("float32")]


# --------------------------------------------------------------------------- input_shape & co

@pytest.mark.parametrize("rank", RANKS)
def test_input_shape_on_a_standalone_layer_builds_a_sequential(functions, rank):
    layer = functions[rank](kernel_size=3, input_shape=(*(10,) * rank, 2))
    model = keras.Sequential([layer])
    assert model.built
    assert model.input_shape == (None, *(10,) * rank, 2)
    assert model.output_shape == (None, *(8,) * rank, 2)


def test_input_shape_starts_an_empty_sequential_with_the_matching_input():
    model = layer_depthwise_conv_2d(keras.Sequential(), kernel_size=3, input_shape=(10, 10, 2))
    assert model.input_shape == (None, 10, 10, 2)
    assert model.output_shape == (None, 8, 8, 2)
    assert len(model.layers) == 1
    assert model.predict(np.ones((3, 10, 10, 2)), verbose=0).shape == (3, 8, 8, 2)
    model = layer_depthwise_conv_1d(keras.Sequential(), kernel_size=3, input_shape=(10, 2))
    assert model.input_shape == (None, 10, 2)
    assert model.output_shape == (None, 8, 2)


@pytest.mark.parametrize("rank", RANKS)
def test_channels_first_input_shape(functions, rank):
    model = functions[rank](
        keras.Sequential(), kernel_size=3, depth_multiplier=2, data_format="channels_first",
        input_shape=(2, *(10,) * rank),
    )
    assert model.input_shape == (None, 2, *(10,) * rank)
    assert model.output_shape == (None, 4, *(8,) * rank)


@pytest.mark.parametrize("rank", RANKS)
def test_batch_input_shape_and_batch_size_fix_the_batch(functions, rank):
    spatial = (10,) * rank
    from_batch_shape = functions[rank](keras.Sequential(), kernel_size=3, batch_input_shape=(8, *spatial, 2))
    from_batch_size = functions[rank](keras.Sequential(), kernel_size=3, input_shape=(*spatial, 2), batch_size=8)
    for model in (from_batch_shape, from_batch_size):
        assert model.input_shape == (8, *spatial, 2)
        assert model.output_shape == (8, *(8,) * rank, 2)
        assert model.inputs[0].shape == (8, *spatial, 2)


def test_input_shape_is_ignored_by_a_model_that_has_an_input():
    model = keras.Sequential([keras.Input((12, 12, 2))])
    layer_depthwise_conv_2d(model, kernel_size=3, input_shape=(12, 12, 2))
    assert model.input_shape == (None, 12, 12, 2)
    assert len(model.layers) == 1


@pytest.mark.parametrize("rank", RANKS)
def test_dtype_float64_gives_a_float64_layer_and_output(functions, rank, rng):
    spatial = (6,) * rank
    layer = functions[rank](kernel_size=3, dtype="float64")
    assert layer.dtype_policy.name == "float64"
    assert layer.compute_dtype == "float64" and layer.variable_dtype == "float64"
    out = layer(rng.normal(size=(2, *spatial, 2)))
    assert keras.backend.standardize_dtype(out.dtype) == "float64"
    assert all(keras.backend.standardize_dtype(w.dtype) == "float64" for w in layer.weights)
    # Through the object: arrays are cast to float64 (not float32) first.
    out = functions[rank](rng.normal(size=(2, *spatial, 2)).astype("float32"), kernel_size=3, dtype="float64")
    assert keras.backend.standardize_dtype(out.dtype) == "float64"
    model = functions[rank](keras.Sequential(), kernel_size=3, input_shape=(*spatial, 2), dtype="float64")
    assert keras.backend.standardize_dtype(model.inputs[0].dtype) == "float64"
    assert model.predict(np.ones((1, *spatial, 2)), verbose=0).dtype == np.float64


@pytest.mark.parametrize("rank", RANKS)
def test_name_and_trainable(functions, rank):
    layer = functions[rank](kernel_size=3, name="my_depthwise", trainable=False)
    assert layer.name == "my_depthwise"
    assert layer.trainable is False
    layer.build((None, *(6,) * rank, 2))
    assert layer.trainable_weights == []
    assert len(layer.non_trainable_weights) == 2
    model = functions[rank](
        keras.Sequential(), kernel_size=3, input_shape=(*(6,) * rank, 2), name="dw", trainable=False
    )
    assert model.get_layer("dw") is model.layers[-1]
    assert model.trainable_weights == []
    frozen = functions[rank](kernel_size=3, trainable=True)
    frozen.build((None, *(6,) * rank, 2))
    assert len(frozen.trainable_weights) == 2


# --------------------------------------------------------------------------- weights

@pytest.mark.parametrize("rank", RANKS)
@pytest.mark.parametrize("use_bias", [True, False], ids=["bias", "nobias"])
@pytest.mark.parametrize("depth_multiplier", [1, 3])
def test_weights_are_the_initial_weights(functions, rank, use_bias, depth_multiplier, rng):
    weights = _weights(rng, rank, depth_multiplier=depth_multiplier, use_bias=use_bias)
    layer = functions[rank](kernel_size=3, depth_multiplier=depth_multiplier, use_bias=use_bias, weights=weights)
    assert layer.built
    got = layer.get_weights()
    assert len(got) == len(weights)
    for actual, given in zip(got, weights):
        np.testing.assert_array_equal(actual, given)
    # Calling the layer does not re-initialise it.
    layer(np.ones((1, *(7,) * rank, 2), dtype="float32"))
    for actual, given in zip(layer.get_weights(), weights):
        np.testing.assert_array_equal(actual, given)


@pytest.mark.parametrize("rank", RANKS)
def test_weights_as_r_delivers_them(functions, rank, rng):
    """Nested lists (an R list of arrays after conversion), float64 and a tuple."""
    weights = _weights(rng, rank)
    for form in ([w.astype("float64") for w in weights], tuple(weights), [w.tolist() for w in weights]):
        layer = functions[rank](kernel_size=3, weights=form)
        for actual, given in zip(layer.get_weights(), weights):
            np.testing.assert_array_equal(actual, given)


@pytest.mark.parametrize("rank", RANKS)
@pytest.mark.parametrize("use_bias", [True, False], ids=["bias", "nobias"])
def test_weights_with_an_object_array(functions, rank, use_bias, rng):
    weights = _weights(rng, rank, use_bias=use_bias)
    x = rng.normal(size=(2, *(7,) * rank, 2)).astype("float32")
    out = functions[rank](x, kernel_size=3, use_bias=use_bias, weights=weights)
    reference_layer = functions[rank](kernel_size=3, use_bias=use_bias)
    reference_layer.build(x.shape)
    reference_layer.set_weights(weights)
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(out), keras.ops.convert_to_numpy(reference_layer(x)))


@pytest.mark.parametrize("rank", RANKS)
def test_weights_with_input_shape_dtype_and_a_sequential(functions, rank, rng):
    weights = _weights(rng, rank, depth_multiplier=2)
    model = functions[rank](
        keras.Sequential(), kernel_size=3, depth_multiplier=2, input_shape=(*(7,) * rank, 2), dtype="float64",
        weights=weights, name="pretrained",
    )
    got = model.get_layer("pretrained").get_weights()
    assert all(array.dtype == np.float64 for array in got)
    for actual, given in zip(got, weights):
        np.testing.assert_array_equal(actual, given.astype("float64"))


def test_weights_with_channels_first_and_unequal_strides(rng):
    weights = _weights(rng, 2, channels=3)
    layer = layer_depthwise_conv_2d(kernel_size=3, data_format="channels_first", weights=weights)
    assert layer.input_spec.axes == {1: 3}
    for padding in ("valid", "same"):
        layer = layer_depthwise_conv_2d(kernel_size=3, strides=(2, 1), padding=padding, weights=weights)
        for actual, given in zip(layer.get_weights(), weights):
            np.testing.assert_array_equal(actual, given)
        assert layer(np.ones((1, 8, 8, 3))).shape[1:3] == ((3, 6) if padding == "valid" else (4, 8))


def test_unequal_strides_same_padding_still_needs_known_sizes():
    """Building from `weights` needs only the channels; calling on unknown sizes is refused.

    Only TensorFlow's workaround (UnequalStridesDepthwiseConv2D pads explicitly)
    needs the sizes; plain Keras on the other backends takes unknown sizes.
    """
    weights = _weights(np.random.default_rng(1), 2)
    layer = layer_depthwise_conv_2d(kernel_size=3, strides=(2, 1), padding="same", weights=weights)
    model = keras.Sequential([keras.Input((None, 8, 2))])
    if keras.backend.backend() != "tensorflow":
        assert layer(keras.Input((None, None, 2))).shape == (None, None, None, 2)
        layer_depthwise_conv_2d(model, kernel_size=3, strides=(2, 1), padding="same")
        assert model.output_shape == (None, None, 8, 2)
        return
    with pytest.raises(ValueError, match="spatial sizes must be known"):
        layer(keras.Input((None, None, 2)))
    with pytest.raises(ValueError, match=r"Invalid `object`.*spatial sizes must be known"):
        layer_depthwise_conv_2d(model, kernel_size=3, strides=(2, 1), padding="same")
    assert len(model.layers) == 0


# --------------------------------------------------------------------------- all or nothing

def _trained_looking_model(rng):
    model = keras.Sequential([keras.Input((10, 10, 3)), keras.layers.Conv2D(4, 3, name="conv")])
    x = rng.normal(size=(2, 10, 10, 3)).astype("float32")
    return model, x, model.predict(x, verbose=0)


def _assert_unchanged(model, x, before, n_layers):
    assert len(model.layers) == n_layers
    assert model.output_shape == (None, 8, 8, 4)
    np.testing.assert_array_equal(model.predict(x, verbose=0), before)


@pytest.mark.parametrize(
    ("function", "kwargs", "message"),
    [
        # `weights` for 2 channels; the model's output has 4.
        (layer_depthwise_conv_2d, {"kernel_size": 3, "weights": [np.ones((3, 3, 2, 1)), np.zeros(2)]}, "axis -1"),
        # A 1D layer after 2D output.
        (layer_depthwise_conv_1d, {"kernel_size": 3}, ""),
        # A channels_first layer reads 8 channels where the model has 4: its kernel is too large.
        (layer_depthwise_conv_2d, {"kernel_size": 9, "data_format": "channels_first"}, ""),
    ],
    ids=["weights-for-other-channels", "1d-after-2d", "kernel-larger-than-input"],
)
def test_a_layer_that_does_not_fit_leaves_the_sequential_unchanged(function, kwargs, message, rng):
    model, x, before = _trained_looking_model(rng)
    with pytest.raises(ValueError, match=r"Invalid `object`.*cannot be added.*left unchanged") as caught:
        function(model, **kwargs)
    assert message in str(caught.value)
    _assert_unchanged(model, x, before, 1)
    # The model still takes a layer that fits.
    layer_depthwise_conv_2d(model, kernel_size=3)
    assert model.output_shape == (None, 6, 6, 4)
    assert len(model.layers) == 2


def test_a_failed_add_leaves_a_longer_sequential_unchanged(rng):
    model, x, _ = _trained_looking_model(rng)
    layer_depthwise_conv_2d(model, kernel_size=3, depth_multiplier=2)
    before = model.predict(x, verbose=0)
    with pytest.raises(ValueError, match="left unchanged"):
        layer_depthwise_conv_2d(model, kernel_size=3, weights=[np.ones((3, 3, 4, 1)), np.zeros(4)])
    assert len(model.layers) == 2
    assert model.output_shape == (None, 6, 6, 8)
    np.testing.assert_array_equal(model.predict(x, verbose=0), before)


def test_a_failed_first_layer_leaves_an_empty_sequential_empty():
    model = keras.Sequential()
    with pytest.raises(ValueError, match="left unchanged"):
        # The input is too small for the kernel.
        layer_depthwise_conv_2d(model, kernel_size=5, input_shape=(3, 3, 2))
    assert len(model.layers) == 0
    assert len(model._layers) == 0
    # ...and can then be started again.
    layer_depthwise_conv_2d(model, kernel_size=3, input_shape=(5, 5, 2))
    assert model.input_shape == (None, 5, 5, 2)
    assert model.output_shape == (None, 3, 3, 2)
