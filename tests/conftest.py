"""Shared test set-up: quiet TensorFlow, the Keras backend, float64 on JAX, reproducible seeds.

The suite runs under KERAS_BACKEND=tensorflow (the default here), jax and
torch. What only holds on TensorFlow carries the ``tensorflow_only`` marker;
what needs R carries ``r`` (the JAX and PyTorch runs deselect it).
"""

import os
import re
import sys
from collections.abc import Callable
from typing import Any

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
# The default stays TensorFlow; a backend chosen in the environment is respected.
os.environ.setdefault("KERAS_BACKEND", "tensorflow")
BACKEND = os.environ["KERAS_BACKEND"]
if BACKEND == "jax":
    # The float64 tests need 64-bit JAX arrays (JAX computes in 32 bits unless
    # told otherwise). The variable is read when jax is imported; if something
    # imported it already (doctest collection of the package), set the flag.
    os.environ.setdefault("JAX_ENABLE_X64", "1")
    if "jax" in sys.modules:
        sys.modules["jax"].config.update("jax_enable_x64", os.environ["JAX_ENABLE_X64"] not in ("0", "false", "False"))

import numpy as np  # noqa: E402
import pytest  # noqa: E402

# Marker -> the one backend its tests are about.
_BACKEND_MARKERS = {"tensorflow_only": "tensorflow", "jax_only": "jax"}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests about one backend run in that backend's run and are deselected (not skipped) in the others.

    Every backend has its own run in `make test`, so nothing is left out:
    a skip would read as a missing piece.
    """
    kept, deselected = [], []
    for item in items:
        wanted = {backend for marker, backend in _BACKEND_MARKERS.items() if item.get_closest_marker(marker)}
        (deselected if wanted and BACKEND not in wanted else kept).append(item)
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = kept


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(20261124)


@pytest.fixture(scope="session")
def functions() -> dict[int, Callable[..., Any]]:
    """The depthwise layer functions by spatial rank: ``functions[rank](...)``, from the declarations.

    Imported when first asked for, not when this file loads: the parity suite
    embeds R before anything imports Keras.
    """
    import kerasr_bridge
    from kerasr_bridge.declarations import DECLARATIONS

    return {
        declaration.rank: getattr(kerasr_bridge, declaration.name)
        for declaration in DECLARATIONS.values()
        if declaration.family == "depthwise"
    }


@pytest.fixture(scope="session")
def raises_ours() -> Callable[..., str]:
    """``raises_ours(error_type, call, *args, **kwargs)``: the message of our error, checked for what every one must be.

    One of our typed errors (so code can tell it apart from the backend's), as
    short as every message is, with no ANSI escapes and none of what
    TensorFlow's own errors carry (class names, module paths, op and device names).
    """
    from kerasr_bridge import render
    from kerasr_bridge.errors import INVALID

    ansi = re.compile(r"\x1b\[")
    leaks = re.compile(r"tensorflow|errors_impl|InvalidArgumentError|ResourceExhaustedError|\[Op:|/job:|function_node")

    def check(error_type: type[Exception], call: Callable[..., Any], *args: Any, **kwargs: Any) -> str:
        with pytest.raises(error_type) as caught:
            call(*args, **kwargs)
        message = str(caught.value)
        assert isinstance(caught.value, INVALID), f"{type(caught.value).__name__}: {message}"
        assert len(message) <= render.MAX_MESSAGE_CHARS, message
        assert not ansi.search(message), message
        assert not leaks.search(message), message
        return message

    return check

# Property-based tests: a quick default profile for every run, a thorough one
# (HYPOTHESIS_PROFILE=thorough) for the 2000+ example sweeps.
from hypothesis import HealthCheck, settings  # noqa: E402

settings.register_profile(
    "default", max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile(
    "thorough", max_examples=2500, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))
