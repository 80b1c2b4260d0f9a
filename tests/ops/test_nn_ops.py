"""lamina.ops.nn additions: cross-entropies, moments, normalization, activations, attention."""

import numpy as np
import pytest

import lamina
from lamina import ops

RNG = np.random.default_rng(0)
PROBS = RNG.uniform(0.01, 0.99, (4, 5)).astype("float32")
TARGETS = (RNG.random((4, 5)) > 0.5).astype("float32")
LOGITS = (RNG.normal(size=(4, 5)) * 3).astype("float32")
LABELS = np.array([0, 3, 4, 1])
ONE_HOT = np.eye(5, dtype="float32")[LABELS]


def _np(x):
    return ops.convert_to_numpy(x)


def _log_softmax(x, axis=-1):
    x = x - x.max(axis=axis, keepdims=True)
    return x - np.log(np.exp(x).sum(axis=axis, keepdims=True))


def test_binary_crossentropy_against_numpy():
    eps = lamina.backend.epsilon()
    p = np.clip(PROBS, eps, 1 - eps)
    expected = -(TARGETS * np.log(p) + (1 - TARGETS) * np.log(1 - p))
    np.testing.assert_allclose(_np(ops.binary_crossentropy(TARGETS, PROBS)), expected, rtol=1e-5)
    sig = 1 / (1 + np.exp(-LOGITS))
    expected = -(TARGETS * np.log(sig) + (1 - TARGETS) * np.log(1 - sig))
    np.testing.assert_allclose(_np(ops.binary_crossentropy(TARGETS, LOGITS, from_logits=True)), expected, rtol=1e-4)
    big = ops.binary_crossentropy([1.0], [-200.0], from_logits=True)  # stays finite
    np.testing.assert_allclose(_np(big), [200.0], rtol=1e-6)


def test_categorical_crossentropies_against_numpy():
    expected = -(ONE_HOT * _log_softmax(LOGITS)).sum(-1)
    np.testing.assert_allclose(_np(ops.categorical_crossentropy(ONE_HOT, LOGITS, from_logits=True)), expected, rtol=1e-5)
    np.testing.assert_allclose(_np(ops.sparse_categorical_crossentropy(LABELS, LOGITS, from_logits=True)), expected,
                               rtol=1e-5)
    np.testing.assert_allclose(
        _np(ops.sparse_categorical_crossentropy(LABELS[:, None], LOGITS, from_logits=True)), expected, rtol=1e-5)
    p = PROBS / PROBS.sum(-1, keepdims=True)
    expected = -np.log(p[np.arange(4), LABELS])
    np.testing.assert_allclose(_np(ops.categorical_crossentropy(ONE_HOT, PROBS)), expected, rtol=1e-5)
    np.testing.assert_allclose(_np(ops.sparse_categorical_crossentropy(LABELS, PROBS)), expected, rtol=1e-5)
    by_axis0 = ops.categorical_crossentropy(ONE_HOT.T, LOGITS.T, from_logits=True, axis=0)
    np.testing.assert_allclose(_np(by_axis0), -(ONE_HOT * _log_softmax(LOGITS)).sum(-1), rtol=1e-5)
    with pytest.raises(ValueError, match="categorical_crossentropy"):
        ops.categorical_crossentropy(ONE_HOT[:, :3], LOGITS)


def test_moments_and_normalizations():
    mean, var = ops.moments(LOGITS, axes=[0])
    np.testing.assert_allclose(_np(mean), LOGITS.mean(0), rtol=1e-5)
    np.testing.assert_allclose(_np(var), LOGITS.var(0), rtol=1e-4)
    mean, var = ops.moments(LOGITS.astype("float16"), axes=[0, 1], keepdims=True)
    assert tuple(mean.shape) == (1, 1) and lamina.backend.standardize_dtype(var.dtype) == "float16"
    m, v = np.arange(5, dtype="float32"), np.linspace(1, 2, 5).astype("float32")
    bn = ops.batch_normalization(LOGITS, m, v, axis=-1, offset=m, scale=v, epsilon=1e-3)
    np.testing.assert_allclose(_np(bn), (LOGITS - m) / np.sqrt(v + 1e-3) * v + m, rtol=1e-5, atol=1e-5)
    bn0 = ops.batch_normalization(LOGITS.T, m, v, axis=0)
    np.testing.assert_allclose(_np(bn0), ((LOGITS - m) / np.sqrt(v + 1e-3)).T, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(_np(ops.normalize(LOGITS)), LOGITS / np.linalg.norm(LOGITS, axis=-1, keepdims=True),
                               rtol=1e-5)
    np.testing.assert_allclose(_np(ops.normalize(LOGITS, axis=0, order=1)),
                               LOGITS / np.abs(LOGITS).sum(0, keepdims=True), rtol=1e-5)
    ln = _np(ops.layer_normalization(LOGITS, axis=-1))
    np.testing.assert_allclose(ln, (LOGITS - LOGITS.mean(-1, keepdims=True)) / np.sqrt(
        LOGITS.var(-1, keepdims=True) + 1e-5), rtol=1e-4, atol=1e-5)
    rms = _np(ops.rms_normalization(LOGITS, scale=2.0, epsilon=1e-6))
    np.testing.assert_allclose(rms, 2 * LOGITS / np.sqrt((LOGITS**2).mean(-1, keepdims=True) + 1e-6), rtol=1e-4)


def _sparsemax(z):
    zs = -np.sort(-z, axis=-1)
    k = np.arange(1, z.shape[-1] + 1)
    cs = np.cumsum(zs, -1)
    kz = ((1 + k * zs) > cs).sum(-1, keepdims=True)
    tau = (np.take_along_axis(cs, kz - 1, -1) - 1) / kz
    return np.maximum(z - tau, 0)


ACTIVATIONS = [
    ("log_sigmoid", lambda x: -np.log1p(np.exp(-x))),
    ("sparse_plus", lambda x: np.where(x <= -1, 0, np.where(x >= 1, x, (x + 1) ** 2 / 4))),
    ("sparse_sigmoid", lambda x: np.clip((x + 1) / 2, 0, 1)),
    ("squareplus", lambda x: (x + np.sqrt(x**2 + 4)) / 2),
    ("celu", lambda x: np.maximum(x, 0) + np.expm1(np.minimum(x, 0))),
    ("hard_tanh", lambda x: np.clip(x, -1, 1)),
    ("soft_shrink", lambda x: np.sign(x) * np.maximum(np.abs(x) - 0.5, 0)),
    ("hard_shrink", lambda x: np.where(np.abs(x) > 0.5, x, 0)),
    ("tanh_shrink", lambda x: x - np.tanh(x)),
    ("glu", lambda x: x[:, :2] / (1 + np.exp(-x[:, 2:]))),
    ("sparsemax", _sparsemax),
]


@pytest.mark.parametrize("name, reference", ACTIVATIONS, ids=[a[0] for a in ACTIVATIONS])
def test_activations_against_numpy(name, reference):
    x = LOGITS[:, :4]
    out = getattr(ops, name)(x)
    np.testing.assert_allclose(_np(out), reference(x), rtol=1e-5, atol=1e-6)
    assert lamina.backend.standardize_dtype(out.dtype) == "float32"


def test_threshold_and_multi_hot():
    np.testing.assert_allclose(_np(ops.threshold(LOGITS, 0.3, -1.0)), np.where(LOGITS > 0.3, LOGITS, -1.0))
    np.testing.assert_array_equal(_np(ops.multi_hot([[1, 3], [0, 0]], 5)), [[0, 1, 0, 1, 0], [1, 0, 0, 0, 0]])
    np.testing.assert_array_equal(_np(ops.multi_hot([1, 3], 4)), [0, 1, 0, 1])


def _attention_reference(q, k, v, mask=None, scale=None, causal=False):
    rep = q.shape[2] // k.shape[2]
    k, v = np.repeat(k, rep, axis=2), np.repeat(v, rep, axis=2)
    scale = 1 / np.sqrt(q.shape[-1]) if scale is None else scale
    logits = np.einsum("btnh,bsnh->bnts", q, k) * scale
    keep = np.ones(logits.shape, bool)
    if mask is not None:
        keep &= mask
    if causal:
        keep &= np.tril(np.ones(logits.shape[-2:], bool))
    logits = np.where(keep, logits, -1e30)
    probs = np.exp(logits - logits.max(-1, keepdims=True))
    probs /= probs.sum(-1, keepdims=True)
    return np.einsum("bnts,bsnh->btnh", probs, v)


def test_dot_product_attention_against_numpy():
    q = RNG.normal(size=(2, 4, 4, 8)).astype("float32")
    k = RNG.normal(size=(2, 6, 2, 8)).astype("float32")
    v = RNG.normal(size=(2, 6, 2, 8)).astype("float32")
    mask = RNG.random((2, 1, 4, 6)) > 0.3
    np.testing.assert_allclose(_np(ops.dot_product_attention(q, k, v)), _attention_reference(q, k, v), atol=1e-5)
    np.testing.assert_allclose(_np(ops.dot_product_attention(q, k, v, mask=mask, scale=0.3)),
                               _attention_reference(q, k, v, mask, 0.3), atol=1e-5)
    np.testing.assert_allclose(_np(ops.dot_product_attention(q, k[:, :4], v[:, :4], is_causal=True)),
                               _attention_reference(q, k[:, :4], v[:, :4], causal=True), atol=1e-5)
    with pytest.raises(ValueError, match="multiple"):
        ops.dot_product_attention(q, k[:, :, :1].repeat(3, axis=2), v[:, :, :1].repeat(3, axis=2))


@pytest.mark.parametrize("name, args", [
    ("binary_crossentropy", (TARGETS, LOGITS, True)),
    ("categorical_crossentropy", (ONE_HOT, LOGITS, True)),
    ("sparse_categorical_crossentropy", (LABELS, PROBS)),
    ("normalize", (LOGITS,)),
    ("sparse_plus", (LOGITS,)),
    ("celu", (LOGITS,)),
    ("glu", (LOGITS[:, :4],)),
])
def test_nn_ops_match_keras(name, args):
    keras = pytest.importorskip("keras")
    ours = _np(getattr(ops, name)(*args))
    theirs = keras.ops.convert_to_numpy(getattr(keras.ops, name)(*args))
    np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=1e-6)


def test_keras_oracle_attention_and_moments():
    keras = pytest.importorskip("keras")
    q = RNG.normal(size=(2, 4, 2, 8)).astype("float32")
    bias = RNG.normal(size=(1, 2, 4, 4)).astype("float32")
    ours = _np(ops.dot_product_attention(q, q, q, bias=bias, is_causal=True))
    theirs = keras.ops.convert_to_numpy(keras.ops.dot_product_attention(q, q, q, bias=bias, is_causal=True))
    np.testing.assert_allclose(ours, theirs, atol=1e-5)
    ours = [_np(t) for t in ops.moments(LOGITS, [0, 1], keepdims=True)]
    theirs = [keras.ops.convert_to_numpy(t) for t in keras.ops.moments(LOGITS, [0, 1], keepdims=True)]
    np.testing.assert_allclose(ours[0], theirs[0], atol=1e-5)
    np.testing.assert_allclose(ours[1], theirs[1], atol=1e-4)
