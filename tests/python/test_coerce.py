"""Arguments as R (through reticulate) delivers them, and the errors for bad ones.

reticulate turns R doubles into Python floats, integers into ints, length > 1
vectors into lists, arrays into NumPy arrays and logical NA into True. The
accepted forms must give the very layer plain Python ints give; the refused
ones must fail when the layer is created (object = NULL, nothing computed)
with a message that names the argument and shows what was received.
"""

import math

import keras
import numpy as np
import pytest

from kerasr_bridge import UnequalStridesDepthwiseConv2D, arguments, layer_depthwise_conv_1d, layer_depthwise_conv_2d
from kerasr_bridge.layers import DEPTHWISE_CONV_1D, DEPTHWISE_CONV_2D

FUNCTIONS = {1: layer_depthwise_conv_1d, 2: layer_depthwise_conv_2d}
RANKS = [pytest.param(1, id="1d"), pytest.param(2, id="2d")]


def config_of(layer):
    """The layer's config without its auto-generated name."""
    config = layer.get_config()
    config.pop("name")
    return config


# --------------------------------------------------------------------------- accepted forms

def _tuple_forms(value, rank):
    """Ways R can deliver ``value`` for a tuple argument (kernel_size, strides, dilation_rate)."""
    forms = [
        float(value), np.float64(value), np.float32(value), np.int32(value), np.int64(value),
        np.array(value), np.array(float(value)),                   # 0-d arrays
        [value], (value,), [float(value)], np.array([value]),       # length 1: broadcast
        np.array([float(value)], dtype=np.float64),
        [value] * rank, (float(value),) * rank,                     # full length
        np.array([value] * rank, dtype=np.int32), np.array([float(value)] * rank),
        [np.int32(value)] + [float(value)] * (rank - 1),            # mixed element types
    ]
    return forms


@pytest.mark.parametrize("rank", RANKS)
@pytest.mark.parametrize(
    ("argument", "value", "base"),
    [("kernel_size", 3, {}), ("strides", 2, {"kernel_size": 3}), ("dilation_rate", 2, {"kernel_size": 3})],
)
def test_tuple_arguments_accept_r_numbers_vectors_and_arrays(rank, argument, value, base):
    function = FUNCTIONS[rank]
    expected = config_of(function(**base, **{argument: value}))
    assert expected[argument] == (value,) * rank
    for form in _tuple_forms(value, rank):
        layer = function(**base, **{argument: form})
        assert type(layer) is type(function(**base, **{argument: value})), form
        assert config_of(layer) == expected, f"{argument}={form!r}"
        assert all(type(v) is int for v in layer.get_config()[argument]), form


def test_non_square_kernel_and_unequal_strides_from_r_vectors():
    reference = layer_depthwise_conv_2d(kernel_size=(3, 2), strides=(2, 1))
    # The class depends on the backend (tests/python/test_backends.py); the forms must not change it.
    assert type(reference) in (UnequalStridesDepthwiseConv2D, keras.layers.DepthwiseConv2D)
    expected = config_of(reference)
    for kernel, strides in [
        ([3.0, 2.0], [2.0, 1.0]),
        (np.array([3, 2], dtype=np.int32), np.array([2.0, 1.0])),
        ((np.int32(3), np.float64(2)), (np.int64(2), 1)),
    ]:
        layer = layer_depthwise_conv_2d(kernel_size=kernel, strides=strides)
        assert type(layer) is type(reference)
        assert config_of(layer) == expected


@pytest.mark.parametrize("rank", RANKS)
def test_strides_together_with_dilation_are_accepted(rank):
    """keras3 accepts strides > 1 with dilation_rate > 1, and so do we (the numerics tests check the values)."""
    function = FUNCTIONS[rank]
    mixed = ([1] * (rank - 1) + [2], [2] + [1] * (rank - 1))  # in 2D on different axes
    for strides, dilation in [(2, 2), (2.0, 3.0), ([2] * rank, [2] * rank), mixed]:
        layer = function(kernel_size=3, strides=strides, dilation_rate=dilation)
        config = layer.get_config()
        assert config["strides"] == arguments.as_int_tuple(strides, "strides", rank)
        assert config["dilation_rate"] == arguments.as_int_tuple(dilation, "dilation_rate", rank)


@pytest.mark.parametrize("rank", RANKS)
@pytest.mark.parametrize("form", [3.0, np.float64(3), np.int32(3), np.int64(3), np.array(3), np.array(3.0)])
def test_depth_multiplier_accepts_r_numbers(rank, form):
    function = FUNCTIONS[rank]
    assert config_of(function(kernel_size=3, depth_multiplier=form)) == config_of(
        function(kernel_size=3, depth_multiplier=3)
    )


@pytest.mark.parametrize("rank", RANKS)
@pytest.mark.parametrize(
    ("argument", "canonical", "forms"),
    [
        ("padding", "same", ["SAME", "Same", "sAmE", np.str_("same"), np.array("SAME")]),
        ("padding", "valid", ["VALID", "Valid"]),
        ("data_format", "channels_last", ["Channels_Last", "CHANNELS_LAST", np.str_("channels_last")]),
        ("data_format", "channels_first", ["Channels_First", "CHANNELS_FIRST"]),
    ],
)
def test_padding_and_data_format_are_case_insensitive(rank, argument, canonical, forms):
    function = FUNCTIONS[rank]
    expected = config_of(function(kernel_size=3, **{argument: canonical}))
    assert expected[argument] == canonical
    for form in forms:
        assert config_of(function(kernel_size=3, **{argument: form})) == expected, form


@pytest.mark.parametrize("rank", RANKS)
def test_r_null_takes_the_documented_defaults(rank):
    function = FUNCTIONS[rank]
    plain = config_of(function(kernel_size=3))
    assert plain["data_format"] == keras.config.image_data_format()
    assert config_of(function(kernel_size=3, data_format=None)) == plain
    assert config_of(function(kernel_size=3, depthwise_initializer=None, bias_initializer=None)) == plain
    assert config_of(function(kernel_size=3, input_shape=None, batch_size=None, dtype=None, name=None)) == plain


@pytest.mark.parametrize("rank", RANKS)
def test_logicals_names_and_r_lists_for_keras_objects(rank):
    function = FUNCTIONS[rank]
    expected = config_of(function(kernel_size=3, use_bias=False, trainable=False))
    for flag in (np.bool_(False), np.array(False)):
        assert config_of(function(kernel_size=3, use_bias=flag, trainable=flag)) == expected
    assert function(kernel_size=3, name=np.str_("dw")).name == "dw"
    # An R list(class_name = ..., config = list(...)) arrives as a dict.
    from_dict = function(kernel_size=3, depthwise_initializer={"class_name": "Constant", "config": {"value": 0.5}})
    from_object = function(kernel_size=3, depthwise_initializer=keras.initializers.Constant(0.5))
    assert config_of(from_dict) == config_of(from_object)


@pytest.mark.parametrize("rank", RANKS)
def test_shapes_and_batch_size_accept_r_numbers(rank):
    function = FUNCTIONS[rank]
    spatial = (10,) * rank
    expected = function(keras.Sequential(), kernel_size=3, input_shape=(*spatial, 2), batch_size=8).input_shape
    assert expected == (8, *spatial, 2)
    for shape, batch in [
        ([10.0] * rank + [2.0], 8.0),
        (np.array([*spatial, 2]), np.int32(8)),
        (np.array([*spatial, 2], dtype=np.float64), np.float64(8)),
        ((*(np.int32(10),) * rank, np.int64(2)), np.array(8)),
    ]:
        model = function(keras.Sequential(), kernel_size=3, input_shape=shape, batch_size=batch)
        assert model.input_shape == expected
    # list(NULL, ..., 2): unknown sizes stay unknown; the batch axis of batch_input_shape too.
    unknown = function(keras.Sequential(), kernel_size=3, input_shape=[None] * rank + [2])
    assert unknown.input_shape == (None, *(None,) * rank, 2)
    batch_unknown = function(keras.Sequential(), kernel_size=3, batch_input_shape=[None, *[10.0] * rank, 2.0])
    assert batch_unknown.input_shape == (None, *spatial, 2)


# --------------------------------------------------------------------------- refused forms

def _bad_cases(rank):
    """(id, kwargs, argument named in the message, text of the received value shown)."""
    spatial = (10,) * rank
    kernel = (3,) * rank
    wrong_rank_shape = (10,) * (rank + 2)
    cases = [
        ("ks-2.5", {"kernel_size": 2.5}, "kernel_size", "2.5"),
        ("ks-0", {"kernel_size": 0}, "kernel_size", "received 0"),
        ("ks-neg", {"kernel_size": -1}, "kernel_size", "-1"),
        ("ks-NA_integer", {"kernel_size": -(2**31)}, "kernel_size", str(-(2**31))),
        ("ks-nan", {"kernel_size": math.nan}, "kernel_size", "nan"),
        ("ks-np-nan", {"kernel_size": np.float64("nan")}, "kernel_size", "nan"),
        ("ks-inf", {"kernel_size": math.inf}, "kernel_size", "inf"),
        ("ks-huge", {"kernel_size": 2**40}, "kernel_size", str(2**40)),
        ("ks-str", {"kernel_size": "3"}, "kernel_size", "'3'"),
        ("ks-NA", {"kernel_size": True}, "kernel_size", "True"),
        ("ks-np-bool", {"kernel_size": np.bool_(True)}, "kernel_size", "True"),
        ("ks-too-long", {"kernel_size": (3, 3, 3)}, "kernel_size", "(3, 3, 3)"),
        ("ks-empty", {"kernel_size": []}, "kernel_size", "[]"),
        ("ks-nested", {"kernel_size": [[3], [3]]}, "kernel_size", "[[3], [3]]"),
        ("ks-with-NA", {"kernel_size": [3] * (rank - 1) + [True]}, "kernel_size", "True"),
        ("ks-with-nan", {"kernel_size": [3] * (rank - 1) + [math.nan]}, "kernel_size", "nan"),
        ("ks-np-2d", {"kernel_size": np.array([[3, 3]])}, "kernel_size", "[[3, 3]]"),
        ("ks-np-2d-col", {"kernel_size": np.array([[3], [3]])}, "kernel_size", "[[3],"),
        ("ks-none", {"kernel_size": None}, "kernel_size", "None"),
        ("strides-2.5", {"strides": 2.5}, "strides", "2.5"),
        ("strides-0", {"strides": 0}, "strides", "received 0"),
        ("strides-nan", {"strides": math.nan}, "strides", "nan"),
        ("strides-NA", {"strides": True}, "strides", "True"),
        ("strides-str", {"strides": "2"}, "strides", "'2'"),
        ("dilation-0", {"dilation_rate": 0}, "dilation_rate", "received 0"),
        ("dilation-1.5", {"dilation_rate": 1.5}, "dilation_rate", "1.5"),
        ("dilation-too-long", {"dilation_rate": (1, 1, 1)}, "dilation_rate", "(1, 1, 1)"),
        ("padding-causal", {"padding": "causal"}, "padding", "'causal'"),
        ("padding-CAUSAL", {"padding": "CAUSAL"}, "padding", "'CAUSAL'"),
        ("padding-full", {"padding": "full"}, "padding", "'full'"),
        ("padding-NA", {"padding": "NA"}, "padding", "'NA'"),
        ("padding-bool", {"padding": True}, "padding", "True"),
        ("padding-none", {"padding": None}, "padding", "None"),
        ("data_format-NHWC", {"data_format": "NHWC"}, "data_format", "'NHWC'"),
        ("data_format-int", {"data_format": 1}, "data_format", "1 (int)"),
        ("activation-unknown", {"activation": "relux"}, "activation", "'relux'"),
        ("activation-number", {"activation": 3}, "activation", "3 (int)"),
        ("depthwise_initializer", {"depthwise_initializer": "glorot_unifrom"}, "depthwise_initializer",
         "'glorot_unifrom'"),
        ("bias_initializer", {"bias_initializer": "zeroes!"}, "bias_initializer", "'zeroes!'"),
        ("depthwise_regularizer", {"depthwise_regularizer": "l3"}, "depthwise_regularizer", "'l3'"),
        ("bias_regularizer", {"bias_regularizer": "l3"}, "bias_regularizer", "'l3'"),
        ("activity_regularizer", {"activity_regularizer": "l3"}, "activity_regularizer", "'l3'"),
        ("depthwise_constraint", {"depthwise_constraint": "max_normal"}, "depthwise_constraint", "'max_normal'"),
        ("bias_constraint", {"bias_constraint": "max_normal"}, "bias_constraint", "'max_normal'"),
        ("constraint-number", {"depthwise_constraint": 2.0}, "depthwise_constraint", "2.0"),
        ("use_bias-1", {"use_bias": 1}, "use_bias", "1 (int)"),
        ("use_bias-yes", {"use_bias": "yes"}, "use_bias", "'yes'"),
        ("use_bias-null", {"use_bias": None}, "use_bias", "None"),
        ("use_bias-vector", {"use_bias": np.array([True, False])}, "use_bias", "True, False"),
        ("depth_multiplier-0", {"depth_multiplier": 0}, "depth_multiplier", "received 0"),
        ("depth_multiplier-2.5", {"depth_multiplier": 2.5}, "depth_multiplier", "2.5"),
        ("depth_multiplier-NA", {"depth_multiplier": True}, "depth_multiplier", "True"),
        ("depth_multiplier-vector", {"depth_multiplier": [2, 2]}, "depth_multiplier", "[2, 2]"),
        ("unknown-argument", {"filters": 8}, "filters", "filters"),
        ("dtype-int32", {"dtype": "int32"}, "dtype", "'int32'"),
        ("dtype-nonsense", {"dtype": "nonsense"}, "dtype", "'nonsense'"),
        ("dtype-number", {"dtype": 64}, "dtype", "64"),
        ("name-empty", {"name": ""}, "name", "''"),
        ("name-number", {"name": 3}, "name", "3 (int)"),
        ("trainable-yes", {"trainable": "yes"}, "trainable", "'yes'"),
        ("trainable-1", {"trainable": 1}, "trainable", "1 (int)"),
        ("input_shape-short", {"input_shape": spatial}, "input_shape", repr(spatial)),
        ("input_shape-long", {"input_shape": wrong_rank_shape}, "input_shape", repr(wrong_rank_shape)),
        ("input_shape-zero", {"input_shape": (*spatial[:-1], 0, 2)}, "input_shape", repr((*spatial[:-1], 0, 2))),
        ("input_shape-2.5", {"input_shape": (*spatial, 2.5)}, "input_shape", "2.5"),
        ("input_shape-str", {"input_shape": "10x10"}, "input_shape", "'10x10'"),
        ("input_shape-no-channels", {"input_shape": (*spatial, None)}, "input_shape", "None)"),
        ("batch_input_shape-short", {"batch_input_shape": (8, *spatial)}, "batch_input_shape", repr((8, *spatial))),
        ("batch_input_shape-no-channels", {"batch_input_shape": (8, *spatial, None)}, "batch_input_shape",
         repr((8, *spatial, None))),
        ("both-shapes", {"batch_input_shape": (8, *spatial, 2), "input_shape": (*spatial, 2)}, "batch_input_shape",
         repr((8, *spatial, 2))),
        ("batch_size-alone", {"batch_size": 8}, "batch_size", "received 8"),
        ("batch_size-and-batch_input_shape", {"batch_size": 8, "batch_input_shape": (8, *spatial, 2)},
         "batch_size", "batch_size=8"),
        ("batch_size-0", {"batch_size": 0, "input_shape": (*spatial, 2)}, "batch_size", "received 0"),
        ("batch_size-2.5", {"batch_size": 2.5, "input_shape": (*spatial, 2)}, "batch_size", "2.5"),
        ("weights-kernel-rank", {"weights": [np.ones(kernel), np.zeros(2)]}, "weights", repr(kernel)),
        ("weights-bias-length", {"weights": [np.ones((*kernel, 2, 1)), np.zeros(3)]}, "weights", "(3,)"),
        ("weights-kernel-size", {"weights": [np.ones((*(2,) * rank, 2, 1)), np.zeros(2)]}, "weights",
         repr((*(2,) * rank, 2, 1))),
        ("weights-depth_multiplier", {"depth_multiplier": 2, "weights": [np.ones((*kernel, 2, 1)), np.zeros(2)]},
         "weights", repr((*kernel, 2, 1))),
        ("weights-no-bias", {"weights": [np.ones((*kernel, 2, 1))]}, "weights", repr((*kernel, 2, 1))),
        ("weights-extra-bias", {"use_bias": False, "weights": [np.ones((*kernel, 2, 1)), np.zeros(2)]}, "weights",
         "(2,)"),
        ("weights-vs-input_shape", {"input_shape": (*spatial, 3), "weights": [np.ones((*kernel, 2, 1)), np.zeros(2)]},
         "weights", repr((*kernel, 2, 1))),
        ("weights-array", {"weights": np.ones((*kernel, 2, 1))}, "weights", "array"),
        ("weights-empty", {"weights": []}, "weights", "[]"),
        ("weights-strings", {"weights": ["a", "b"]}, "weights", "['a', 'b']"),
    ]
    return [pytest.param(kwargs, argument, shown, id=case_id) for case_id, kwargs, argument, shown in cases]


def _no_layer_may_be_created(monkeypatch):
    """Make creating any depthwise layer fail the test: errors must come before."""
    from keras.src.layers.convolutional.base_depthwise_conv import BaseDepthwiseConv

    def refuse(self, *args, **kwargs):
        raise AssertionError("a Keras layer was created although the arguments are invalid")

    monkeypatch.setattr(BaseDepthwiseConv, "__init__", refuse)


@pytest.mark.parametrize(("kwargs", "argument", "shown"), _bad_cases(1))
def test_bad_arguments_1d(kwargs, argument, shown, monkeypatch):
    _check_bad(1, kwargs, argument, shown, monkeypatch)


@pytest.mark.parametrize(("kwargs", "argument", "shown"), _bad_cases(2))
def test_bad_arguments_2d(kwargs, argument, shown, monkeypatch):
    _check_bad(2, kwargs, argument, shown, monkeypatch)


def _check_bad(rank, kwargs, argument, shown, monkeypatch):
    function = FUNCTIONS[rank]
    kwargs = {"kernel_size": 3, **kwargs}
    _no_layer_may_be_created(monkeypatch)
    # object = NULL: the error comes when the layer is created, before any tensor exists.
    with pytest.raises((ValueError, TypeError)) as caught:
        function(None, **kwargs)
    message = str(caught.value)
    assert f"`{argument}`" in message, message
    assert shown in message, message
    # Same error, and nothing computed, when an array or a Sequential is given.
    array = np.ones((1, *(10,) * rank, 2), dtype="float32")
    with pytest.raises(type(caught.value)) as again:
        function(array, **kwargs)
    assert str(again.value) == message
    model = keras.Sequential()
    with pytest.raises(type(caught.value)):
        function(model, **kwargs)
    assert len(model.layers) == 0


@pytest.mark.parametrize("rank", RANKS)
def test_error_classes_follow_the_documentation(rank):
    """TypeError: wrong type or unknown argument; ValueError: wrong value or unknown name."""
    function = FUNCTIONS[rank]
    for kwargs in ({"kernel_size": "3"}, {"kernel_size": True}, {"kernel_size": 3, "use_bias": 1},
                   {"kernel_size": 3, "padding": True}, {"kernel_size": 3, "name": 3},
                   {"kernel_size": 3, "trainable": "yes"}, {"kernel_size": 3, "filters": 8},
                   {"kernel_size": 3, "weights": ["a"]}):
        with pytest.raises(TypeError):
            function(**kwargs)
    for kwargs in ({"kernel_size": 2.5}, {"kernel_size": 0}, {"kernel_size": math.nan}, {"kernel_size": math.inf},
                   {"kernel_size": (3, 3, 3)}, {"kernel_size": 3, "padding": "causal"},
                   {"kernel_size": 3, "padding": "full"}, {"kernel_size": 3, "data_format": "NHWC"},
                   {"kernel_size": 3, "activation": "relux"},
                   {"kernel_size": 3, "dtype": "int32"}, {"kernel_size": 3, "input_shape": (10,) * (rank + 3)},
                   {"kernel_size": 3, "weights": [np.ones((2, 2))]}):
        with pytest.raises(ValueError):
            function(**kwargs)


@pytest.mark.parametrize("spec", [DEPTHWISE_CONV_1D, DEPTHWISE_CONV_2D], ids=["1d", "2d"])
def test_messages_follow_one_style(spec):
    function = FUNCTIONS[spec.rank]
    for kwargs in ({"kernel_size": 2.5}, {"kernel_size": 3, "padding": "full"},
                   {"kernel_size": 3, "use_bias": "yes"}, {"kernel_size": 3, "dtype": "int32"},
                   {"kernel_size": 3, "batch_size": 8},
                   {"kernel_size": 3, "input_shape": (10,) * (spec.rank + 1), "batch_input_shape": (1,) * 9}):
        with pytest.raises((TypeError, ValueError), match=r"^Invalid `\w+`.*: expected .*; received .*\.$"):
            function(**kwargs)
    with pytest.raises(TypeError, match=rf"^{spec.function_name}\(\) got unknown argument\(s\) `filters`"):
        function(kernel_size=3, filters=8)


def test_causal_padding_message_says_why():
    with pytest.raises(ValueError, match=r'"causal" padding is not supported by depthwise convolution'):
        layer_depthwise_conv_1d(kernel_size=3, padding="causal")
