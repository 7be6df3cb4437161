"""keras3's layer functions for Python, backed by Keras 3: one declaration each, shared with the R package.

The functions (:mod:`kerasr_bridge.layer_functions`, generated from
:mod:`kerasr_bridge.declarations`) mirror the R keras3 API argument for
argument, object first:
``None`` gives the Keras layer, a ``keras.Sequential`` is extended, and a
tensor or array is passed through. :func:`pipe` plays the part of R's ``|>``.
"""

from __future__ import annotations

# Before anything imports Keras: TensorFlow's start-up lines are filtered (see _quiet).
from kerasr_bridge import _quiet

_quiet.import_keras()

from kerasr_bridge import from_r  # noqa: E402, F401  (the R package's entry point: kerasr_bridge.from_r.call)

# Imported here so that `import kerasr_bridge` registers them for loading saved models.
from kerasr_bridge.channels_first_bias import (  # noqa: E402
    ChannelsFirstDepthwiseConv1D,
    ChannelsFirstDepthwiseConv2D,
    ChannelsFirstSeparableConv1D,
    ChannelsFirstSeparableConv2D,
)
from kerasr_bridge.compose import compose_layer, pipe  # noqa: E402
from kerasr_bridge.errors import InvalidArgument, InvalidArgumentType  # noqa: E402
from kerasr_bridge.layer_functions import *  # noqa: E402, F403  (every declared layer function; see __all__)
from kerasr_bridge.layer_functions import __all__ as _layer_functions  # noqa: E402
from kerasr_bridge.unequal_strides import UnequalStridesDepthwiseConv2D, UnequalStridesSeparableConv2D  # noqa: E402

__all__ = [
    "ChannelsFirstDepthwiseConv1D",
    "ChannelsFirstDepthwiseConv2D",
    "ChannelsFirstSeparableConv1D",
    "ChannelsFirstSeparableConv2D",
    "InvalidArgument",
    "InvalidArgumentType",
    "UnequalStridesDepthwiseConv2D",
    "UnequalStridesSeparableConv2D",
    "compose_layer",
    "pipe",
    *_layer_functions,
]
__version__ = "0.1.0"
