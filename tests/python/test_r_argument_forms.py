"""Arguments in the forms R delivers them (through reticulate) give the very layer plain Python values give.

reticulate turns R doubles into Python floats, integers into ints, length > 1
vectors into lists, arrays into NumPy arrays and logical NA into True; R's
NULL is None and takes the documented default.
"""

import keras
import numpy as np
import pytest

from kerasr_bridge import UnequalStridesDepthwiseConv2D, arguments, layer_depthwise_conv_2d

RANKS = [pytest.param(1, id="1d"), pytest.param(2, id="2d")]


def config_of(layer):
    """The layer's config without its auto-generated name."""
    config = layer.get_config()
    config.pop("name")
    return config


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
def test_tuple_arguments_accept_r_numbers_vectors_and_arrays(functions, rank, argument, value, base):
    function = functions[rank]
    expected = config_of(function(**base, **{argument: value}))
    assert expected[argument] == (value,) * rank
    for form in _tuple_forms(value, rank):
        layer = function(**base, **{argument: form})
        assert type(layer) is type(function(**base, **{argument: value})), form
        assert config_of(layer) == expected, f"{argument}={form!r}"
        assert all(type(v) is int for v in layer.get_config()[argument]), form


def test_non_square_kernel_and_unequal_strides_from_r_vectors():
    reference = layer_depthwise_conv_2d(kernel_size=(3, 2), strides=(2, 1))
    # The class depends on the backend (tests/python/test_backend_differences.py); the forms must not change it.
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
def test_strides_together_with_dilation_are_accepted(functions, rank):
    """keras3 accepts strides > 1 with dilation_rate > 1, and so do we (the numerics tests check the values)."""
    function = functions[rank]
    mixed = ([1] * (rank - 1) + [2], [2] + [1] * (rank - 1))  # in 2D on different axes
    for strides, dilation in [(2, 2), (2.0, 3.0), ([2] * rank, [2] * rank), mixed]:
        layer = function(kernel_size=3, strides=strides, dilation_rate=dilation)
        config = layer.get_config()
        assert config["strides"] == arguments.as_int_tuple(strides, "strides", rank)
        assert config["dilation_rate"] == arguments.as_int_tuple(dilation, "dilation_rate", rank)


@pytest.mark.parametrize("rank", RANKS)
@pytest.mark.parametrize("form", [3.0, np.float64(3), np.int32(3), np.int64(3), np.array(3), np.array(3.0)])
def test_depth_multiplier_accepts_r_numbers(functions, rank, form):
    function = functions[rank]
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
def test_padding_and_data_format_are_case_insensitive(functions, rank, argument, canonical, forms):
    function = functions[rank]
    expected = config_of(function(kernel_size=3, **{argument: canonical}))
    assert expected[argument] == canonical
    for form in forms:
        assert config_of(function(kernel_size=3, **{argument: form})) == expected, form


@pytest.mark.parametrize("rank", RANKS)
def test_r_null_takes_the_documented_defaults(functions, rank):
    function = functions[rank]
    plain = config_of(function(kernel_size=3))
    assert plain["data_format"] == keras.config.image_data_format()
    assert config_of(function(kernel_size=3, data_format=None)) == plain
    assert config_of(function(kernel_size=3, depthwise_initializer=None, bias_initializer=None)) == plain
    assert config_of(function(kernel_size=3, input_shape=None, batch_size=None, dtype=None, name=None)) == plain


@pytest.mark.parametrize("rank", RANKS)
def test_logicals_names_and_r_lists_for_keras_objects(functions, rank):
    function = functions[rank]
    expected = config_of(function(kernel_size=3, use_bias=False, trainable=False))
    for flag in (np.bool_(False), np.array(False)):
        assert config_of(function(kernel_size=3, use_bias=flag, trainable=flag)) == expected
    assert function(kernel_size=3, name=np.str_("dw")).name == "dw"
    # An R list(class_name = ..., config = list(...)) arrives as a dict.
    from_dict = function(kernel_size=3, depthwise_initializer={"class_name": "Constant", "config": {"value": 0.5}})
    from_object = function(kernel_size=3, depthwise_initializer=keras.initializers.Constant(0.5))
    assert config_of(from_dict) == config_of(from_object)


@pytest.mark.parametrize("rank", RANKS)
def test_shapes_and_batch_size_accept_r_numbers(functions, rank):
    function = functions[rank]
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
