"""The files generated from the declarations (kerasr_bridge/declarations.py) are current and say they are generated.

``tools/generate.py`` writes the Python layer functions and R/layers.R; a file
edited by hand, or a declaration changed without ``make generate``, fails
here. The Rd pages roxygen2 writes from R/layers.R are checked in tests/docs.
"""

from __future__ import annotations

import importlib.util
import inspect
import subprocess
import sys
from pathlib import Path

import pytest

import kerasr_bridge
from kerasr_bridge.declarations import DECLARATIONS, REQUIRED

ROOT = Path(__file__).resolve().parents[2]
GENERATOR = ROOT / "tools" / "generate.py"


def _generator():
    spec = importlib.util.spec_from_file_location("_kerasr_bridge_generate", GENERATOR)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_generated_files_are_current():
    done = subprocess.run([sys.executable, str(GENERATOR), "--check"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr


def test_the_generated_files_say_so_at_their_top():
    generator = _generator()
    for path in generator.OUTPUTS:
        head = "\n".join(path.read_text(encoding="utf-8").splitlines()[:3])
        assert generator.HEADER in head, path


def test_the_check_notices_a_stale_file(tmp_path, monkeypatch, capsys):
    generator = _generator()
    stale = tmp_path / "layers.R"
    stale.write_text("# edited by hand\n", encoding="utf-8")
    monkeypatch.setattr(generator, "ROOT", tmp_path)
    monkeypatch.setattr(generator, "OUTPUTS", {stale: generator.r_source})
    assert generator.main(["--check"]) == 1
    assert "layers.R" in capsys.readouterr().err
    assert stale.read_text(encoding="utf-8") == "# edited by hand\n", "--check must not write"
    assert generator.main([]) == 0 and generator.main(["--check"]) == 0


@pytest.mark.parametrize("declaration", DECLARATIONS.values(), ids=DECLARATIONS.keys())
def test_each_python_signature_is_its_declaration(declaration):
    """object first, then the declared arguments with their Python defaults, then **kwargs: a real signature."""
    parameters = list(inspect.signature(getattr(kerasr_bridge, declaration.name)).parameters.values())
    assert [p.name for p in parameters] == ["object", *(a.name for a in declaration.arguments), "kwargs"]
    assert parameters[0].default is None
    assert parameters[-1].kind is inspect.Parameter.VAR_KEYWORD
    for parameter, argument in zip(parameters[1:-1], declaration.arguments, strict=True):
        if argument.required:
            assert parameter.default is REQUIRED, argument.name
        else:
            assert parameter.default == argument.python_default, argument.name


def test_every_declared_function_is_exported_and_documented():
    for name, declaration in DECLARATIONS.items():
        function = getattr(kerasr_bridge, name)
        assert name in kerasr_bridge.__all__
        assert function.__name__ == name
        assert (function.__doc__ or "").startswith(declaration.title)
