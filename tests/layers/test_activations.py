"""Activation layers: harness, values, masks and parity with Keras 3."""

import numpy as np
import pytest

from lamina import backend, layers, testing

RNG = np.random.default_rng(5)


def _x(*shape):
    return RNG.normal(size=shape).astype("float32") * 3


@pytest.mark.parametrize("cls,kwargs,n_weights", [
    (layers.ReLU, {"max_value": 6.0, "negative_slope": 0.1, "threshold": 0.5}, 0),
    (layers.LeakyReLU, {"negative_slope": 0.2}, 0),
    (layers.ELU, {"alpha": 0.5}, 0),
    (layers.Softmax, {"axis": 1}, 0),
    (layers.PReLU, {"shared_axes": [1], "alpha_initializer": "ones"}, 1),
])
def test_harness(cls, kwargs, n_weights):
    testing.run_layer_test(cls, kwargs, input_shape=(2, 3, 4), expected_output_shape=(2, 3, 4),
                           expected_num_trainable_weights=n_weights,
                           # Softmax's mask is broadcast against the inputs; it is tested on its own below.
                           supports_masking=None if cls is layers.Softmax else True,
                           run_training_check=n_weights > 0)


def test_leaky_relu_accepts_alpha_and_prelu_weight_shape():
    assert layers.LeakyReLU(alpha=0.1).negative_slope == 0.1
    prelu = layers.PReLU(shared_axes=[1, 2])
    prelu.build((None, 5, 5, 3))
    assert [(v.name, v.shape) for v in prelu.weights] == [("alpha", (1, 1, 3))]


def test_errors():
    with pytest.raises(ValueError, match="max_value"):
        layers.ReLU(max_value=-1.0)
    with pytest.raises(ValueError, match="negative_slope"):
        layers.LeakyReLU(-0.5)
    with pytest.raises(ValueError, match="shared axis 3"):
        layers.PReLU(shared_axes=3)(np.ones((2, 4), "float32"))


def test_softmax_mask_zeroes_masked_positions():
    x = _x(2, 4)
    mask = np.array([[1, 1, 0, 0], [1, 0, 0, 0]], bool)
    y = backend.convert_to_numpy(layers.Softmax()(x, mask=backend.convert_to_tensor(mask)))
    assert np.all(y[~mask] == 0)
    np.testing.assert_allclose(y.sum(-1), 1.0, rtol=1e-6)


@pytest.mark.parametrize("name,kwargs", [
    ("ReLU", {}),
    ("ReLU", {"max_value": 2.0}),
    ("ReLU", {"max_value": 4.0, "negative_slope": 0.1, "threshold": 0.5}),
    ("ReLU", {"negative_slope": 0.3, "threshold": 1.0}),
    ("LeakyReLU", {}),
    ("LeakyReLU", {"negative_slope": 0.05}),
    ("ELU", {"alpha": 0.7}),
    ("Softmax", {}),
    ("Softmax", {"axis": 1}),
    ("Softmax", {"axis": (1, 2)}),
    ("PReLU", {}),
    ("PReLU", {"shared_axes": [1, 2]}),
])
def test_parity_with_keras(parity, name, kwargs):
    parity(name, kwargs, _x(2, 3, 4))


def test_softmax_mask_parity(parity):
    mask = RNG.random((2, 3, 4)) > 0.4
    import lamina
    keras = pytest.importorskip("keras")
    x = _x(2, 3, 4)
    k = keras.layers.Softmax()(keras.ops.convert_to_tensor(x), mask=keras.ops.convert_to_tensor(mask))
    ours = lamina.layers.Softmax()(x, mask=backend.convert_to_tensor(mask))
    np.testing.assert_allclose(backend.convert_to_numpy(ours), keras.ops.convert_to_numpy(k), rtol=1e-5, atol=1e-7)
