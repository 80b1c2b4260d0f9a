"""Seed S11 (note lines 550-648): a Functional model inside a custom RNN layer written as a Python loop."""

import numpy as np

import lamina as keras
from lamina import layers, ops

units = 32
timesteps = 10
input_dim = 5
batch_size = 16


def _classifier():
    inputs = keras.Input((None, units))
    x = layers.GlobalAveragePooling1D()(inputs)
    outputs = layers.Dense(1)(x)
    return keras.Model(inputs, outputs)


class CustomRNN(layers.Layer):
    def __init__(self, classifier):
        super(CustomRNN, self).__init__()
        self.units = units
        self.projection_1 = layers.Dense(units=units, activation="tanh")
        self.projection_2 = layers.Dense(units=units, activation="tanh")
        self.classifier = classifier
        self.feature_shapes = []

    def call(self, inputs):
        outputs = []
        state = ops.zeros(shape=(inputs.shape[0], self.units))
        for t in range(inputs.shape[1]):
            x = inputs[:, t, :]
            h = self.projection_1(x)
            y = h + self.projection_2(state)
            state = y
            outputs.append(y)
        features = ops.stack(outputs, axis=1)
        self.feature_shapes.append(tuple(features.shape))
        return self.classifier(features)


def test_functional_model_inside_custom_rnn():
    rnn_model = CustomRNN(_classifier())
    out = rnn_model(ops.zeros((1, timesteps, input_dim)))
    assert rnn_model.feature_shapes[-1] == (1, 10, 32)
    assert tuple(out.shape) == (1, 1)
    assert len(rnn_model.weights) == 6  # two projections plus the classifier's Dense


def test_static_batch_input_conv1d_then_custom_rnn():
    inputs = keras.Input(batch_shape=(batch_size, timesteps, input_dim))
    x = layers.Conv1D(32, 3)(inputs)
    outputs = CustomRNN(layers.Dense(1))(x)
    model = keras.Model(inputs, outputs)
    assert outputs.shape == (batch_size, timesteps - 2, 1)
    y = model(np.random.random((batch_size, timesteps, input_dim)).astype("float32"))
    assert tuple(y.shape) == (batch_size, 8, 1)

    rnn_model = CustomRNN(layers.Dense(1))
    out = rnn_model(ops.zeros((1, 10, 5)))
    assert tuple(out.shape) == (1, 10, 1)
    loss, grads = ops.value_and_grad(lambda: ops.mean(ops.square(rnn_model(ops.ones((1, 10, 5))))),
                                     rnn_model.trainable_weights)
    assert len(grads) == 6 and any(np.abs(ops.convert_to_numpy(g)).sum() > 0 for g in grads)
