"""Recurrent layers against real Keras 3 (same weights, same inputs, same outputs)."""

import numpy as np
import pytest

import lamina
from lamina import layers, ops

keras = pytest.importorskip("keras")

RTOL = 1e-5
ATOL = 1e-5


def _np(x):
    return np.asarray(ops.convert_to_numpy(x))


def _knp(x):
    return np.asarray(keras.ops.convert_to_numpy(x))


def _compare(ours, theirs, x, call_kwargs=None, keras_kwargs=None):
    call_kwargs = call_kwargs or {}
    keras_kwargs = call_kwargs if keras_kwargs is None else keras_kwargs
    expected = theirs(x, **keras_kwargs)
    ours(x, **call_kwargs)
    ours.set_weights(theirs.get_weights())
    got = ours(x, **call_kwargs)
    if isinstance(expected, (list, tuple)):
        assert isinstance(got, (list, tuple)) and len(got) == len(expected)
        for g, e in zip(got, expected):
            np.testing.assert_allclose(_np(g), _knp(e), rtol=RTOL, atol=ATOL)
    else:
        np.testing.assert_allclose(_np(got), _knp(expected), rtol=RTOL, atol=ATOL)
    return got


def _seq(batch=3, steps=6, features=5, seed=0):
    return np.random.default_rng(seed).normal(size=(batch, steps, features)).astype("float32")


def _right_padded_mask(batch=3, steps=6):
    lengths = [steps, 4, 2][:batch]
    return np.arange(steps)[None, :] < np.array(lengths)[:, None]


CASES = [
    dict(),
    dict(return_sequences=True),
    dict(return_state=True),
    dict(return_sequences=True, return_state=True, go_backwards=True),
    dict(unroll=True, return_sequences=True),
]


@pytest.mark.parametrize("name", ["LSTM", "GRU", "SimpleRNN"])
@pytest.mark.parametrize("options", CASES)
def test_layer_matches_keras(name, options):
    x = _seq()
    _compare(getattr(layers, name)(4, **options), getattr(keras.layers, name)(4, **options), x)


@pytest.mark.parametrize("name", ["LSTM", "GRU", "SimpleRNN"])
@pytest.mark.parametrize("mask_kind", ["right", "left", "holes"])
@pytest.mark.parametrize("options", [dict(return_sequences=True, return_state=True),
                                     dict(return_sequences=True, go_backwards=True)])
def test_masked_matches_keras(name, mask_kind, options):
    x = _seq()
    if mask_kind == "right":
        mask = _right_padded_mask()
    elif mask_kind == "left":
        mask = _right_padded_mask()[:, ::-1].copy()
    else:
        mask = np.array([[1, 0, 1, 1, 0, 1], [0, 1, 1, 1, 1, 1], [1, 1, 1, 0, 0, 0]], bool)
    _compare(getattr(layers, name)(4, **options), getattr(keras.layers, name)(4, **options), x,
             {"mask": ops.convert_to_tensor(mask)}, {"mask": keras.ops.convert_to_tensor(mask)})


def test_gru_reset_before_matches_keras():
    x = _seq()
    _compare(layers.GRU(4, reset_after=False, return_sequences=True),
             keras.layers.GRU(4, reset_after=False, return_sequences=True), x)


@pytest.mark.parametrize("name", ["LSTM", "GRU"])
def test_custom_activations_and_no_bias_match_keras(name):
    kwargs = dict(activation="relu", recurrent_activation="hard_sigmoid", use_bias=False, return_sequences=True)
    _compare(getattr(layers, name)(3, **kwargs), getattr(keras.layers, name)(3, **kwargs), _seq())


@pytest.mark.parametrize("name", ["LSTM", "GRU"])
def test_no_bias_default_activations_match_keras(name):
    _compare(getattr(layers, name)(3, use_bias=False), getattr(keras.layers, name)(3, use_bias=False), _seq())


def test_initial_state_matches_keras():
    x = _seq()
    h = np.random.default_rng(1).normal(size=(3, 4)).astype("float32")
    c = np.random.default_rng(2).normal(size=(3, 4)).astype("float32")
    _compare(layers.LSTM(4, return_sequences=True), keras.layers.LSTM(4, return_sequences=True), x,
             {"initial_state": [ops.convert_to_tensor(h), ops.convert_to_tensor(c)]},
             {"initial_state": [keras.ops.convert_to_tensor(h), keras.ops.convert_to_tensor(c)]})


def test_stateful_matches_keras():
    x = _seq()
    ours, theirs = layers.LSTM(4, stateful=True), keras.layers.LSTM(4, stateful=True)
    theirs(x)
    ours(x)
    ours.set_weights(theirs.get_weights())
    ours.reset_state()
    theirs.reset_state()
    for _ in range(2):  # the states carry over between calls
        np.testing.assert_allclose(_np(ours(x)), _knp(theirs(x)), rtol=RTOL, atol=ATOL)
    ours.reset_states()
    theirs.reset_state()
    np.testing.assert_allclose(_np(ours(x)), _knp(theirs(x)), rtol=RTOL, atol=ATOL)


@pytest.mark.parametrize("cell", ["LSTMCell", "GRUCell", "SimpleRNNCell"])
def test_rnn_over_cell_matches_keras(cell):
    ours = layers.RNN(getattr(layers, cell)(4), return_sequences=True)
    theirs = keras.layers.RNN(getattr(keras.layers, cell)(4), return_sequences=True)
    _compare(ours, theirs, _seq())


def test_stacked_cells_match_keras():
    ours = layers.RNN([layers.LSTMCell(4), layers.GRUCell(3)], return_state=True)
    theirs = keras.layers.RNN([keras.layers.LSTMCell(4), keras.layers.GRUCell(3)], return_state=True)
    x = _seq()
    expected = theirs(x)
    ours(x)
    ours.set_weights(theirs.get_weights())
    got = ours(x)
    flat_expected = keras.tree.flatten(expected)
    flat_got = lamina.backend.tree.flatten(got)
    assert len(flat_got) == len(flat_expected)
    for g, e in zip(flat_got, flat_expected):
        np.testing.assert_allclose(_np(g), _knp(e), rtol=RTOL, atol=ATOL)


def test_embedding_mask_feeds_lstm_like_keras():
    ids = np.array([[3, 1, 4, 0, 0], [2, 7, 1, 8, 2], [5, 0, 0, 0, 0]], dtype="int32")

    def build(lib):
        inputs = lib.Input(shape=(None,), dtype="int32")
        x = lib.layers.Embedding(10, 6, mask_zero=True)(inputs)
        x = lib.layers.LSTM(4, return_sequences=True)(x)
        return lib.Model(inputs, x)

    ours, theirs = build(lamina), build(keras)
    ours.set_weights(theirs.get_weights())
    np.testing.assert_allclose(_np(ours(ids)), _knp(theirs(ids)), rtol=RTOL, atol=ATOL)


@pytest.mark.parametrize("merge_mode", ["concat", "sum", "mul", "ave", None])
@pytest.mark.parametrize("options", [dict(return_sequences=True), dict(return_state=True)])
def test_bidirectional_matches_keras(merge_mode, options):
    x = _seq()
    mask = _right_padded_mask()
    ours = layers.Bidirectional(layers.LSTM(3, **options), merge_mode=merge_mode)
    theirs = keras.layers.Bidirectional(keras.layers.LSTM(3, **options), merge_mode=merge_mode)
    _compare(ours, theirs, x)
    _compare(ours, theirs, x, {"mask": ops.convert_to_tensor(mask)}, {"mask": keras.ops.convert_to_tensor(mask)})


def test_bidirectional_gru_with_backward_layer_matches_keras():
    x = _seq()
    ours = layers.Bidirectional(layers.GRU(3, return_sequences=True),
                                backward_layer=layers.SimpleRNN(3, return_sequences=True, go_backwards=True))
    theirs = keras.layers.Bidirectional(keras.layers.GRU(3, return_sequences=True),
                                        backward_layer=keras.layers.SimpleRNN(3, return_sequences=True,
                                                                              go_backwards=True))
    _compare(ours, theirs, x)
    assert [v.path for v in ours.weights][0] == "bidirectional/forward_gru/gru_cell/kernel"
