"""Layer calls with known outputs, shared by the in-process tests and the ones that rerun them in a fresh process."""


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
