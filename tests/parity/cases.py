"""The parity table: each argument set written once per language.

``py`` holds Python keyword arguments; ``r`` the same arguments in R, the way
an R user writes them (doubles where Python has ints, ``list()``/``c()`` where
Python has tuples, ``NULL`` for ``None``, R functions for callables).
``shape`` is the input (batch first) used for the output comparison;
``object`` says how the output comparison composes: ``"array"`` passes an
array through the function, ``"sequential"`` extends a Sequential model.
``callables`` lists config keys holding functions, whose serialised form
names the function and so differs by language.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import keras
import numpy as np

from kerasr_bridge.from_r import RValue
from kerasr_bridge.r_values import R_NA as NA


@dataclass(frozen=True)
class Case:
    id: str
    rank: int
    py: dict[str, Any]
    r: str
    shape: tuple[int, ...]
    object: str = "array"
    callables: tuple[str, ...] = ()
    inputs: dict[str, Any] = field(default_factory=dict)

    @property
    def function(self) -> str:
        return f"layer_depthwise_conv_{self.rank}d"


def doubled_relu(x):
    return keras.ops.relu(x) * 2.0


def clip_small(w):
    return keras.ops.clip(w, -0.1, 0.1)


_FIXED_KERNEL = np.linspace(-1, 1, 3 * 3 * 3 * 2, dtype="float32").reshape(3, 3, 3, 2)
_FIXED_BIAS = np.linspace(-0.5, 0.5, 6, dtype="float32")

S2 = (2, 8, 8, 3)
S1 = (2, 10, 4)
CASES = [
    Case("2d_int", 2, {"kernel_size": 3}, "kernel_size = 3", S2, "sequential"),
    Case("2d_integer", 2, {"kernel_size": 3}, "kernel_size = 3L", S2),
    Case("2d_list", 2, {"kernel_size": (3, 2)}, "kernel_size = list(3L, 2L)", S2),
    Case("2d_c_doubles", 2, {"kernel_size": (2, 3)}, "kernel_size = c(2, 3)", S2),
    Case("2d_stride2_same", 2, {"kernel_size": 3, "strides": 2, "padding": "same"},
         'kernel_size = 3, strides = 2, padding = "same"', S2),
    Case("2d_unequal_strides", 2, {"kernel_size": 3, "strides": (2, 1), "padding": "same"},
         'kernel_size = 3, strides = list(2L, 1L), padding = "same"', S2, "sequential"),
    Case("2d_unequal_strides_valid", 2, {"kernel_size": (2, 3), "strides": (1, 3)},
         "kernel_size = c(2, 3), strides = c(1, 3)", S2),
    Case("2d_dilation", 2, {"kernel_size": 2, "dilation_rate": (2, 2)}, "kernel_size = 2, dilation_rate = c(2, 2)", S2),
    # strides > 1 with dilation_rate > 1: accepted, as keras3 does (it used to be refused).
    Case("2d_strides_and_dilation", 2, {"kernel_size": 3, "strides": 2, "dilation_rate": 2},
         "kernel_size = 3, strides = 2, dilation_rate = 2", S2),
    Case("2d_unequal_strides_and_dilation_same", 2,
         {"kernel_size": (2, 3), "strides": (2, 1), "dilation_rate": (1, 2), "padding": "same"},
         'kernel_size = c(2, 3), strides = list(2L, 1L), dilation_rate = c(1, 2), padding = "same"', S2, "sequential"),
    Case("2d_padding_case", 2, {"kernel_size": 3, "padding": "same"}, 'kernel_size = 3, padding = "SAME"', S2),
    Case("2d_multiplier", 2, {"kernel_size": 3, "depth_multiplier": 3}, "kernel_size = 3, depth_multiplier = 3", S2),
    Case("2d_channels_first", 2, {"kernel_size": 3, "data_format": "channels_first"},
         'kernel_size = 3, data_format = "channels_first"', (2, 3, 8, 8)),
    Case("2d_data_format_case", 2, {"kernel_size": 3, "data_format": "channels_last"},
         'kernel_size = 3, data_format = "Channels_Last"', S2),
    Case("2d_activation_name", 2, {"kernel_size": 3, "activation": "relu"}, 'kernel_size = 3, activation = "relu"', S2),
    Case("2d_activation_function", 2, {"kernel_size": 3, "activation": doubled_relu},
         "kernel_size = 3, activation = function(x) keras$ops$multiply(keras$ops$relu(x), 2)", S2,
         callables=("activation",)),
    Case("2d_no_bias", 2, {"kernel_size": 3, "use_bias": False}, "kernel_size = 3, use_bias = FALSE", S2),
    Case("2d_initializers", 2, {"depthwise_initializer": "ones", "bias_initializer": "random_normal", "kernel_size": 3},
         'kernel_size = 3, depthwise_initializer = "ones", bias_initializer = "random_normal"', S2),
    Case("2d_initializer_object", 2, {"kernel_size": 3, "depthwise_initializer": keras.initializers.HeNormal(seed=1)},
         "kernel_size = 3, depthwise_initializer = keras$initializers$HeNormal(seed = 1L)", S2),
    Case("2d_initializers_null", 2, {"kernel_size": 3},
         "kernel_size = 3, depthwise_initializer = NULL, bias_initializer = NULL", S2),
    Case("2d_regularizers", 2,
         {"kernel_size": 3, "depthwise_regularizer": "l2", "bias_regularizer": keras.regularizers.L1(0.01),
          "activity_regularizer": "l1"},
         'kernel_size = 3, depthwise_regularizer = "l2", bias_regularizer = keras$regularizers$L1(0.01), '
         'activity_regularizer = "l1"', S2, "sequential"),
    Case("2d_constraints", 2,
         {"kernel_size": 3, "depthwise_constraint": keras.constraints.MaxNorm(2), "bias_constraint": "non_neg"},
         'kernel_size = 3, depthwise_constraint = keras$constraints$MaxNorm(2), bias_constraint = "non_neg"', S2),
    Case("2d_constraint_function", 2,
         {"kernel_size": 3, "depthwise_constraint": clip_small},
         "kernel_size = 3, depthwise_constraint = function(w) keras$ops$clip(w, -0.1, 0.1)", S2,
         callables=("depthwise_constraint",)),
    Case("2d_input_shape", 2, {"kernel_size": 3, "input_shape": (8, 8, 3)},
         "kernel_size = 3, input_shape = c(8, 8, 3)", S2, "sequential"),
    Case("2d_batch_input_shape", 2, {"kernel_size": 3, "batch_input_shape": (None, 8, 8, 3)},
         "kernel_size = 3, batch_input_shape = list(NULL, 8, 8, 3)", S2, "sequential"),
    Case("2d_batch_size", 2, {"kernel_size": 3, "input_shape": (8, 8, 3), "batch_size": 2},
         "kernel_size = 3, input_shape = c(8, 8, 3), batch_size = 2", S2, "sequential"),
    Case("2d_dtype", 2, {"kernel_size": 3, "dtype": "float64"}, 'kernel_size = 3, dtype = "float64"', S2),
    Case("2d_name", 2, {"kernel_size": 3, "name": "my_depthwise"}, 'kernel_size = 3, name = "my_depthwise"', S2),
    Case("2d_trainable", 2, {"kernel_size": 3, "trainable": False}, "kernel_size = 3, trainable = FALSE", S2),
    Case("2d_weights", 2, {"kernel_size": 3, "depth_multiplier": 2, "weights": [_FIXED_KERNEL, _FIXED_BIAS]},
         "kernel_size = 3, depth_multiplier = 2, weights = fixed_weights", S2,
         inputs={"fixed_weights": [_FIXED_KERNEL, _FIXED_BIAS]}),
    Case("1d_int", 1, {"kernel_size": 3}, "kernel_size = 3", S1, "sequential"),
    Case("1d_list", 1, {"kernel_size": 5}, "kernel_size = list(5L)", S1),
    Case("1d_stride2_same", 1, {"kernel_size": 3, "strides": 2, "padding": "same"},
         'kernel_size = 3, strides = 2L, padding = "same"', S1),
    Case("1d_dilation_multiplier", 1, {"kernel_size": 2, "dilation_rate": 2, "depth_multiplier": 2},
         "kernel_size = 2, dilation_rate = 2, depth_multiplier = 2", S1),
    Case("1d_strides_and_dilation", 1, {"kernel_size": 3, "strides": 2, "dilation_rate": 3},
         "kernel_size = 3, strides = 2L, dilation_rate = 3L", S1),
    Case("1d_channels_first_no_bias", 1, {"kernel_size": 3, "data_format": "channels_first", "use_bias": False},
         'kernel_size = 3, data_format = "channels_first", use_bias = FALSE', (2, 4, 10)),
    Case("1d_activation", 1, {"kernel_size": 3, "activation": "tanh"}, 'kernel_size = 3, activation = "tanh"', S1),
    Case("1d_input_shape", 1, {"kernel_size": 3, "input_shape": (10, 4)}, "kernel_size = 3, input_shape = c(10, 4)",
         S1, "sequential"),
    Case("1d_regularized_constrained", 1,
         {"kernel_size": 3, "depthwise_regularizer": keras.regularizers.L1L2(l1=0.01, l2=0.02),
          "bias_constraint": "unit_norm"},
         "kernel_size = 3, depthwise_regularizer = keras$regularizers$L1L2(l1 = 0.01, l2 = 0.02), "
         'bias_constraint = "unit_norm"', S1),
]

@dataclass(frozen=True)
class BadInput:
    """One bad input, as an R user writes it and as reticulate delivers it to Python.

    ``py`` holds the values as Python receives them from R: R's ``NA`` is
    ``R_NA`` (imported here as ``NA``), values with no Python form (factors,
    data.frames, environments) are ``RValue`` descriptions.
    ``argument`` is the argument the message must name.
    """

    id: str
    rank: int
    py: dict[str, Any]
    r: str
    argument: str


def _bad(id: str, rank: int, py: dict[str, Any], r: str, argument: str | None = None) -> BadInput:
    named = argument or next((k for k in py if k != "kernel_size"), "kernel_size")
    return BadInput(id, rank, py, r, named)


K = {"kernel_size": 3}
ERROR_CASES = [
    _bad("kernel_2.5", 2, {"kernel_size": 2.5}, "kernel_size = 2.5"),
    _bad("kernel_0", 2, {"kernel_size": 0.0}, "kernel_size = 0"),
    _bad("kernel_negative", 1, {"kernel_size": -1}, "kernel_size = -1L"),
    _bad("kernel_na", 2, {"kernel_size": NA}, "kernel_size = NA"),
    _bad("kernel_na_integer", 1, {"kernel_size": NA}, "kernel_size = NA_integer_"),
    _bad("kernel_na_real", 2, {"kernel_size": NA}, "kernel_size = NA_real_"),
    _bad("kernel_nan", 2, {"kernel_size": float("nan")}, "kernel_size = NaN"),
    _bad("kernel_inf", 2, {"kernel_size": float("inf")}, "kernel_size = Inf"),
    _bad("kernel_minus_inf", 1, {"kernel_size": float("-inf")}, "kernel_size = -Inf"),
    _bad("kernel_1e10", 2, {"kernel_size": 1e10}, "kernel_size = 1e10"),
    _bad("kernel_int_overflow", 2, {"kernel_size": 2147483648.0}, "kernel_size = .Machine$integer.max + 1"),
    _bad("kernel_string", 2, {"kernel_size": "3"}, 'kernel_size = "3"'),
    _bad("kernel_logical", 2, {"kernel_size": True}, "kernel_size = TRUE"),
    _bad("kernel_null", 2, {"kernel_size": None}, "kernel_size = NULL"),
    _bad("kernel_length3", 2, {"kernel_size": [3.0, 3.0, 3.0]}, "kernel_size = c(3, 3, 3)"),
    _bad("kernel_length2_for_1d", 1, {"kernel_size": [3.0, 3.0]}, "kernel_size = c(3, 3)"),
    _bad("kernel_nested_list", 2, {"kernel_size": [[3.0, 3.0]]}, "kernel_size = list(list(3, 3))"),
    _bad("kernel_matrix", 2, {"kernel_size": np.full((2, 2), 3.0)}, "kernel_size = matrix(3, 2, 2)"),
    _bad("kernel_data_frame", 2, {"kernel_size": RValue(["data.frame"], [1, 1])}, "kernel_size = data.frame(a = 3)"),
    _bad("kernel_factor", 2, {"kernel_size": RValue(["factor"], [1])}, 'kernel_size = factor("3")'),
    _bad("kernel_environment", 2, {"kernel_size": RValue(["environment"], [0])}, "kernel_size = new.env()"),
    _bad("kernel_function", 2, {"kernel_size": lambda x: 3}, "kernel_size = function(x) 3"),
    _bad("kernel_missing", 2, {}, "strides = 1", "kernel_size"),
    _bad("strides_2.5", 2, {**K, "strides": 2.5}, "kernel_size = 3, strides = 2.5"),
    _bad("strides_na", 1, {**K, "strides": NA}, "kernel_size = 3, strides = NA"),
    _bad("strides_string", 2, {**K, "strides": "2"}, 'kernel_size = 3, strides = "2"'),
    _bad("strides_length3", 2, {**K, "strides": [1.0, 1.0, 1.0]}, "kernel_size = 3, strides = c(1, 1, 1)"),
    _bad("strides_zero", 2, {**K, "strides": [0, 1]}, "kernel_size = 3, strides = list(0L, 1L)"),
    _bad("dilation_negative", 2, {**K, "dilation_rate": -1.0}, "kernel_size = 3, dilation_rate = -1"),
    _bad("dilation_na_in_list", 2, {**K, "dilation_rate": [1, NA]}, "kernel_size = 3, dilation_rate = list(1L, NA)"),
    _bad("multiplier_2.5", 2, {**K, "depth_multiplier": 2.5}, "kernel_size = 3, depth_multiplier = 2.5"),
    _bad("multiplier_zero", 2, {**K, "depth_multiplier": 0.0}, "kernel_size = 3, depth_multiplier = 0"),
    _bad("multiplier_na", 1, {**K, "depth_multiplier": NA}, "kernel_size = 3, depth_multiplier = NA"),
    _bad("multiplier_string", 2, {**K, "depth_multiplier": "2"}, 'kernel_size = 3, depth_multiplier = "2"'),
    _bad("multiplier_vector", 2, {**K, "depth_multiplier": [1.0, 2.0]}, "kernel_size = 3, depth_multiplier = c(1, 2)"),
    _bad("padding_causal", 1, {**K, "padding": "causal"}, 'kernel_size = 3, padding = "causal"'),
    _bad("padding_unknown", 2, {**K, "padding": "full"}, 'kernel_size = 3, padding = "full"'),
    _bad("padding_na", 2, {**K, "padding": NA}, "kernel_size = 3, padding = NA"),
    _bad("padding_number", 2, {**K, "padding": 1.0}, "kernel_size = 3, padding = 1"),
    _bad("padding_vector", 2, {**K, "padding": ["same", "valid"]}, 'kernel_size = 3, padding = c("same", "valid")'),
    _bad("padding_factor", 2, {**K, "padding": RValue(["factor"], [1])}, 'kernel_size = 3, padding = factor("same")'),
    _bad("data_format_unknown", 2, {**K, "data_format": "NHWC"}, 'kernel_size = 3, data_format = "NHWC"'),
    _bad("data_format_logical", 2, {**K, "data_format": True}, "kernel_size = 3, data_format = TRUE"),
    _bad("data_format_empty", 1, {**K, "data_format": ""}, 'kernel_size = 3, data_format = ""'),
    _bad("use_bias_number", 2, {**K, "use_bias": 1.0}, "kernel_size = 3, use_bias = 1"),
    _bad("use_bias_na", 2, {**K, "use_bias": NA}, "kernel_size = 3, use_bias = NA"),
    _bad("use_bias_string", 2, {**K, "use_bias": "TRUE"}, 'kernel_size = 3, use_bias = "TRUE"'),
    _bad("use_bias_vector", 2, {**K, "use_bias": [True, False]}, "kernel_size = 3, use_bias = c(TRUE, FALSE)"),
    _bad("activation_unknown", 2, {**K, "activation": "nope"}, 'kernel_size = 3, activation = "nope"'),
    _bad("activation_number", 2, {**K, "activation": 3.0}, "kernel_size = 3, activation = 3"),
    _bad("activation_na", 1, {**K, "activation": NA}, "kernel_size = 3, activation = NA"),
    _bad("initializer_unknown", 2, {**K, "depthwise_initializer": "nope"},
         'kernel_size = 3, depthwise_initializer = "nope"'),
    _bad("bias_initializer_number", 2, {**K, "bias_initializer": 0.0}, "kernel_size = 3, bias_initializer = 0"),
    _bad("regularizer_number", 2, {**K, "depthwise_regularizer": 0.1}, "kernel_size = 3, depthwise_regularizer = 0.1"),
    _bad("activity_regularizer_unknown", 2, {**K, "activity_regularizer": "nope"},
         'kernel_size = 3, activity_regularizer = "nope"'),
    _bad("constraint_unknown", 1, {**K, "bias_constraint": "nope"}, 'kernel_size = 3, bias_constraint = "nope"'),
    _bad("unknown_argument", 2, {**K, "filters": 3.0}, "kernel_size = 3, filters = 3", "filters"),
    _bad("name_number", 2, {**K, "name": 3.0}, "kernel_size = 3, name = 3"),
    _bad("name_empty", 2, {**K, "name": ""}, 'kernel_size = 3, name = ""'),
    _bad("trainable_string", 2, {**K, "trainable": "yes"}, 'kernel_size = 3, trainable = "yes"'),
    _bad("trainable_na", 2, {**K, "trainable": NA}, "kernel_size = 3, trainable = NA"),
    _bad("dtype_integer", 2, {**K, "dtype": "int32"}, 'kernel_size = 3, dtype = "int32"'),
    _bad("dtype_nonsense", 1, {**K, "dtype": "nonsense"}, 'kernel_size = 3, dtype = "nonsense"'),
    _bad("batch_size_alone", 2, {**K, "batch_size": 8.0}, "kernel_size = 3, batch_size = 8"),
    _bad("input_shape_length", 2, {**K, "input_shape": [8.0, 8.0]}, "kernel_size = 3, input_shape = c(8, 8)"),
    _bad("input_shape_na", 2, {**K, "input_shape": [8.0, NA, 3.0]},
         "kernel_size = 3, input_shape = c(8, NA, 3)"),
    _bad("batch_input_shape_length", 2, {**K, "batch_input_shape": [None, 8.0, 8.0]},
         "kernel_size = 3, batch_input_shape = list(NULL, 8, 8)"),
    _bad("weights_shape", 2, {**K, "weights": [np.ones((2, 2, 1, 1))]},
         "kernel_size = 3, weights = list(array(1, c(2, 2, 1, 1)))"),
    _bad("weights_number", 2, {**K, "weights": 3.0}, "kernel_size = 3, weights = 3"),
    _bad("weights_character", 2, {**K, "weights": ["a"]}, 'kernel_size = 3, weights = list("a")'),
    _bad("object_string", 2, {"object": "x", **K}, 'object = "x", kernel_size = 3', "object"),
    _bad("object_list", 2, {"object": [1.0, 2.0], **K}, "object = list(1, 2), kernel_size = 3", "object"),
    _bad("object_rank", 2, {"object": np.ones((2, 5, 5)), **K},
         "object = array(1, c(2, 5, 5)), kernel_size = 3", "object"),
    _bad("object_rank_1d", 1, {"object": np.ones((2, 5, 5, 1)), **K},
         "object = array(1, c(2, 5, 5, 1)), kernel_size = 3", "object"),
    _bad("object_character_array", 2, {"object": np.full((1, 2, 2, 1), "a", dtype=object), **K},
         'object = array("a", c(1, 2, 2, 1)), kernel_size = 3', "object"),
    _bad("object_data_frame", 2, {"object": RValue(["data.frame"], [1, 1]), **K},
         "object = data.frame(a = 1), kernel_size = 3", "object"),
    _bad("object_environment", 2, {"object": RValue(["environment"], [0]), **K}, "object = new.env(), kernel_size = 3",
         "object"),
]
