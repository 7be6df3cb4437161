"""keras3's depthwise convolution layer functions for Python, backed by Keras 3.

The functions mirror the R keras3 API argument for argument, object first:
``None`` gives the Keras layer, a ``keras.Sequential`` is extended, and a
tensor or array is passed through. :func:`pipe` plays the part of R's ``|>``.
"""

from __future__ import annotations

from typing import Any

# Before anything imports Keras: TensorFlow's start-up lines are filtered (see _quiet).
from kerasr_bridge import _quiet

_quiet.import_keras()

from kerasr_bridge import from_r  # noqa: E402, F401  (the R package's entry point: kerasr_bridge.from_r.call)
from kerasr_bridge._docs import document  # noqa: E402
from kerasr_bridge.compose import compose_layer, pipe  # noqa: E402
from kerasr_bridge.layers import _MISSING, DEPTHWISE_CONV_1D, DEPTHWISE_CONV_2D, build_layer  # noqa: E402

# Imported here so that `import kerasr_bridge` registers them for loading saved models.
from kerasr_bridge.upstream_fixes import (  # noqa: E402
    ChannelsFirstDepthwiseConv1D,
    ChannelsFirstDepthwiseConv2D,
    UnequalStridesDepthwiseConv2D,
)

__all__ = [
    "ChannelsFirstDepthwiseConv1D",
    "ChannelsFirstDepthwiseConv2D",
    "UnequalStridesDepthwiseConv2D",
    "compose_layer",
    "layer_depthwise_conv_1d",
    "layer_depthwise_conv_2d",
    "pipe",
]
__version__ = "0.1.0"


def layer_depthwise_conv_1d(
    object: Any = None,
    kernel_size: Any = _MISSING,
    strides: Any = 1,
    padding: str = "valid",
    depth_multiplier: Any = 1,
    data_format: str | None = None,
    dilation_rate: Any = 1,
    activation: Any = None,
    use_bias: bool = True,
    depthwise_initializer: Any = "glorot_uniform",
    bias_initializer: Any = "zeros",
    depthwise_regularizer: Any = None,
    bias_regularizer: Any = None,
    activity_regularizer: Any = None,
    depthwise_constraint: Any = None,
    bias_constraint: Any = None,
    **kwargs: Any,
) -> Any:
    arguments = dict(locals())
    object = arguments.pop("object")
    return compose_layer(object, build_layer(DEPTHWISE_CONV_1D, arguments, object))


def layer_depthwise_conv_2d(
    object: Any = None,
    kernel_size: Any = _MISSING,
    strides: Any = (1, 1),
    padding: str = "valid",
    depth_multiplier: Any = 1,
    data_format: str | None = None,
    dilation_rate: Any = (1, 1),
    activation: Any = None,
    use_bias: bool = True,
    depthwise_initializer: Any = "glorot_uniform",
    bias_initializer: Any = "zeros",
    depthwise_regularizer: Any = None,
    bias_regularizer: Any = None,
    activity_regularizer: Any = None,
    depthwise_constraint: Any = None,
    bias_constraint: Any = None,
    **kwargs: Any,
) -> Any:
    arguments = dict(locals())
    object = arguments.pop("object")
    return compose_layer(object, build_layer(DEPTHWISE_CONV_2D, arguments, object))


layer_depthwise_conv_1d.__doc__ = """1D depthwise convolution layer (keras3's ``layer_depthwise_conv_1d()``).

    Each input channel is convolved with its own kernel(s) of
    ``depth_multiplier`` outputs; channels are never mixed.

""" + document(
    1,
    """
    >>> import numpy as np
    >>> from kerasr_bridge import layer_depthwise_conv_1d
    >>> x = np.random.default_rng(0).uniform(size=(4, 10, 12))
    >>> y = layer_depthwise_conv_1d(x, kernel_size=3, depth_multiplier=3, activation="relu")
    >>> tuple(y.shape)
    (4, 8, 36)
""",
)

layer_depthwise_conv_2d.__doc__ = """2D depthwise convolution layer (keras3's ``layer_depthwise_conv_2d()``).

    Each input channel is convolved with its own kernel(s) of
    ``depth_multiplier`` outputs; channels are never mixed.

""" + document(
    2,
    """
    >>> import numpy as np
    >>> from kerasr_bridge import layer_depthwise_conv_2d
    >>> x = np.random.default_rng(0).uniform(size=(4, 10, 10, 12))
    >>> y = layer_depthwise_conv_2d(x, kernel_size=3, depth_multiplier=3, activation="relu")
    >>> tuple(y.shape)
    (4, 8, 8, 36)
""",
)
