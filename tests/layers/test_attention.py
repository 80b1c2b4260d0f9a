"""Attention layers: the layer contract, Keras parity (same weights), masks, errors."""

import numpy as np
import pytest

import lamina
from lamina import layers, ops
from lamina.testing import run_layer_test

keras = pytest.importorskip("keras")
TOL = dict(rtol=1e-5, atol=1e-5)


def _np(x):
    return np.asarray(ops.convert_to_numpy(x))


def _knp(x):
    return np.asarray(keras.ops.convert_to_numpy(x))


def _data(*shapes):
    rng = np.random.default_rng(0)
    return [rng.normal(size=s).astype("float32") for s in shapes]


def _masks():
    q = np.array([[1, 1, 1, 0], [1, 1, 1, 1]], bool)
    v = np.array([[1, 1, 0, 0, 0], [1, 1, 1, 1, 0]], bool)
    return q, v


@pytest.mark.parametrize("kwargs", [dict(), dict(use_scale=True), dict(score_mode="concat"),
                                    dict(score_mode="concat", use_scale=True)])
def test_attention_matches_keras(kwargs):
    q, v, k = _data((2, 4, 3), (2, 5, 3), (2, 5, 3))
    qm, vm = _masks()
    ours, theirs = layers.Attention(**kwargs), keras.layers.Attention(**kwargs)
    theirs([q, v, k])
    ours([q, v, k])
    rng = np.random.default_rng(3)
    weights = [rng.uniform(0.5, 1.5, size=w.shape).astype("float32") for w in theirs.get_weights()]
    theirs.set_weights(weights)
    ours.set_weights(weights)
    for call in (dict(), dict(use_causal_mask=True)):
        got, got_scores = ours([q, v, k], mask=[ops.convert_to_tensor(qm), ops.convert_to_tensor(vm)],
                               return_attention_scores=True, **call)
        exp, exp_scores = theirs([q, v, k], mask=[keras.ops.convert_to_tensor(qm), keras.ops.convert_to_tensor(vm)],
                                 return_attention_scores=True, **call)
        np.testing.assert_allclose(_np(got), _knp(exp), **TOL)
        np.testing.assert_allclose(_np(got_scores), _knp(exp_scores), **TOL)


def test_additive_attention_matches_keras():
    q, v = _data((2, 4, 3), (2, 5, 3))
    qm, vm = _masks()
    ours, theirs = layers.AdditiveAttention(), keras.layers.AdditiveAttention()
    expected = theirs([q, v], mask=[keras.ops.convert_to_tensor(qm), keras.ops.convert_to_tensor(vm)])
    ours([q, v])
    ours.set_weights(theirs.get_weights())
    got = ours([q, v], mask=[ops.convert_to_tensor(qm), ops.convert_to_tensor(vm)])
    np.testing.assert_allclose(_np(got), _knp(expected), **TOL)


@pytest.mark.parametrize("kwargs", [dict(num_heads=2, key_dim=3), dict(num_heads=3, key_dim=2, value_dim=4),
                                    dict(num_heads=2, key_dim=3, output_shape=(5,), use_bias=False)])
def test_multi_head_attention_matches_keras(kwargs):
    q, v, k = _data((2, 4, 6), (2, 5, 7), (2, 5, 8))
    ours, theirs = layers.MultiHeadAttention(**kwargs), keras.layers.MultiHeadAttention(**kwargs)
    theirs(q, v, k, return_attention_scores=True)  # (Keras 3.15 fails value_dim != key_dim otherwise)
    ours(q, v, k)
    assert [tuple(w.shape) for w in ours.weights] == [tuple(w.shape) for w in theirs.weights]
    ours.set_weights(theirs.get_weights())
    qm, vm = _masks()
    attention_mask = np.random.default_rng(5).random((2, 4, 5)) > 0.3
    attention_mask[:, :, 0] = True
    for call in (dict(), dict(use_causal_mask=True),
                 dict(value_mask=vm, attention_mask=attention_mask)):
        got = ours(q, v, k, return_attention_scores=True,
                   **{n: ops.convert_to_tensor(m) if not isinstance(m, bool) else m for n, m in call.items()})
        exp = theirs(q, v, k, return_attention_scores=True,
                     **{n: keras.ops.convert_to_tensor(m) if not isinstance(m, bool) else m for n, m in call.items()})
        np.testing.assert_allclose(_np(got[0]), _knp(exp[0]), **TOL)
        np.testing.assert_allclose(_np(got[1]), _knp(exp[1]), **TOL)


def test_multi_head_attention_over_2d_axes_matches_keras():
    x, = _data((2, 3, 4, 6))
    ours = layers.MultiHeadAttention(num_heads=2, key_dim=3, attention_axes=(1, 2))
    theirs = keras.layers.MultiHeadAttention(num_heads=2, key_dim=3, attention_axes=(1, 2))
    expected = theirs(x, x)
    ours(x, x)
    ours.set_weights(theirs.get_weights())
    np.testing.assert_allclose(_np(ours(x, x)), _knp(expected), **TOL)


def test_group_query_attention_matches_keras():
    q, v = _data((2, 4, 6), (2, 5, 6))
    ours = layers.GroupQueryAttention(head_dim=3, num_query_heads=4, num_key_value_heads=2)
    theirs = keras.layers.GroupQueryAttention(head_dim=3, num_query_heads=4, num_key_value_heads=2)
    theirs(q, v)
    ours(q, v)
    ours.set_weights(theirs.get_weights())
    qm, vm = _masks()
    for call in (dict(), dict(use_causal_mask=True), dict(value_mask=vm)):
        got = ours(q, v, return_attention_scores=True, **{n: (ops.convert_to_tensor(m) if not isinstance(m, bool)
                                                             else m) for n, m in call.items()})
        exp = theirs(q, v, return_attention_scores=True, **{n: (keras.ops.convert_to_tensor(m) if not isinstance(
            m, bool) else m) for n, m in call.items()})
        np.testing.assert_allclose(_np(got[0]), _knp(exp[0]), **TOL)
        np.testing.assert_allclose(_np(got[1]), _knp(exp[1]), **TOL)


@pytest.mark.parametrize("cls,kwargs", [(layers.Attention, dict(use_scale=True, dropout=0.1, seed=1)),
                                        (layers.AdditiveAttention, dict())])
def test_attention_contract(cls, kwargs):
    run_layer_test(cls, kwargs, input_shape=[(2, 3, 4), (2, 5, 4)], expected_output_shape=(2, 3, 4))


def test_multi_head_attention_in_a_functional_model():
    query = lamina.Input((None, 8))
    value = lamina.Input((6, 8))
    layer = layers.MultiHeadAttention(num_heads=2, key_dim=4, dropout=0.1, seed=0)
    out, scores = layer(query, value, return_attention_scores=True)
    assert out.shape == (None, None, 8) and scores.shape == (None, 2, None, 6)
    model = lamina.Model([query, value], [out, scores])
    q, v = _data((3, 4, 8), (3, 6, 8))
    got = model([q, v])
    assert _np(got[0]).shape == (3, 4, 8) and _np(got[1]).shape == (3, 2, 4, 6)
    config = layer.get_config()
    clone = layers.MultiHeadAttention.from_config(config)
    assert clone.get_config() == config
    x = ops.convert_to_tensor(q)
    _, grads = ops.value_and_grad(lambda: ops.sum(layer(x, x, training=True)), layer.trainable_weights)
    assert len(grads) == 8 and all(np.abs(_np(g)).sum() > 0 for g in grads)


def test_group_query_attention_config_and_errors():
    layer = layers.GroupQueryAttention(head_dim=2, num_query_heads=4, num_key_value_heads=1, use_bias=False)
    out = layer(*_data((2, 3, 5), (2, 4, 5)))
    assert out.shape == (2, 3, 5) and len(layer.weights) == 4
    assert layers.GroupQueryAttention.from_config(layer.get_config()).get_config() == layer.get_config()
    with pytest.raises(ValueError, match="divisible"):
        layers.GroupQueryAttention(head_dim=2, num_query_heads=3, num_key_value_heads=2)
    with pytest.raises(ValueError, match="rank 3"):
        layers.GroupQueryAttention(2, 2, 1)(np.ones((2, 3), "float32"), np.ones((2, 3), "float32"))


def test_attention_errors():
    with pytest.raises(ValueError, match="score_mode"):
        layers.Attention(score_mode="cosine")
    with pytest.raises(ValueError, match="list of 2 or 3 inputs"):
        layers.Attention()(np.ones((2, 3, 4), "float32"))
    with pytest.raises(ValueError, match="rank 3"):
        layers.MultiHeadAttention(2, 2)(np.ones((2, 4), "float32"), np.ones((2, 4), "float32"))
    with pytest.raises(ValueError, match="num_heads"):
        layers.MultiHeadAttention(0, 2)


def test_query_mask_zeroes_attention_of_masked_queries():
    # Keras 3.15 drops an explicit `query_mask` argument (it reads only the tensor's own
    # mask); lamina applies it: a masked query step attends to nothing.
    q, v = _data((2, 4, 6), (2, 5, 6))
    qm, _ = _masks()
    for layer in (layers.MultiHeadAttention(num_heads=2, key_dim=3),
                  layers.GroupQueryAttention(head_dim=3, num_query_heads=2, num_key_value_heads=1)):
        _, scores = layer(q, v, query_mask=ops.convert_to_tensor(qm), return_attention_scores=True)
        scores = _np(scores)
        np.testing.assert_array_equal(scores[0, :, 3], 0.0)
        np.testing.assert_allclose(scores[0, :, :3].sum(-1), 1.0, rtol=1e-5)


def test_functional_multi_head_attention_takes_the_masks_of_its_inputs():
    # Keras reads the query / value / key masks from the tensors themselves; in a Functional
    # model the padding mask of an Embedding(mask_zero=True) reaches the attention layer.
    import lamina

    tokens = np.array([[3, 5, 0, 0], [2, 0, 0, 0]], "int32")
    inp = lamina.Input((4,), dtype="int32")
    emb_layer = layers.Embedding(8, 6, mask_zero=True)
    mha = layers.MultiHeadAttention(num_heads=2, key_dim=3)
    x = emb_layer(inp)
    model = lamina.Model(inp, mha(x, x))
    got = np.asarray(lamina.backend.convert_to_numpy(model(tokens)))
    emb = emb_layer(tokens)
    mask = tokens != 0
    expected = np.asarray(lamina.backend.convert_to_numpy(mha(emb, emb, query_mask=mask, value_mask=mask)))
    plain = ops.convert_to_tensor(np.asarray(lamina.backend.convert_to_numpy(emb)))  # no mask attached
    unmasked = np.asarray(lamina.backend.convert_to_numpy(mha(plain, plain)))
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-6)
    assert not np.allclose(got, unmasked, atol=1e-4)
