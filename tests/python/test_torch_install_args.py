"""How `make test` gets PyTorch's CPU build: its own index, unless pip has that build locally.

Checked with folders made here and stand-in pip configurations: no host is
contacted.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

_SCRIPT = Path(__file__).resolve().parents[2] / ".ci" / "torch_pip_args.py"
_spec = importlib.util.spec_from_file_location("torch_pip_args", _SCRIPT)
assert _spec is not None and _spec.loader is not None
torch_pip_args = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(torch_pip_args)

INDEXED = ["--extra-index-url", "https://download.pytorch.org/whl/cpu", "torch==2.13.0+cpu"]


@pytest.fixture
def wheel_folder(tmp_path: Path) -> Path:
    (tmp_path / "torch-2.13.0+cpu-cp311-cp311-linux_x86_64.whl").write_bytes(b"")
    return tmp_path


def test_an_ordinary_machine_uses_pytorchs_cpu_index() -> None:
    assert torch_pip_args.pip_args({}, "") == INDEXED


def test_a_local_build_named_by_pip_find_links_is_used_as_it_is(wheel_folder: Path) -> None:
    assert torch_pip_args.pip_args({"PIP_FIND_LINKS": f"/nowhere {wheel_folder}"}, "") == ["torch==2.13.0+cpu"]


def test_a_local_build_named_in_pip_config_is_used_as_it_is(wheel_folder: Path) -> None:
    config = f"global.cert='/etc/ssl/certs/ca.crt'\nglobal.find-links='{wheel_folder}'\n"
    assert torch_pip_args.pip_args({}, config) == ["torch==2.13.0+cpu"]


def test_a_file_url_and_an_encoded_plus_are_recognised(tmp_path: Path) -> None:
    (tmp_path / "torch-2.13.0%2Bcpu-cp311-cp311-linux_x86_64.whl").write_bytes(b"")
    assert torch_pip_args.pip_args({"PIP_FIND_LINKS": f"file://{tmp_path}"}, "") == ["torch==2.13.0+cpu"]


@pytest.mark.parametrize(
    "name",
    [
        "torch-2.13.0-cp311-cp311-manylinux_2_28_x86_64.whl",  # PyPI's CUDA build
        "torch-2.14.1+cpu-cp311-cp311-linux_x86_64.whl",  # another release
        "torchvision-0.29.1+cpu-cp311-cp311-linux_x86_64.whl",
    ],
)
def test_other_wheels_in_the_folder_do_not_count(tmp_path: Path, name: str) -> None:
    (tmp_path / name).write_bytes(b"")
    assert torch_pip_args.pip_args({"PIP_FIND_LINKS": str(tmp_path)}, "") == INDEXED


def test_missing_folders_fall_back_to_the_index() -> None:
    assert torch_pip_args.pip_args({"PIP_FIND_LINKS": "/no/such/folder"}, "global.find-links='/nor/this'") == INDEXED
