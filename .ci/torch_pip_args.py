"""Print the pip arguments that install PyTorch's CPU build, ``torch==2.13.0+cpu``.

PyTorch publishes its CPU builds on its own package index, and documents
installing them from there (``pip install torch --index-url
https://download.pytorch.org/whl/cpu``); PyPI's ``torch`` is the CUDA build,
gigabytes more. So the index is added, as an extra index (NumPy and the rest
still come from PyPI), except where pip already has that exact build in a
local ``find-links`` folder (this project's build machines, which reach no
index but PyPI): there, nothing is added, and no host is contacted.

Usage: ``python .ci/torch_pip_args.py`` prints the arguments on one line.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path

TORCH_VERSION = "2.13.0+cpu"
REQUIREMENT = f"torch=={TORCH_VERSION}"
CPU_INDEX = "https://download.pytorch.org/whl/cpu"

# A wheel of that build: torch-2.13.0+cpu-cp311-cp311-linux_x86_64.whl (the + may be %2B).
_WHEEL = re.compile(r"^torch-2\.13\.0(?:\+|%2B)cpu-.+\.whl$", re.IGNORECASE)


def find_links(environ: Mapping[str, str], pip_config: str) -> list[str]:
    """pip's find-links folders: PIP_FIND_LINKS and ``find-links`` lines of ``pip config list``."""
    folders = environ.get("PIP_FIND_LINKS", "").split()
    for line in pip_config.splitlines():
        key, _, value = line.partition("=")
        if key.strip().endswith(".find-links"):
            folders += shlex.split(value.strip().strip("'\"").replace("\\n", " "))
    return [folder.removeprefix("file://") for folder in folders]


def has_local_build(folders: Iterable[str]) -> bool:
    for folder in folders:
        path = Path(folder)
        if path.is_dir() and any(_WHEEL.match(entry.name) for entry in path.iterdir()):
            return True
    return False


def pip_args(environ: Mapping[str, str], pip_config: str) -> list[str]:
    if has_local_build(find_links(environ, pip_config)):
        return [REQUIREMENT]
    return ["--extra-index-url", CPU_INDEX, REQUIREMENT]


def _pip_config() -> str:
    result = subprocess.run(
        [sys.executable, "-m", "pip", "config", "list"], capture_output=True, text=True, check=False
    )
    return result.stdout


if __name__ == "__main__":
    print(" ".join(pip_args(os.environ, _pip_config())))
