"""The R package as users install and run it: no Python set-up of their own, or the one they chose.

See conftest.py for the environment every case runs in. The current stack
(reticulate 1.46, keras3) covers the managed environment that py_require()
builds; both stacks cover an explicitly chosen Python and install_kerasrbridge().
"""

from __future__ import annotations

import hashlib
import re
import subprocess
import sys
from pathlib import Path

import pytest
from doc_blocks import code_blocks

from .conftest import ROOT, UV_CACHE, RResult, r_build_environment, run_r, user_environment

pytestmark = pytest.mark.r

PACKAGE_SOURCE = ROOT / "kerasr_bridge"
DESCRIPTION_VERSION = next(
    line.split(":", 1)[1].strip() for line in (ROOT / "DESCRIPTION").read_text().splitlines()
    if line.startswith("Version:")
)
# py_require() needs reticulate >= 1.41: these run in the current stack and are deselected (not skipped) in debian's.
current_only = pytest.mark.py_require


def _digests(folder: Path) -> dict[str, str]:
    return {path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(folder.rglob("*")) if path.is_file() and "__pycache__" not in path.parts}


def assert_ran_cleanly(result: RResult) -> None:
    assert result.returncode == 0, f"stdout:\n{result.stdout}\nstderr:\n{result.stderr}"
    assert result.unexpected_stderr() == [], result.stderr


def assert_layer_ran_on_repository_code(result: RResult) -> None:
    assert_ran_cleanly(result)
    assert result.value("PYTHON_STARTED_ON_ATTACH") == "FALSE"
    assert result.value("DIM") == "2 4 8 3"
    assert result.value("ARRAY_DIM") == "2 4 8 3"
    assert result.value("VERSION") == DESCRIPTION_VERSION == result.value("PACKAGE_VERSION")
    # The Python code reticulate ran is the repository's, file for file.
    assert _digests(Path(result.value("MODULE_DIR"))) == _digests(PACKAGE_SOURCE)


def test_version_of_the_python_package_is_the_r_packages() -> None:
    init = (PACKAGE_SOURCE / "__init__.py").read_text()
    assert f'__version__ = "{DESCRIPTION_VERSION}"' in init


@current_only
@pytest.mark.parametrize("install", ["tarball_library", "checkout_library"])
def test_alone_from_a_read_only_library_builds_its_managed_environment(
    install: str, request: pytest.FixtureRequest, stack_libraries: list[Path], workdir: Path
) -> None:
    library: Path = request.getfixturevalue(install)
    env = user_environment([library, *stack_libraries], workdir / "virtualenvs")
    result = run_r("layer_on_array.R", env, workdir / "work", read_only=library)
    assert_layer_ran_on_repository_code(result)
    assert result.value("MANAGED") == "TRUE"
    assert result.value("BACKEND") == "tensorflow"
    # kerasr_bridge imports Keras quietly: TensorFlow's start-up lines stay out.
    assert "oneDNN custom operations" not in result.stderr
    assert not (library / "kerasrbridge" / "python" / "kerasr_bridge" / "__pycache__").exists()


@current_only
@pytest.mark.parametrize("order", ["keras3,kerasrbridge", "kerasrbridge,keras3"])
def test_with_keras3_in_either_order_a_model_trains_saves_and_loads(
    order: str, tarball_library: Path, stack_libraries: list[Path], workdir: Path
) -> None:
    env = user_environment([tarball_library, *stack_libraries], workdir / "virtualenvs")
    model, expected = workdir / "model.keras", workdir / "expected.rds"
    trained = run_r("train_and_save.R", env, workdir / "work", order, str(model), str(expected),
                    read_only=tarball_library)
    assert_ran_cleanly(trained)
    assert trained.value("MANAGED") == "TRUE"
    # strides = c(2, 1) on TensorFlow: our registered class, which the loading session must find.
    assert "UnequalStridesDepthwiseConv2D" in trained.value("LAYERS")
    # Another fresh session, attaching the packages in the same order.
    loaded = run_r("load_and_predict.R", env, workdir / "work", order, str(model), str(expected),
                   read_only=tarball_library)
    assert_ran_cleanly(loaded)
    assert loaded.value("IDENTICAL") == "TRUE", loaded.stdout


def test_reticulate_python_with_the_package_is_used_as_it_is(
    tarball_library: Path, stack_libraries: list[Path], workdir: Path
) -> None:
    env = user_environment([tarball_library, *stack_libraries], workdir / "virtualenvs",
                           RETICULATE_PYTHON=sys.executable)
    result = run_r("layer_on_array.R", env, workdir / "work")
    assert_ran_cleanly(result)
    assert result.value("DIM") == "2 4 8 3"
    assert result.value("PREFIX") == sys.prefix
    assert result.value("MANAGED") == "FALSE"


def test_reticulate_python_without_the_package_gets_one_message(
    tarball_library: Path, stack_libraries: list[Path], workdir: Path
) -> None:
    bare = workdir / "bare-venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(bare)], check=True)
    python = bare / "bin" / "python"
    env = user_environment([tarball_library, *stack_libraries], workdir / "virtualenvs", RETICULATE_PYTHON=str(python))
    result = run_r("unavailable.R", env, workdir / "work")
    assert_ran_cleanly(result)
    assert result.value("CLASSES").split() == [
        "kerasrbridge_ModuleNotFoundError", "kerasrbridge_error", "python.builtin.ModuleNotFoundError",
        "python.builtin.ImportError", "python.builtin.Exception", "error", "condition",
    ]
    assert result.value("CALL") == "layer_depthwise_conv_2d(kernel_size = 3)"
    message = result.stdout.split("MESSAGE_START\n", 1)[1].split("\nMESSAGE_END", 1)[0]
    assert f"in the Python {python}" in message
    assert "No module named 'kerasr_bridge'" in message
    # What to do, there: pip-install the copy this R package carries, or install_kerasrbridge().
    assert f"`{python} -m pip install \"{tarball_library}/kerasrbridge/python[" in message
    assert "install_kerasrbridge()" in message
    for noise in ("py_last_error", "Traceback", "List of", "$ python"):
        assert noise not in message and noise not in result.stdout.replace(message, "")


def test_install_kerasrbridge_makes_an_environment_a_fresh_session_finds(
    tarball_library: Path, stack_libraries: list[Path], workdir: Path
) -> None:
    virtualenvs = workdir / "virtualenvs"
    env = user_environment([tarball_library, *stack_libraries], virtualenvs)
    installed = run_r("install.R", env, workdir / "work", timeout=1800)
    assert installed.returncode == 0, installed.stdout + installed.stderr
    python = virtualenvs / "r-keras" / "bin" / "python"
    assert installed.value("INSTALLED") == str(python)
    # A later session, with no set-up at all, finds it by name and uses it (not a managed one).
    result = run_r("layer_on_array.R", env, workdir / "work", read_only=tarball_library)
    assert_layer_ran_on_repository_code(result)
    assert result.value("PREFIX") == str(virtualenvs / "r-keras")
    assert result.value("MANAGED") == "FALSE"


def _readme_r_install_lines() -> str:
    """The ```r block of the README's "R" install section: what a user types in R after installing."""
    (block,) = [block for block in code_blocks(ROOT / "README.md") if block.language == "r" and block.where == "R"]
    return block.code


@current_only
def test_readme_r_lines_as_written_give_a_working_layer(
    tarball_library: Path, stack_libraries: list[Path], workdir: Path
) -> None:
    """The README's R lines, pasted into a fresh session with only the uv set-up, in the managed environment."""
    lines = _readme_r_install_lines()
    assert "library(kerasrbridge)" in lines
    script = workdir / "readme.R"
    script.write_text(lines + 'cat("MANAGED", isTRUE(reticulate::py_config()$ephemeral), "\\n")\n')
    env = user_environment([tarball_library, *stack_libraries], workdir / "virtualenvs")
    result = run_r(script, env, workdir / "work", read_only=tarball_library)
    assert_ran_cleanly(result)
    # The last line's value, printed as R prints it: the Keras layer.
    assert re.search(r"<DepthwiseConv2D name=depthwise_conv2d\w*, built=False>", result.stdout), result.stdout
    assert result.value("MANAGED") == "TRUE"


@current_only
def test_first_use_benchmark_prints_its_table() -> None:
    """benchmarks/bench_first_use.py runs and prints its table: one managed session, on the uv cache the
    cases above filled, and one given RETICULATE_PYTHON (no timing is asserted; the README's first-use
    figures come from its run on an empty cache, in benchmarks/RESULTS.md)."""
    command = [sys.executable, str(ROOT / "benchmarks" / "bench_first_use.py"), "--uv-cache", str(UV_CACHE),
               "--sessions", "1"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=900, check=False,
                          env=r_build_environment())
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    number = r"\d+(\.\d+)?"
    # The managed session runs uv (reticulate's discovery); the session given RETICULATE_PYTHON does not.
    assert re.search(rf"^\| 1 \| [^|]+ \| {number} \| {number} \| {number} \| [1-9]\d* \| TRUE \|$",
                     done.stdout, re.M), done.stdout
    assert re.search(rf"^\| RETICULATE_PYTHON \| [^|]+ \| {number} \| {number} \| {number} \| 0 \| FALSE \|$",
                     done.stdout, re.M), done.stdout
    assert re.search(rf"^environment .+: {number}[KMG]$", done.stdout, re.M), done.stdout
