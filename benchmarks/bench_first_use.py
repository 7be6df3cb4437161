"""The R package's first use with reticulate's managed environment; prints a Markdown table.

    .venv-current/bin/python benchmarks/bench_first_use.py               # a new, empty uv cache: downloads
    .venv-current/bin/python benchmarks/bench_first_use.py --uv-cache D  # uv's cache D, kept afterwards

Needs the current stack (``make setup-current``: reticulate 1.46 and keras3 in .rlib-current, uv in
.uv-bin). The package is installed as a user installs it, from the ``R CMD build`` tarball into a new
library; then the same R script runs in fresh ``Rscript`` sessions, one after the other, as in
tests/install (started outside the checkout, RETICULATE_PYTHON unset, uv from PyPI on PATH,
UV_PYTHON_PREFERENCE=only-system): ``library(kerasrbridge)`` and one ``layer_depthwise_conv_2d()`` call on
an R array (tests/install/scripts/layer_on_array.R). Each session shares the uv cache the first one
filled, so the first session's call is the one that builds the environment (py_require(): uv resolves,
downloads and installs it) and the later ones find it in the cache.

Reported per session: the first layer call (timed inside R, from just before the call to just after it,
so it includes Python's start, the environment and the imports); the whole ``Rscript`` process; what the
machine received over the network meanwhile (/proc/net/dev: the downloads, and anything else it received
then); and how many times reticulate ran uv to find the environment (``_RETICULATE_DEBUG_UV_=1``,
reticulate's own switch, makes it print each uv command; nothing else changes). A last session names the
environment's Python with RETICULATE_PYTHON, so no uv runs: what is left is Python's start, the imports
and the call. Then one of reticulate's uv commands alone, three times, on the filled cache; the
environment's size on disk (``du`` of its ``sys.prefix``) and the uv cache's. The load average
(``uptime``) before and after is printed beside the figures: the first call's time depends on the network
as much as on this machine.

Why the uv count: reticulate 1.46 runs uv once per level of a recursion when UV_PYTHON_PREFERENCE is not
"only-managed" (as here, where uv may not download Pythons): its uv_python_list() asks
virtualenv_starter(), which asks py_exe(), which starts the discovery of the environment again, until R's
C stack runs out ("Error : C stack usage ... is too close to the limit"); the outer levels then go on.
With reticulate's default ("only-managed") a session runs uv once.
"""

from __future__ import annotations

import argparse
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.install.conftest import (  # noqa: E402
    RLIB_CURRENT,
    UV_BIN,
    build_tarball,
    install_package,
    run_r,
    user_environment,
)


def disk_usage(path: Path) -> str:
    """``du -sh``: hard links into uv's cache count once, as the disk holds them."""
    done = subprocess.run(["du", "-sh", str(path.resolve())], capture_output=True, text=True, check=True)
    return done.stdout.split()[0]


def uv_commands(stderr: str) -> list[str]:
    """The uv environment commands reticulate printed (``_RETICULATE_DEBUG_UV_=1``), one per run of uv."""
    return [line for line in stderr.splitlines() if " tool run --isolated " in line]


def time_uv_command(command: str, env: dict[str, str], scratch: Path, repetitions: int = 3) -> tuple[float, float]:
    """Median seconds and MB received of one of reticulate's uv commands run alone (its output file put in
    ``scratch``)."""
    arguments = shlex.split(command)[:-1] + [str(scratch / "uv-python-path")]
    times, received = [], []
    for _ in range(repetitions):
        before, started = received_bytes(), time.perf_counter()
        subprocess.run(arguments, env=env, capture_output=True, check=True)
        times.append(time.perf_counter() - started)
        received.append((received_bytes() - before) / 1e6)
    return statistics.median(times), statistics.median(received)


def received_bytes() -> int:
    """Bytes this machine has received on its network interfaces (loopback left out), from /proc/net/dev."""
    lines = Path("/proc/net/dev").read_text().splitlines()[2:]
    return sum(int(line.split(":", 1)[1].split()[0]) for line in lines if line.split(":", 1)[0].strip() != "lo")


def load_average() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True, check=False).stdout.strip()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--uv-cache", type=Path, help="uv's cache folder (default: a new, empty one)")
    parser.add_argument("--sessions", type=int, default=3, help="fresh R sessions, one after the other")
    arguments = parser.parse_args()
    if arguments.sessions < 1:
        parser.error("--sessions must be at least 1: the first managed session finds the environment")
    if not (RLIB_CURRENT / ".installed").exists() or not (UV_BIN / "uv").exists():
        sys.exit("the current stack is missing: run `make setup-current` first")

    with tempfile.TemporaryDirectory(prefix="kerasrbridge-first-use-") as scratch:
        work = Path(scratch)
        (work / "build").mkdir()
        library = work / "library"
        install_package(build_tarball(work / "build"), library)
        uv_cache = arguments.uv_cache or work / "uv-cache"
        cache_was_empty = not uv_cache.exists() or not any(uv_cache.iterdir())
        print(f"load before: {load_average()}")
        print(f"uv cache: {uv_cache} ({'empty' if cache_was_empty else 'as it is'})\n")
        (work / "virtualenvs").mkdir()
        env = user_environment([library, RLIB_CURRENT], work / "virtualenvs", UV_CACHE_DIR=str(uv_cache),
                               _RETICULATE_DEBUG_UV_="1")
        rows: list[tuple[int | str, float, float, float, int, str]] = []
        prefixes: set[str] = set()
        commands: list[str] = []
        for session in range(1, arguments.sessions + 1):
            cwd = work / f"session-{session}"
            cwd.mkdir()
            received, started = received_bytes(), time.perf_counter()
            result = run_r("layer_on_array.R", env, cwd)
            wall = time.perf_counter() - started
            downloaded = (received_bytes() - received) / 1e6
            if result.returncode != 0:
                sys.exit(f"session {session} failed:\n{result.stdout}\n{result.stderr}")
            prefixes.add(result.value("PREFIX"))
            commands = uv_commands(result.stderr)
            rows.append((session, float(result.value("FIRST_CALL_SECONDS")), wall, downloaded, len(commands),
                         result.value("MANAGED")))

        # The same environment's Python named by RETICULATE_PYTHON: no uv, so what is left is Python's start,
        # the imports and the call.
        (work / "session-explicit").mkdir()
        explicit = {**env, "RETICULATE_PYTHON": str(Path(sorted(prefixes)[-1]) / "bin" / "python")}
        received, started = received_bytes(), time.perf_counter()
        result = run_r("layer_on_array.R", explicit, work / "session-explicit")
        wall = time.perf_counter() - started
        downloaded = (received_bytes() - received) / 1e6
        if result.returncode != 0:
            sys.exit(f"the session with RETICULATE_PYTHON failed:\n{result.stdout}\n{result.stderr}")
        rows.append(("RETICULATE_PYTHON", float(result.value("FIRST_CALL_SECONDS")), wall, downloaded,
                      len(uv_commands(result.stderr)), result.value("MANAGED")))

        print("| session | uv cache | first layer call (s) | whole Rscript (s) | received (MB) | uv runs "
              "| managed environment |")
        print("| --- | --- | --- | --- | --- | --- | --- |")
        for session, call, wall, downloaded, uv_runs, managed in rows:
            state = ("empty: builds the environment" if session == 1 and cache_was_empty
                     else "not used: the environment's Python given" if session == "RETICULATE_PYTHON" else "filled")
            print(f"| {session} | {state} | {call:.1f} | {wall:.1f} | {downloaded:.0f} | {uv_runs} | {managed} |")
        print()
        if commands:
            seconds, megabytes = time_uv_command(commands[0], env, work)
            print(f"one of reticulate's uv runs alone, filled cache (median of 3): {seconds:.2f} s, "
                  f"{megabytes:.1f} MB received")
        for prefix in sorted(prefixes):
            print(f"environment {prefix}: {disk_usage(Path(prefix))}")
        print(f"uv cache {uv_cache}: {disk_usage(uv_cache)}")
        print(f"load after: {load_average()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
