"""lamina.config: thread and memory settings."""

import os
import subprocess
import sys

import pytest

import lamina


def test_set_num_threads_validates():
    with pytest.raises(ValueError, match="positive thread count"):
        lamina.config.set_num_threads(0)
    with pytest.raises(ValueError, match=r"\(0, 1\]"):
        lamina.config.set_memory_fraction(1.5)


def test_thread_limit_applies_in_a_fresh_process():
    code = ("import lamina; lamina.config.set_num_threads(1); import numpy as np; "
            "print(float(lamina.ops.sum(lamina.ops.convert_to_tensor(np.ones(3)))))")
    env = dict(os.environ)
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "3.0"


def test_lamina_num_threads_environment_variable():
    code = ("import os, lamina\n"
            "if lamina.backend.backend() == 'torch':\n"
            "    import torch; print(torch.get_num_threads())\n"
            "else:\n"
            "    print(1 if 'intra_op_parallelism_threads=1' in os.environ.get('XLA_FLAGS', '') else 0)\n")
    env = dict(os.environ, LAMINA_NUM_THREADS="1")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "1"
