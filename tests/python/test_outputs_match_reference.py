"""Layer outputs against the independent NumPy reference (tests/reference.py).

The grid crosses kernel sizes (square and not), strides (equal and unequal),
dilation, padding, depth multiplier, data format, dtype and bias; every
combination is valid, strides > 1 together with dilation > 1 included. A
deterministic selection that covers every pair of parameter values runs,
topped up with random cases to a fixed budget; the strided and dilated
combinations also run in full below.
"""

import itertools

import keras
import numpy as np
import pytest
from layer_cases import case_id, pairwise_cases
from reference import depthwise_conv

TOLERANCE = {"float32": {"rtol": 1e-5, "atol": 1e-5}, "float64": {"rtol": 1e-12, "atol": 1e-12}}
# Input sizes: odd and even spatial sizes, none of them equal to a channel count
# (that case has its own test below).
SPATIAL = {1: (9,), 2: (7, 6)}
CHANNELS = {1: 2, 2: 3}
AXES = {
    1: {
        "kernel_size": [1, 2, 3],
        "strides": [1, 2],
        "dilation_rate": [1, 2],
    },
    2: {
        "kernel_size": [1, 2, 3, (1, 3), (3, 2)],
        "strides": [1, 2, (2, 1), (1, 2)],
        "dilation_rate": [1, 2, (2, 1)],
    },
}
COMMON_AXES = {
    "padding": ["valid", "same"],
    "depth_multiplier": [1, 3],
    "data_format": ["channels_last", "channels_first"],
    "dtype": ["float32", "float64"],
    "use_bias": [True, False],
}
BUDGET = {1: 120, 2: 240}


def _as_tuple(value, rank):
    return (value,) * rank if isinstance(value, int) else tuple(value)


def select_cases(rank, budget, seed=20261124):
    """Every pair of parameter values at least once, then random cases up to ``budget``."""
    return pairwise_cases({**AXES[rank], **COMMON_AXES}, budget, seed + rank)


_case_id = case_id


def _params(rank):
    return [pytest.param(case, id=_case_id(case)) for case in select_cases(rank, BUDGET[rank])]


def _random_problem(rank, case, rng, spatial=None, channels=None):
    """Input in the layer's data format and weights as get_weights() returns them."""
    spatial = SPATIAL[rank] if spatial is None else spatial
    channels = CHANNELS[rank] if channels is None else channels
    dtype = case["dtype"]
    x = rng.normal(size=(2, *spatial, channels)).astype(dtype)
    if case["data_format"] == "channels_first":
        x = np.ascontiguousarray(np.moveaxis(x, -1, 1))
    kernel = rng.normal(size=(*_as_tuple(case["kernel_size"], rank), channels, case["depth_multiplier"]))
    bias = rng.normal(size=(channels * case["depth_multiplier"],))
    weights = [kernel.astype(dtype), bias.astype(dtype)] if case["use_bias"] else [kernel.astype(dtype)]
    return x, weights


def _check(function, case, x, weights):
    rank = x.ndim - 2
    layer_kwargs = {name: value for name, value in case.items() if name != "dtype"}
    got = function(x, **layer_kwargs, dtype=case["dtype"], weights=weights)
    expected = depthwise_conv(
        x,
        weights[0],
        weights[1] if case["use_bias"] else None,
        strides=_as_tuple(case["strides"], rank),
        padding=case["padding"],
        dilation_rate=_as_tuple(case["dilation_rate"], rank),
        data_format=case["data_format"],
    )
    assert keras.backend.standardize_dtype(got.dtype) == case["dtype"]
    got = keras.ops.convert_to_numpy(got)
    assert got.shape == expected.shape
    np.testing.assert_allclose(got, expected, **TOLERANCE[case["dtype"]])


@pytest.mark.parametrize("case", _params(1))
def test_depthwise_conv_1d_matches_reference(functions, case, rng):
    _check(functions[1], case, *_random_problem(1, case, rng))


@pytest.mark.parametrize("case", _params(2))
def test_depthwise_conv_2d_matches_reference(functions, case, rng):
    _check(functions[2], case, *_random_problem(2, case, rng))


@pytest.mark.parametrize("rank", [1, 2])
def test_the_selection_covers_every_value_and_pair(rank):
    chosen = select_cases(rank, BUDGET[rank])
    assert len(chosen) == len({repr(case) for case in chosen})
    axes = {**AXES[rank], **COMMON_AXES}
    for name, values in axes.items():
        assert {repr(case[name]) for case in chosen} == {repr(value) for value in values}, name


# A spatial size equal to the channel count (in and out) tells the layouts apart:
# an axis mix-up that the shapes alone would hide shows in the values.
@pytest.mark.parametrize("rank", [1, 2])
@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
@pytest.mark.parametrize(
    ("channels", "size", "kernel_size", "strides", "padding", "depth_multiplier"),
    [
        (4, 4, 1, 1, "valid", 1),   # every size is 4, in and out
        (3, 5, 3, 1, "valid", 1),   # output spatial 3 == channels
        (2, 4, 1, 1, "same", 2),    # output spatial 4 == channels * depth_multiplier
        (3, 6, 2, 2, "valid", 1),   # strided down to 3 == channels
        (2, 8, 3, 2, "same", 2),    # strided "same" to 4 == channels * depth_multiplier
    ],
)
def test_spatial_size_equal_to_channel_count(
    functions, rank, data_format, channels, size, kernel_size, strides, padding, depth_multiplier, rng
):
    for dtype in ("float32", "float64"):
        case = {"kernel_size": kernel_size, "strides": strides, "dilation_rate": 1, "padding": padding,
                "depth_multiplier": depth_multiplier, "data_format": data_format, "dtype": dtype, "use_bias": True}
        x, weights = _random_problem(rank, case, rng, spatial=(size,) * rank, channels=channels)
        _check(functions[rank], case, x, weights)


@pytest.mark.parametrize("rank", [1, 2])
def test_compiled_model_matches_reference_with_equal_sizes(functions, rank, rng):
    """The traced (predict) path, channels_first, output spatial == output channels."""
    case = {"kernel_size": 1, "strides": 1, "dilation_rate": 1, "padding": "valid", "depth_multiplier": 2,
            "data_format": "channels_first", "dtype": "float32", "use_bias": True}
    x, weights = _random_problem(rank, case, rng, spatial=(4,) * rank, channels=2)
    model = functions[rank](
        keras.Sequential([keras.Input(x.shape[1:])]),
        kernel_size=1, depth_multiplier=2, data_format="channels_first", weights=weights, activation="tanh",
    )
    expected = np.tanh(depthwise_conv(x, weights[0], weights[1], data_format="channels_first"))
    np.testing.assert_allclose(model.predict(x, verbose=0), expected, rtol=1e-5, atol=1e-5)


def test_unequal_strides_with_a_larger_common_factor(functions, rng):
    """Strides (4, 2): convolution at stride 2, then every other row."""
    for padding, data_format in itertools.product(["valid", "same"], ["channels_last", "channels_first"]):
        case = {"kernel_size": (3, 2), "strides": (4, 2), "dilation_rate": 1, "padding": padding,
                "depth_multiplier": 2, "data_format": data_format, "dtype": "float64", "use_bias": True}
        for spatial in [(9, 7), (12, 8), (3, 2)]:
            x, weights = _random_problem(2, case, rng, spatial=spatial, channels=2)
            _check(functions[2], case, x, weights)


# PyTorch's CPU conv2d computed these wrongly from the one-channel tensor Keras's
# permute() makes (batch >= 2, an output width of 1, unequal strides): every backend must be right.
ONE_CHANNEL_FAMILY = [
    ((7, 4), (3, 2), (1, 3)), ((7, 4), (3, 2), (2, 3)), ((5, 3), (2, 3), (1, 2)), ((4, 9), (1, 9), (3, 4)),
    ((6, 5), (3, 3), (1, 4)), ((4, 7), (2, 2), (3, 1)),
]


@pytest.mark.parametrize(("spatial", "kernel_size", "strides"), ONE_CHANNEL_FAMILY)
@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
@pytest.mark.parametrize("batch", [2, 3])
def test_one_channel_unequal_strides_with_a_batch(functions, rng, spatial, kernel_size, strides, data_format, batch):
    case = {"kernel_size": kernel_size, "strides": strides, "dilation_rate": 1, "padding": "valid",
            "depth_multiplier": 1, "data_format": data_format, "dtype": "float32", "use_bias": False}
    x, weights = _random_problem(2, case, rng, spatial=spatial, channels=1)
    x = np.concatenate([x] * batch)[:batch] if batch > len(x) else x
    for _ in range(2):  # the wrong values changed between runs
        _check(functions[2], case, x, weights)


# strides > 1 together with dilation_rate > 1, all of it: both ranks and data
# formats, equal and unequal strides and dilations, on the same or different
# axes, both paddings; sizes odd and even, and one that the stride divides.
STRIDED_DILATED = {
    1: {"strides": [2, 3], "dilation_rate": [2, 3], "spatial": [(11,), (12,)]},
    2: {"strides": [2, (2, 1), (1, 3), (3, 2)], "dilation_rate": [2, (1, 2), (3, 1)], "spatial": [(11, 10), (6, 9)]},
}


def _strided_dilated_params():
    params = []
    for rank, axes in STRIDED_DILATED.items():
        for strides, dilation, spatial, padding, data_format in itertools.product(
            axes["strides"], axes["dilation_rate"], axes["spatial"], ["valid", "same"],
            ["channels_last", "channels_first"],
        ):
            case = {"kernel_size": 2 if rank == 1 else (2, 3), "strides": strides, "dilation_rate": dilation,
                    "padding": padding, "depth_multiplier": 2, "data_format": data_format, "dtype": "float64",
                    "use_bias": True}
            params.append(pytest.param(rank, case, spatial, id=f"{rank}d-{_case_id(case)}-{spatial}"))
    return params


@pytest.mark.parametrize(("rank", "case", "spatial"), _strided_dilated_params())
def test_strides_with_dilation_match_reference(functions, rank, case, spatial, rng):
    x, weights = _random_problem(rank, case, rng, spatial=spatial, channels=2)
    _check(functions[rank], case, x, weights)
