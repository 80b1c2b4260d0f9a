"""Every optimizer against real Keras 3: same weights and gradients, same results after several steps."""

import numpy as np
import pytest

import lamina
from tests.conftest import keras_or_skip

SHAPES = [(3, 4), (4,)]
STEPS = 5

CASES = [
    ("SGD", {"learning_rate": 0.1}),
    ("SGD", {"learning_rate": 0.1, "momentum": 0.9}),
    ("SGD", {"learning_rate": 0.1, "momentum": 0.9, "nesterov": True}),
    ("RMSprop", {"learning_rate": 0.01}),
    ("RMSprop", {"learning_rate": 0.01, "momentum": 0.5, "centered": True}),
    ("Adam", {"learning_rate": 0.01}),
    ("Adam", {"learning_rate": 0.01, "amsgrad": True}),
    ("AdamW", {"learning_rate": 0.01, "weight_decay": 0.1}),
    ("Adagrad", {"learning_rate": 0.1}),
    ("Adadelta", {"learning_rate": 1.0}),
    ("Adamax", {"learning_rate": 0.01}),
    ("Nadam", {"learning_rate": 0.01}),
    ("Lion", {"learning_rate": 0.01}),
    ("Adafactor", {"learning_rate": 0.01}),
    ("Ftrl", {"learning_rate": 0.1, "l1_regularization_strength": 0.01, "l2_regularization_strength": 0.01,
              "l2_shrinkage_regularization_strength": 0.01, "beta": 0.1}),
    ("SGD", {"learning_rate": 0.1, "clipnorm": 0.5}),
    ("Adam", {"learning_rate": 0.01, "global_clipnorm": 0.5}),
    ("RMSprop", {"learning_rate": 0.01, "clipvalue": 0.2}),
    ("SGD", {"learning_rate": 0.1, "weight_decay": 0.05}),
    ("Adam", {"learning_rate": 0.01, "use_ema": True, "ema_momentum": 0.9, "ema_overwrite_frequency": 2}),
    ("SGD", {"learning_rate": 0.1, "momentum": 0.5, "gradient_accumulation_steps": 2}),
    ("Adam", {"learning_rate": 0.01, "loss_scale_factor": 4.0}),
]


def _data():
    rng = np.random.default_rng(42)
    weights = [rng.normal(size=s).astype("float32") for s in SHAPES]
    grads = [[rng.normal(size=s).astype("float32") for s in SHAPES] for _ in range(STEPS)]
    return weights, grads


def _run(lib, name, kwargs, weights, grads):
    opt = getattr(lib.optimizers, name)(**kwargs)
    variables = [lib.Variable(w.copy(), name=f"w{i}") for i, w in enumerate(weights)]
    for step in grads:
        opt.apply_gradients(zip([lib.ops.convert_to_tensor(g) for g in step], variables))
    return [np.asarray(v.numpy()) for v in variables], [np.asarray(v.numpy()) for v in opt.variables], opt


def _grouped():
    # One test per optimizer class (each test pays the session-reset fixture once).
    groups = {}
    for name, kwargs in CASES:
        groups.setdefault(name, []).append(kwargs)
    return sorted(groups.items())


@pytest.mark.parametrize("name,configs", _grouped(), ids=[n for n, _ in _grouped()])
def test_matches_keras(name, configs):
    keras = keras_or_skip()
    weights, grads = _data()
    for kwargs in configs:
        _compare(keras, name, kwargs, weights, grads)


def _compare(keras, name, kwargs, weights, grads):
    k_w, k_state, k_opt = _run(keras, name, kwargs, weights, grads)
    l_w, l_state, l_opt = _run(lamina, name, kwargs, weights, grads)
    for a, b in zip(l_w, k_w):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6, err_msg=f"{name}({kwargs}) weights")
    assert len(l_state) == len(k_state)
    for a, b in zip(l_state, k_state):
        assert a.shape == b.shape and a.dtype == b.dtype
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6, err_msg=f"{name}({kwargs}) state")
    assert [v.path.split("/", 1)[1] for v in l_opt.variables][:2] == ["iteration", "learning_rate"]
    l_config, k_config = l_opt.get_config(), k_opt.get_config()
    l_config.pop("name"), k_config.pop("name")
    assert l_config == k_config


def test_slot_paths_match_keras():
    keras = keras_or_skip()
    k_layer = keras.layers.Dense(2, name="dense")
    k_layer.build((None, 3))
    l_layer = lamina.layers.Dense(2, name="dense")
    l_layer.build((None, 3))
    k_opt, l_opt = keras.optimizers.Adam(name="adam"), lamina.optimizers.Adam(name="adam")
    k_opt.build(k_layer.trainable_variables)
    l_opt.build(l_layer.trainable_variables)
    assert [v.path for v in l_opt.variables] == [v.path for v in k_opt.variables]
    assert [v.path for v in l_opt.variables][2] == "adam/dense_kernel_momentum"


def test_configs_move_both_ways_with_keras():
    keras = keras_or_skip()
    schedule = keras.optimizers.schedules.CosineDecay(0.1, 100, warmup_target=0.2, warmup_steps=5)
    for k_opt in (keras.optimizers.AdamW(learning_rate=schedule), keras.optimizers.Ftrl(beta=0.1),
                  keras.optimizers.SGD(momentum=0.9, nesterov=True, clipnorm=1.0)):
        config = keras.optimizers.serialize(k_opt)
        ours = lamina.optimizers.deserialize(config)
        assert type(ours).__name__ == type(k_opt).__name__
        ours_config = lamina.optimizers.serialize(ours)
        # (Keras on torch writes some classes under a private backend module; the config is what matters.)
        assert ours_config["class_name"] == config["class_name"] and ours_config["config"] == config["config"]
        assert ours_config["module"] == "keras.optimizers" and ours_config["registered_name"] is None
        assert type(keras.optimizers.deserialize(lamina.optimizers.serialize(ours))) is type(k_opt)
