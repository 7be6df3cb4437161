"""The parity table: each argument set written once per language.

``py`` holds Python keyword arguments; ``r`` the same arguments in R, the way
an R user writes them (doubles where Python has ints, ``list()``/``c()`` where
Python has tuples, ``NULL`` for ``None``, R functions for callables).
``shape`` is the input (batch first) used for the output comparison;
``object`` says how the output comparison composes: ``"array"`` passes an
array through the function, ``"sequential"`` extends a Sequential model.
``callables`` lists config keys holding functions, whose serialised form
names the function and so differs by language. ``family`` and ``rank`` name
the layer function (``layer_depthwise_conv_2d``, ``layer_separable_conv_1d`` ...).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import keras
import numpy as np
from layer_cases import layer_function


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
    family: str = "depthwise"  # with the rank, names the layer function (kerasr_bridge.declarations)

    @property
    def function(self) -> str:
        return layer_function(self.family, self.rank)


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

# The separable family: the same guarantees, with `filters` and the pointwise kernel's arguments.
_SEP_DEPTHWISE = np.linspace(-1, 1, 3 * 3 * 3 * 2, dtype="float32").reshape(3, 3, 3, 2)
_SEP_POINTWISE = np.linspace(-0.7, 0.9, 6 * 4, dtype="float32").reshape(1, 1, 6, 4)
_SEP_BIAS = np.linspace(-0.5, 0.5, 4, dtype="float32")
SEPARABLE = "separable"
CASES += [
    Case("sep2d_int", 2, {"filters": 4, "kernel_size": 3}, "filters = 4, kernel_size = 3", S2, "sequential",
         family=SEPARABLE),
    Case("sep2d_integer_list", 2, {"filters": 4, "kernel_size": (3, 2)}, "filters = 4L, kernel_size = list(3L, 2L)",
         S2, family=SEPARABLE),
    Case("sep2d_stride2_same", 2, {"filters": 2, "kernel_size": 3, "strides": 2, "padding": "same"},
         'filters = 2, kernel_size = 3, strides = 2, padding = "same"', S2, family=SEPARABLE),
    Case("sep2d_unequal_strides", 2, {"filters": 3, "kernel_size": 3, "strides": (2, 1), "padding": "same"},
         'filters = 3, kernel_size = 3, strides = list(2L, 1L), padding = "same"', S2, "sequential",
         family=SEPARABLE),
    Case("sep2d_unequal_strides_and_dilation", 2,
         {"filters": 2, "kernel_size": (2, 3), "strides": (1, 3), "dilation_rate": (2, 1)},
         "filters = 2, kernel_size = c(2, 3), strides = c(1, 3), dilation_rate = c(2, 1)", S2, family=SEPARABLE),
    Case("sep2d_channels_first", 2, {"filters": 8, "kernel_size": 1, "data_format": "channels_first"},
         'filters = 8, kernel_size = 1, data_format = "channels_first"', (2, 3, 8, 8), family=SEPARABLE),
    Case("sep2d_multiplier_activation", 2,
         {"filters": 5, "kernel_size": 3, "depth_multiplier": 2, "activation": "relu"},
         'filters = 5, kernel_size = 3, depth_multiplier = 2, activation = "relu"', S2, family=SEPARABLE),
    Case("sep2d_pointwise_arguments", 2,
         {"filters": 4, "kernel_size": 3, "pointwise_initializer": "ones",
          "pointwise_regularizer": keras.regularizers.L2(0.01), "pointwise_constraint": "non_neg"},
         'filters = 4, kernel_size = 3, pointwise_initializer = "ones", '
         'pointwise_regularizer = keras$regularizers$L2(0.01), pointwise_constraint = "non_neg"', S2, "sequential",
         family=SEPARABLE),
    Case("sep2d_pointwise_constraint_function", 2,
         {"filters": 4, "kernel_size": 3, "pointwise_constraint": clip_small},
         "filters = 4, kernel_size = 3, pointwise_constraint = function(w) keras$ops$clip(w, -0.1, 0.1)", S2,
         callables=("pointwise_constraint",), family=SEPARABLE),
    Case("sep2d_weights", 2,
         {"filters": 4, "kernel_size": 3, "depth_multiplier": 2,
          "weights": [_SEP_DEPTHWISE, _SEP_POINTWISE, _SEP_BIAS]},
         "filters = 4, kernel_size = 3, depth_multiplier = 2, weights = fixed_weights", S2,
         inputs={"fixed_weights": [_SEP_DEPTHWISE, _SEP_POINTWISE, _SEP_BIAS]}, family=SEPARABLE),
    Case("sep2d_dtype", 2, {"filters": 4, "kernel_size": 3, "dtype": "float64"},
         'filters = 4, kernel_size = 3, dtype = "float64"', S2, family=SEPARABLE),
    Case("sep1d_int", 1, {"filters": 4, "kernel_size": 3}, "filters = 4, kernel_size = 3", S1, "sequential",
         family=SEPARABLE),
    Case("sep1d_strides_and_dilation", 1, {"filters": 3, "kernel_size": 3, "strides": 2, "dilation_rate": 2},
         "filters = 3, kernel_size = 3, strides = 2L, dilation_rate = 2L", S1, family=SEPARABLE),
    Case("sep1d_channels_first", 1, {"filters": 10, "kernel_size": 1, "data_format": "channels_first"},
         'filters = 10, kernel_size = 1, data_format = "channels_first"', (2, 4, 10), family=SEPARABLE),
    Case("sep1d_channels_first_no_bias", 1,
         {"filters": 2, "kernel_size": 3, "data_format": "channels_first", "use_bias": False},
         'filters = 2, kernel_size = 3, data_format = "channels_first", use_bias = FALSE', (2, 4, 10),
         family=SEPARABLE),
    Case("sep1d_input_shape", 1, {"filters": 2, "kernel_size": 3, "input_shape": (10, 4)},
         "filters = 2, kernel_size = 3, input_shape = c(10, 4)", S1, "sequential", family=SEPARABLE),
]
