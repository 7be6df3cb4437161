"""A batch of 0 gives the right output with TensorFlow's oneDNN kernels, which this process may not use.

oneDNN is on by default only on Intel CPUs, and is chosen when TensorFlow
loads: a fresh interpreter with TF_ENABLE_ONEDNN_OPTS=1 runs the cases the
in-process tests run (tests/layer_cases.py).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest
from layer_cases import BATCH_OF_ZERO


@pytest.mark.tensorflow_only
def test_a_batch_of_zero_is_right_with_tensorflows_onednn_kernels():
    """TensorFlow's oneDNN kernels (on by default on Intel CPUs) return the input's shape for a batch of 0."""
    script = textwrap.dedent(
        f"""
        import json, numpy as np
        from kerasr_bridge import layer_depthwise_conv_1d, layer_depthwise_conv_2d
        functions = {{1: layer_depthwise_conv_1d, 2: layer_depthwise_conv_2d}}
        cases = {BATCH_OF_ZERO!r}
        print(json.dumps([list(functions[rank](np.zeros(shape), **kwargs).shape) for rank, shape, kwargs, _ in cases]))
        """
    )
    env = {**os.environ, "TF_ENABLE_ONEDNN_OPTS": "1", "KERAS_BACKEND": "tensorflow"}
    result = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-2000:]
    shapes = json.loads(result.stdout.strip().splitlines()[-1])
    assert [tuple(shape) for shape in shapes] == [case[3] for case in BATCH_OF_ZERO]
