"""Unequal strides: registered subclasses that compute what TensorFlow refuses and PyTorch gets wrong.

TensorFlow's native depthwise kernel refuses unequal strides such as (2, 1)
("only supports equal length strides") in float64 and float16 on the CPU,
and in float32 where oneDNN is off; where oneDNN takes them (float32 and
bfloat16 on the CPU by default) it computes them, faster than any route of
ours. So the layer decides per device, dtype and layout, by measuring once
(:func:`native_route_computes`): TensorFlow's own kernel where it computes
them right, its own routes elsewhere. What was measured, on which CPU, and
what each route costs is in ``benchmarks/RESULTS.md``, "Unequal strides".
JAX computes unequal strides natively, which the reference tests check on
every backend; there the layer always takes the native route.

PyTorch computes some of them wrongly: Keras's PyTorch backend turns a
channels_last input into channels_first with ``permute(0, 3, 1, 2).contiguous()``,
and for one channel the permuted tensor already counts as contiguous (a
size-1 axis's stride is ignored), so it keeps strides such as
``(28, 1, 4, 1)``; PyTorch's CPU conv2d (2.13) then reads memory it should
not with a batch of 2 or more and an output width of 1 (silent wrong values
that change between runs). On PyTorch the native route therefore hands the
convolution a fresh channels_first copy in the standard layout
(:func:`_native_depthwise`).

The separable layers' depthwise step takes the same routes, followed by
their pointwise (1x1, stride 1) convolution.

Where they are used (:data:`FIXED`, :func:`applies`): 2D layers with unequal
strides, on TensorFlow and PyTorch only; everywhere else the plain Keras
layer is built. They are registered on import and use nothing but
``keras.ops`` (and, on PyTorch, one copy), so a model saved with one loads
and computes correctly wherever ``kerasr_bridge`` is imported (in R:
wherever ``kerasrbridge`` is attached), on any backend.
"""

from __future__ import annotations

import contextlib
import functools
import math
import threading
from collections.abc import Iterator
from typing import Any, NamedTuple

import keras
import numpy as np

from kerasr_bridge import geometry
from kerasr_bridge.channels_first_bias import BroadcastBias, SeparableConvolution, rendering_for
from kerasr_bridge.errors import InvalidArgument
from kerasr_bridge.render import shape_text

# The backends whose Keras layers need these subclasses.
BACKENDS = frozenset({"tensorflow", "torch"})


def applies(config: dict[str, Any]) -> bool:
    """Whether a layer of this checked ``config`` needs the fix (on :data:`BACKENDS`)."""
    return len(set(config["strides"])) > 1


# Which route a call takes is decided in Python, when call() runs: eagerly, or once per trace inside
# tf.function, fit() and a loaded model's functions, so a traced graph holds only the route taken.
#
# - "native": TensorFlow's own kernel at the layer's strides (Keras's DepthwiseConv2D.call), wherever
#   native_route_computes() says it computes them: it reads every window exactly, inf and NaN included.
# - "phase": one equal-stride convolution per output phase (the comment above _PhaseConv), where
#   TensorFlow refuses and _phase_plan() gives a plan; a plan with zero taps runs it only on finite input.
# - "gcd": convolve at the gcd of the strides and subsample (_gcd_route), everywhere else.
# What each costs, per dtype and with oneDNN on and off: benchmarks/RESULTS.md, "Unequal strides".
ROUTES = ("native", "phase", "gcd")


class RouteKey(NamedTuple):
    """What TensorFlow's choice of depthwise kernel depends on, as far as unequal strides go."""

    device: str  # the device new ops are placed on (eager) or the device scope asked for ("" for none: the default)
    dtype: str
    data_format: str  # Keras transposes channels_first to channels_last on the CPU only
    dilated: bool  # Keras runs a strided dilated convolution as a stride-1 one plus a subsample


# Whether TensorFlow's native kernel computes unequal strides correctly, per RouteKey: filled by
# native_route_computes() the first time a key is met, in this process (oneDNN is on or off for the whole
# process: TF_ENABLE_ONEDNN_OPTS is read when TensorFlow starts). Tests and benchmarks override the decision
# with forced_route().
NATIVE_COMPUTES: dict[RouteKey, bool] = {}
_FORCED: list[str] = []  # the route forced_route() imposes, innermost last


@contextlib.contextmanager
def forced_route(route: str) -> Iterator[None]:
    """Within this block (for tests and benchmarks), every call that can take ``route`` takes it.

    "native" where the backend refuses fails as plain Keras does; "phase" takes the gcd route where no
    plan exists (dilation > 1, unknown sizes, too many phases).
    """
    if route not in ROUTES:
        raise ValueError(f"route must be one of {ROUTES}; received {route!r}.")
    _FORCED.append(route)
    try:
        yield
    finally:
        _FORCED.pop()


def _route_key(inputs: Any, data_format: str, dilated: bool) -> RouteKey:
    dtype = keras.backend.standardize_dtype(inputs.dtype)
    if keras.backend.backend() != "tensorflow":
        return RouteKey(keras.backend.backend(), dtype, data_format, dilated)
    import tensorflow as tf

    # A scalar made here is placed as the convolution would be: eagerly, its device is the one ops run on
    # (a GPU where there is one, unless a tf.device scope says otherwise); in a graph, it names the device
    # scope in force ("" for none). The graph's copy is unused, so TensorFlow prunes it.
    marker = tf.zeros((), dtype=inputs.dtype)
    return RouteKey(marker.device, dtype, data_format, dilated)


def native_route_computes(key: RouteKey) -> bool:
    """Whether the backend's own kernel computes unequal strides right for ``key``, cached in NATIVE_COMPUTES.

    JAX and PyTorch do (the reference tests check it). On TensorFlow it is measured once per key, eagerly
    and on the key's device: forward and gradients of a few small convolutions with unequal strides against
    the exact gcd route, on small whole numbers so that both must agree exactly in every dtype. A refusal,
    an error or any difference means no. It runs in a thread of its own, which starts eager, outside any
    graph being traced (tf.function, fit(), a loaded model) and any Keras scope; tf.init_scope would lift
    it out of a graph too, but stops every gradient tape, the probe's own included.
    """
    if key not in NATIVE_COMPUTES:
        NATIVE_COMPUTES[key] = keras.backend.backend() != "tensorflow" or _probe_tensorflow(key)
    return NATIVE_COMPUTES[key]


# The probe's convolution per RouteKey.dilated: (strides, padding, depth_multiplier, dilation_rate). Strides
# with gcd 1 keep the reference at stride 1, which TensorFlow always computes; the kernel is 3x2 and the input
# 7x8, so that swapped axes show.
_PROBES = {False: ((3, 2), "same", 2, (1, 1)), True: ((1, 3), "valid", 2, (2, 1))}


def _probe_tensorflow(key: RouteKey) -> bool:
    answer: list[bool] = []
    thread = threading.Thread(target=lambda: answer.append(_probe_in_this_thread(key)), name="kerasr_bridge probe")
    thread.start()
    thread.join()
    return answer == [True]  # an unexpected error in the probe (printed by the thread) means no


def _probe_in_this_thread(key: RouteKey) -> bool:
    import tensorflow as tf

    strides, padding, multiplier, dilation = _PROBES[key.dilated]
    rng = np.random.default_rng(0)
    # Values in {-1, 0, 1}: every sum below stays a whole number under 256, exact even in bfloat16.
    shape = (1, 7, 8, 3) if key.data_format == "channels_last" else (1, 3, 7, 8)
    with tf.device(key.device) if key.device else contextlib.nullcontext():
        try:
            x = tf.constant(rng.integers(-1, 2, shape), dtype=key.dtype)
            kernel = tf.constant(rng.integers(-1, 2, (3, 2, 3, multiplier)), dtype=key.dtype)
            results = []
            for route in ("native", "gcd"):
                with tf.GradientTape() as tape:
                    tape.watch([x, kernel])
                    if route == "native":
                        out = keras.ops.depthwise_conv(x, kernel, strides, padding, key.data_format, dilation)
                    else:
                        out = _gcd_route(x, kernel, strides, padding, dilation, key.data_format)
                    weights = np.random.default_rng(1).integers(-1, 2, tuple(out.shape))  # the same for both
                    loss = tf.reduce_sum(out * tf.constant(weights, dtype=key.dtype))
                results.append([out, *tape.gradient(loss, [x, kernel])])
            return all(
                native.shape == exact.shape
                and np.array_equal(np.asarray(tf.cast(native, tf.float32)), np.asarray(tf.cast(exact, tf.float32)))
                for native, exact in zip(*results)
            )
        except (tf.errors.OpError, ValueError):  # refused ("only supports equal length strides"), no kernel...
            return False


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


@functools.lru_cache(maxsize=4096)
def _zero_taps(size: int, kernel: int, period: int, shift: int, count: int, padding: str) -> tuple[int, int] | None:
    """The fewest zero taps (before, after) that make a stride-``period`` convolution with ``padding`` give
    ``count`` outputs over ``size`` positions, output i covering positions ``period * i + shift + a`` for
    ``a < kernel`` (positions outside the input being zeros); None if none does, or if one side would need
    more than ``2 * period + kernel`` (fewest: smallest sum, then fewest before). In closed form: with
    ``extent = before + kernel + after``, output i's window starts at ``period * i + before - pad_before``."""
    limit = 2 * period + kernel
    if padding == "valid":
        # No padding, so before = shift; count whole windows: period * (count - 1) <= size - extent < period * count.
        before = shift
        after = max(size - period * count + 1 - before - kernel, 0)
        if before < 0 or before + kernel + after > size - period * (count - 1):
            return None
    else:
        if -(-size // period) != count:  # "same" gives ceil(size / period) outputs, whatever the extent
            return None
        # "same" pads max(slack + zeros, 0) in total for zeros = before + after, the smaller half before
        # (geometry.same_padding). Either it pads nothing and before = shift, or it pads and
        # before = shift + (slack + zeros) // 2, which holds with 0 <= before <= zeros from the smallest
        # zeros bounded below by all four of: 0, 1 - slack, slack + 2 * shift - 1, -2 * shift - slack.
        slack = period * (count - 1) + kernel - size
        if 0 <= shift <= -slack:
            zeros = shift
        else:
            zeros = max(0, 1 - slack, slack + 2 * shift - 1, -2 * shift - slack)
        before = shift + max(slack + zeros, 0) // 2
        after = zeros - before
    if before > limit or after > limit:  # both only grow with zeros: no larger sum fits either
        return None
    return before, after


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
    """The output-phase route for one input size (dilation 1); None where the layer has no output or where
    the phase route does not pay (:func:`_too_many_phases`, :func:`_worth_it`)."""
    if _too_many_phases(strides):
        return None
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


# The most phase convolutions the phase route runs: (s1 / g) * (s2 / g) for g = gcd(strides), which is also
# how many windows the gcd route computes per output it keeps. Every phase convolution is one more op to
# launch (and, on oneDNN, one more pass over the input) and one more part to interleave, so where the periods
# grow (coprime strides such as (31, 32): 992 phases) the gcd route costs less, and planning costs nothing.
# Measured where the two cross in benchmarks/RESULTS.md, "Unequal strides".
MOST_PHASE_CONVS = 8


def _too_many_phases(strides: tuple[int, ...]) -> bool:
    """Whether the phase route would need more than MOST_PHASE_CONVS convolutions (decided before any plan)."""
    return math.prod(strides) // math.gcd(*strides) ** 2 > MOST_PHASE_CONVS


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


def _gcd_route(
    inputs: Any,
    kernel: Any,
    strides: tuple[int, ...],
    padding: str,
    dilation_rate: tuple[int, ...],
    data_format: str,
) -> Any:
    """Convolve at the gcd of the strides over the explicitly padded input and keep every k-th row/column.

    Exact (it reads every window as it is) and always computed (TensorFlow takes equal strides); the
    reference of the probe. Taken for dilation > 1 where the native route is not (Keras's TensorFlow backend
    runs a strided dilated convolution as a stride-1 one plus a subsample, so per-phase convolutions would
    each cost a whole stride-1 pass), for unknown spatial sizes (padding "valid" only; "same" refuses them in
    __call__), where the phase route has too many phases, and for non-finite inputs where a plan has zero taps.
    """
    common = math.gcd(*strides)
    pads = [(0, 0)] * 4
    if padding == "same":
        axes = geometry.spatial_axes(2, data_format)
        spatial = geometry.spatial_sizes(inputs.shape, data_format)
        extents = geometry.kernel_extents(tuple(kernel.shape[:2]), dilation_rate)
        for axis, size, stride, extent in zip(axes, spatial, strides, extents):
            pads[axis] = geometry.same_padding(size, extent, stride)
    outputs = keras.ops.depthwise_conv(
        keras.ops.pad(inputs, pads),
        kernel,
        strides=common,
        padding="valid",
        dilation_rate=dilation_rate,
        data_format=data_format,
    )
    step_rows, step_cols = (stride // common for stride in strides)
    if data_format == "channels_last":
        return outputs[:, ::step_rows, ::step_cols, :]
    return outputs[:, :, ::step_rows, ::step_cols]


def _native_depthwise(
    inputs: Any,
    kernel: Any,
    strides: tuple[int, ...],
    padding: str,
    dilation_rate: tuple[int, ...],
    data_format: str,
) -> Any:
    """The backend's own depthwise convolution at the layer's strides (the "native" route).

    On PyTorch, from a fresh channels_first copy in the standard layout (see the module docstring).
    """
    if keras.backend.backend() != "torch":
        return keras.ops.depthwise_conv(inputs, kernel, strides, padding, data_format, dilation_rate)
    import torch

    channels_last = data_format == "channels_last"
    permuted = keras.ops.transpose(inputs, (0, 3, 1, 2)) if channels_last else inputs
    fresh = torch.empty(tuple(permuted.shape), dtype=permuted.dtype, device=permuted.device).copy_(permuted)
    outputs = keras.ops.depthwise_conv(fresh, kernel, strides, padding, "channels_first", dilation_rate)
    return keras.ops.transpose(outputs, (0, 2, 3, 1)) if channels_last else outputs


class UnequalStrides:
    """The routes of a 2D layer with unequal strides, for its depthwise step (see the module docstring).

    Where the backend's own kernel computes unequal strides (on TensorFlow:
    measured once per device, dtype and layout, :func:`native_route_computes`),
    the layer computes as plain Keras does (on PyTorch from a fresh input
    layout). Where TensorFlow refuses them ("only supports equal length
    strides", at call time), it splits its output by phase: each phase is one
    convolution at the equal stride lcm(strides), placed by TensorFlow's own
    padding and a few zero taps in the kernel, and the phases are interleaved
    (see the comment above ``_PhaseConv``). With ``dilation_rate > 1``, with
    unknown spatial sizes, or where that costs more taps or phase
    convolutions than it saves, it convolves at the common stride (the gcd)
    over explicitly padded input and keeps every k-th row/column instead. A
    zero tap multiplies an input one position beyond the window by 0, which
    is NaN for an infinite or NaN input: inputs holding one take the gcd
    route, so every output sees exactly its window, as in a native
    convolution. ``last_route`` says which route the last call (or trace)
    took. ``call`` replaces Keras's (listed in
    :data:`kerasr_bridge.keras_internals.OVERRIDDEN`).
    """

    # The spatial sizes are checked when the layer meets an input (every call,
    # symbolic or not, goes through __call__), not in build(): building needs
    # only the channels, and `weights=` builds the layer before any input.
    # Only TensorFlow's own routes pad explicitly and so need them; PyTorch always
    # takes the native route, which takes unknown sizes as plain Keras does.
    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        inputs = args[0] if args else kwargs.get("inputs")
        if keras.backend.backend() == "tensorflow" and getattr(inputs, "shape", None) is not None:
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
        # The route is decided here, in Python (eagerly, or once per trace), as the comment above ROUTES says.
        spatial = geometry.spatial_sizes(inputs.shape, self.data_format)
        route, plan = self._route(inputs, spatial)
        self.last_route = route  # which route the last call (or trace) took: tests read it
        kernel = self._depthwise_kernel()
        geometry_of_call = (self.strides, self.padding, self.dilation_rate, self.data_format)
        if route == "native":
            outputs = _native_depthwise(inputs, kernel, *geometry_of_call)
        elif route == "gcd" or plan is None:
            outputs = _gcd_route(inputs, kernel, *geometry_of_call)
        elif not any(before or after for conv in plan.convs for before, after in conv.zero_taps):
            outputs = self._phase_route(inputs, plan)
        else:
            # A zero tap multiplies an input one position beyond its window by 0, and 0 * inf or 0 * NaN
            # (R's NA) is NaN: an output that must not see that input would. So inputs with a non-finite
            # value take the gcd route, which reads every window exactly. all(isfinite) rather than a sum:
            # a sum overflows (in float16 past 65,504) and would send ordinary inputs the slow way.
            outputs = keras.ops.cond(
                keras.ops.all(keras.ops.isfinite(inputs)),
                lambda: self._phase_route(inputs, plan),
                lambda: _gcd_route(inputs, kernel, *geometry_of_call),
            )
        return self._bias_and_activation(self._after_depthwise(outputs))

    def _depthwise_kernel(self) -> Any:
        """The depthwise step's kernel."""
        return self.kernel

    def _after_depthwise(self, outputs: Any) -> Any:
        """What follows the depthwise step before the bias: nothing (the separable layers' pointwise step)."""
        return outputs

    def _route(self, inputs: Any, spatial: tuple[Any, ...]) -> tuple[str, _PhasePlan | None]:
        """The route for ``inputs`` (see the comment above ROUTES) and, for "phase", its plan."""
        forced = _FORCED[-1] if _FORCED else None
        dilated = max(self.dilation_rate) > 1
        if forced == "native" or (
            forced is None and native_route_computes(_route_key(inputs, self.data_format, dilated))
        ):
            return "native", None
        plan = None
        if forced != "gcd" and not dilated and all(isinstance(size, int) for size in spatial):
            plan = _phase_plan(tuple(spatial), tuple(self.kernel_size), tuple(self.strides), self.padding)
        return ("gcd", None) if plan is None else ("phase", plan)

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
            kernel = self._depthwise_kernel()
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




@keras.saving.register_keras_serializable(package="kerasr_bridge")
class UnequalStridesDepthwiseConv2D(UnequalStrides, BroadcastBias, keras.layers.DepthwiseConv2D):
    """``DepthwiseConv2D`` that also runs with unequal strides such as ``(2, 1)`` (see :class:`UnequalStrides`).

    Only layers with unequal strides, on the TensorFlow and PyTorch backends,
    are built from this class; it computes correctly on every backend.

    ``import kerasr_bridge`` registers it (``library(kerasrbridge)`` in R): a saved
    model holding it loads wherever the package is imported.
    """


@keras.saving.register_keras_serializable(package="kerasr_bridge")
class UnequalStridesSeparableConv2D(
    UnequalStrides, SeparableConvolution, BroadcastBias, keras.layers.SeparableConv2D
):
    """``SeparableConv2D`` that also runs with unequal strides: the depthwise step by :class:`UnequalStrides`'s
    routes, then the pointwise (1x1, stride 1) convolution.

    Only layers with unequal strides, on the TensorFlow and PyTorch backends,
    are built from this class; it computes correctly on every backend.

    ``import kerasr_bridge`` registers it (``library(kerasrbridge)`` in R): a saved
    model holding it loads wherever the package is imported.
    """

    def _depthwise_kernel(self) -> Any:
        return self.depthwise_kernel

    def _after_depthwise(self, outputs: Any) -> Any:
        # A 1x1 convolution is a product over the channel axis. An einsum: TensorFlow's CPU Conv2D takes no
        # channels_first, and Keras 3.15's matmul on PyTorch returns float32 for float64 inputs.
        kernel = keras.ops.reshape(self.pointwise_kernel, tuple(self.pointwise_kernel.shape[-2:]))
        equation = "bhwc,cf->bhwf" if self.data_format == "channels_last" else "bchw,cf->bfhw"
        return keras.ops.einsum(equation, outputs, kernel)


# The fixed class for each Keras class this module fixes.
FIXED: dict[str, type[keras.layers.Layer]] = {
    "DepthwiseConv2D": UnequalStridesDepthwiseConv2D,
    "SeparableConv2D": UnequalStridesSeparableConv2D,
}
