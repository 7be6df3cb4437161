"""Import Keras (and so TensorFlow) without TensorFlow's start-up lines, unless the user asked for them.

TensorFlow logs a few lines while it is imported, before absl's logging is
initialised ("WARNING: All log messages before absl::InitializeLog() ...",
cpu_feature_guard's "This TensorFlow binary is optimized ...", and, where oneDNN
is on, port.cc's "oneDNN custom operations are on"). The last one ignores
TF_CPP_MIN_LOG_LEVEL at every level. We do not switch oneDNN off to hide it
(TF_ENABLE_ONEDNN_OPTS changes which kernels run). Instead:

- TF_CPP_MIN_LOG_LEVEL, when the user has not set it, defaults to 1 (no INFO
  lines; TensorFlow's warnings and errors still show). A value the user set
  is left alone.
- While Keras is imported, file descriptor 2 goes to a temporary file. Then
  every line is written back except TensorFlow log lines below that level
  (and absl's preamble line, which only announces them). At level 0 nothing
  is redirected: the user asked for everything.
"""

from __future__ import annotations

import os
import re
import sys
import tempfile

LEVEL_VARIABLE = "TF_CPP_MIN_LOG_LEVEL"
# INFO hidden, WARNING and ERROR shown: the start-up lines are all INFO.
DEFAULT_LEVEL = "1"

# A TensorFlow/absl log line: absl's "I0000 00:00:1795697401.816732   17364 cpu_feature_guard.cc:227] ..."
# (before absl is initialised the clock field holds seconds since the epoch)
# or TSL's "2024-01-01 12:00:00.000000: I tensorflow/core/util/port.cc:113] ...".
_LOG_LINE = re.compile(
    r"^(?:(?P<absl>[IWEF])\d{4} \d\d:\d\d:\d+\.\d+\s+\d+ \S+:\d+\]"
    r"|\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+: (?P<tsl>[IWEF]) \S+:\d+\])"
)
_SEVERITY = {"I": 0, "W": 1, "E": 2, "F": 3}
_ABSL_PREAMBLE = "WARNING: All log messages before absl::InitializeLog() is called are written to STDERR"
# cpu_feature_guard's message spans two lines; this is the second.
_CONTINUATION = "To enable the following instructions"


def min_log_level() -> int:
    """TF_CPP_MIN_LOG_LEVEL as TensorFlow reads it (anything but a number counts as 0)."""
    try:
        return int(os.environ.get(LEVEL_VARIABLE, "0"))
    except ValueError:
        return 0


def filter_startup_lines(text: str, level: int) -> str:
    """``text`` without the TensorFlow log lines that ``level`` hides; every other line is kept."""
    kept = []
    dropping = False
    for line in text.splitlines(keepends=True):
        match = _LOG_LINE.match(line)
        if match:
            severity = _SEVERITY[match.group("absl") or match.group("tsl")]
            dropping = severity < level
        elif line.rstrip("\r\n") == _ABSL_PREAMBLE:
            dropping = level >= 1
        elif not (dropping and line.startswith(_CONTINUATION)):
            dropping = False
        if not dropping:
            kept.append(line)
    return "".join(kept)


def _flush_stderr() -> None:
    stream = sys.stderr
    if stream is not None and hasattr(stream, "flush"):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass


def import_keras() -> None:
    """``import keras`` with TensorFlow's start-up lines filtered as the module docstring says."""
    if "keras" in sys.modules or "tensorflow" in sys.modules:
        # Imported already: whatever TensorFlow had to say is said.
        return
    os.environ.setdefault(LEVEL_VARIABLE, DEFAULT_LEVEL)
    level = min_log_level()
    try:
        saved = os.dup(2) if level > 0 else None
    except OSError:  # no usable fd 2 (some embedded interpreters): nothing to filter
        saved = None
    if saved is None:
        import keras  # loads TensorFlow: what this function is for

        return
    with tempfile.TemporaryFile() as capture:
        _flush_stderr()
        os.dup2(capture.fileno(), 2)
        try:
            import keras  # noqa: F401
        finally:
            _flush_stderr()
            os.dup2(saved, 2)
            os.close(saved)
            capture.seek(0)
            kept = filter_startup_lines(capture.read().decode("utf-8", "replace"), level)
            if kept:
                os.write(2, kept.encode("utf-8"))
