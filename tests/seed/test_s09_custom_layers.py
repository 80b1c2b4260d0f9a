"""Seed S9 (note lines 364-458): custom Linear layers and a subclassed MLP."""

import numpy as np

import lamina
from lamina import backend, layers, ops


class LinearInit(layers.Layer):
    """Weights made in __init__ with lamina.Variable, as the note does with tf.Variable."""

    def __init__(self, units=32, input_dim=32):
        super().__init__()
        w_init = lamina.initializers.RandomNormal()
        self.w = lamina.Variable(initializer=w_init(shape=(input_dim, units), dtype="float32"), trainable=True)
        b_init = lamina.initializers.Zeros()
        self.b = lamina.Variable(initializer=b_init(shape=(units,), dtype="float32"), trainable=True)

    def call(self, inputs):
        return ops.matmul(inputs, self.w) + self.b


class LinearAddWeight(layers.Layer):
    """The note's equivalent form with add_weight."""

    def __init__(self, units=32, input_dim=32):
        super().__init__()
        self.w = self.add_weight(shape=(input_dim, units), initializer="random_normal", trainable=True)
        self.b = self.add_weight(shape=(units,), initializer="zeros", trainable=True)

    def call(self, inputs):
        return ops.matmul(inputs, self.w) + self.b


class MLP(lamina.Model):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.dense1 = layers.Dense(64, activation="relu")
        self.dense2 = layers.Dense(10)

    def call(self, inputs):
        return self.dense2(self.dense1(inputs))


def test_linear_with_variables_in_init():
    x = ops.ones((2, 2))
    linear_layer = LinearInit(4, 2)
    y = backend.convert_to_numpy(linear_layer(x))
    assert y.shape == (2, 4)
    np.testing.assert_allclose(y[0], y[1])  # same input rows give the same output rows
    assert np.abs(y).max() < 1.0  # small random-normal weights, as the note prints
    assert len(linear_layer.trainable_weights) == 2


def test_linear_with_add_weight_matches_form():
    layer = LinearAddWeight(4, 2)
    assert [w.shape for w in layer.weights] == [(2, 4), (4,)]
    out = backend.convert_to_numpy(layer(ops.ones((2, 2))))
    np.testing.assert_allclose(out, np.ones((2, 2)) @ layer.w.numpy() + layer.b.numpy(), rtol=1e-6)


def test_functional_and_subclassed_mlp():
    inputs = lamina.Input(shape=(784,))
    x = layers.Dense(64, activation="relu")(inputs)
    outputs = layers.Dense(10)(x)
    mlp_functional = lamina.Model(inputs, outputs)
    mlp = MLP()
    _ = mlp(ops.zeros((1, 784)))
    assert mlp.count_params() == mlp_functional.count_params() == 50890
    mlp.set_weights(mlp_functional.get_weights())
    x = np.random.RandomState(0).rand(3, 784).astype("float32")
    np.testing.assert_allclose(backend.convert_to_numpy(mlp(x)), backend.convert_to_numpy(mlp_functional(x)), rtol=1e-5)
