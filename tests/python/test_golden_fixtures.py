"""The golden fixtures (shared with testthat) hold for the Python functions."""

import json
from pathlib import Path

import keras
import numpy as np
import pytest

import kerasr_bridge

FIXTURES = json.loads((Path(__file__).parents[1] / "fixtures" / "depthwise_cases.json").read_text())["cases"]


@pytest.mark.parametrize("case", FIXTURES, ids=[case["name"] for case in FIXTURES])
def test_fixture_case(case):
    function = getattr(kerasr_bridge, case["function"])
    x = np.asarray(case["input"])
    y = function(x, weights=[np.asarray(w) for w in case["weights"]], **case["args"])
    np.testing.assert_allclose(keras.ops.convert_to_numpy(y), np.asarray(case["expected"]), rtol=1e-5, atol=1e-5)


def test_fixtures_are_current(tmp_path, monkeypatch):
    """Regenerating the fixtures gives the committed file (the generator is the source)."""
    import importlib.util

    path = Path(__file__).parents[1] / "fixtures" / "make_fixtures.py"
    spec = importlib.util.spec_from_file_location("make_fixtures", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    monkeypatch.setattr(module, "HERE", tmp_path)
    module.main()
    committed = json.loads((path.parent / "depthwise_cases.json").read_text())
    assert json.loads((tmp_path / "depthwise_cases.json").read_text()) == committed
