"""Embed R with rpy2 in this pytest process and load the R package from the working tree.

reticulate, running inside that R, attaches to this very Python (same
``__main__``), so R results are the same Python objects Python code sees.
Objects cross through ``__main__`` attributes (``reticulate::py_set_attr``).

Process hygiene: at interpreter exit rpy2's ``endr`` would end R after
reticulate has released the GIL and abort the process ("PyThreadState_Get:
... GIL is released"). We unregister it and instead let R finalize
reticulate's Python state and remove its temporary directory; the R process
memory goes with ours.

The process then ends with pytest's exit status through ``os._exit``, without
tearing the interpreter down. reticulate (1.28) runs a detached thread that,
every 250 ms, schedules an R event poll with ``Py_AddPendingCall`` for as long
as Python keeps running them; the interpreter's own teardown runs Python code
(and so such a poll) and frees the state that call writes to. Which of the two
came first is the one path we found (reading reticulate's and CPython's exit
code) from a run whose tests all passed to status 139 (SIGSEGV): 1 in 28 runs
of this set-up ending without os._exit, on this 2-core machine, and once in
CI (0 in 30 pytest runs ending with it). Ending the process before any teardown leaves that thread nothing to race
with (reticulate 1.46, the current stack's, stops that thread in py_finalize()).

This module is pytest's: only pytest knows the status to end with, so a
process that imports it outside a pytest session tears down as usual, race
included. tests/python/processes/test_clean_exits_and_leaks.py runs it in a
pytest process of its own and checks both statuses.
"""

from __future__ import annotations

import atexit
import logging
import os
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]

# Missing R, rpy2 or reticulate is a failure here, never a skip (in CI or not).
os.environ["RETICULATE_PYTHON"] = sys.executable
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import warnings  # noqa: E402

with warnings.catch_warnings():
    # rpy2 warns about a reticulate segfault fixed in reticulate 1.22; we have 1.28.
    warnings.simplefilter("ignore")
    import rpy2.rinterface_lib.embedded as rpy2_embedded
    import rpy2.robjects as robjects

atexit.unregister(rpy2_embedded.endr)


# pytest's exit status, once the session has one; None until then (a crash before it keeps the normal exit).
_exit_status: int | None = None


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    global _exit_status
    _exit_status = int(session.exitstatus)


def _close_r() -> None:
    robjects.r("reticulate:::py_finalize(); unlink(tempdir(), recursive = TRUE)")
    # R may still poll for GUI events while the process exits; rpy2's Python
    # callback for that is gone by then (cffi says so on stderr), so unhook it.
    from rpy2.rinterface_lib import openrlib

    openrlib.rlib.ptr_R_ProcessEvents = openrlib.ffi.NULL
    if _exit_status is not None:
        # Registered first, so this runs after every other exit handler but the
        # ones registered before this file was imported: flush what they would.
        logging.shutdown()
        for stream in (sys.stdout, sys.stderr):
            if stream is not None:
                stream.flush()
        os._exit(_exit_status)  # see the module docstring: no interpreter teardown to race with


atexit.register(_close_r)

_main = sys.modules["__main__"]
_session: RSession | None = None


class RSession:
    """Evaluate R code from Python, with the GIL held throughout.

    rpy2 releases the GIL while R runs. reticulate takes it for its own calls,
    but not when R's garbage collector finalizes a Python object that only R
    still held: that decref then runs without the GIL and aborts the process
    ("PyThreadState_Get: ... GIL is released"). So, after one set-up call
    through rpy2, all R code runs inside an R function that reticulate has
    wrapped as a Python callable: Python calls it holding the GIL, and any R
    garbage collection inside happens with the GIL held. Results come back
    converted by reticulate (R arrays as NumPy arrays, Python objects as
    themselves).
    """

    def __init__(self) -> None:
        robjects.r(
            "reticulate::py_set_attr(reticulate::import_main(), '_kerasr_r_eval', reticulate::r_to_py(\n"
            "  function(code, inputs) {\n"
            "    inputs <- reticulate::py_to_r(inputs)\n"
            "    if (length(inputs)) list2env(inputs, envir = globalenv())\n"
            "    eval(parse(text = reticulate::py_to_r(code)), envir = globalenv())\n"
            "  }))"
        )
        self._eval = _main._kerasr_r_eval
        # Loading the package runs its .onLoad, which may call into Python: through the
        # wrapper, so that happens with the GIL held like every other R call here.
        self(f'suppressMessages(pkgload::load_all("{ROOT}", quiet = TRUE, export_all = FALSE)); NULL')

    def __call__(self, code: str, **inputs: Any) -> Any:
        """Run ``code`` in R (global environment) and return its value.

        ``inputs`` become R variables: NumPy arrays and lists become R arrays
        and lists; Keras objects stay Python objects.
        """
        return self._eval(code, inputs)

    def error(self, code: str, **inputs: Any) -> str | None:
        """The message of the R error ``code`` raises, or None if it raises none."""
        return self(f"tryCatch({{ {code}; NULL }}, error = conditionMessage)", **inputs)

    def run(self, code: str) -> Any:
        return self(code)


@pytest.fixture(scope="session")
def R() -> RSession:
    global _session
    if _session is None:
        _session = RSession()
    return _session
