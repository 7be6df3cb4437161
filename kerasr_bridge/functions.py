"""The two public layer functions: keras3's ``layer_depthwise_conv_1d()`` and ``layer_depthwise_conv_2d()``.

Each names its :class:`~kerasr_bridge.layers.LayerSpec`; building the layer
(:func:`~kerasr_bridge.layers.build_layer`) and deciding what happens to
``object`` (:func:`~kerasr_bridge.compose.compose_layer`) are shared. Their
signatures are written out, not generated, so that ``help()``, editors and
R's formals read keras3's arguments and defaults.
"""

from __future__ import annotations

from typing import Any

from kerasr_bridge._docs import document
from kerasr_bridge.compose import compose_layer
from kerasr_bridge.layers import DEPTHWISE_CONV_1D, DEPTHWISE_CONV_2D, MISSING, build_layer


def layer_depthwise_conv_1d(
    object: Any = None,
    kernel_size: Any = MISSING,
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
    kernel_size: Any = MISSING,
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
