"""The older R keras arguments (input_shape, batch_input_shape, batch_size, dtype, name, trainable, weights).

They reach the layer functions through ``...``/``**kwargs``; here they are
checked against each other and against the layer's own arguments.
"""

from __future__ import annotations

import difflib
from typing import Any

import keras
import numpy as np

from kerasr_bridge import coerce, render

LEGACY_ARGUMENTS = ("input_shape", "batch_input_shape", "batch_size", "dtype", "name", "trainable", "weights")


def check_unknown_arguments(function_name: str, arguments: dict[str, Any]) -> None:
    """Refuse names that are no argument, first: `kernel = 3` is a misspelt kernel_size, not a missing one."""
    kwargs = arguments["kwargs"]
    unknown = sorted(set(kwargs) - set(LEGACY_ARGUMENTS))
    if not unknown:
        return
    known = [name for name in arguments if name != "kwargs"] + ["object", *LEGACY_ARGUMENTS]
    names = ", ".join(f"`{render.bounded(name, 40)}`" for name in unknown[:5]) + (", ..." if len(unknown) > 5 else "")
    hints = [
        f"`{match[0]}` instead of `{render.bounded(name, 40)}`"
        for name in unknown[:5]
        if (match := difflib.get_close_matches(name, known, n=1, cutoff=0.6))
    ]
    hint = f" (did you mean {', '.join(hints)}?)" if hints else ""
    message = (
        f"{function_name}() got unknown argument(s) {names}{hint}; "
        f"the accepted extra arguments are {', '.join(LEGACY_ARGUMENTS)}."
    )
    raise TypeError(render.bounded(message, render.MAX_MESSAGE_CHARS))


def legacy_arguments(rank: int, kwargs: dict[str, Any]) -> dict[str, Any]:
    """Validate the older R keras arguments; returns them coerced."""
    legacy = {name: value for name, value in kwargs.items() if value is not None}
    if "input_shape" in legacy and "batch_input_shape" in legacy:
        raise ValueError(
            "Invalid `input_shape` and `batch_input_shape`: expected one of them, not both; "
            f"received input_shape={coerce.describe(legacy['input_shape'])} and "
            f"batch_input_shape={coerce.describe(legacy['batch_input_shape'])}."
        )
    if "batch_input_shape" in legacy:
        if "batch_size" in legacy:
            raise ValueError(
                "Invalid `batch_size` and `batch_input_shape`: expected one of them, not both; "
                f"received batch_size={coerce.describe(legacy['batch_size'])} and "
                f"batch_input_shape={coerce.describe(legacy['batch_input_shape'])}."
            )
        batch_shape = coerce.as_shape(legacy.pop("batch_input_shape"), "batch_input_shape")
        expected = rank + 2
        if len(batch_shape) != expected:
            raise ValueError(
                f"Invalid `batch_input_shape`: expected {expected} entries (batch, "
                f"{rank} spatial, channels); received {coerce.describe(batch_shape)}."
            )
        legacy["batch_size"], legacy["input_shape"] = batch_shape[0], batch_shape[1:]
    elif "input_shape" in legacy:
        legacy["input_shape"] = coerce.as_shape(legacy["input_shape"], "input_shape")
        expected = rank + 1
        if len(legacy["input_shape"]) != expected:
            raise ValueError(
                f"Invalid `input_shape`: expected {expected} entries ({rank} "
                f"spatial, channels; no batch); received {coerce.describe(kwargs['input_shape'])}."
            )
    if "batch_size" in legacy and legacy["batch_size"] is not None:
        if "input_shape" not in legacy:
            raise ValueError(
                "Invalid `batch_size`: expected it only together with `input_shape` (alone it has "
                f"no effect); received {coerce.describe(legacy['batch_size'])}."
            )
        legacy["batch_size"] = coerce.as_positive_int(legacy["batch_size"], "batch_size")
    if "dtype" in legacy:
        dtype = legacy["dtype"]
        try:
            legacy["dtype"] = keras.dtype_policies.get(dtype)
            ok = legacy["dtype"].compute_dtype.startswith(("float", "bfloat"))
        except (ValueError, TypeError, AttributeError):
            ok = False
        if not ok:
            raise coerce.invalid("dtype", 'a floating dtype name such as "float32" or "float64"', dtype)
    if "name" in legacy:
        legacy["name"] = coerce.as_string(legacy["name"], "name")
    if "trainable" in legacy:
        legacy["trainable"] = coerce.as_bool(legacy["trainable"], "trainable")
    if "weights" in legacy:
        legacy["weights"] = coerce.as_weights(legacy["weights"])
    return legacy


def _expected_weight_shapes(config: dict[str, Any], channels: int) -> list[tuple[int, ...]]:
    kernel = (*config["kernel_size"], channels, config["depth_multiplier"])
    return [kernel, (channels * config["depth_multiplier"],)] if config["use_bias"] else [kernel]


def _channels_of(shape: tuple[Any, ...], data_format: str) -> Any:
    return shape[-1] if data_format == "channels_last" else shape[0]


def checked_channels(
    rank: int, config: dict[str, Any], input_shape: tuple[Any, ...] | None, weights: list[np.ndarray] | None,
    kwargs: dict[str, Any],
) -> Any:
    """The channel count the shape arguments or ``weights`` imply, checked against the layer's arguments."""
    if input_shape is not None and _channels_of(input_shape, config["data_format"]) is None:
        given = "batch_input_shape" if kwargs.get("batch_input_shape") is not None else "input_shape"
        raise ValueError(
            f"Invalid `{given}`: expected a known channel size (not {render.spell('None', 'NULL')}) for data_format="
            f"\"{config['data_format']}\"; received {coerce.describe(kwargs[given])}."
        )

    channels = None
    if weights is not None:
        kernel_shape = weights[0].shape
        if input_shape is not None:
            channels = _channels_of(input_shape, config["data_format"])
        elif len(kernel_shape) == rank + 2:
            channels = kernel_shape[-2]
        received = [array.shape for array in weights]
        if channels is None or received != _expected_weight_shapes(config, channels):
            kernel = ", ".join(map(str, config["kernel_size"]))
            expected = f"a kernel of shape ({kernel}, channels, {config['depth_multiplier']})"
            if config["use_bias"]:
                expected += " and a bias of shape (channels * depth_multiplier,)"
            if input_shape is not None:
                expected += f", with channels = {channels} as the input shape says"
            shapes = render.describe(received) if len(received) > 2 else ", ".join(map(str, received))
            raise ValueError(f"Invalid `weights`: expected {expected}; received arrays of shapes {shapes}.")

    return channels
