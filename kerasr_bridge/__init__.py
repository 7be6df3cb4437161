"""keras3's depthwise convolution layer functions for Python, backed by Keras 3.

The functions mirror the R keras3 API argument for argument, object first:
``None`` gives the Keras layer, a ``keras.Sequential`` is extended, and a
tensor or array is passed through. :func:`pipe` plays the part of R's ``|>``.
"""

from __future__ import annotations

# Before anything imports Keras: TensorFlow's start-up lines are filtered (see _quiet).
from kerasr_bridge import _quiet

_quiet.import_keras()

from kerasr_bridge import from_r  # noqa: E402, F401  (the R package's entry point: kerasr_bridge.from_r.call)
from kerasr_bridge.compose import compose_layer, pipe  # noqa: E402
from kerasr_bridge.errors import InvalidArgument, InvalidArgumentType  # noqa: E402
from kerasr_bridge.functions import layer_depthwise_conv_1d, layer_depthwise_conv_2d  # noqa: E402

# Imported here so that `import kerasr_bridge` registers them for loading saved models.
from kerasr_bridge.upstream_fixes import (  # noqa: E402
    ChannelsFirstDepthwiseConv1D,
    ChannelsFirstDepthwiseConv2D,
    UnequalStridesDepthwiseConv2D,
)

__all__ = [
    "ChannelsFirstDepthwiseConv1D",
    "ChannelsFirstDepthwiseConv2D",
    "InvalidArgument",
    "InvalidArgumentType",
    "UnequalStridesDepthwiseConv2D",
    "compose_layer",
    "layer_depthwise_conv_1d",
    "layer_depthwise_conv_2d",
    "pipe",
]
__version__ = "0.1.0"
