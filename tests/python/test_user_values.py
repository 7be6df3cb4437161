"""What users bring as values: every dtype Keras computes, R's words, bounded messages.

- ml_dtypes arrays (bfloat16, float8_*) are accepted and give what plain Keras gives;
- quantized dtype policies are refused at construction as "Invalid `dtype`";
- complex, raw and character values read as R writes them, in R messages;
- Keras's own sentences (the `name` rule, unknown channels, sparse tensors) are said in our template;
- every message stays within 300 characters, whatever name it quotes.
"""

from __future__ import annotations

import keras
import ml_dtypes
import numpy as np
import pytest

from kerasr_bridge import layer_depthwise_conv_1d, layer_depthwise_conv_2d, render
from kerasr_bridge.errors import InvalidArgument, InvalidArgumentType

X = np.random.default_rng(1).uniform(-1, 1, size=(2, 6, 6, 3))

ML_DTYPES = [ml_dtypes.bfloat16, ml_dtypes.float8_e4m3fn, ml_dtypes.float8_e5m2, np.float16]


@pytest.mark.parametrize("dtype", ML_DTYPES, ids=lambda d: np.dtype(d).name)
def test_ml_dtypes_arrays_compute_as_in_plain_keras(dtype) -> None:
    x = X.astype(dtype)
    ours = layer_depthwise_conv_2d(kernel_size=2, depthwise_initializer="ones", bias_initializer="ones")
    plain = keras.layers.DepthwiseConv2D(2, depthwise_initializer="ones", bias_initializer="ones")
    from kerasr_bridge.compose import compose_layer

    result = keras.ops.convert_to_numpy(compose_layer(x, ours))
    # Keras autocasts a float input to the layer's compute dtype: the same values as the cast array.
    expected = keras.ops.convert_to_numpy(plain(x.astype("float32")))
    assert result.dtype == expected.dtype == np.float32
    np.testing.assert_allclose(result, expected, rtol=1e-6, atol=1e-6)
    try:  # and plain Keras given the array itself, where the backend takes it (PyTorch takes no float8)
        direct = keras.ops.convert_to_numpy(plain(x))
    except TypeError:
        assert keras.backend.backend() == "torch"
    else:
        np.testing.assert_allclose(result, direct, rtol=1e-6, atol=1e-6)
    # Through the layer function too (object first).
    assert tuple(layer_depthwise_conv_2d(x, kernel_size=2).shape) == (2, 5, 5, 3)


@pytest.mark.parametrize(
    "policy", ["int8_from_float32", "float8_from_float32", "int4_from_float32", "int8_from_mixed_bfloat16"]
)
@pytest.mark.parametrize("language", [render.PYTHON, render.R])
def test_quantized_policies_are_refused_at_construction(policy: str, language: str) -> None:
    with render.caller(language), pytest.raises(InvalidArgument, match=r"^Invalid `dtype`: .*quantize\(\)") as caught:
        layer_depthwise_conv_1d(kernel_size=3, dtype=policy)
    assert caught.value.argument == "dtype" and policy in str(caught.value)
    # What to do instead: Keras cannot quantize these layers, but 16-bit policies run.
    assert "no quantize() for these layers" in str(caught.value) and '"mixed_bfloat16"' in str(caught.value)


def test_a_keras_without_quantize_for_depthwise_layers():
    """The advice above holds while Keras's depthwise layers have no quantize(); this fails when one comes."""
    layer = keras.layers.DepthwiseConv2D(3)
    layer.build((None, 5, 5, 2))
    with pytest.raises(NotImplementedError):
        layer.quantize("int8")


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (3 + 0j, "received 3+0i."),
        (bytearray(b"\x03"), "received as.raw(0x03)."),
        (
            bytearray(b"\x01\x02\x03\x04\x05\x06"),
            "as.raw(c(0x01, 0x02, 0x03, 0x04, 0x05, ...)) (a raw vector of length 6)",
        ),
    ],
)
def test_complex_and_raw_values_read_as_r_writes_them(value, shown: str) -> None:
    with render.caller(render.R), pytest.raises(InvalidArgumentType) as caught:
        layer_depthwise_conv_2d(kernel_size=value)
    assert shown in str(caught.value) and "builtins" not in str(caught.value)


@pytest.mark.parametrize(
    ("array", "shown"),
    [
        (np.full((1, 2, 2, 1), 1 + 2j), "a complex array of dim c(1, 2, 2, 1) (c(1+2i, "),
        (np.full((1, 2, 2, 1), "a", dtype=object), 'a character array of dim c(1, 2, 2, 1) (c("a", '),
        (
            np.frombuffer(bytes(range(4)), dtype="V1").reshape(1, 2, 2, 1),
            "a raw array of dim c(1, 2, 2, 1) (c(as.raw(0x00), ",
        ),
    ],
)
def test_complex_raw_and_character_arrays_read_as_r_names_them(array: np.ndarray, shown: str) -> None:
    with render.caller(render.R), pytest.raises(InvalidArgumentType) as caught:
        layer_depthwise_conv_2d(array, kernel_size=1)
    message = str(caught.value)
    assert shown in message and "builtins" not in message and "object array" not in message


@pytest.mark.parametrize("language", [render.PYTHON, render.R])
def test_keras_sentences_are_said_in_our_template(language: str) -> None:
    with render.caller(language):
        with pytest.raises(InvalidArgument, match=r'^Invalid `name`: expected a string without "/"'):
            layer_depthwise_conv_2d(kernel_size=2, name="a/b")
        with pytest.raises(InvalidArgument, match=r"^Invalid `object`: .*unknown number of channels"):
            layer_depthwise_conv_2d(keras.Input((6, 6, None)), kernel_size=2)
        model = keras.Sequential([keras.Input((6, 6, None))])
        with pytest.raises(InvalidArgument, match=r"^Invalid `object`: .*unknown number of channels"):
            layer_depthwise_conv_2d(model, kernel_size=2)
        assert len(model.layers) == 0


@pytest.mark.tensorflow_only
@pytest.mark.parametrize("language", [render.PYTHON, render.R])
def test_a_sparse_tensor_is_refused_whole(language: str) -> None:
    import tensorflow as tf

    sparse = tf.sparse.from_dense(tf.zeros((2, 6, 6, 3)))
    with render.caller(language), pytest.raises(InvalidArgument) as caught:
        layer_depthwise_conv_2d(sparse, kernel_size=2)
    message = str(caught.value)
    assert message.startswith("Invalid `object`: expected a dense tensor")
    assert "SparseTensor" in message and message.endswith(".") and "dense_shape=" not in message


@pytest.mark.parametrize("length", [3000, 100_000])
@pytest.mark.parametrize("language", [render.PYTHON, render.R])
def test_long_layer_names_keep_messages_within_300_characters(length: int, language: str) -> None:
    name = "n" * length
    with render.caller(language):
        with pytest.raises(InvalidArgument) as caught:
            layer_depthwise_conv_2d(np.zeros((2, 2, 2, 3)), kernel_size=3, name=name)
        assert len(str(caught.value)) <= render.MAX_MESSAGE_CHARS
        model = keras.Sequential([keras.Input((2, 2, 3))], name="m" * length)
        with pytest.raises(InvalidArgument) as caught:
            layer_depthwise_conv_2d(model, kernel_size=3, name=name)
        assert len(str(caught.value)) <= render.MAX_MESSAGE_CHARS


def test_an_unnamed_r_list_reads_list_and_an_atomic_vector_c() -> None:
    from kerasr_bridge.r_values import RList

    with render.caller(render.R):
        assert render.describe(RList((1.0, 2.0))) == "list(1, 2)"
        assert render.describe([1.0, 2.0]) == "c(1, 2)"
        with pytest.raises(InvalidArgument, match=r"received list\(1, 2, 3\)\.$"):
            layer_depthwise_conv_2d(kernel_size=RList((1.0, 2.0, 3.0)))
    # Every check takes an R list as the tuple it is.
    layer = layer_depthwise_conv_2d(kernel_size=RList((3, 2)), strides=RList((1, 1)))
    assert tuple(layer.kernel_size) == (3, 2)
