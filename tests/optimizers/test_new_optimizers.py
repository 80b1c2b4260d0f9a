"""Lamb, Muon and ScheduleFreeAdamW against Keras 3: weights and slots after several steps, configs."""

import numpy as np
import pytest

import lamina
from tests.conftest import keras_or_skip

STEPS = 4
CASES = [
    ("Lamb", {"learning_rate": 0.01}),
    ("Lamb", {"learning_rate": 0.01, "weight_decay": 0.1, "beta_1": 0.8}),
    ("ScheduleFreeAdamW", {"learning_rate": 0.01}),
    ("ScheduleFreeAdamW", {"learning_rate": 0.01, "warmup_steps": 3, "beta_1": 0.8, "weight_decay": 0.05}),
    ("Muon", {"learning_rate": 0.01}),
    ("Muon", {"learning_rate": 0.01, "nesterov": False, "rms_rate": None, "ns_steps": 3, "adam_lr_ratio": 0.5,
              "exclude_layers": ["w1"], "weight_decay": None}),
]


def _data():
    rng = np.random.default_rng(11)
    # A tall and a wide matrix (Muon), a vector (AdamW in Muon) and a matrix excluded by name.
    shapes = {"w0": (5, 3), "w1": (3, 4), "w2": (4,), "w3": (2, 6)}
    weights = {n: rng.normal(size=s).astype("float32") for n, s in shapes.items()}
    grads = [{n: rng.normal(size=s).astype("float32") for n, s in shapes.items()} for _ in range(STEPS)]
    return weights, grads


def _run(lib, name, kwargs, weights, grads):
    opt = getattr(lib.optimizers, name)(**kwargs)
    variables = [lib.Variable(w.copy(), name=n) for n, w in weights.items()]
    for step in grads:
        opt.apply_gradients(zip([lib.ops.convert_to_tensor(g) for g in step.values()], variables))
    return [np.asarray(v.numpy()) for v in variables], [np.asarray(v.numpy()) for v in opt.variables], opt


@pytest.mark.parametrize("name,kwargs", CASES, ids=[f"{n}-{i}" for i, (n, _) in enumerate(CASES)])
def test_matches_keras(name, kwargs):
    keras = keras_or_skip()
    weights, grads = _data()
    k_w, k_state, k_opt = _run(keras, name, kwargs, weights, grads)
    l_w, l_state, l_opt = _run(lamina, name, kwargs, weights, grads)
    for a, b in zip(l_w, k_w):
        np.testing.assert_allclose(a, b, rtol=2e-5, atol=2e-6, err_msg=f"{name}({kwargs}) weights")
    assert [v.path.split("/", 1)[1] for v in l_opt.variables] == [v.path.split("/", 1)[1] for v in k_opt.variables]
    for a, b in zip(l_state, k_state):
        np.testing.assert_allclose(a, b, rtol=2e-5, atol=2e-6, err_msg=f"{name}({kwargs}) state")
    l_config, k_config = l_opt.get_config(), k_opt.get_config()
    l_config.pop("name"), k_config.pop("name")
    assert l_config == k_config


@pytest.mark.parametrize("name,kwargs", [CASES[1], CASES[3], CASES[5]], ids=["Lamb", "ScheduleFreeAdamW", "Muon"])
def test_config_round_trips_both_ways(name, kwargs):
    keras = keras_or_skip()
    ours = getattr(lamina.optimizers, name)(**kwargs)
    config = lamina.optimizers.serialize(ours)
    restored = lamina.optimizers.deserialize(config)
    assert type(restored) is type(ours) and restored.get_config() == ours.get_config()
    theirs = getattr(keras.optimizers, name)(**kwargs)
    keras_config = keras.optimizers.serialize(theirs)
    outer = lambda c: {k: v for k, v in c.items() if k != "config"}  # noqa: E731
    assert outer(config) == outer(keras_config)
    drop_name = lambda c: {k: v for k, v in c["config"].items() if k != "name"}  # noqa: E731
    assert drop_name(config) == drop_name(keras_config)
    restored = lamina.optimizers.deserialize(keras_config)
    assert drop_name(lamina.optimizers.serialize(restored)) == drop_name(config)
    if name != "Lamb":  # Keras 3.15's own deserialize does not know its Lamb
        assert type(keras.optimizers.deserialize(config)).__name__ == name
    assert isinstance(lamina.optimizers.get(name.lower()), getattr(lamina.optimizers, name))


def test_bad_arguments_are_named():
    with pytest.raises(ValueError, match="ScheduleFreeAdamW: `warmup_steps` must be a non-negative integer"):
        lamina.optimizers.ScheduleFreeAdamW(warmup_steps=-1)
    with pytest.raises(ValueError, match="Muon: `ns_steps` must be a non-negative integer"):
        lamina.optimizers.Muon(ns_steps=2.5)


def test_fit_with_muon():
    # Muon picks its rule per weight at build time: Dense kernels Newton-Schulz, biases AdamW.
    x = np.random.default_rng(0).normal(size=(16, 3)).astype("float32")
    model = lamina.Sequential([lamina.Input((3,)), lamina.layers.Dense(4), lamina.layers.Dense(1)])
    model.compile(lamina.optimizers.Muon(0.01), "mse")
    history = model.fit(x, x[:, :1], epochs=2, batch_size=8, verbose=0)
    assert np.isfinite(history.history["loss"]).all()
    assert [v is None for v in model.optimizer._velocities] == [True, False, True, False]
