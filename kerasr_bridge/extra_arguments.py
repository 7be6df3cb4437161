"""The extra arguments R keras users pass (input_shape, batch_input_shape, batch_size, dtype, name, trainable, weights).

They reach the layer functions through ``...``/``**kwargs``; here they are
converted and checked against each other and against the layer's own
arguments. The input shape they declare is kept in the layer's record
(:class:`kerasr_bridge.input_fit.DeclaredInput`), so that composing the layer
with an ``object`` can check the two agree.
"""

from __future__ import annotations

import difflib
import numbers
from typing import Any

import keras
import numpy as np

from kerasr_bridge import arguments, geometry, render
from kerasr_bridge.errors import INVALID, InvalidArgument, InvalidArgumentType
from kerasr_bridge.render import invalid

EXTRA_ARGUMENTS = ("input_shape", "batch_input_shape", "batch_size", "dtype", "name", "trainable", "weights")


def check_unknown_arguments(function_name: str, arguments: dict[str, Any]) -> None:
    """Refuse names that are no argument, first: `kernel = 3` is a misspelt kernel_size, not a missing one."""
    kwargs = arguments["kwargs"]
    unknown = sorted(set(kwargs) - set(EXTRA_ARGUMENTS))
    if not unknown:
        return
    known = [name for name in arguments if name != "kwargs"] + ["object", *EXTRA_ARGUMENTS]
    names = ", ".join(f"`{render.bounded(name, 40)}`" for name in unknown[:5]) + (", ..." if len(unknown) > 5 else "")
    hints = [
        f"`{match[0]}` instead of `{render.bounded(name, 40)}`"
        for name in unknown[:5]
        if (match := difflib.get_close_matches(name, known, n=1, cutoff=0.6))
    ]
    hint = f" (did you mean {', '.join(hints)}?)" if hints else ""
    message = (
        f"{function_name}() got unknown argument(s) {names}{hint}; "
        f"the accepted extra arguments are {', '.join(EXTRA_ARGUMENTS)}."
    )
    raise InvalidArgumentType(render.bounded(message, render.MAX_MESSAGE_CHARS), ", ".join(unknown))


def extra_arguments(rank: int, kwargs: dict[str, Any]) -> dict[str, Any]:
    """The extra arguments given (not None), checked and converted."""
    extra = {name: value for name, value in kwargs.items() if value is not None}
    if "input_shape" in extra and "batch_input_shape" in extra:
        raise InvalidArgument(
            "Invalid `input_shape` and `batch_input_shape`: expected one of them, not both; "
            f"received input_shape={render.describe(extra['input_shape'])} and "
            f"batch_input_shape={render.describe(extra['batch_input_shape'])}.",
            "input_shape and batch_input_shape",
        )
    if "batch_input_shape" in extra:
        if "batch_size" in extra:
            raise InvalidArgument(
                "Invalid `batch_size` and `batch_input_shape`: expected one of them, not both; "
                f"received batch_size={render.describe(extra['batch_size'])} and "
                f"batch_input_shape={render.describe(extra['batch_input_shape'])}.",
                "batch_size and batch_input_shape",
            )
        batch_shape = as_shape(extra.pop("batch_input_shape"), "batch_input_shape")
        expected = rank + 2
        if len(batch_shape) != expected:
            raise InvalidArgument(
                f"Invalid `batch_input_shape`: expected {expected} entries (batch, "
                f"{rank} spatial, channels); received {render.describe(batch_shape)}.",
                "batch_input_shape",
            )
        extra["batch_size"], extra["input_shape"] = batch_shape[0], batch_shape[1:]
    elif "input_shape" in extra:
        extra["input_shape"] = as_shape(extra["input_shape"], "input_shape")
        expected = rank + 1
        if len(extra["input_shape"]) != expected:
            raise InvalidArgument(
                f"Invalid `input_shape`: expected {expected} entries ({rank} "
                f"spatial, channels; no batch); received {render.describe(kwargs['input_shape'])}.",
                "input_shape",
            )
    if "batch_size" in extra and extra["batch_size"] is not None:
        if "input_shape" not in extra:
            raise InvalidArgument(
                "Invalid `batch_size`: expected it only together with `input_shape` (alone it has "
                f"no effect); received {render.describe(extra['batch_size'])}.",
                "batch_size",
            )
        extra["batch_size"] = arguments.as_positive_int(extra["batch_size"], "batch_size")
    if "dtype" in extra:
        dtype = extra["dtype"]
        try:
            extra["dtype"] = keras.dtype_policies.get(dtype)
            ok = extra["dtype"].compute_dtype.startswith(("float", "bfloat"))
            # A quantized policy ("int8_from_float32", "float8_from_float32", "int4_from_float32", GPTQ,
            # AWQ) describes weights that quantize() makes, which Keras does not implement for these layers
            # (NotImplementedError); a new layer with one fails at its first call.
            quantized = getattr(extra["dtype"], "quantization_mode", None) is not None
        except (ValueError, TypeError, AttributeError):
            ok, quantized = False, False
        if quantized:
            raise invalid(
                "dtype",
                'a floating dtype name such as "float32" (Keras has no quantize() for these layers, so no quantized '
                'policy; "mixed_float16" or "mixed_bfloat16" compute in 16 bits)',
                dtype,
            )
        if not ok:
            raise invalid("dtype", 'a floating dtype name such as "float32" or "float64"', dtype)
    if "name" in extra:
        extra["name"] = arguments.as_string(extra["name"], "name")
        if "/" in extra["name"]:  # Keras's rule, said in our words before Keras says it in its own
            raise invalid("name", 'a string without "/" (Keras uses "/" to separate scopes)', extra["name"])
    if "trainable" in extra:
        extra["trainable"] = arguments.as_bool(extra["trainable"], "trainable")
    if "weights" in extra:
        extra["weights"] = as_weights(extra["weights"])
    return extra


def _weight_shapes(config: dict[str, Any], channels: Any) -> list[tuple[str, tuple[Any, ...]]]:
    """What ``get_weights()`` holds for a layer of ``config`` on ``channels`` input channels, as (name, shape).

    ``channels`` may be the text "channels" (with "channels * depth_multiplier"), for the message.
    """
    multiplier = config["depth_multiplier"]
    depthwise_out = channels * multiplier if isinstance(channels, int) else "channels * depth_multiplier"
    depthwise = (*config["kernel_size"], channels, multiplier)
    if "filters" not in config:  # depthwise: one kernel, a bias per output channel
        shapes = [("a kernel", depthwise)]
        bias: tuple[Any, ...] = (depthwise_out,)
    else:  # separable: a pointwise (1x1) kernel after the depthwise one, a bias per filter
        pointwise = (*(1,) * len(config["kernel_size"]), depthwise_out, config["filters"])
        shapes = [("a depthwise kernel", depthwise), ("a pointwise kernel", pointwise)]
        bias = (config["filters"],)
    return [*shapes, ("a bias", bias)] if config["use_bias"] else shapes


def _shape_words(shape: tuple[Any, ...]) -> str:
    """A shape that may hold words ("channels"), written as the caller's language writes a shape."""
    sizes = ", ".join(map(str, shape))
    return render.spell(f"({sizes},)" if len(shape) == 1 else f"({sizes})", f"c({sizes})")


def _channels_of(input_shape: tuple[Any, ...], data_format: str) -> Any:
    """The channel size of an input shape given without its batch axis."""
    return geometry.channels((None, *input_shape), data_format)


def checked_channels(
    rank: int, config: dict[str, Any], input_shape: tuple[Any, ...] | None, weights: list[np.ndarray] | None,
    kwargs: dict[str, Any],
) -> Any:
    """The channel count the shape arguments or ``weights`` imply, checked against the layer's arguments."""
    if input_shape is not None and _channels_of(input_shape, config["data_format"]) is None:
        given = "batch_input_shape" if kwargs.get("batch_input_shape") is not None else "input_shape"
        raise InvalidArgument(
            f"Invalid `{given}`: expected a known channel size (not {render.spell('None', 'NULL')}) for data_format="
            f"\"{config['data_format']}\"; received {render.describe(kwargs[given])}.",
            given,
        )

    channels = None
    if weights is not None:
        kernel_shape = weights[0].shape
        if input_shape is not None:
            channels = _channels_of(input_shape, config["data_format"])
        elif len(kernel_shape) == rank + 2:
            channels = kernel_shape[-2]
        received = [array.shape for array in weights]
        if channels is None or received != [shape for _, shape in _weight_shapes(config, channels)]:
            parts = [f"{name} of shape {_shape_words(shape)}" for name, shape in _weight_shapes(config, "channels")]
            expected = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
            if input_shape is not None:
                expected += f", with channels = {channels} as the input shape says"
            shapes = (
                render.describe(received) if len(received) > 2 else ", ".join(map(render.shape_text, received))
            )
            raise InvalidArgument(
                f"Invalid `weights`: expected {expected}; received arrays of shapes {shapes}.", "weights"
            )

    return channels


def as_shape(value: Any, arg: str) -> tuple[int | None, ...]:
    """A shape such as ``c(28, 28, 3)`` or ``list(NULL, 28, 28, 3)``; NULL/None marks an unknown size."""
    if isinstance(value, numbers.Real) and not isinstance(value, (bool, np.bool_)):
        value = [value]
    if isinstance(value, np.ndarray):
        value = list(value.reshape(-1)) if value.ndim <= 1 else None
    if not isinstance(value, (list, tuple)) or not value:
        raise invalid(arg, "a non-empty list of whole numbers", value, InvalidArgumentType)
    shape: list[int | None] = []
    for item in value:
        if item is None:
            shape.append(None)
            continue
        try:
            shape.append(arguments.as_positive_int(item, arg))
        except INVALID:
            expected = f"a list of whole numbers >= 1 (or {render.spell('None', 'NULL')} for unknown sizes)"
            raise invalid(arg, expected, value) from None
    return tuple(shape)


def as_weights(value: Any, arg: str = "weights") -> list[np.ndarray]:
    """A list of arrays, as ``get_weights()`` returns them."""
    if isinstance(value, np.ndarray) or not isinstance(value, (list, tuple)) or not value:
        raise invalid(arg, "a list of arrays, as get_weights() returns", value, InvalidArgumentType)
    arrays = []
    for item in value:
        try:
            array = np.asarray(item)
        except Exception:  # any value NumPy cannot take: ragged nesting, objects whose __array__ fails, ...
            raise invalid(arg, "a list of numeric arrays", value, InvalidArgumentType) from None
        if array.dtype.kind not in "iuf":
            raise invalid(arg, "a list of numeric arrays", value, InvalidArgumentType)
        arrays.append(array)
    return arrays
