"""Layer calls with known outputs, shared by the in-process tests and the ones that rerun them in a fresh process;
and the pairwise selection of layer configurations the reference tests share."""

import itertools
import random
from typing import Any


def depthwise_function(rank: int) -> str:
    """The name of the depthwise layer function of this spatial rank, from the declarations."""
    from kerasr_bridge.declarations import DECLARATIONS

    (name,) = (d.name for d in DECLARATIONS.values() if d.family == "depthwise" and d.rank == rank)
    return name


# A batch of 0: (rank, input shape, kwargs, expected output shape).
BATCH_OF_ZERO = [
    (2, (0, 5, 5, 2), {"kernel_size": 2}, (0, 4, 4, 2)),
    (2, (0, 5, 5, 2), {"kernel_size": 2, "depth_multiplier": 3}, (0, 4, 4, 6)),
    (2, (0, 2, 5, 5), {"kernel_size": 2, "data_format": "channels_first"}, (0, 2, 4, 4)),
    (2, (0, 5, 5, 2), {"kernel_size": 2, "strides": (2, 1)}, (0, 2, 4, 2)),
    (2, (0, 5, 5, 2), {"kernel_size": 2, "strides": (2, 1), "padding": "same", "depth_multiplier": 3}, (0, 3, 5, 6)),
    (1, (0, 5, 2), {"kernel_size": 2, "depth_multiplier": 3, "activation": "relu"}, (0, 4, 6)),
    (1, (0, 2, 5), {"kernel_size": 2, "data_format": "channels_first"}, (0, 2, 4)),
]


def layer_function(family: str, rank: int) -> str:
    """The name of the layer function of this family ("depthwise", "separable") and spatial rank.

    From the declarations, as :func:`depthwise_function`.
    """
    from kerasr_bridge.declarations import DECLARATIONS

    (name,) = (d.name for d in DECLARATIONS.values() if d.family == family and d.rank == rank)
    return name


def _pairs(case: dict[str, Any]) -> set[tuple[tuple[str, str], tuple[str, str]]]:
    items = sorted((name, repr(value)) for name, value in case.items())
    return set(itertools.combinations(items, 2))


def pairwise_cases(axes: dict[str, list[Any]], budget: int, seed: int) -> list[dict[str, Any]]:
    """Configurations over ``axes`` covering every pair of values at least once, then random ones up to ``budget``."""
    cases = [dict(zip(axes, values)) for values in itertools.product(*axes.values())]
    random.Random(seed).shuffle(cases)
    uncovered = set().union(*(_pairs(case) for case in cases))
    chosen, rest = [], []
    for case in cases:
        new = _pairs(case) & uncovered
        if new:
            chosen.append(case)
            uncovered -= new
        else:
            rest.append(case)
    assert not uncovered
    return chosen + rest[: max(budget - len(chosen), 0)]


def case_id(case: dict[str, Any]) -> str:
    """A configuration's test id: its values, in order; use_bias as bias/nobias."""
    return "-".join(
        str(value).replace(" ", "") if not isinstance(value, bool) else ("bias" if value else "nobias")
        for value in case.values()
    )
