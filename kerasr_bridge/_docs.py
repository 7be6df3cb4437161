"""Argument documentation shared by both layer functions (mirrors the R help pages)."""

from __future__ import annotations

ARGUMENTS = """\
    Args:
        object: What to compose the layer with. ``None`` returns the layer
            itself; a ``keras.Sequential`` model gets the layer added and is
            returned; a tensor, array or ``keras.Input`` is passed through the
            layer and the output returned.
        kernel_size: int or list of {rank} {integers}, the size of the depthwise
            convolution window. Required.
        strides: int or list of {rank} {integers}, the stride length of the
            convolution. {strides_note}
        padding: ``"valid"`` or ``"same"`` (case-insensitive). ``"valid"`` means
            no padding; ``"same"`` pads evenly so that, with ``strides=1``, the
            output has the size of the input.
        depth_multiplier: the number of output channels for each input channel;
            the layer outputs ``input_channel * depth_multiplier`` channels.
        data_format: ``"channels_last"`` (inputs ``{last}``) or
            ``"channels_first"`` (inputs ``{first}``). ``None`` takes
            ``keras.config.image_data_format()``, ``"channels_last"`` unless
            configured otherwise.
        dilation_rate: int or list of {rank} {integers}, the dilation rate for
            dilated convolution.
        activation: activation function (name, Keras object or callable).
            ``None`` applies none.
        use_bias: bool, whether a bias is added to the output.
        depthwise_initializer: initializer for the kernel (``None`` means
            ``"glorot_uniform"``).
        bias_initializer: initializer for the bias (``None`` means ``"zeros"``).
        depthwise_regularizer: optional regularizer for the kernel.
        bias_regularizer: optional regularizer for the bias.
        activity_regularizer: optional regularizer for the output.
        depthwise_constraint: optional projection applied to the kernel after
            each optimizer update; a Keras constraint or any callable taking
            and returning a tensor of the same shape.
        bias_constraint: optional projection applied to the bias after each
            optimizer update.
        **kwargs: the older R keras arguments: ``input_shape`` (no batch axis),
            ``batch_input_shape`` (with it), ``batch_size`` (with
            ``input_shape``), ``dtype``, ``name``, ``trainable`` and
            ``weights`` (initial weights, as ``get_weights()`` returns them).
            An empty Sequential given a layer with an input shape starts with
            the matching ``keras.Input``.

    Input shape:
        ``{last}`` with ``channels_last``, ``{first}`` with ``channels_first``.

    Output shape:
        ``{out_last}`` with ``channels_last``, ``{out_first}`` with
        ``channels_first``: ``activation(depthwise_conv(inputs, kernel) + bias)``.

    Returns:
        The layer, the extended Sequential model, or the output tensor,
        depending on ``object``.

    Raises:
        TypeError: ``kernel_size`` missing, an argument of the wrong type, an
            unknown keyword argument, or an ``object`` that is not a model,
            tensor or array.
        ValueError: a value out of range or not whole (``2.5``), a list of the
            wrong length, ``padding="causal"``, an unknown name, or input of
            the wrong rank.
"""


def document(rank: int, example: str) -> str:
    spatial = "steps" if rank == 1 else "height, width"
    new_spatial = "new_steps" if rank == 1 else "new_height, new_width"
    text = ARGUMENTS.format(
        rank=rank,
        integers="integer" if rank == 1 else "integers",
        # A 1D layer has one axis, so its strides cannot differ between axes.
        strides_note=(
            "May be combined with ``dilation_rate > 1``."
            if rank == 1
            else "Strides may differ between the axes and may be\n            combined with ``dilation_rate > 1``."
        ),
        last=f"(batch, {spatial}, channels)",
        first=f"(batch, channels, {spatial})",
        out_last=f"(batch, {new_spatial}, channels * depth_multiplier)",
        out_first=f"(batch, channels * depth_multiplier, {new_spatial})",
    )
    return text + "\n    Example:\n" + example
