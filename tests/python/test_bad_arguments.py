"""Bad arguments are refused when the layer is created, by our typed error naming the argument.

Every refusal comes before any Keras layer exists (object = NULL: nothing is
computed), and is the same with an array or a Sequential model as object. The
message names the argument, shows what was received, follows one style, and
stays bounded; a misspelt or unknown argument gets a suggestion, and a size
given where ``object`` goes is pointed out.
"""

import math

import keras
import numpy as np
import pytest

import kerasr_bridge
from kerasr_bridge import layer_depthwise_conv_1d, layer_depthwise_conv_2d, render
from kerasr_bridge.declarations import DECLARATIONS
from kerasr_bridge.errors import INVALID

RANKS = [pytest.param(1, id="1d"), pytest.param(2, id="2d")]
LANGUAGES = [render.PYTHON, render.R]


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
def test_bad_arguments_1d(functions, kwargs, argument, shown, monkeypatch):
    _check_bad(functions[1], kwargs, argument, shown, monkeypatch)


@pytest.mark.parametrize(("kwargs", "argument", "shown"), _bad_cases(2))
def test_bad_arguments_2d(functions, kwargs, argument, shown, monkeypatch):
    _check_bad(functions[2], kwargs, argument, shown, monkeypatch)


def _check_bad(function, kwargs, argument, shown, monkeypatch):
    rank = {layer_depthwise_conv_1d: 1, layer_depthwise_conv_2d: 2}[function]
    kwargs = {"kernel_size": 3, **kwargs}
    _no_layer_may_be_created(monkeypatch)
    # object = NULL: the error comes when the layer is created, before any tensor exists.
    with pytest.raises((ValueError, TypeError)) as caught:
        function(None, **kwargs)
    message = str(caught.value)
    assert isinstance(caught.value, INVALID), message
    assert argument in caught.value.argument.split(" and "), caught.value.argument
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
def test_error_classes_follow_the_documentation(functions, rank):
    """TypeError: wrong type or unknown argument; ValueError: wrong value or unknown name."""
    function = functions[rank]
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


@pytest.mark.parametrize("declaration", DECLARATIONS.values(), ids=DECLARATIONS.keys())
def test_messages_follow_one_style(declaration):
    function = getattr(kerasr_bridge, declaration.name)
    # Every required argument but the one a case makes bad gets a good value.
    good = {argument.name: 3 for argument in declaration.arguments if argument.required}
    for kwargs in ({"kernel_size": 2.5}, {"padding": "full"}, {"use_bias": "yes"}, {"dtype": "int32"},
                   {"batch_size": 8},
                   {"input_shape": (10,) * (declaration.rank + 1), "batch_input_shape": (1,) * 9}):
        with pytest.raises((TypeError, ValueError), match=r"^Invalid `\w+`.*: expected .*; received .*\.$"):
            function(**{**good, **kwargs})
    unknown = "units"
    with pytest.raises(TypeError, match=rf"^{declaration.name}\(\) got unknown argument\(s\) `{unknown}`"):
        function(**good, **{unknown: 8})


def test_causal_padding_message_says_why():
    with pytest.raises(ValueError, match=r'"causal" padding is not supported by depthwise or separable convolution'):
        layer_depthwise_conv_1d(kernel_size=3, padding="causal")


@pytest.mark.parametrize(
    ("kernel_size", "dilation_rate"), [(3, 2147483647), (3, 2**30), (2, 2147483647), ((1, 3), (5, 2**30))]
)
@pytest.mark.parametrize("padding", ["valid", "same"])
def test_sizes_that_can_never_run_are_refused_at_construction(raises_ours, kernel_size, dilation_rate, padding):
    message = raises_ours(ValueError, layer_depthwise_conv_2d, kernel_size=kernel_size, dilation_rate=dilation_rate,
                      padding=padding)
    assert message.startswith("Invalid `kernel_size` and `dilation_rate`: expected an effective kernel extent")


def test_a_kernel_of_one_takes_any_dilation():
    layer = layer_depthwise_conv_1d(kernel_size=1, dilation_rate=2147483647)
    assert layer.dilation_rate == (2147483647,)


@pytest.mark.parametrize("rank", [1, 2])
def test_a_misspelt_kernel_size_is_reported_as_unknown_with_a_suggestion(functions, raises_ours, rank):
    function = functions[rank]
    message = raises_ours(TypeError, function, kernel=3)
    assert message.startswith(f"{function.__name__}() got unknown argument(s) `kernel` (did you mean `kernel_size`")
    message = raises_ours(TypeError, function, kernel_size=3, dilation=2)
    assert "did you mean `dilation_rate` instead of `dilation`?" in message


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("object", [3, 3.0, [3, 3]])
def test_a_size_given_as_object_is_pointed_out(raises_ours, object, language):
    with render.caller(language):
        message = raises_ours(TypeError, layer_depthwise_conv_2d, object)
    assert message.startswith("layer_depthwise_conv_2d() missing required argument `kernel_size`; the first argument")
    assert "`object`" in message
    assert ("kernel_size = ..." if language == render.R else "kernel_size=...") in message


def test_missing_kernel_size_without_a_size_like_object_says_only_that(raises_ours):
    message = raises_ours(TypeError, layer_depthwise_conv_2d)
    assert message == "layer_depthwise_conv_2d() missing required argument `kernel_size`."


def test_messages_about_long_names_stay_bounded(raises_ours):
    names = {f"an_unknown_argument_with_a_long_name_{i}" * 3: 1 for i in range(8)}
    message = raises_ours(TypeError, layer_depthwise_conv_2d, kernel_size=3, **names)
    assert message.startswith("layer_depthwise_conv_2d() got unknown argument(s) `an_unknown")

    def an_activation_whose_name_goes_on_and_on_and_on_and_on_and_on_and_on_and_on_and_on(a, b, c, d, e, f, g, h):
        return a

    message = raises_ours(TypeError, layer_depthwise_conv_2d, kernel_size=3,
                      activation=an_activation_whose_name_goes_on_and_on_and_on_and_on_and_on_and_on_and_on_and_on)
    assert message.startswith("Invalid `activation`: expected ")


@pytest.mark.parametrize("weights", [[[1, [2, 3]]], [object()], [[np.ones(2), np.ones(3)]]])
def test_weights_numpy_cannot_take_get_our_error_naming_weights(raises_ours, weights):
    message = raises_ours(TypeError, layer_depthwise_conv_2d, kernel_size=1, weights=weights)
    assert message.startswith("Invalid `weights`: expected a list of numeric arrays")
