"""Every test here starts a process (a fresh Python, Rscript, a benchmark or a training run): together
about 3 extra minutes. They carry the `process` marker, which pytest.ini deselects by default, so a
plain `pytest` (and `make check`) runs the in-process suite only; the Makefile's full runs
(`make test`) select them again."""

from __future__ import annotations

from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent


@pytest.hookimpl(tryfirst=True)  # before -m deselects by marker
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if HERE in Path(item.path).resolve().parents:
            item.add_marker(pytest.mark.process)
