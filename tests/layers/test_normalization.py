"""Normalization layers: harness, BatchNormalization training/inference semantics, Keras parity."""

import numpy as np
import pytest

import lamina
from lamina import backend, layers, ops, testing

RNG = np.random.default_rng(2)


def _x(*shape):
    return RNG.normal(loc=1.0, scale=2.0, size=shape).astype("float32")


def _np(x):
    return np.asarray(backend.convert_to_numpy(x))


@pytest.mark.parametrize("cls,kwargs,in_shape,n_train,n_non", [
    (layers.BatchNormalization, {}, (4, 3), 2, 2),
    (layers.BatchNormalization, {"axis": 1, "center": False}, (4, 3, 5, 5), 1, 2),
    (layers.LayerNormalization, {}, (2, 4, 3), 2, 0),
    (layers.LayerNormalization, {"axis": [1, 2], "scale": False}, (2, 4, 3), 1, 0),
    (layers.GroupNormalization, {"groups": 2}, (2, 5, 4), 2, 0),
    (layers.GroupNormalization, {"groups": -1, "axis": 1}, (2, 4, 5), 2, 0),
    (layers.RMSNormalization, {}, (2, 3, 4), 1, 0),
])
def test_normalization_harness(cls, kwargs, in_shape, n_train, n_non):
    testing.run_layer_test(cls, kwargs, input_shape=in_shape, expected_output_shape=in_shape,
                           expected_num_trainable_weights=n_train, expected_num_non_trainable_weights=n_non,
                           supports_masking=True)


def test_unit_normalization_harness_and_values():
    testing.run_layer_test(layers.UnitNormalization, {"axis": [1, 2]}, input_shape=(2, 3, 4),
                           expected_output_shape=(2, 3, 4), expected_num_trainable_weights=0)
    y = _np(layers.UnitNormalization()(np.array([[3.0, 4.0]], "float32")))
    np.testing.assert_allclose(y, [[0.6, 0.8]], rtol=1e-6)


def test_batchnorm_weight_order_and_names():
    bn = layers.BatchNormalization()
    bn.build((None, 3))
    assert [v.name for v in bn.weights] == ["gamma", "beta", "moving_mean", "moving_variance"]
    assert [v.name for v in bn.non_trainable_weights] == ["moving_mean", "moving_variance"]


def test_batchnorm_training_updates_moving_stats_and_inference_uses_them():
    x = _x(8, 3)
    bn = layers.BatchNormalization(momentum=0.5, epsilon=1e-3)
    y = _np(bn(x, training=True))
    mean, var = x.mean(0), x.var(0)
    np.testing.assert_allclose(y, (x - mean) / np.sqrt(var + 1e-3), rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(_np(bn.moving_mean.value), 0.5 * mean, rtol=1e-5)
    np.testing.assert_allclose(_np(bn.moving_variance.value), 0.5 + 0.5 * var, rtol=1e-5)
    y_inf = _np(bn(x, training=False))
    np.testing.assert_allclose(y_inf, (x - 0.5 * mean) / np.sqrt(0.5 + 0.5 * var + 1e-3), rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(_np(bn.moving_mean.value), 0.5 * mean, rtol=1e-5)  # inference: no update


def test_frozen_batchnorm_runs_in_inference_mode():
    x = _x(8, 3)
    bn = layers.BatchNormalization()
    bn.build((None, 3))
    bn.trainable = False
    y = _np(bn(x, training=True))
    np.testing.assert_allclose(y, x / np.sqrt(1 + 1e-3), rtol=1e-5)
    np.testing.assert_allclose(_np(bn.moving_mean.value), 0.0)


def test_batchnorm_updates_inside_value_and_grad():
    x = _x(8, 3)
    bn = layers.BatchNormalization(momentum=0.0)
    bn.build((None, 3))
    loss, grads = ops.value_and_grad(lambda: ops.mean(ops.square(bn(x, training=True))), bn.trainable_weights)
    assert len(grads) == 2
    np.testing.assert_allclose(_np(bn.moving_mean.value), x.mean(0), rtol=1e-5)


def test_batchnorm_masked_statistics():
    x = _x(2, 4, 3)
    mask = np.array([[1, 1, 0, 0], [1, 1, 1, 0]], bool)
    bn = layers.BatchNormalization(momentum=0.0)
    bn(x, training=True, mask=backend.convert_to_tensor(mask))
    np.testing.assert_allclose(_np(bn.moving_mean.value), x[mask].mean(0), rtol=1e-4)
    np.testing.assert_allclose(_np(bn.moving_variance.value), x[mask].var(0), rtol=1e-4)


def test_errors():
    with pytest.raises(ValueError, match="groups=3 must divide the 4 channels"):
        layers.GroupNormalization(groups=3)(np.ones((2, 4), "float32"))
    with pytest.raises(ValueError, match="axis 3 is out of range"):
        layers.LayerNormalization(axis=3)(np.ones((2, 4), "float32"))
    bn = layers.BatchNormalization()
    bn(np.ones((2, 4), "float32"))
    with pytest.raises(ValueError, match="expected axis 1"):
        bn(np.ones((2, 5), "float32"))


@pytest.mark.parametrize("name,kwargs,shape,call_kwargs", [
    ("BatchNormalization", {}, (6, 4), {"training": False}),
    ("BatchNormalization", {"momentum": 0.8}, (6, 4), {"training": True}),
    ("BatchNormalization", {"axis": 1}, (3, 4, 5, 5), {"training": True}),
    ("BatchNormalization", {"axis": 1, "scale": False}, (3, 4, 5, 5), {"training": False}),
    ("BatchNormalization", {"axis": -1}, (3, 5, 5, 4), {"training": True}),
    ("LayerNormalization", {}, (3, 5, 4), {}),
    ("LayerNormalization", {"axis": [1, 2], "epsilon": 1e-5}, (3, 5, 4), {}),
    ("LayerNormalization", {"axis": 1, "center": False}, (3, 5, 4), {}),
    ("GroupNormalization", {"groups": 2}, (3, 5, 4), {}),
    ("GroupNormalization", {"groups": 4, "axis": 1}, (3, 8, 3, 3), {}),
    ("UnitNormalization", {"axis": [1, 2]}, (3, 5, 4), {}),
    ("RMSNormalization", {}, (3, 5, 4), {}),
])
def test_parity_with_keras(parity, name, kwargs, shape, call_kwargs):
    if name == "LayerNormalization" and kwargs.get("axis") == 1 and backend.backend() == "torch":
        pytest.skip("Keras 3 on torch fails on a non-trailing LayerNormalization axis (F.layer_norm error)")
    # compare_weights checks BatchNormalization's moving statistics after a training call too.
    parity(name, kwargs, _x(*shape), call_kwargs=call_kwargs, atol=1e-5, rtol=1e-5)


def test_batchnorm_masked_parity(parity):
    keras = pytest.importorskip("keras")
    x = _x(2, 4, 3)
    mask = np.array([[1, 1, 0, 0], [1, 1, 1, 0]], bool)
    k = keras.layers.BatchNormalization(momentum=0.5)
    k(keras.ops.convert_to_tensor(x), training=True, mask=keras.ops.convert_to_tensor(mask))
    ours = layers.BatchNormalization(momentum=0.5)
    ours(x, training=True, mask=backend.convert_to_tensor(mask))
    for a, b in zip(ours.get_weights(), k.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def test_batchnorm_in_functional_model_training_flag():
    inp = lamina.Input((3,))
    out = layers.BatchNormalization(momentum=0.0)(inp)
    model = lamina.Model(inp, out)
    x = _x(8, 3)
    y_train = _np(model(x, training=True))
    np.testing.assert_allclose(y_train.mean(0), 0.0, atol=1e-5)
    np.testing.assert_allclose(_np(model.layers[1].moving_mean.value), x.mean(0), rtol=1e-5)
