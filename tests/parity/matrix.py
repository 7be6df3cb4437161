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
from kerasr_bridge.render import R_NA


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
# Callables are valid for these arguments, so no function among the bad values.
KERAS_OBJECT_VALUES = [
    Bad("unknown", '"nope"', "nope"), Bad("number", "3", 3.0), NA, Bad("TRUE", "TRUE", True),
    Bad("vector", 'c("relu", "tanh")', ["relu", "tanh"]), Bad("empty", '""', ""), *R_OBJECTS,
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
