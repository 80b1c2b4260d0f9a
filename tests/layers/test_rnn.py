"""Recurrent layers: the layer contract, options, masks, dropout, gradients and errors."""

import numpy as np
import pytest

import lamina
from lamina import layers, ops
from lamina.testing import run_layer_test


def _np(x):
    return np.asarray(ops.convert_to_numpy(x))


@pytest.mark.parametrize("name", ["LSTM", "GRU", "SimpleRNN"])
def test_layer_contract(name):
    run_layer_test(getattr(layers, name), {"units": 3, "return_sequences": True}, input_shape=(2, 4, 5),
                   expected_output_shape=(2, 4, 3), expected_num_trainable_weights=3,
                   expected_num_non_trainable_weights=0, supports_masking=True)


@pytest.mark.parametrize("name", ["LSTM", "GRU"])
def test_layer_contract_with_state_and_dropout(name):
    expected = [(2, 3)] * (3 if name == "LSTM" else 2)
    run_layer_test(getattr(layers, name), {"units": 3, "return_state": True, "dropout": 0.2,
                                           "recurrent_dropout": 0.2, "seed": 1},
                   input_shape=(2, 4, 5), expected_output_shape=expected)


@pytest.mark.parametrize("cell", ["LSTMCell", "GRUCell", "SimpleRNNCell"])
def test_rnn_over_builtin_cells_contract(cell):
    run_layer_test(layers.RNN, {"cell": getattr(layers, cell)(3), "go_backwards": True},
                   input_shape=(2, 4, 5), expected_output_shape=(2, 3))


def test_stacked_cells_contract():
    run_layer_test(layers.RNN, {"cell": [layers.LSTMCell(3), layers.SimpleRNNCell(2)], "return_sequences": True},
                   input_shape=(2, 4, 5), expected_output_shape=(2, 4, 2))


def test_weight_paths_and_shapes_follow_keras():
    lstm = layers.LSTM(4, name="lstm")
    lstm(np.zeros((1, 2, 3), "float32"))
    assert [(v.path, tuple(v.shape)) for v in lstm.weights] == [
        ("lstm/lstm_cell/kernel", (3, 16)), ("lstm/lstm_cell/recurrent_kernel", (4, 16)),
        ("lstm/lstm_cell/bias", (16,))]
    assert lstm.cell.name == "lstm_cell"
    np.testing.assert_array_equal(_np(lstm.cell.bias)[4:8], np.ones(4))  # unit_forget_bias
    gru = layers.GRU(4)
    gru(np.zeros((1, 2, 3), "float32"))
    assert [tuple(v.shape) for v in gru.weights] == [(3, 12), (4, 12), (2, 12)]
    gru_before = layers.GRU(4, reset_after=False)
    gru_before(np.zeros((1, 2, 3), "float32"))
    assert tuple(gru_before.cell.bias.shape) == (12,)


def test_config_round_trip_keeps_options():
    layer = layers.LSTM(5, activation="relu", dropout=0.1, go_backwards=True, return_state=True, unit_forget_bias=False)
    config = layer.get_config()
    assert config["units"] == 5 and config["go_backwards"] and config["return_state"]
    assert "cell" not in config
    clone = layers.LSTM.from_config(config)
    assert clone.get_config() == config
    rnn = layers.RNN(layers.GRUCell(3, reset_after=False), stateful=False, unroll=True)
    rebuilt = layers.deserialize(layers.serialize(rnn))
    assert isinstance(rebuilt.cell, layers.GRUCell) and rebuilt.cell.reset_after is False and rebuilt.unroll


def test_functional_model_with_states():
    inputs = lamina.Input((None, 5))
    seq, h, c = layers.LSTM(3, return_sequences=True, return_state=True)(inputs)
    assert seq.shape == (None, None, 3) and h.shape == (None, 3) and c.shape == (None, 3)
    out = layers.GRU(2)(seq, initial_state=[h[:, :2]])
    model = lamina.Model(inputs, out)
    assert _np(model(np.ones((4, 7, 5), "float32"))).shape == (4, 2)


def test_masked_steps_carry_state_and_output():
    x = np.random.default_rng(0).normal(size=(2, 5, 3)).astype("float32")
    mask = np.array([[1, 1, 0, 1, 0], [1, 1, 1, 1, 1]], bool)
    layer = layers.SimpleRNN(4, return_sequences=True)
    out = _np(layer(x, mask=ops.convert_to_tensor(mask)))
    np.testing.assert_allclose(out[0, 2], out[0, 1])
    np.testing.assert_allclose(out[0, 4], out[0, 3])
    # the padded steps change nothing: dropping them gives the same final output
    short = _np(layer(x[:1, [0, 1, 3]]))
    np.testing.assert_allclose(out[0, -1], short[0, -1], rtol=1e-5, atol=1e-6)
    zeros = layers.RNN(layer.cell, return_sequences=True, zero_output_for_mask=True)
    out_zero = _np(zeros(x, mask=ops.convert_to_tensor(mask)))
    np.testing.assert_array_equal(out_zero[0, 2], np.zeros(4))


def test_masking_layer_feeds_rnn_in_sequential():
    x = np.random.default_rng(0).normal(size=(2, 4, 3)).astype("float32")
    x[0, 2:] = 0.0
    model = lamina.Sequential([lamina.Input((4, 3)), layers.Masking(0.0), layers.LSTM(2)])
    expected = _np(layers.RNN(model.layers[-1].cell)(x[:1, :2]))
    np.testing.assert_allclose(_np(model(x))[0], expected[0], rtol=1e-5, atol=1e-6)


def test_dropout_only_in_training():
    x = np.ones((4, 5, 3), "float32")
    layer = layers.LSTM(6, dropout=0.5, recurrent_dropout=0.5, seed=3)
    a = _np(layer(x))
    b = _np(layer(x, training=False))
    np.testing.assert_array_equal(a, b)
    c = _np(layer(x, training=True))
    assert not np.allclose(a, c)


def test_stateful_reset_and_batch_check():
    layer = layers.GRU(3, stateful=True)
    x = np.ones((2, 4, 3), "float32")
    first = _np(layer(x))
    second = _np(layer(x))
    assert not np.allclose(first, second)
    assert layer.weights and all(v.trainable for v in layer.weights)  # states are not weights
    layer.reset_states()
    np.testing.assert_allclose(_np(layer(x)), first, rtol=1e-6)
    with pytest.raises(ValueError, match="stateful"):
        layer(np.ones((3, 4, 3), "float32"))
    with pytest.raises(ValueError, match="fixed batch size"):
        layers.LSTM(2, stateful=True)(lamina.Input((4, 3)))


def test_gradients_reach_every_weight():
    for layer in (layers.LSTM(3, go_backwards=True), layers.GRU(3, return_sequences=True),
                  layers.GRU(3, reset_after=False), layers.SimpleRNN(3),
                  layers.RNN([layers.LSTMCell(3), layers.GRUCell(2)])):
        x = ops.convert_to_tensor(np.random.default_rng(0).normal(size=(2, 4, 5)).astype("float32"))
        layer(x)
        mask = ops.convert_to_tensor(np.array([[1, 1, 1, 0], [1, 1, 1, 1]], bool))
        loss, grads = ops.value_and_grad(lambda: ops.sum(ops.square(layer(x, mask=mask))), layer.trainable_weights)
        assert len(grads) == len(layer.trainable_weights)
        for v, g in zip(layer.trainable_weights, grads):
            assert np.abs(_np(g)).sum() > 0, v.path


def test_wrong_rank_and_bad_arguments_raise_clearly():
    with pytest.raises(ValueError, match="rank 3"):
        layers.LSTM(2)(np.ones((2, 3), "float32"))
    with pytest.raises(ValueError, match="rank 3"):
        layers.RNN(layers.LSTMCell(2))(np.ones((2, 3), "float32"))
    with pytest.raises(ValueError, match="units"):
        layers.GRU(0)
    with pytest.raises(ValueError, match="dropout"):
        layers.LSTMCell(2, dropout=1.5)
    with pytest.raises(ValueError, match="state_size"):
        layers.RNN(layers.Dense(2))
    with pytest.raises(ValueError, match="initial state"):
        layers.LSTM(2)(np.ones((2, 3, 4), "float32"), initial_state=[ops.zeros((2, 2))])


def test_unroll_matches_scan():
    x = np.random.default_rng(1).normal(size=(2, 5, 3)).astype("float32")
    layer = layers.LSTM(4, return_sequences=True, go_backwards=True)
    unrolled = layers.LSTM(4, return_sequences=True, go_backwards=True, unroll=True)
    layer(x)
    unrolled(x)
    unrolled.set_weights(layer.get_weights())
    np.testing.assert_allclose(_np(unrolled(x)), _np(layer(x)), rtol=1e-5, atol=1e-6)


def test_user_cell_with_list_states():
    class MinimalCell(layers.Layer):
        def __init__(self, units, **kwargs):
            super().__init__(**kwargs)
            self.units = units
            self.state_size = units

        def build(self, input_shape):
            self.kernel = self.add_weight(shape=(input_shape[-1], self.units), name="kernel")
            self.recurrent = self.add_weight(shape=(self.units, self.units), name="recurrent")

        def call(self, inputs, states):
            h = ops.matmul(inputs, self.kernel) + ops.matmul(states[0], self.recurrent)
            return h, [h]

    layer = layers.RNN(MinimalCell(3), return_sequences=True, return_state=True)
    out, state = layer(np.ones((2, 4, 5), "float32"))
    assert out.shape == (2, 4, 3) and state.shape == (2, 3)
    assert [v.path for v in layer.weights] == ["rnn/minimal_cell/kernel", "rnn/minimal_cell/recurrent"]


@pytest.mark.parametrize("merge_mode", ["concat", "sum", "mul", "ave"])
def test_bidirectional_contract(merge_mode):
    width = 6 if merge_mode == "concat" else 3
    run_layer_test(layers.Bidirectional, {"layer": layers.LSTM(3, return_sequences=True), "merge_mode": merge_mode},
                   input_shape=(2, 4, 5), expected_output_shape=(2, 4, width), expected_num_trainable_weights=6,
                   supports_masking=True)


def test_bidirectional_states_none_merge_and_errors():
    layer = layers.Bidirectional(layers.GRU(3, return_state=True), merge_mode=None)
    out = layer(np.ones((2, 4, 5), "float32"))
    assert len(out) == 4 and all(o.shape == (2, 3) for o in out)
    inputs = lamina.Input((None, 5))
    sym = layers.Bidirectional(layers.LSTM(2, return_state=True, return_sequences=True))(inputs)
    assert [t.shape for t in sym] == [(None, None, 4)] + [(None, 2)] * 4
    with pytest.raises(ValueError, match="merge_mode"):
        layers.Bidirectional(layers.LSTM(2), merge_mode="max")
    with pytest.raises(ValueError, match="go_backwards"):
        layers.Bidirectional(layers.LSTM(2), backward_layer=layers.LSTM(2))
    config = layers.Bidirectional(layers.LSTM(2), merge_mode="sum").get_config()
    rebuilt = layers.Bidirectional.from_config(config)
    assert rebuilt.merge_mode == "sum" and rebuilt.backward_layer.go_backwards


def test_bidirectional_initial_state_and_gradients():
    layer = layers.Bidirectional(layers.LSTM(2))
    x = ops.convert_to_tensor(np.random.default_rng(0).normal(size=(2, 3, 4)).astype("float32"))
    states = [ops.ones((2, 2))] * 4
    a = _np(layer(x, initial_state=states))
    b = _np(layer(x))
    assert a.shape == (2, 4) and not np.allclose(a, b)
    _, grads = ops.value_and_grad(lambda: ops.sum(layer(x)), layer.trainable_weights)
    assert len(grads) == 6 and all(np.abs(_np(g)).sum() > 0 for g in grads)
