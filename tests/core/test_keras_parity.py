"""Real Keras 3 as an oracle: Dense, Embedding, activations and initializer statistics."""

import numpy as np
import pytest

import lamina
from lamina import backend, layers, ops

keras = pytest.importorskip("keras")


def _np(x):
    return np.asarray(backend.convert_to_numpy(x))


def test_dense_matches_keras():
    x = np.random.RandomState(0).randn(4, 6).astype("float32")
    ours = layers.Dense(3, activation="tanh")
    ours.build((None, 6))
    theirs = keras.layers.Dense(3, activation="tanh")
    theirs.build((None, 6))
    theirs.set_weights(ours.get_weights())
    np.testing.assert_allclose(_np(ours(x)), keras.ops.convert_to_numpy(theirs(x)), rtol=1e-5, atol=1e-6)
    assert [w.path for w in ours.weights] == [w.path for w in theirs.weights]


def test_embedding_and_mask_match_keras():
    ids = np.array([[1, 2, 0], [4, 0, 0]])
    ours = layers.Embedding(5, 3, mask_zero=True)
    ours.build()
    theirs = keras.layers.Embedding(5, 3, mask_zero=True)
    theirs.build()
    theirs.set_weights(ours.get_weights())
    np.testing.assert_allclose(_np(ours(ids)), keras.ops.convert_to_numpy(theirs(ids)), rtol=1e-6)
    np.testing.assert_array_equal(_np(ours.compute_mask(ids)), keras.ops.convert_to_numpy(theirs.compute_mask(ids)))


@pytest.mark.parametrize("name", ["relu", "relu6", "sigmoid", "tanh", "softplus", "softsign", "silu", "gelu", "elu",
                                  "selu", "leaky_relu", "hard_sigmoid", "hard_silu", "softmax", "log_softmax",
                                  "linear", "exponential", "mish"])
def test_activation_matches_keras(name):
    x = np.linspace(-4, 4, 24, dtype="float32").reshape(4, 6)
    ours = _np(lamina.activations.get(name)(ops.convert_to_tensor(x)))
    theirs = keras.ops.convert_to_numpy(keras.activations.get(name)(x))
    np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("name,shape", [
    ("glorot_uniform", (200, 300)), ("glorot_normal", (200, 300)), ("he_uniform", (200, 300)),
    ("he_normal", (200, 300)), ("lecun_uniform", (200, 300)), ("lecun_normal", (200, 300)),
    ("random_normal", (200, 300)), ("random_uniform", (200, 300)), ("truncated_normal", (200, 300)),
    ("orthogonal", (100, 100)), ("zeros", (10, 10)), ("ones", (10, 10)), ("identity", (10, 10)),
    ("glorot_uniform", (3, 3, 16, 32)),
])
def test_initializer_statistics_match_keras(name, shape):
    keras.utils.set_random_seed(0)  # both draws fixed: a statistical bound must not flake
    lamina.utils.set_random_seed(0)
    ours = _np(lamina.initializers.get(name)(shape, dtype="float32"))
    theirs = keras.ops.convert_to_numpy(keras.initializers.get(name)(shape, dtype="float32"))
    assert ours.shape == theirs.shape
    np.testing.assert_allclose(ours.mean(), theirs.mean(), atol=0.01)
    np.testing.assert_allclose(ours.std(), theirs.std(), rtol=0.05, atol=1e-3)
    # The largest magnitude must not exceed Keras's (the scale and any truncation agree). Not
    # compared the other way: Keras's torch truncated normal now and then returns a value
    # past its 2-sigma bound (seen: 0.198 against a bound of 0.144), which is not a target.
    assert np.abs(ours).max() <= np.abs(theirs).max() * 1.25 + 1e-3


def test_orthogonal_is_orthogonal():
    w = _np(lamina.initializers.Orthogonal(gain=2.0, seed=1)((64, 64)))
    np.testing.assert_allclose(w.T @ w, 4.0 * np.eye(64), atol=1e-4)


@pytest.mark.parametrize("cls,kwargs", [
    ("GlorotUniform", {"seed": 3}), ("VarianceScaling", {"scale": 2.0, "mode": "fan_out", "distribution": "uniform"}),
    ("Constant", {"value": 0.5}), ("RandomNormal", {"mean": 1.0, "stddev": 0.1, "seed": 2}),
])
def test_initializer_configs_load_in_keras(cls, kwargs):
    ours = getattr(lamina.initializers, cls)(**kwargs)
    config = ours.get_config()
    theirs = getattr(keras.initializers, cls).from_config(config)
    assert theirs.get_config() == {**theirs.get_config(), **config}
    assert lamina.initializers.get(lamina.initializers.serialize(ours)).get_config() == config


@pytest.mark.parametrize("reg", [lamina.regularizers.L1(0.1), lamina.regularizers.L2(0.2),
                                 lamina.regularizers.L1L2(0.1, 0.3), lamina.regularizers.OrthogonalRegularizer(0.5)])
def test_regularizers_match_keras(reg):
    x = np.random.RandomState(0).randn(5, 4).astype("float32")
    theirs = getattr(keras.regularizers, type(reg).__name__).from_config(reg.get_config())
    np.testing.assert_allclose(float(_np(reg(ops.convert_to_tensor(x)))),
                               float(keras.ops.convert_to_numpy(theirs(x))), rtol=1e-5)


@pytest.mark.parametrize("cons", [lamina.constraints.MaxNorm(1.5), lamina.constraints.MinMaxNorm(0.5, 1.0),
                                  lamina.constraints.NonNeg(), lamina.constraints.UnitNorm()])
def test_constraints_match_keras(cons):
    x = np.random.RandomState(0).randn(5, 4).astype("float32") * 2
    theirs = getattr(keras.constraints, type(cons).__name__).from_config(cons.get_config())
    np.testing.assert_allclose(_np(cons(ops.convert_to_tensor(x))), keras.ops.convert_to_numpy(theirs(x)),
                               rtol=1e-5, atol=1e-6)


def test_get_serialize_deserialize_families():
    for module, item in ((lamina.initializers, lamina.initializers.HeNormal(seed=1)),
                         (lamina.regularizers, lamina.regularizers.L2(0.3)),
                         (lamina.constraints, lamina.constraints.MaxNorm(3))):
        config = module.serialize(item)
        assert config["module"].startswith("keras.")
        again = module.deserialize(config)
        assert type(again) is type(item) and again.get_config() == item.get_config()
    with pytest.raises(ValueError, match="Unknown initializer"):
        lamina.initializers.get("glorot_uniformish")
