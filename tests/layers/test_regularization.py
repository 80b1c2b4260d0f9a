"""Regularization layers: identity at inference, noise only in training, Keras configs."""

import numpy as np
import pytest

import lamina
from lamina import backend, layers, ops, testing


def _np(x):
    return np.asarray(backend.convert_to_numpy(x))


@pytest.mark.parametrize("cls,kwargs,in_shape", [
    (layers.SpatialDropout1D, {"rate": 0.5, "seed": 1}, (2, 4, 3)),
    (layers.SpatialDropout2D, {"rate": 0.5, "seed": 1, "data_format": "channels_first"}, (2, 3, 4, 4)),
    (layers.SpatialDropout3D, {"rate": 0.5, "seed": 1}, (1, 2, 2, 2, 3)),
    (layers.GaussianDropout, {"rate": 0.3, "seed": 1}, (2, 5)),
    (layers.GaussianNoise, {"stddev": 0.3, "seed": 1}, (2, 5)),
    (layers.AlphaDropout, {"rate": 0.3, "seed": 1}, (2, 5)),
    (layers.ActivityRegularization, {"l1": 0.1, "l2": 0.01}, (2, 5)),
])
def test_harness_and_inference_identity(cls, kwargs, in_shape):
    layer = testing.run_layer_test(cls, kwargs, input_shape=in_shape, expected_output_shape=in_shape,
                                   expected_num_trainable_weights=0, supports_masking=True)
    x = np.random.default_rng(0).normal(size=in_shape).astype("float32")
    np.testing.assert_array_equal(_np(layer(x)), x)
    np.testing.assert_array_equal(_np(layer(x, training=False)), x)


def test_training_changes_values():
    x = np.ones((64, 8, 4), "float32")
    y = _np(layers.SpatialDropout1D(0.5, seed=3)(x, training=True))
    # Whole channels are dropped: each (sample, channel) column is all 0 or all 2.
    per_channel = y.transpose(0, 2, 1).reshape(-1, 8)
    assert set(np.unique(per_channel.std(axis=1))) == {0.0}
    assert set(np.unique(y)) == {0.0, 2.0}
    g = _np(layers.GaussianNoise(1.0, seed=3)(x, training=True))
    assert abs(g.std() - 1.0) < 0.1 and abs(g.mean() - 1.0) < 0.1
    d = _np(layers.GaussianDropout(0.5, seed=3)(x, training=True))
    assert abs(d.mean() - 1.0) < 0.1 and abs(d.std() - 1.0) < 0.1
    unit = np.random.default_rng(1).normal(size=(1, 8192)).astype("float32")
    a = _np(layers.AlphaDropout(0.5, seed=3)(unit, training=True))
    assert abs(a.mean()) < 0.1 and abs(a.std() - 1.0) < 0.15  # keeps zero mean / unit variance of SELU inputs


def test_activity_regularization_loss_value():
    layer = layers.ActivityRegularization(l1=0.1, l2=0.01)
    x = np.array([[1.0, -2.0]], "float32")
    layer(x)
    np.testing.assert_allclose(_np(layer.losses[0]), 0.1 * 3 + 0.01 * 5, rtol=1e-6)


def test_errors():
    with pytest.raises(ValueError, match="rate"):
        layers.GaussianDropout(1.5)
    with pytest.raises(ValueError, match="stddev"):
        layers.GaussianNoise(-1.0)
    with pytest.raises(ValueError, match="expected ndim=4"):
        layers.SpatialDropout2D(0.5)(np.ones((2, 3), "float32"))


@pytest.mark.parametrize("name,kwargs", [
    ("SpatialDropout1D", {"rate": 0.2, "seed": 3}), ("SpatialDropout2D", {"rate": 0.2, "data_format": "channels_first"}),
    ("SpatialDropout3D", {"rate": 0.1}), ("GaussianDropout", {"rate": 0.2}), ("GaussianNoise", {"stddev": 0.2}),
    ("AlphaDropout", {"rate": 0.2, "noise_shape": None}), ("ActivityRegularization", {"l1": 0.1}),
])
def test_config_matches_keras_and_inference_parity(parity, name, kwargs):
    keras = pytest.importorskip("keras")
    ours = getattr(lamina.layers, name)(**kwargs).get_config()
    theirs = getattr(keras.layers, name)(**kwargs).get_config()
    for key in ("name", "dtype", "trainable"):
        ours.pop(key, None), theirs.pop(key, None)
    assert ours == theirs
    shape = {"SpatialDropout1D": (2, 3, 4), "SpatialDropout2D": (2, 3, 4, 4), "SpatialDropout3D": (1, 2, 2, 2, 3)}
    x = np.random.default_rng(0).normal(size=shape.get(name, (2, 5))).astype("float32")
    parity(name, kwargs, x, call_kwargs={"training": False})


def test_dropout_layers_in_training_step_under_value_and_grad():
    dense = layers.Dense(3)
    noise = layers.GaussianNoise(0.5, seed=1)
    x = np.ones((4, 2), "float32")
    dense(x)
    loss, grads = ops.value_and_grad(lambda: ops.mean(noise(dense(x), training=True)), dense.trainable_weights)
    # The noise is additive, so d mean(x @ W + b + noise) / d(W, b) is the noise-free
    # gradient: each output is 1 / (4 * 3) of the mean, and x is all ones.
    np.testing.assert_allclose(_np(grads[0]), np.full((2, 3), 4 / 12), rtol=1e-6)
    np.testing.assert_allclose(_np(grads[1]), np.full((3,), 4 / 12), rtol=1e-6)
    clean = float(_np(ops.mean(dense(x))))
    assert not np.isclose(float(_np(loss)), clean, atol=1e-3)  # the noise was applied in training
    np.testing.assert_allclose(_np(ops.mean(noise(dense(x), training=False))), clean, rtol=1e-6)
