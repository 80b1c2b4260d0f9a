"""Seed S18 (note lines 1517-1615): RNN over a custom cell with nested inputs and states."""

import numpy as np

import lamina as keras
from lamina import ops
from lamina.backend import tree


class NestedCell(keras.layers.Layer):
    def __init__(self, unit_1, unit_2, unit_3, **kwargs):
        self.unit_1 = unit_1
        self.unit_2 = unit_2
        self.unit_3 = unit_3
        self.state_size = [(unit_1,), (unit_2, unit_3)]
        self.output_size = [(unit_1,), (unit_2, unit_3)]
        super(NestedCell, self).__init__(**kwargs)

    def build(self, input_shapes):
        # expect input_shape to contain 2 items, [(batch, i1), (batch, i2, i3)]
        i1 = input_shapes[0][1]
        i2 = input_shapes[1][1]
        i3 = input_shapes[1][2]
        self.kernel_1 = self.add_weight(shape=(i1, self.unit_1), initializer="uniform", name="kernel_1")
        self.kernel_2_3 = self.add_weight(shape=(i2, i3, self.unit_2, self.unit_3), initializer="uniform",
                                          name="kernel_2_3")

    def call(self, inputs, states):
        input_1, input_2 = tree.flatten(inputs)
        s1, s2 = states
        output_1 = ops.matmul(input_1, self.kernel_1)
        output_2_3 = ops.einsum("bij,ijkl->bkl", input_2, self.kernel_2_3)
        state_1 = s1 + output_1
        state_2_3 = s2 + output_2_3
        output = (output_1, output_2_3)
        new_states = (state_1, state_2_3)
        return output, new_states

    def get_config(self):
        return {"unit_1": self.unit_1, "unit_2": self.unit_2, "unit_3": self.unit_3}


# The note's sizes (i2=64, i3=32, 50 steps, 640 samples) shrunk to keep the test fast.
unit_1, unit_2, unit_3 = 10, 20, 30
i1, i2, i3 = 32, 8, 4
batch_size, num_batches, timestep = 16, 2, 5


def _model():
    cell = NestedCell(unit_1, unit_2, unit_3)
    rnn = keras.layers.RNN(cell)
    input_1 = keras.Input((None, i1))
    input_2 = keras.Input((None, i2, i3))
    outputs = rnn((input_1, input_2))
    return keras.Model([input_1, input_2], outputs), rnn, cell


def test_nested_rnn_shapes_and_values():
    model, rnn, cell = _model()
    assert [tuple(o.shape) for o in model.outputs] == [(None, unit_1), (None, unit_2, unit_3)]
    assert [v.path for v in rnn.weights] == ["rnn/nested_cell/kernel_1", "rnn/nested_cell/kernel_2_3"]
    rng = np.random.default_rng(0)
    x1 = rng.random((3, timestep, i1)).astype("float32")
    x2 = rng.random((3, timestep, i2, i3)).astype("float32")
    out1, out2 = model([x1, x2])
    # the cell's output is the last step's projection (the states accumulate)
    k1, k23 = (ops.convert_to_numpy(v) for v in (cell.kernel_1, cell.kernel_2_3))
    np.testing.assert_allclose(ops.convert_to_numpy(out1), x1[:, -1] @ k1, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(ops.convert_to_numpy(out2), np.einsum("bij,ijkl->bkl", x2[:, -1], k23),
                               rtol=1e-4, atol=1e-4)
    seq_layer = keras.layers.RNN(cell, return_sequences=True, return_state=True)
    seqs, states = seq_layer((x1, x2))[0], seq_layer((x1, x2))[1:]
    assert tuple(seqs[0].shape) == (3, timestep, unit_1) and tuple(seqs[1].shape) == (3, timestep, unit_2, unit_3)
    np.testing.assert_allclose(ops.convert_to_numpy(states[0]), (x1 @ k1).sum(1), rtol=1e-4, atol=1e-4)


def _adam_steps(weights, grad_fn, batches, lr=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    """Keras's Adam by hand: returns the loss of each batch before its step, and the final weights."""
    weights = [w.astype("float64") for w in weights]
    m = [np.zeros_like(w) for w in weights]
    v = [np.zeros_like(w) for w in weights]
    losses = []
    for t, batch in enumerate(batches, start=1):
        loss, grads = grad_fn(weights, *batch)
        losses.append(loss)
        alpha = lr * np.sqrt(1 - beta_2 ** t) / (1 - beta_1 ** t)
        for i, g in enumerate(grads):
            m[i] += (g - m[i]) * (1 - beta_1)
            v[i] += (g * g - v[i]) * (1 - beta_2)
            weights[i] = weights[i] - alpha * m[i] / (np.sqrt(v[i]) + epsilon)
    return losses, weights


def _mse_loss_and_grads(weights, x1, x2, t1, t2):
    # the model's outputs are the last step's projections; "mse" on each output, summed
    k1, k23 = weights
    err1 = x1[:, -1] @ k1 - t1
    err2 = np.einsum("bij,ijkl->bkl", x2[:, -1], k23) - t2
    loss = np.mean(err1 ** 2) + np.mean(err2 ** 2)
    g1 = 2 * x1[:, -1].T @ err1 / err1.size
    g23 = 2 * np.einsum("bij,bkl->ijkl", x2[:, -1], err2) / err2.size
    return loss, [g1, g23]


def test_nested_rnn_config_and_training():
    model, rnn, cell = _model()
    config = rnn.get_config()
    assert config["cell"]["config"] == {"unit_1": 10, "unit_2": 20, "unit_3": 30}
    model.compile(optimizer="adam", loss="mse", metrics=["accuracy"])
    n = batch_size * num_batches
    input_data = [np.random.random((n, timestep, i1)), np.random.random((n, timestep, i2, i3))]
    target_data = [np.random.random((n, unit_1)), np.random.random((n, unit_2, unit_3))]
    before = [ops.convert_to_numpy(v).copy() for v in rnn.weights]
    history = model.fit(input_data, target_data, batch_size=batch_size, shuffle=False, verbose=0)
    # The same two Adam steps in NumPy, from the weights before fit: same epoch loss, same weights.
    batches = [[a[i:i + batch_size] for a in input_data + target_data] for i in range(0, n, batch_size)]
    losses, expected = _adam_steps(before, _mse_loss_and_grads, batches)
    np.testing.assert_allclose(history.history["loss"][0], np.mean(losses), rtol=1e-4)
    for want, got in zip(expected, rnn.weights):
        np.testing.assert_allclose(ops.convert_to_numpy(got), want, rtol=1e-4, atol=1e-6)
    assert all(not np.allclose(b, ops.convert_to_numpy(v)) for b, v in zip(before, rnn.weights))
