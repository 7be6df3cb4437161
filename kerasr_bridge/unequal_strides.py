"""Unequal strides on TensorFlow: a registered subclass that computes what TensorFlow's kernel refuses.

TensorFlow's native depthwise kernel refuses unequal strides such as (2, 1)
("only supports equal length strides") in float64 always, and in float32
where oneDNN is off or does not take them. Where that is (which CPUs and
dtypes were measured, and what each route costs) is in
``benchmarks/RESULTS.md``, "Unequal strides". JAX and PyTorch compute them,
which the reference tests check on every backend.

Where it is used (:data:`FIXED`, :func:`applies`): 2D layers with unequal
strides, on TensorFlow only; everywhere else the plain Keras layer is built.
It is registered on import and uses nothing but ``keras.ops``, so a model
saved with it loads and computes correctly wherever ``kerasr_bridge`` is
imported (in R: wherever ``kerasrbridge`` is attached), on any backend.
"""

from __future__ import annotations

import functools
import math
from typing import Any, NamedTuple

import keras

from kerasr_bridge import geometry
from kerasr_bridge.channels_first_bias import BroadcastBias, rendering_for
from kerasr_bridge.errors import InvalidArgument
from kerasr_bridge.render import shape_text

# The backends whose Keras layers need this subclass.
BACKENDS = frozenset({"tensorflow"})


def applies(config: dict[str, Any]) -> bool:
    """Whether a layer of this checked ``config`` needs the fix (on :data:`BACKENDS`)."""
    return len(set(config["strides"])) > 1


# UnequalStridesDepthwiseConv2D splits its OUTPUT by phase. With strides
# (s1, s2) and period p = lcm(s1, s2), the output rows u, u + p // s1, ... and
# columns v, v + p // s2, ... (phase (u, v)) are the windows of one convolution
# at the equal stride (p, p) over the whole input, shifted by (s1 * u, s2 * v).
# TensorFlow's own padding ("same" or "valid") and a few zero taps added to the
# kernel place each phase's windows, so the input is not copied; one stack per
# axis interleaves the phases. Every output is computed once, with the
# kernel's taps plus those zeros: for strides (2, 1), k = 3, padding "same",
# 7/6 of the native arithmetic (one phase needs a zero column).


class _PhaseConv(NamedTuple):
    """One equal-stride convolution of the output-phase route."""

    padding: str  # TensorFlow's own padding for it: "same" or "valid"
    zero_taps: tuple[tuple[int, int], ...]  # zeros added before and after the kernel, per spatial axis


class _PhasePlan(NamedTuple):
    """How UnequalStridesDepthwiseConv2D computes one input size (see the comment above)."""

    period: int  # lcm of the strides: the stride of every phase convolution
    phases: tuple[int, ...]  # output phases per spatial axis: period // stride
    sizes: tuple[int, ...]  # the layer's output sizes; the interleaved phases are cropped to them
    input_pads: tuple[tuple[int, int], ...] | None  # explicit padding, only where no convolution lines up without
    convs: tuple[_PhaseConv, ...]  # one per phase (u, v), u-major


@functools.lru_cache(maxsize=1024)
def _zero_taps(size: int, kernel: int, period: int, shift: int, count: int, padding: str) -> tuple[int, int] | None:
    """The fewest zero taps (before, after) that make a stride-``period`` convolution with ``padding`` give
    ``count`` outputs over ``size`` positions, output i covering positions ``period * i + shift + a`` for
    ``a < kernel`` (positions outside the input being zeros); None if none does."""
    best: tuple[int, int] | None = None
    limit = 2 * period + kernel
    for before in range(limit + 1):
        for after in range(limit + 1):
            extent = before + kernel + after
            got = geometry.output_size(size, extent, period, padding)
            # "same" pads the smaller half before (geometry.same_padding), shifting every window back.
            offset = before if padding == "valid" else before - geometry.same_padding(size, extent, period)[0]
            if got == count and offset == shift and (best is None or before + after < sum(best)):
                best = (before, after)
    return best


def _phase_convs(
    sizes: tuple[int, ...],
    kernel_size: tuple[int, ...],
    strides: tuple[int, ...],
    period: int,
    geometry_: list[tuple[int, int, int]],
    paddings: tuple[str, ...],
) -> tuple[_PhaseConv, ...] | None:
    """One convolution per output phase, each with the fewest taps; None if some phase has none."""
    phases = [period // stride for stride in strides]
    convs = []
    for u in range(phases[0]):
        for v in range(phases[1]):
            best: tuple[int, _PhaseConv] | None = None
            for padding in paddings:
                taps = tuple(
                    _zero_taps(size, kernel, period, stride * phase - before, per_phase, padding)
                    for size, kernel, stride, phase, (_, per_phase, before) in zip(
                        sizes, kernel_size, strides, (u, v), geometry_
                    )
                )
                if any(tap is None for tap in taps):
                    continue
                cost = math.prod(kernel + sum(tap) for kernel, tap in zip(kernel_size, taps))  # type: ignore[arg-type]
                if best is None or cost < best[0]:
                    best = (cost, _PhaseConv(padding, taps))  # type: ignore[arg-type]
            if best is None:
                return None
            convs.append(best[1])
    return tuple(convs)


@functools.lru_cache(maxsize=256)
def _phase_plan(
    sizes: tuple[int, ...], kernel_size: tuple[int, ...], strides: tuple[int, ...], padding: str
) -> _PhasePlan | None:
    """The output-phase route for one input size (dilation 1); None where the layer has no output."""
    period = math.lcm(*strides)
    phases = tuple(period // stride for stride in strides)
    geometry_ = []  # per axis: output size, outputs per phase, padding before (as the layer pads)
    for size, kernel, stride, count in zip(sizes, kernel_size, strides, phases):
        out = geometry.output_size(size, kernel, stride, padding)
        before = geometry.same_padding(size, kernel, stride)[0] if padding == "same" else 0
        if out <= 0:
            return None
        geometry_.append((out, -(-out // count), before))
    outputs = tuple(out for out, _, _ in geometry_)
    convs = _phase_convs(sizes, kernel_size, strides, period, geometry_, ("same", "valid"))
    if convs is not None:
        return _worth_it(_PhasePlan(period, phases, outputs, None, convs), kernel_size, strides)
    # No plan without a copy: pad the input explicitly (as the layer pads it, plus at the end what the
    # last phase's last window needs) and run every phase "valid" over it.
    pads, padded = [], []
    for size, kernel, stride, count, (_, per_phase, before) in zip(sizes, kernel_size, strides, phases, geometry_):
        needed = stride * (count - 1) + (per_phase - 1) * period + kernel
        pads.append((before, max(needed - before - size, 0)))
        padded.append(size + sum(pads[-1]))
    convs = _phase_convs(tuple(padded), kernel_size, strides, period, [(o, n, 0) for o, n, _ in geometry_], ("valid",))
    if convs is None:
        return None
    return _worth_it(_PhasePlan(period, phases, outputs, tuple(pads), convs), kernel_size, strides)


def _worth_it(plan: _PhasePlan, kernel_size: tuple[int, ...], strides: tuple[int, ...]) -> _PhasePlan | None:
    """``plan`` unless its taps per output (zeros included) reach the gcd route's: that route computes
    (s1 * s2 / gcd^2) windows of the kernel's taps for every output it keeps."""
    taps = sum(math.prod(k + sum(zeros) for k, zeros in zip(kernel_size, conv.zero_taps)) for conv in plan.convs)
    gcd_route = math.prod(kernel_size) * math.prod(strides) // math.gcd(*strides) ** 2
    return plan if taps < gcd_route * len(plan.convs) else None


def _interleave(parts: list[Any], axis: int) -> Any:
    """Parts 0..n-1 interleaved along ``axis``: result[i * n + j] = parts[j][i] (one stack, then a free reshape)."""
    if len(parts) == 1:
        return parts[0]
    stacked = keras.ops.stack(parts, axis=axis + 1)
    dims = list(stacked.shape)
    shape = [-1, *dims[1:axis], dims[axis] * dims[axis + 1], *dims[axis + 2 :]]
    return keras.ops.reshape(stacked, shape)


@keras.saving.register_keras_serializable(package="kerasr_bridge")
class UnequalStridesDepthwiseConv2D(BroadcastBias, keras.layers.DepthwiseConv2D):
    """``DepthwiseConv2D`` that also runs with unequal strides such as ``(2, 1)``.

    TensorFlow's depthwise kernels only accept equal row and column strides
    and fail at call time otherwise. This layer splits its output by phase:
    each phase is one convolution at the equal stride lcm(strides), placed by
    TensorFlow's own padding and a few zero taps in the kernel, and the phases
    are interleaved (see the comment above ``_PhaseConv``). With
    ``dilation_rate > 1``, with unknown spatial sizes, or where that costs
    more taps, it convolves at the common stride (the gcd) over explicitly
    padded input and keeps every k-th row/column instead. Only layers with
    unequal strides, on the TensorFlow backend, are built from this class; it
    computes correctly on every backend. A zero tap multiplies an input one
    position beyond the window by 0, which is NaN for an infinite or NaN
    input: inputs holding one take the gcd route, so every output sees
    exactly its window, as in a native convolution.

    ``import kerasr_bridge`` registers it (``library(kerasrbridge)`` in R): a saved
    model holding it loads wherever the package is imported.
    """

    # The spatial sizes are checked when the layer meets an input (every call,
    # symbolic or not, goes through __call__), not in build(): building needs
    # only the channels, and `weights=` builds the layer before any input.
    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        inputs = args[0] if args else kwargs.get("inputs")
        if getattr(inputs, "shape", None) is not None:
            with rendering_for(self):  # a layer made from R says R (a direct `lay(x)` too)
                self._check_spatial_known(inputs.shape)
        return super().__call__(*args, **kwargs)

    def _check_spatial_known(self, input_shape: Any) -> None:
        spatial = geometry.spatial_sizes(input_shape, self.data_format)
        if self.padding == "same" and any(size is None for size in spatial):
            raise InvalidArgument(
                "Invalid `object` for unequal `strides` "
                f"{shape_text(self.strides)} with padding \"same\": the spatial sizes must be known; "
                f"received input shape {shape_text(input_shape)}.",
                "object",
            )

    def call(self, inputs: Any) -> Any:
        # The output-phase route where a plan exists; why it and not the others tried: benchmarks/RESULTS.md,
        # "Unequal strides".
        spatial = geometry.spatial_sizes(inputs.shape, self.data_format)
        plan = None
        if max(self.dilation_rate) == 1 and all(isinstance(size, int) for size in spatial):
            plan = _phase_plan(tuple(spatial), tuple(self.kernel_size), tuple(self.strides), self.padding)
        if plan is None:
            outputs = self._gcd_route(inputs, spatial)
        elif not any(before or after for conv in plan.convs for before, after in conv.zero_taps):
            outputs = self._phase_route(inputs, plan)
        else:
            # A zero tap multiplies an input one position beyond its window by 0, and 0 * inf or 0 * NaN
            # (R's NA) is NaN: an output that must not see that input would. So inputs with a non-finite
            # value take the gcd route, which reads every window exactly. One reduction tells: the sum is
            # finite unless an input is inf or NaN (or the sum overflows, which only costs the exact route).
            outputs = keras.ops.cond(
                keras.ops.isfinite(keras.ops.sum(inputs)),
                lambda: self._phase_route(inputs, plan),
                lambda: self._gcd_route(inputs, spatial),
            )
        return self._bias_and_activation(outputs)

    def _phase_route(self, inputs: Any, plan: _PhasePlan) -> Any:
        """The output-phase route (see the comment above ``_PhaseConv``)."""
        # On the CPU, Keras's TensorFlow backend transposes channels_first to channels_last around every
        # depthwise_conv; transposing once here spares one pair of transposes per phase.
        transpose = self.data_format == "channels_first" and keras.backend.backend() == "tensorflow"
        data_format = "channels_last" if transpose else self.data_format
        x = keras.ops.transpose(inputs, (0, 2, 3, 1)) if transpose else inputs
        row_axis = geometry.spatial_axes(2, data_format)[0]
        if plan.input_pads is not None:
            pads = [(0, 0)] * 4
            pads[row_axis : row_axis + 2] = plan.input_pads
            x = keras.ops.pad(x, pads)
        parts = []
        for conv in plan.convs:
            kernel = self.kernel
            if any(before or after for before, after in conv.zero_taps):
                kernel = keras.ops.pad(kernel, [*conv.zero_taps, (0, 0), (0, 0)])
            parts.append(
                keras.ops.depthwise_conv(x, kernel, strides=plan.period, padding=conv.padding, data_format=data_format)
            )
        row_phases, col_phases = plan.phases
        rows = [_interleave(parts[u * col_phases : (u + 1) * col_phases], row_axis + 1) for u in range(row_phases)]
        outputs = _interleave(rows, row_axis)
        got = tuple(outputs.shape[row_axis : row_axis + 2])
        if got != plan.sizes:  # the last phases' extra windows, where a phase count does not divide the size
            rows_out, cols_out = plan.sizes
            if data_format == "channels_last":
                outputs = outputs[:, :rows_out, :cols_out, :]
            else:
                outputs = outputs[:, :, :rows_out, :cols_out]
        return keras.ops.transpose(outputs, (0, 3, 1, 2)) if transpose else outputs

    def _gcd_route(self, inputs: Any, spatial: tuple[Any, ...]) -> Any:
        """Convolve at the gcd of the strides over the explicitly padded input and keep every k-th row/column.

        Kept for dilation > 1 (Keras's TensorFlow backend runs a strided dilated convolution as a stride-1
        one plus subsampling, so per-phase convolutions would each cost a whole stride-1 pass) and for
        unknown spatial sizes (padding "valid" only; "same" refuses them in __call__).
        """
        common = math.gcd(*self.strides)
        pads = [(0, 0)] * 4
        if self.padding == "same":
            axes = geometry.spatial_axes(2, self.data_format)
            extents = geometry.kernel_extents(self.kernel_size, self.dilation_rate)
            for axis, size, stride, extent in zip(axes, spatial, self.strides, extents):
                pads[axis] = geometry.same_padding(size, extent, stride)
        outputs = keras.ops.depthwise_conv(
            keras.ops.pad(inputs, pads),
            self.kernel,
            strides=common,
            padding="valid",
            dilation_rate=self.dilation_rate,
            data_format=self.data_format,
        )
        step_rows, step_cols = (stride // common for stride in self.strides)
        if self.data_format == "channels_last":
            return outputs[:, ::step_rows, ::step_cols, :]
        return outputs[:, :, ::step_rows, ::step_cols]


# The fixed class for each Keras class this module fixes.
FIXED: dict[str, type[keras.layers.Layer]] = {"DepthwiseConv2D": UnequalStridesDepthwiseConv2D}
