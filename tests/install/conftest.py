"""Install the R package as users do and run it in fresh Rscript processes outside the checkout.

Each case starts ``Rscript`` in a temporary folder (reticulate would use a
``.venv`` it finds in the working directory) with the environment a user
has: RETICULATE_PYTHON, VIRTUAL_ENV, PYTHONPATH, KERAS_BACKEND and
TF_CPP_MIN_LOG_LEVEL unset, unless the case sets them. On these machines
reticulate cannot download Python builds or uv, so uv comes from PyPI
(the Makefile's .venv-uv, on PATH through .uv-bin) with
UV_PYTHON_PREFERENCE=only-system, as reticulate documents for this case, and a
project-local UV_CACHE_DIR, so reruns download nothing. WORKON_HOME is a
fresh folder, so no virtual environment of this machine's user is found.

The stack (KERASRBRIDGE_STACK): "current" is reticulate 1.46 + keras3 from
.rlib-current (py_require(): managed environments); "debian" is Debian's
reticulate 1.28 (no py_require(): install_kerasrbridge() is the path).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPTS = Path(__file__).resolve().parent / "scripts"
STACK = os.environ.get("KERASRBRIDGE_STACK", "current")
RLIB_CURRENT = ROOT / ".rlib-current"
UV_BIN = ROOT / ".uv-bin"
UV_CACHE = ROOT / ".uv-cache"

# reticulate 1.46 prints this from its own uv_get_or_create_env() on these
# machines and goes on (plain reticulate::import("numpy") does it too): with
# UV_PYTHON_PREFERENCE other than "only-managed", its discovery of the managed
# environment recurses until R's C stack runs out (benchmarks/bench_first_use.py).
RETICULATE_STACK_NOTICE = re.compile(r"^Error\s*:\s*C stack usage\s+\d+ is too close to the limit$")
# What an error, a warning or a traceback looks like on stderr, from R or Python.
# Other lines there are other tools' reports (uv's progress and warnings about
# this machine's interpreters, R's masking notes, TensorFlow's start-up lines
# when keras3 imports it) and are not ours to judge.
ERROR_LINE = re.compile(r"^(Error|Warning|In addition|Traceback|Execution halted|\w+Error\b)")

_UNSET = ("RETICULATE_PYTHON", "RETICULATE_PYTHON_ENV", "VIRTUAL_ENV", "PYTHONPATH", "KERAS_BACKEND",
          "TF_CPP_MIN_LOG_LEVEL", "R_LIBS", "R_LIBS_USER", "RETICULATE_USE_MANAGED_VENV", "PYTHONUNBUFFERED")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Cases that need py_require() run in the current stack only; elsewhere they are deselected."""
    if STACK == "current":
        return
    deselected = [item for item in items if item.get_closest_marker("py_require")]
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = [item for item in items if not item.get_closest_marker("py_require")]


@dataclass
class RResult:
    returncode: int
    stdout: str
    stderr: str

    def values(self, key: str) -> list[str]:
        """The words after ``KEY`` on stdout lines that start with it."""
        return [line.split(None, 1)[1] if " " in line else "" for line in self.stdout.splitlines()
                if line.split(None, 1)[:1] == [key]]

    def value(self, key: str) -> str:
        found = self.values(key)
        assert len(found) == 1, f"expected one {key} line in stdout:\n{self.stdout}\nstderr:\n{self.stderr}"
        return found[0].strip()

    def unexpected_stderr(self) -> list[str]:
        """Error, warning or traceback lines on stderr, but reticulate's C-stack notice."""
        return [line for line in self.stderr.splitlines()
                if ERROR_LINE.match(line.strip()) and not RETICULATE_STACK_NOTICE.match(line.strip())]


def user_environment(libraries: list[Path], workon_home: Path, **extra: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key not in _UNSET}
    env["PATH"] = f"{UV_BIN}{os.pathsep}{env['PATH']}"
    env["UV_PYTHON_PREFERENCE"] = "only-system"
    env["UV_CACHE_DIR"] = str(UV_CACHE)
    env["WORKON_HOME"] = str(workon_home)
    env["R_LIBS"] = os.pathsep.join(map(str, libraries))
    env.update(extra)
    return env


def run_r(script: str | Path, env: dict[str, str], cwd: Path, *args: str, read_only: Path | None = None,
          timeout: int = 900) -> RResult:
    """``Rscript <script> args...`` in ``cwd``: ``script`` names a file in scripts/ or is a path of its own
    (an absolute path stays as it is); ``read_only``: a folder no one may write to meanwhile."""
    command = ["Rscript", str(SCRIPTS / script), *args]
    if read_only is not None:
        command = read_only_command(read_only, command)
    result = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout,
                            check=False)
    return RResult(result.returncode, result.stdout, result.stderr)


def read_only_command(folder: Path, command: list[str]) -> list[str]:
    """``command`` with ``folder`` read-only for everyone, root included, as a site library is.

    As root (CI), a private mount namespace remounts the folder read-only
    (writes fail with EROFS); otherwise its write bits are taken away.
    """
    if os.geteuid() == 0 and shutil.which("unshare"):
        quoted = " ".join(f"'{part}'" for part in command)
        return ["unshare", "-m", "bash", "-c",
                f"mount --bind '{folder}' '{folder}' && mount -o remount,ro,bind '{folder}' '{folder}' "
                f"&& exec {quoted}"]
    subprocess.run(["chmod", "-R", "a-w", str(folder)], check=True)
    return command


def install_package(source: Path, library: Path) -> None:
    library.mkdir(parents=True, exist_ok=True)
    result = subprocess.run(["R", "CMD", "INSTALL", "--no-test-load", f"--library={library}", str(source)],
                            capture_output=True, text=True, check=False, env=r_build_environment())
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]


def r_build_environment() -> dict[str, str]:
    """R CMD build/INSTALL run with the stack's R library (knitr for the vignette), no Python chosen."""
    env = {key: value for key, value in os.environ.items() if key not in _UNSET}
    libraries = [RLIB_CURRENT] if STACK == "current" else []
    env["R_LIBS"] = os.pathsep.join(map(str, libraries))
    return env


@pytest.fixture(scope="session")
def stack_libraries() -> list[Path]:
    """R libraries the stack provides besides the package's own (reticulate 1.46 and keras3, or Debian's)."""
    if STACK == "current":
        assert (RLIB_CURRENT / ".installed").exists(), "the current stack's R library (.rlib-current) is missing"
        return [RLIB_CURRENT]
    return []


@pytest.fixture(scope="session", autouse=True)
def uv_on_path() -> None:
    assert (UV_BIN / "uv").exists(), "uv is missing: the Makefile's .venv-uv/.installed step makes .uv-bin/uv"


def build_tarball(work: Path) -> Path:
    """``R CMD build`` in ``work`` of a copy of the checkout without the set-up folders, as remotes and pak do."""
    source = work / "kerasrbridge"
    ignore = shutil.ignore_patterns(".git", ".venv*", ".rlib*", ".uv-*", "build", "out", "__pycache__",
                                    ".pytest_cache", ".ruff_cache", ".hypothesis", "*.egg-info")
    shutil.copytree(ROOT, source, ignore=ignore, symlinks=True)
    result = subprocess.run(["R", "CMD", "build", "--no-manual", "--no-build-vignettes", str(source)], cwd=work,
                            capture_output=True, text=True, check=False, env=r_build_environment())
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    (built,) = work.glob("kerasrbridge_*.tar.gz")
    return built


@pytest.fixture(scope="session")
def tarball(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_tarball(tmp_path_factory.mktemp("build"))


@pytest.fixture(scope="session")
def tarball_library(tarball: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    library = tmp_path_factory.mktemp("lib-tarball")
    install_package(tarball, library)
    return library


@pytest.fixture(scope="session")
def checkout_library(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``R CMD INSTALL .`` from the checkout itself."""
    library = tmp_path_factory.mktemp("lib-checkout")
    install_package(ROOT, library)
    return library


@pytest.fixture
def workdir(tmp_path: Path) -> Iterator[Path]:
    """A fresh folder outside the checkout to start R in, and an empty WORKON_HOME beside it."""
    (tmp_path / "work").mkdir()
    (tmp_path / "virtualenvs").mkdir()
    yield tmp_path
