"""Learning-rate schedules against real Keras 3, config round trips, and use inside an optimizer."""

import numpy as np
import pytest

import lamina
from lamina import ops
from lamina.optimizers import schedules
from tests.conftest import keras_or_skip

CASES = [
    ("ExponentialDecay", {"initial_learning_rate": 0.1, "decay_steps": 7, "decay_rate": 0.8}),
    ("ExponentialDecay", {"initial_learning_rate": 0.1, "decay_steps": 7, "decay_rate": 0.8, "staircase": True}),
    ("PiecewiseConstantDecay", {"boundaries": [5, 12, 20], "values": [1.0, 0.5, 0.2, 0.05]}),
    ("InverseTimeDecay", {"initial_learning_rate": 0.1, "decay_steps": 3, "decay_rate": 0.5}),
    ("InverseTimeDecay", {"initial_learning_rate": 0.1, "decay_steps": 3, "decay_rate": 0.5, "staircase": True}),
    ("PolynomialDecay", {"initial_learning_rate": 0.1, "decay_steps": 10, "end_learning_rate": 0.01,
                         "power": 2.0}),
    ("PolynomialDecay", {"initial_learning_rate": 0.1, "decay_steps": 10, "power": 0.5, "cycle": True}),
    ("CosineDecay", {"initial_learning_rate": 0.1, "decay_steps": 20, "alpha": 0.1}),
    ("CosineDecay", {"initial_learning_rate": 0.0, "decay_steps": 20, "warmup_target": 0.2,
                     "warmup_steps": 5}),
    ("CosineDecayRestarts", {"initial_learning_rate": 0.1, "first_decay_steps": 5}),
    ("CosineDecayRestarts", {"initial_learning_rate": 0.1, "first_decay_steps": 5, "t_mul": 1.0,
                             "m_mul": 0.5, "alpha": 0.05}),
]
STEPS = [0, 3, 5, 6, 12, 13, 24, 60]


def test_matches_keras():
    keras = keras_or_skip()
    for name, kwargs in CASES:
        _compare(keras, name, kwargs)


def _compare(keras, name, kwargs):
    ours = getattr(schedules, name)(**kwargs)
    theirs = getattr(keras.optimizers.schedules, name)(**kwargs)
    for step in STEPS:
        got = float(ops.convert_to_numpy(ours(step)))
        want = float(keras.ops.convert_to_numpy(theirs(step)))
        np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-8, err_msg=f"{name} at step {step}")
    assert ours.get_config() == theirs.get_config()
    restored = schedules.deserialize(schedules.serialize(ours))
    assert type(restored) is type(ours) and restored.get_config() == ours.get_config()
    assert schedules.serialize(ours)["module"] == "keras.optimizers.schedules"


def test_schedule_follows_iterations_and_serializes_in_optimizer():
    schedule = schedules.ExponentialDecay(0.1, decay_steps=1, decay_rate=0.5)
    opt = lamina.optimizers.SGD(learning_rate=schedule)
    var = lamina.Variable(np.zeros((2,), "float32"))
    assert [v.name for v in opt.variables] == ["iteration"]
    expected = 0.0
    for step in range(3):
        np.testing.assert_allclose(float(ops.convert_to_numpy(opt.learning_rate)), 0.1 * 0.5**step, rtol=1e-6)
        opt.apply([ops.ones((2,))], [var])
        expected -= 0.1 * 0.5**step
    np.testing.assert_allclose(var.numpy(), [expected] * 2, rtol=1e-6)
    config = opt.get_config()
    assert config["learning_rate"]["class_name"] == "ExponentialDecay"
    restored = lamina.optimizers.SGD.from_config(config)
    assert isinstance(restored._learning_rate, schedules.ExponentialDecay)
    with pytest.raises(TypeError, match="cannot be set to a number"):
        opt.learning_rate = 0.5


def test_bad_arguments():
    with pytest.raises(ValueError, match="decay_steps"):
        schedules.ExponentialDecay(0.1, decay_steps=0, decay_rate=0.9)
    with pytest.raises(ValueError, match="one more element"):
        schedules.PiecewiseConstantDecay([1, 2], [1.0, 0.5])
