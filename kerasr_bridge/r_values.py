"""R values that have no Python type of their own: R's ``NA`` and the objects only a message can show.

Nothing here imports the rest of the package, so every module may use it.
"""

from __future__ import annotations

import math
import struct
from dataclasses import dataclass
from typing import Any

import numpy as np

# R's NA_real_ is a NaN whose low word is 1954 (R_IsNA tests exactly this);
# reticulate hands the bits over unchanged, so R's NA survives as a float.
_R_NA_LOW_WORD = 1954
# R's NA_real_ itself, for Python code (tests) that stands in for an R caller.
R_NA: float = struct.unpack("<d", struct.pack("<Q", 0x7FF00000000007A2))[0]


def is_r_na(value: Any) -> bool:
    """Whether ``value`` is R's ``NA`` as reticulate delivers it (a NaN with R's payload)."""
    if not isinstance(value, (float, np.floating)) or not math.isnan(value):
        return False
    return struct.unpack("<Q", struct.pack("<d", float(value)))[0] & 0xFFFFFFFF == _R_NA_LOW_WORD


@dataclass(frozen=True)
class RValue:
    """An R value with no faithful Python form (a data.frame, a factor, an environment, ...).

    The R package hands it over with its class and size, for messages only:
    no check accepts it, so every argument refuses it with its usual message.
    """

    classes: list[str]
    size: list[int]

    @property
    def description(self) -> str:
        if "data.frame" in self.classes and len(self.size) == 2:
            rows, columns = self.size
            return f"a data.frame of {rows} row{'s' * (rows != 1)} and {columns} column{'s' * (columns != 1)}"
        name = "/".join(self.classes)
        if self.classes == ["raw", "array"]:
            return f"a raw array of dim c({', '.join(map(str, self.size))})"
        if "factor" in self.classes:
            return f"a factor of length {self.size[0]}"
        return f"an object of class {name}"

    def __repr__(self) -> str:
        return self.description


class RList(tuple):  # type: ignore[type-arg]
    """An unnamed R list, as the R package hands it over: a tuple that R messages write ``list(...)``.

    reticulate delivers an atomic vector and an unnamed list alike, as a Python
    list; messages would write both ``c(...)``. Every check takes it as the
    tuple it is.
    """

    __slots__ = ()
