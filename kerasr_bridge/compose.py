"""The single place that decides what happens to ``object`` (keras3's ``compose_layer``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import keras

from kerasr_bridge import keras_internals, layer_records, user_code
from kerasr_bridge.errors import INVALID, InvalidArgument, InvalidArgumentType, named
from kerasr_bridge.input_fit import blamed_argument, declared_shape_conflict, fit_problem, received_shape
from kerasr_bridge.inputs import as_layer_input, object_expected
from kerasr_bridge.render import MAX_MESSAGE_CHARS, backend_reason, bounded, describe, name_text, shape_text


def _add_to_sequential(model: keras.Sequential, layer: keras.layers.Layer) -> keras.Sequential:
    """Add ``layer`` (after the Input its legacy shape arguments describe); all or nothing."""
    # Everything that can be known is checked before the model is touched.
    declared = layer_records.record_of(layer).declared_input
    received = received_shape(model)
    # `model.layers` leaves out the InputLayer, which counts here: a model with only an Input has a layer.
    layers_before = len(keras_internals.sequential_layers(model))
    where = f"the input the layer receives in Sequential model {name_text(model.name)}"
    if declared is not None and layers_before:
        if received is None:
            arg = declared.shape_argument
            shown = declared.batch_shape if arg == "batch_input_shape" else declared.batch_shape[1:]
            raise InvalidArgument(
                f"Invalid `{arg}`: expected it only for the first layer of a Sequential model (model "
                f"{name_text(model.name)} already has layers and no known input, so it would be ignored); "
                f"received {shape_text(shown)}.",
                arg,
            )
        # The shape this layer receives, not the model's first input: they differ
        # once the model has layers, and a layer's input_shape describes its own input.
        conflict = declared_shape_conflict(declared, received, where)
        if conflict:
            arg, message = conflict
            raise InvalidArgument(message[:-1] + " (the model is left unchanged).", arg)
    fit = fit_problem(layer, received if received is not None else declared.batch_shape if declared else ())
    if fit:
        raise InvalidArgument(
            f"Invalid `object`: the layer {name_text(layer.name)} cannot be added to the Sequential model "
            f"{name_text(model.name)} (left unchanged): {fit[1]}.",
            "object",
        )
    try:
        if declared is not None and not layers_before:
            model.add(keras.Input(batch_shape=declared.batch_shape, dtype=layer.dtype_policy.variable_dtype))
        with user_code.initializers_checked(layer):
            model.add(layer)
    except Exception as error:
        keras_internals.remove_added_layers(model, layers_before)
        if isinstance(error, INVALID):  # our own refusal (a user's initializer's result): it names its argument
            raise
        users = user_code.user_code_error(
            error, layer, f"when added to the Sequential model {name_text(model.name)} (left unchanged)"
        )
        if users is not None:  # the user's own function raised: their error, under its argument
            raise users from users.original
        message = (
            f"Invalid `object`: the layer {name_text(layer.name)} cannot be added to the "
            f"Sequential model {name_text(model.name)} (left unchanged): {backend_reason(error)}."
        )
        # Not chained: the backend's error (ANSI escapes, class names) is summarised above.
        raise InvalidArgument(bounded(message, MAX_MESSAGE_CHARS), "object") from None
    return model


def compose_layer(object: Any, layer: keras.layers.Layer) -> Any:
    """None gives the layer, a Sequential gets it added, anything else is passed through it."""
    if object is None:
        return layer
    if isinstance(object, keras.Sequential):
        return _add_to_sequential(object, layer)
    if isinstance(object, keras.layers.Layer):
        raise InvalidArgumentType(
            f"Invalid `object`: expected {object_expected()}; received a "
            f"{type(object).__name__} (only Sequential models can be extended).",
            "object",
        )
    return _pass_through(layer, as_layer_input(object, layer))


def _pass_through(layer: keras.layers.Layer, inputs: Any) -> Any:
    """``layer(inputs)``, with what the backend would get wrong or say badly checked first, and errors ours."""
    shape = tuple(inputs.shape)
    conflict = declared_shape_conflict(layer_records.record_of(layer).declared_input, shape, "`object`")
    if conflict:
        raise InvalidArgument(conflict[1], conflict[0])
    fit = fit_problem(layer, shape)
    if fit:
        blamed, reason = fit
        message = f"Invalid {named(*blamed)}: the layer {name_text(layer.name)} cannot run on `object`: {reason}."
        raise InvalidArgument(message, " and ".join(blamed))
    try:
        if shape[0] == 0 and not isinstance(inputs, keras.KerasTensor):
            # A batch of 0: TensorFlow's oneDNN kernels return the input's spatial
            # shape (and then fail to add a depth_multiplier > 1 bias). The layer
            # runs on one zero sample instead, which also builds it; its first 0 rows
            # have the right shape and dtype on every path.
            with user_code.initializers_checked(layer):
                return layer(keras.ops.zeros((1, *shape[1:]), dtype=inputs.dtype))[:0]
        with user_code.initializers_checked(layer):
            return layer(inputs)
    except Exception as error:
        if isinstance(error, INVALID):  # our own refusal, raised in the layer's __call__: it names its argument
            raise
        users = user_code.user_code_error(error, layer, f"on `object` of shape {shape_text(shape)}")
        if users is not None:  # the user's own function raised: their error, under its argument
            raise users from users.original
        blamed = blamed_argument(layer, shape)
        message = (
            f"Invalid `{blamed}`: the layer {name_text(layer.name)} failed on `object` of shape "
            f"{shape_text(shape)}: {backend_reason(error)}."
        )
        raise InvalidArgument(bounded(message, MAX_MESSAGE_CHARS), blamed) from None


def pipe(object: Any, *steps: Callable[[Any], Any]) -> Any:
    """Apply ``steps`` left to right, as R's ``|>`` does.

    A layer step is composed with :func:`compose_layer` (added to a Sequential,
    called on a tensor); any other callable step is called with the running value.

    >>> import keras
    >>> from kerasr_bridge import layer_depthwise_conv_2d, pipe
    >>> model = pipe(
    ...     keras.Sequential([keras.Input((28, 28, 3))]),
    ...     layer_depthwise_conv_2d(kernel_size=3),
    ...     layer_depthwise_conv_2d(kernel_size=3, strides=2),
    ... )
    >>> model.output_shape
    (None, 12, 12, 3)
    """
    for position, step in enumerate(steps, start=1):
        if isinstance(step, keras.layers.Layer):
            object = compose_layer(object, step)
        elif callable(step):
            object = step(object)
        else:
            raise InvalidArgumentType(
                f"Invalid step {position} of pipe(): expected a layer or a function; received {describe(step)}.",
                "steps",
            )
    return object
