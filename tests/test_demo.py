"""The main job: `python -m lamina.demo` trains the seed's S2-style MLP on the shipped digits."""

import os
import subprocess
import sys

from lamina.demo import main


def test_demo_learns_the_digits(capsys):
    accuracy = main(["--epochs", "8", "--verbose", "0"])
    out = capsys.readouterr().out
    assert "Total params: 8,970" in out
    assert "Test accuracy:" in out
    assert accuracy > 0.85


def test_demo_runs_as_a_module_with_a_progress_bar():
    env = dict(os.environ)
    result = subprocess.run([sys.executable, "-m", "lamina.demo", "--epochs", "2"], capture_output=True, text=True,
                            env=env, timeout=300)
    assert result.returncode == 0, result.stderr
    assert "Epoch 2/2" in result.stdout and "36/36" in result.stdout
    assert "Test accuracy:" in result.stdout
