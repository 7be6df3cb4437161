"""Every bad input of the parity suite, in one place.

- ``CASES``: a generated matrix, every argument crossed with the bad values of
  its kind, run with no object and with a Sequential model as object;
- ``OBJECT_CASES``: bad objects, and shape arguments that contradict a good one;
- ``HANDWRITTEN_CASES``: single cases as users write them (R spellings such as
  ``NA_integer_``, ``.Machine$integer.max + 1``, a missing ``kernel_size``), each
  checked for its R call too.

Each value is written twice: as an R user writes it, and as Python receives
that R value (R's ``NA`` is ``R_NA``; factors, data.frames and environments
are ``RValue`` descriptions; an unnamed R list is an ``RList``; R functions are
Python callables).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from layer_cases import depthwise_function

from kerasr_bridge.declarations import DECLARATIONS
from kerasr_bridge.r_values import R_NA, RList, RValue


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
# R values with a Python form whose words are R's in a message: 3+0i, as.raw(0x03).
COMPLEX = Bad("complex", "3+0i", 3 + 0j)
RAW = Bad("raw", "as.raw(3)", bytearray(b"\x03"))
R_OBJECTS = [FACTOR, DATA_FRAME, ENVIRONMENT, DATE, COMPLEX, RAW]

SIZE_VALUES = [
    Bad("2.5", "2.5", 2.5), Bad("zero", "0", 0.0), Bad("negative", "-1L", -1), NA,
    Bad("NA_integer", "NA_integer_", R_NA), Bad("NaN", "NaN", float("nan")), Bad("Inf", "Inf", float("inf")),
    Bad("huge", "1e10", 1e10), Bad("string", '"3"', "3"), Bad("TRUE", "TRUE", True),
    Bad("length3", "c(3, 3, 3)", [3.0, 3.0, 3.0]), Bad("mixed_list", 'list(3L, "a")', RList((3, "a"))),
    Bad("vector_na", "c(3L, NA)", [3.0, R_NA]), Bad("list_na", "list(NA, 3)", RList((R_NA, 3.0))),
    Bad("matrix", "matrix(3, 2, 2)", np.full((2, 2), 3.0)), Bad("named_list", "list(a = 3)", {"a": 3.0}),
    Bad("function", "function(x) 3", _r_function), *R_OBJECTS,
    # Shown as each language prints them: 3 - 1e-15 is not 3, R prints -0 as 0, names are not positions.
    Bad("near_whole", "3 - 1e-15", 3 - 1e-15), Bad("minus_zero", "-0", -0.0),
    Bad("named_pair", "list(a = 2, b = 1)", {"a": 2.0, "b": 1.0}),
]
# Strings quoted as each language prints a string literal: never a raw newline or terminal escape.
CONTROL_CHARACTERS = [Bad("newline", '"a\\nb"', "a\nb"), Bad("escape", '"\\033[31m"', "\x1b[31m"),
                      Bad("tab", '"same\\t"', "same\t")]
MULTIPLIER_VALUES = [
    Bad("2.5", "2.5", 2.5), Bad("zero", "0", 0.0), Bad("negative", "-2", -2.0), NA, Bad("string", '"2"', "2"),
    Bad("TRUE", "TRUE", True), Bad("vector", "c(1, 2)", [1.0, 2.0]), Bad("Inf", "Inf", float("inf")),
    Bad("huge", "2^40", 2.0**40), *R_OBJECTS,
]
PADDING_VALUES = [
    Bad("full", '"full"', "full"), Bad("causal", '"causal"', "causal"), NA, NA_CHARACTER, Bad("number", "1", 1.0),
    Bad("vector", 'c("same", "valid")', ["same", "valid"]), Bad("TRUE", "TRUE", True), Bad("empty", '""', ""),
    *R_OBJECTS, *CONTROL_CHARACTERS,
]
DATA_FORMAT_VALUES = [
    Bad("NHWC", '"NHWC"', "NHWC"), Bad("empty", '""', ""), Bad("TRUE", "TRUE", True), NA,
    Bad("number", "1", 1.0), Bad("vector", 'c("channels_last", "channels_first")', ["channels_last", "channels_first"]),
    *R_OBJECTS, *CONTROL_CHARACTERS,
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
               Bad("vector", 'c("a", "b")', ["a", "b"]), FACTOR, Bad("slash", '"a/b"', "a/b"), RAW]
DTYPE_VALUES = [Bad("int32", '"int32"', "int32"), Bad("nonsense", '"nonsense"', "nonsense"), Bad("number", "3", 3.0),
                Bad("TRUE", "TRUE", True), FACTOR, COMPLEX,
                # Quantized policies Keras lists: they describe weights quantize() makes, refused at construction.
                *(Bad(p, f'"{p}"', p) for p in ("int8_from_float32", "float8_from_float32", "int4_from_float32",
                                                  "int8_from_mixed_bfloat16"))]
WEIGHTS_VALUES = [
    Bad("number", "3", 3.0), Bad("character", 'list("a")', RList(("a",))),
    Bad("long_vector", "rep(3, 300)", [3.0] * 300),
    Bad("wrong_shape", "list(array(1, c(2, 2, 1, 1)))", RList((np.ones((2, 2, 1, 1)),))), DATA_FRAME,
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


# The bad values of each argument kind (the declarations' kinds), crossed with every declared argument.
KIND_VALUES: dict[str, list[Bad]] = {
    "sizes": SIZE_VALUES,
    "count": MULTIPLIER_VALUES,
    "padding": PADDING_VALUES,
    "data_format": DATA_FORMAT_VALUES,
    "bool": BOOL_VALUES,
    "activation": KERAS_OBJECT_VALUES,
    "initializer": KERAS_OBJECT_VALUES,
    "regularizer": KERAS_OBJECT_VALUES,
    "constraint": KERAS_OBJECT_VALUES,
}
# The older R keras arguments (`...`), which the declarations do not list.
EXTRA_ARGUMENT_VALUES: dict[str, list[Bad]] = {
    "name": NAME_VALUES,
    "trainable": BOOL_VALUES,
    "dtype": DTYPE_VALUES,
    "weights": WEIGHTS_VALUES,
}


@dataclass(frozen=True)
class MatrixCase:
    id: str
    function: str
    argument: str
    r: str
    py: dict[str, Any]

    @property
    def rank(self) -> int:
        return DECLARATIONS[self.function].rank


def _cases() -> list[MatrixCase]:
    cases = []
    for declaration in DECLARATIONS.values():
        required = {argument.name: "3" for argument in declaration.arguments if argument.required}
        table = {argument.name: KIND_VALUES[argument.kind] for argument in declaration.arguments}
        table |= {**EXTRA_ARGUMENT_VALUES, "input_shape": _shape_values(declaration.rank)}
        for argument, values in table.items():
            for bad in values:
                given = {**required, argument: bad}
                r = ", ".join(f"{name} = {getattr(value, 'r', value)}" for name, value in given.items())
                py = {name: getattr(value, "py", 3.0) for name, value in given.items()}
                short = declaration.name.removeprefix("layer_")
                cases.append(MatrixCase(f"{short}-{argument}-{bad.label}", declaration.name, argument, r, py))
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
        return depthwise_function(self.rank)

    @property
    def sequential(self) -> bool:
        return self.r_object.startswith("keras$Sequential")


def _array(*shape: int, value: float = 0.5) -> Any:
    return lambda: np.full(shape, value)


def _sequential(*shape: int) -> Any:
    import keras

    return lambda: keras.Sequential([keras.Input(shape)])


def _input(*shape: int | None) -> Any:
    import keras

    return keras.Input(shape)


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
            ("list", "object", "list(1, 2)", lambda: RList((1.0, 2.0))),
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
            ("complex_array", "object", f"array(1+0i, c({', '.join(map(str, good))}))",
             lambda good=good: np.full(good, 1 + 0j)),
            ("raw_array", "object", f"array(as.raw(1), c({', '.join(map(str, good))}))",
             lambda good=good: RValue(["raw", "array"], list(good))),
            ("unknown_channels", "object", f"keras$Input(shape = list({'8L, ' * rank}NULL))",
             lambda spatial=spatial: _input(*spatial, None)),
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
             {"batch_input_shape": RList((None, *[9.0] * rank, 3.0))}),
            ("batch0_input_shape_vs_array", "input_shape", _r_array(0, *spatial, 3), _array(0, *spatial, 3),
             f"input_shape = c({other}, 3)", {"input_shape": [9.0] * rank + [3.0]}),
            ("na_input_shape_vs_sequential", "input_shape", _r_sequential(*good[1:]), _sequential(*good[1:]),
             f"input_shape = c(NA, {', '.join(['8'] * (rank - 1) + ['3'])})",
             {"input_shape": [R_NA] + [8.0] * (rank - 1) + [3.0]}),
        ]
        small = (2,) * rank
        contradictions += [  # a long layer name: the message quotes it shortened, within 300 characters
            ("long_name_kernel_larger", "kernel_size", _r_array(2, *small, 3), _array(2, *small, 3),
             'name = strrep("n", 3000)', {"name": "n" * 3000}),
            ("long_name_in_sequential", "object", _r_sequential(*small, 3), _sequential(*small, 3),
             'name = strrep("n", 3000)', {"name": "n" * 3000}),
        ]
        # The user's initializers, returning what the layer cannot use: named, not blamed on `object`.
        contradictions += [
            (f"initializer_wrong_shape_{where}", "depthwise_initializer", r_object, py_object,
             "depthwise_initializer = function(shape, dtype = NULL) array(1, c(2, 2))",
             {"depthwise_initializer": lambda shape, dtype=None: np.ones((2, 2))})
            for where, r_object, py_object in (("array", _r_array(*good), _array(*good)),
                                               ("sequential", _r_sequential(*good[1:]), _sequential(*good[1:])))
        ]
        contradictions += [
            ("initializer_string", "depthwise_initializer", _r_array(*good), _array(*good),
             'depthwise_initializer = function(shape, dtype = NULL) "a"',
             {"depthwise_initializer": lambda shape, dtype=None: "a"}),
            ("bias_initializer_wrong_length", "bias_initializer", _r_array(*good), _array(*good),
             "bias_initializer = function(shape, dtype = NULL) rep(1, 5)",
             {"bias_initializer": lambda shape, dtype=None: np.ones(5)}),
        ]
        for label, argument, r_object, py_object, r_args, py_args in contradictions:
            cases.append(ObjectCase(f"{rank}d-{label}", rank, argument, r_object, py_object,
                                    f"kernel_size = 3, {r_args}", {**k, **py_args}))
    return cases


OBJECT_CASES = _object_cases()


@dataclass(frozen=True)
class BadInput:
    """One bad input, as an R user writes it and as reticulate delivers it to Python.

    ``py`` holds the values as Python receives them from R: R's ``NA`` is
    ``R_NA``, values with no Python form (factors,
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
HANDWRITTEN_CASES = [
    _bad("kernel_2.5", 2, {"kernel_size": 2.5}, "kernel_size = 2.5"),
    _bad("kernel_0", 2, {"kernel_size": 0.0}, "kernel_size = 0"),
    _bad("kernel_negative", 1, {"kernel_size": -1}, "kernel_size = -1L"),
    _bad("kernel_na", 2, {"kernel_size": R_NA}, "kernel_size = NA"),
    _bad("kernel_na_integer", 1, {"kernel_size": R_NA}, "kernel_size = NA_integer_"),
    _bad("kernel_na_real", 2, {"kernel_size": R_NA}, "kernel_size = NA_real_"),
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
    _bad("kernel_nested_list", 2, {"kernel_size": RList((RList((3.0, 3.0)),))}, "kernel_size = list(list(3, 3))"),
    _bad("kernel_matrix", 2, {"kernel_size": np.full((2, 2), 3.0)}, "kernel_size = matrix(3, 2, 2)"),
    _bad("kernel_data_frame", 2, {"kernel_size": RValue(["data.frame"], [1, 1])}, "kernel_size = data.frame(a = 3)"),
    _bad("kernel_factor", 2, {"kernel_size": RValue(["factor"], [1])}, 'kernel_size = factor("3")'),
    _bad("kernel_environment", 2, {"kernel_size": RValue(["environment"], [0])}, "kernel_size = new.env()"),
    _bad("kernel_function", 2, {"kernel_size": lambda x: 3}, "kernel_size = function(x) 3"),
    _bad("kernel_missing", 2, {}, "strides = 1", "kernel_size"),
    _bad("strides_2.5", 2, {**K, "strides": 2.5}, "kernel_size = 3, strides = 2.5"),
    _bad("strides_na", 1, {**K, "strides": R_NA}, "kernel_size = 3, strides = NA"),
    _bad("strides_string", 2, {**K, "strides": "2"}, 'kernel_size = 3, strides = "2"'),
    _bad("strides_length3", 2, {**K, "strides": [1.0, 1.0, 1.0]}, "kernel_size = 3, strides = c(1, 1, 1)"),
    _bad("strides_zero", 2, {**K, "strides": RList((0, 1))}, "kernel_size = 3, strides = list(0L, 1L)"),
    _bad("dilation_negative", 2, {**K, "dilation_rate": -1.0}, "kernel_size = 3, dilation_rate = -1"),
    _bad("dilation_na_in_list", 2, {**K, "dilation_rate": RList((1, R_NA))},
         "kernel_size = 3, dilation_rate = list(1L, NA)"),
    _bad("multiplier_2.5", 2, {**K, "depth_multiplier": 2.5}, "kernel_size = 3, depth_multiplier = 2.5"),
    _bad("multiplier_zero", 2, {**K, "depth_multiplier": 0.0}, "kernel_size = 3, depth_multiplier = 0"),
    _bad("multiplier_na", 1, {**K, "depth_multiplier": R_NA}, "kernel_size = 3, depth_multiplier = NA"),
    _bad("multiplier_string", 2, {**K, "depth_multiplier": "2"}, 'kernel_size = 3, depth_multiplier = "2"'),
    _bad("multiplier_vector", 2, {**K, "depth_multiplier": [1.0, 2.0]}, "kernel_size = 3, depth_multiplier = c(1, 2)"),
    _bad("padding_causal", 1, {**K, "padding": "causal"}, 'kernel_size = 3, padding = "causal"'),
    _bad("padding_unknown", 2, {**K, "padding": "full"}, 'kernel_size = 3, padding = "full"'),
    _bad("padding_na", 2, {**K, "padding": R_NA}, "kernel_size = 3, padding = NA"),
    _bad("padding_number", 2, {**K, "padding": 1.0}, "kernel_size = 3, padding = 1"),
    _bad("padding_vector", 2, {**K, "padding": ["same", "valid"]}, 'kernel_size = 3, padding = c("same", "valid")'),
    _bad("padding_factor", 2, {**K, "padding": RValue(["factor"], [1])}, 'kernel_size = 3, padding = factor("same")'),
    _bad("data_format_unknown", 2, {**K, "data_format": "NHWC"}, 'kernel_size = 3, data_format = "NHWC"'),
    _bad("data_format_logical", 2, {**K, "data_format": True}, "kernel_size = 3, data_format = TRUE"),
    _bad("data_format_empty", 1, {**K, "data_format": ""}, 'kernel_size = 3, data_format = ""'),
    _bad("use_bias_number", 2, {**K, "use_bias": 1.0}, "kernel_size = 3, use_bias = 1"),
    _bad("use_bias_na", 2, {**K, "use_bias": R_NA}, "kernel_size = 3, use_bias = NA"),
    _bad("use_bias_string", 2, {**K, "use_bias": "TRUE"}, 'kernel_size = 3, use_bias = "TRUE"'),
    _bad("use_bias_vector", 2, {**K, "use_bias": [True, False]}, "kernel_size = 3, use_bias = c(TRUE, FALSE)"),
    _bad("activation_unknown", 2, {**K, "activation": "nope"}, 'kernel_size = 3, activation = "nope"'),
    _bad("activation_number", 2, {**K, "activation": 3.0}, "kernel_size = 3, activation = 3"),
    _bad("activation_na", 1, {**K, "activation": R_NA}, "kernel_size = 3, activation = NA"),
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
    _bad("trainable_na", 2, {**K, "trainable": R_NA}, "kernel_size = 3, trainable = NA"),
    _bad("dtype_integer", 2, {**K, "dtype": "int32"}, 'kernel_size = 3, dtype = "int32"'),
    _bad("dtype_nonsense", 1, {**K, "dtype": "nonsense"}, 'kernel_size = 3, dtype = "nonsense"'),
    _bad("batch_size_alone", 2, {**K, "batch_size": 8.0}, "kernel_size = 3, batch_size = 8"),
    _bad("input_shape_length", 2, {**K, "input_shape": [8.0, 8.0]}, "kernel_size = 3, input_shape = c(8, 8)"),
    _bad("input_shape_na", 2, {**K, "input_shape": [8.0, R_NA, 3.0]},
         "kernel_size = 3, input_shape = c(8, NA, 3)"),
    _bad("batch_input_shape_length", 2, {**K, "batch_input_shape": RList((None, 8.0, 8.0))},
         "kernel_size = 3, batch_input_shape = list(NULL, 8, 8)"),
    _bad("weights_shape", 2, {**K, "weights": RList((np.ones((2, 2, 1, 1)),))},
         "kernel_size = 3, weights = list(array(1, c(2, 2, 1, 1)))"),
    _bad("weights_number", 2, {**K, "weights": 3.0}, "kernel_size = 3, weights = 3"),
    _bad("weights_character", 2, {**K, "weights": RList(("a",))}, 'kernel_size = 3, weights = list("a")'),
    # Nesting NumPy cannot make an array of: our error naming `weights`, not NumPy's ValueError.
    _bad("weights_ragged", 2, {"kernel_size": 1.0, "weights": RList((RList((1.0, [2.0, 3.0])),))},
         "kernel_size = 1, weights = list(list(1, c(2, 3)))"),
    _bad("object_string", 2, {"object": "x", **K}, 'object = "x", kernel_size = 3', "object"),
    _bad("object_list", 2, {"object": RList((1.0, 2.0)), **K}, "object = list(1, 2), kernel_size = 3", "object"),
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
