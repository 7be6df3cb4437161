"""The filter of TensorFlow's start-up lines keeps every line the log level does not hide.

What ``kerasr_bridge._quiet`` writes back after importing Keras: TensorFlow
and absl log lines below the level are dropped (a two-line message as a
whole), everything else is kept as it came.
"""

from __future__ import annotations

from kerasr_bridge._quiet import filter_startup_lines

ABSL_PREAMBLE = "WARNING: All log messages before absl::InitializeLog() is called are written to STDERR\n"


INFO_ONEDNN = (
    "I0000 00:00:1795698646.215519   29336 port.cc:153] oneDNN custom operations are on. You may see slightly "
    "different numerical results due to floating-point round-off errors.\n"
)


INFO_CPU = (
    "I0000 00:00:1795698646.504739   29336 cpu_feature_guard.cc:227] This TensorFlow binary is optimized to use "
    "available CPU instructions in performance-critical operations.\n"
    "To enable the following instructions: AVX2 FMA, in other operations, rebuild TensorFlow with the appropriate "
    "compiler flags.\n"
)


TSL_WARNING = "2024-01-01 12:00:00.000000: W tensorflow/core/util/port.cc:113] something to warn about\n"


TSL_ERROR = "2024-01-01 12:00:00.000001: E external/local_xla/xla/stream_executor/cuda/cuda_dnn.cc:1] an error\n"


OTHER = "/somewhere/module.py:3: UserWarning: a Python warning raised during import\n  warnings.warn(...)\n"


def test_the_filter_keeps_what_the_level_does_not_hide():
    text = ABSL_PREAMBLE + INFO_ONEDNN + INFO_CPU + TSL_WARNING + OTHER + TSL_ERROR
    assert filter_startup_lines(text, 0) == text
    assert filter_startup_lines(text, 1) == TSL_WARNING + OTHER + TSL_ERROR
    assert filter_startup_lines(text, 2) == OTHER + TSL_ERROR
    assert filter_startup_lines(text, 3) == OTHER


def test_the_filter_drops_a_continuation_line_only_after_a_dropped_line():
    continuation = INFO_CPU.splitlines(keepends=True)[1]
    assert filter_startup_lines(continuation, 1) == continuation
    assert filter_startup_lines(OTHER + continuation, 1) == OTHER + continuation
