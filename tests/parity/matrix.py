"""A generated bad-input matrix: every argument crossed with the bad values of its kind.

Each value is written twice: as an R user writes it, and as Python receives
that R value (R's ``NA`` is ``R_NA``; factors, data.frames and environments
are ``RValue`` descriptions; R functions are Python callables). The same
cases run from R and from Python, in both ranks, with no object and with a
Sequential model as object.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from kerasr_bridge.from_r import RValue
from kerasr_bridge.r_values import R_NA


@dataclass(frozen=True)
class Bad:
    label: str
    r: str
    py: Any


def _r_function(x: Any) -> Any:
    return x


FACTOR = Bad("factor", 'factor("3")', RValue(["factor"], [1]))
DATA_FRAME = Bad("data_frame", "data.frame(a = 3)", RValue(["data.frame"], [1, 1]))
ENVIRONMENT = Bad("environment", "new.env()", RValue(["environment"], [0]))
DATE = Bad("date", 'as.Date("2026-01-01")', RValue(["Date"], [1]))
NA = Bad("NA", "NA", R_NA)
NA_CHARACTER = Bad("NA_character", "NA_character_", R_NA)
R_OBJECTS = [FACTOR, DATA_FRAME, ENVIRONMENT, DATE]

SIZE_VALUES = [
    Bad("2.5", "2.5", 2.5), Bad("zero", "0", 0.0), Bad("negative", "-1L", -1), NA,
    Bad("NA_integer", "NA_integer_", R_NA), Bad("NaN", "NaN", float("nan")), Bad("Inf", "Inf", float("inf")),
    Bad("huge", "1e10", 1e10), Bad("string", '"3"', "3"), Bad("TRUE", "TRUE", True),
    Bad("length3", "c(3, 3, 3)", [3.0, 3.0, 3.0]), Bad("mixed_list", 'list(3L, "a")', [3, "a"]),
    Bad("vector_na", "c(3L, NA)", [3.0, R_NA]), Bad("list_na", "list(NA, 3)", [R_NA, 3.0]),
    Bad("matrix", "matrix(3, 2, 2)", np.full((2, 2), 3.0)), Bad("named_list", "list(a = 3)", {"a": 3.0}),
    Bad("function", "function(x) 3", _r_function), *R_OBJECTS,
]
MULTIPLIER_VALUES = [
    Bad("2.5", "2.5", 2.5), Bad("zero", "0", 0.0), Bad("negative", "-2", -2.0), NA, Bad("string", '"2"', "2"),
    Bad("TRUE", "TRUE", True), Bad("vector", "c(1, 2)", [1.0, 2.0]), Bad("Inf", "Inf", float("inf")),
    Bad("huge", "2^40", 2.0**40), *R_OBJECTS,
]
PADDING_VALUES = [
    Bad("full", '"full"', "full"), Bad("causal", '"causal"', "causal"), NA, NA_CHARACTER, Bad("number", "1", 1.0),
    Bad("vector", 'c("same", "valid")', ["same", "valid"]), Bad("TRUE", "TRUE", True), Bad("empty", '""', ""),
    *R_OBJECTS,
]
DATA_FORMAT_VALUES = [
    Bad("NHWC", '"NHWC"', "NHWC"), Bad("empty", '""', ""), Bad("TRUE", "TRUE", True), NA,
    Bad("number", "1", 1.0), Bad("vector", 'c("channels_last", "channels_first")', ["channels_last", "channels_first"]),
    *R_OBJECTS,
]
BOOL_VALUES = [
    NA, Bad("number", "1", 1.0), Bad("string", '"TRUE"', "TRUE"), Bad("vector", "c(TRUE, FALSE)", [True, False]),
    Bad("integer", "0L", 0), *R_OBJECTS,
]
# Functions are valid for these arguments when Keras can call them: f(x), or
# f(shape, dtype = NULL) for an initializer; R functions are checked by their formals.
KERAS_OBJECT_VALUES = [
    Bad("unknown", '"nope"', "nope"), Bad("number", "3", 3.0), NA, Bad("TRUE", "TRUE", True),
    Bad("vector", 'c("relu", "tanh")', ["relu", "tanh"]), Bad("empty", '""', ""), *R_OBJECTS,
    Bad("function_of_two", "function(a, b) a + b", lambda a, b: a + b),
    Bad("function_of_none", "function() 1", lambda: 1),
]
NAME_VALUES = [Bad("number", "3", 3.0), Bad("empty", '""', ""), NA, Bad("TRUE", "TRUE", True),
               Bad("vector", 'c("a", "b")', ["a", "b"]), FACTOR]
DTYPE_VALUES = [Bad("int32", '"int32"', "int32"), Bad("nonsense", '"nonsense"', "nonsense"), Bad("number", "3", 3.0),
                Bad("TRUE", "TRUE", True), FACTOR]
WEIGHTS_VALUES = [
    Bad("number", "3", 3.0), Bad("character", 'list("a")', ["a"]), Bad("long_vector", "rep(3, 300)", [3.0] * 300),
    Bad("wrong_shape", "list(array(1, c(2, 2, 1, 1)))", [np.ones((2, 2, 1, 1))]), DATA_FRAME,
]


def _shape_values(rank: int) -> list[Bad]:
    short = ", ".join(["8"] * rank)
    return [
        # A length-1 R vector arrives as a scalar.
        Bad("too_short", f"c({short})", [8.0] * rank if rank > 1 else 8.0),
        Bad("na_entry", f"c(8, NA{', 3' * rank})", [8.0, R_NA] + [3.0] * rank),
        Bad("fraction", f"c({'2.5, ' * rank}3)", [2.5] * rank + [3.0]),
        Bad("string", '"8"', "8"),
        Bad("zero", "0", 0.0),
        FACTOR,
    ]


ARGUMENT_VALUES: dict[str, list[Bad]] = {
    "kernel_size": SIZE_VALUES,
    "strides": [v for v in SIZE_VALUES if v.label != "function"],
    "dilation_rate": [v for v in SIZE_VALUES if v.label != "function"],
    "depth_multiplier": MULTIPLIER_VALUES,
    "padding": PADDING_VALUES,
    "data_format": DATA_FORMAT_VALUES,
    "use_bias": BOOL_VALUES,
    "activation": KERAS_OBJECT_VALUES,
    "depthwise_initializer": KERAS_OBJECT_VALUES,
    "bias_initializer": KERAS_OBJECT_VALUES,
    "depthwise_regularizer": KERAS_OBJECT_VALUES,
    "bias_regularizer": KERAS_OBJECT_VALUES,
    "activity_regularizer": KERAS_OBJECT_VALUES,
    "depthwise_constraint": KERAS_OBJECT_VALUES,
    "bias_constraint": KERAS_OBJECT_VALUES,
    "name": NAME_VALUES,
    "trainable": BOOL_VALUES,
    "dtype": DTYPE_VALUES,
    "weights": WEIGHTS_VALUES,
}


@dataclass(frozen=True)
class MatrixCase:
    id: str
    rank: int
    argument: str
    r: str
    py: dict[str, Any]

    @property
    def function(self) -> str:
        return f"layer_depthwise_conv_{self.rank}d"


def _cases() -> list[MatrixCase]:
    cases = []
    for rank in (1, 2):
        table = {**ARGUMENT_VALUES, "input_shape": _shape_values(rank)}
        for argument, values in table.items():
            for bad in values:
                if argument == "kernel_size":
                    r, py = f"kernel_size = {bad.r}", {"kernel_size": bad.py}
                else:
                    r, py = f"kernel_size = 3, {argument} = {bad.r}", {"kernel_size": 3.0, argument: bad.py}
                cases.append(MatrixCase(f"{rank}d-{argument}-{bad.label}", rank, argument, r, py))
    return cases


CASES = _cases()


@dataclass(frozen=True)
class ObjectCase:
    """A bad ``object``, or arguments that contradict a good one: written as R code making ``object`` and in Python."""

    id: str
    rank: int
    argument: str
    r_object: str
    py_object: Any  # a zero-argument function: each language gets a fresh object
    r: str
    py: dict[str, Any]

    @property
    def function(self) -> str:
        return f"layer_depthwise_conv_{self.rank}d"

    @property
    def sequential(self) -> bool:
        return self.r_object.startswith("keras$Sequential")


def _array(*shape: int, value: float = 0.5) -> Any:
    return lambda: np.full(shape, value)


def _sequential(*shape: int) -> Any:
    import keras

    return lambda: keras.Sequential([keras.Input(shape)])


def _r_array(*shape: int) -> str:
    return f"array(0.5, c({', '.join(map(str, shape))}))"


def _r_sequential(*shape: int) -> str:
    return f"keras$Sequential(list(keras$Input(shape = c({', '.join(f'{n}L' for n in shape)}))))"


def _object_cases() -> list[ObjectCase]:
    cases = []
    for rank in (1, 2):
        spatial = (8,) * rank
        good = (2, *spatial, 3)
        wrong_rank = (2, *spatial, 3, 1)
        k = {"kernel_size": 3.0}
        values = [
            ("string", "object", '"x"', lambda: "x"),
            ("list", "object", "list(1, 2)", lambda: [1.0, 2.0]),
            ("TRUE", "object", "TRUE", lambda: True),
            ("NA", "object", "NA", lambda: R_NA),
            ("character_array", "object", f"array(\"a\", c({', '.join(map(str, good))}))",
             lambda good=good: np.full(good, "a", dtype=object)),
            ("wrong_rank", "object", _r_array(*wrong_rank), _array(*wrong_rank)),
            ("data_frame", "object", "data.frame(a = 1)", lambda: RValue(["data.frame"], [1, 1])),
            ("environment", "object", "new.env()", lambda: RValue(["environment"], [0])),
            ("zero_channels", "object", _r_array(2, *spatial, 0), _array(2, *spatial, 0)),
            ("kernel_larger_than_input", "kernel_size", _r_array(2, *(2,) * rank, 3), _array(2, *(2,) * rank, 3)),
            ("batch0_kernel_larger", "kernel_size", _r_array(0, *(2,) * rank, 3), _array(0, *(2,) * rank, 3)),
            ("batch0_zero_channels", "object", _r_array(0, *spatial, 0), _array(0, *spatial, 0)),
        ]
        for label, argument, r_object, py_object in values:
            cases.append(
                ObjectCase(f"{rank}d-object-{label}", rank, argument, r_object, py_object, "kernel_size = 3", k)
            )
        other = ", ".join(["9"] * rank)
        contradictions = [
            ("input_shape_vs_array", "input_shape", _r_array(*good), _array(*good),
             f"input_shape = c({other}, 3)", {"input_shape": [9.0] * rank + [3.0]}),
            ("input_shape_channels_vs_array", "input_shape", _r_array(*good), _array(*good),
             f"input_shape = c({', '.join(['8'] * rank)}, 4)", {"input_shape": [8.0] * rank + [4.0]}),
            ("batch_input_shape_vs_array", "batch_input_shape", _r_array(*good), _array(*good),
             f"batch_input_shape = c(5, {', '.join(['8'] * rank)}, 3)",
             {"batch_input_shape": [5.0] + [8.0] * rank + [3.0]}),
            ("input_shape_vs_sequential", "input_shape", _r_sequential(*good[1:]), _sequential(*good[1:]),
             f"input_shape = c({other}, 3)", {"input_shape": [9.0] * rank + [3.0]}),
            ("batch_input_shape_vs_sequential", "batch_input_shape", _r_sequential(*good[1:]),
             _sequential(*good[1:]), f"batch_input_shape = list(NULL, {other}, 3)",
             {"batch_input_shape": [None] + [9.0] * rank + [3.0]}),
            ("batch0_input_shape_vs_array", "input_shape", _r_array(0, *spatial, 3), _array(0, *spatial, 3),
             f"input_shape = c({other}, 3)", {"input_shape": [9.0] * rank + [3.0]}),
            ("na_input_shape_vs_sequential", "input_shape", _r_sequential(*good[1:]), _sequential(*good[1:]),
             f"input_shape = c(NA, {', '.join(['8'] * (rank - 1) + ['3'])})",
             {"input_shape": [R_NA] + [8.0] * (rank - 1) + [3.0]}),
        ]
        for label, argument, r_object, py_object, r_args, py_args in contradictions:
            cases.append(ObjectCase(f"{rank}d-{label}", rank, argument, r_object, py_object,
                                    f"kernel_size = 3, {r_args}", {**k, **py_args}))
    return cases


OBJECT_CASES = _object_cases()
