"""lamina.ops.math, lamina.ops.linalg and the structural core ops against NumPy."""

import numpy as np
import pytest

import lamina
from lamina import ops

RNG = np.random.default_rng(0)
X = RNG.normal(size=(4, 6)).astype("float32")
SPD = (X[:, :4].T @ X[:, :4] + np.eye(4)).astype("float32")
B = RNG.normal(size=(4,)).astype("float32")


def _np(x):
    return ops.convert_to_numpy(x)


def _dtype(x):
    return lamina.backend.standardize_dtype(x.dtype)


def test_segments():
    data = RNG.normal(size=(5, 3)).astype("float32")
    ids = np.array([0, 0, 2, 1, 2])
    expected = np.stack([data[ids == i].sum(0) for i in range(4)])
    np.testing.assert_allclose(_np(ops.segment_sum(data, ids, num_segments=4)), expected, rtol=1e-6)
    np.testing.assert_allclose(_np(ops.segment_sum(data, ids)), expected[:3], rtol=1e-6)
    maxima = _np(ops.segment_max(data, ids, num_segments=4))
    np.testing.assert_allclose(maxima[:3], np.stack([data[ids == i].max(0) for i in range(3)]))
    assert np.all(np.isneginf(maxima[3]))


def test_top_k_in_top_k_logsumexp():
    values, indices = ops.top_k(X, 3)
    order = np.argsort(-X, axis=-1)[:, :3]
    np.testing.assert_array_equal(_np(indices), order)
    np.testing.assert_allclose(_np(values), np.take_along_axis(X, order, -1))
    assert _dtype(indices) == "int32"
    targets = np.array([0, 3, 5, 1])
    expected = [t in row for t, row in zip(targets, np.argsort(-X, axis=-1)[:, :2])]
    np.testing.assert_array_equal(_np(ops.in_top_k(targets, X, 2)), expected)
    ref = np.log(np.exp(X).sum(1))
    np.testing.assert_allclose(_np(ops.logsumexp(X, axis=1)), ref, rtol=1e-5)
    np.testing.assert_allclose(_np(ops.logsumexp(X * 100)), np.max(X * 100) + np.log(
        np.exp(X * 100 - np.max(X * 100)).sum()), rtol=1e-5)


def test_special_functions_and_framing():
    from math import erf

    np.testing.assert_allclose(_np(ops.erf(X)), np.vectorize(erf)(X), atol=1e-6)
    np.testing.assert_allclose(_np(ops.erf(ops.erfinv(X / 4))), X / 4, atol=1e-5)
    np.testing.assert_allclose(_np(ops.rsqrt(np.abs(X) + 1)), 1 / np.sqrt(np.abs(X) + 1), rtol=1e-5)
    frames = _np(ops.extract_sequences(X, 3, 2))
    assert frames.shape == (4, 2, 3)
    np.testing.assert_array_equal(frames[:, 1], X[:, 2:5])


def test_fft_family():
    real, imag = ops.fft((X, X * 0.5))
    ref = np.fft.fft(X + 0.5j * X)
    np.testing.assert_allclose(_np(real), ref.real, atol=1e-4)
    np.testing.assert_allclose(_np(imag), ref.imag, atol=1e-4)
    real, imag = ops.fft2((X, np.zeros_like(X)))
    np.testing.assert_allclose(_np(real), np.fft.fft2(X).real, atol=1e-4)
    spectrum = ops.rfft(X, 8)
    np.testing.assert_allclose(_np(spectrum[0]), np.fft.rfft(X, 8).real, atol=1e-4)
    np.testing.assert_allclose(_np(ops.irfft(ops.rfft(X))), X, atol=1e-5)


def test_linalg_against_numpy():
    la = ops.linalg
    np.testing.assert_allclose(_np(la.cholesky(SPD)), np.linalg.cholesky(SPD), rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(_np(la.cholesky(SPD, upper=True)), np.linalg.cholesky(SPD).T, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(_np(la.det(SPD)), np.linalg.det(SPD), rtol=1e-4)
    np.testing.assert_allclose(_np(la.inv(SPD)), np.linalg.inv(SPD), rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(_np(la.eigh(SPD)[0]), np.linalg.eigh(SPD)[0], rtol=1e-4)
    np.testing.assert_allclose(np.sort(_np(la.eig(SPD)[0]).real), np.linalg.eigvalsh(SPD), rtol=1e-4)
    np.testing.assert_allclose(_np(la.solve(SPD, B)), np.linalg.solve(SPD, B), rtol=1e-4, atol=1e-5)
    lower = np.tril(SPD)
    np.testing.assert_allclose(_np(la.solve_triangular(lower, B, lower=True)), np.linalg.solve(lower, B), rtol=1e-4)
    np.testing.assert_allclose(_np(la.svd(X, compute_uv=False)), np.linalg.svd(X, compute_uv=False), rtol=1e-4)
    u, s, vh = la.svd(X, full_matrices=False)
    np.testing.assert_allclose(_np(u) * _np(s) @ _np(vh), X, atol=1e-4)
    q, r = la.qr(X.T)
    np.testing.assert_allclose(_np(q) @ _np(r), X.T, atol=1e-5)
    rhs = RNG.normal(size=(6,)).astype("float32")
    np.testing.assert_allclose(_np(la.lstsq(X.T, rhs)), np.linalg.lstsq(X.T, rhs, rcond=None)[0], atol=1e-4)
    lu, pivots = la.lu_factor(SPD)
    assert _dtype(pivots) == "int32" and _np(pivots).min() >= 0
    for kwargs in [{}, {"ord": 1, "axis": 0}, {"axis": 1, "keepdims": True}, {"ord": "fro", "axis": (0, 1)},
                   {"ord": "nuc"}, {"ord": 2}]:
        np.testing.assert_allclose(_np(la.norm(X, **kwargs)), np.linalg.norm(X, **kwargs), rtol=1e-4)
    np.testing.assert_allclose(_np(ops.norm(np.array([3, 4]))), 5.0)
    np.testing.assert_allclose(_np(ops.logdet(SPD)), np.linalg.slogdet(SPD)[1], rtol=1e-4)
    with pytest.raises(ValueError, match="inv: expected square"):
        la.inv(X)


def test_core_structural_ops():
    np.testing.assert_array_equal(_np(ops.slice(X, [1, 2], [2, 3])), X[1:3, 2:5])
    updated = _np(ops.slice_update(X, [1, 2], np.ones((2, 3), "float32")))
    expected = X.copy()
    expected[1:3, 2:5] = 1
    np.testing.assert_array_equal(updated, expected)
    idx = np.array([[0, 1], [2, 3], [0, 1]])
    scattered = np.zeros((3, 4), "float32")
    np.add.at(scattered, (idx[:, 0], idx[:, 1]), [1.0, 2.0, 3.0])
    np.testing.assert_array_equal(_np(ops.scatter(idx, np.array([1.0, 2.0, 3.0], "float32"), (3, 4))), scattered)
    expected = X.copy()
    expected[0, 1], expected[2, 3] = 7, 8
    np.testing.assert_array_equal(_np(ops.scatter_update(X, idx[:2], np.array([7.0, 8.0], "float32"))), expected)
    np.testing.assert_allclose(_np(ops.map(lambda row: ops.sum(row), X)), X.sum(1), rtol=1e-6)
    np.testing.assert_allclose(_np(ops.vectorized_map(lambda row: row * 2, X)), X * 2)
    np.testing.assert_allclose(_np(ops.switch(1, [lambda a: a + 1, lambda a: a * 2], X)), X * 2)
    np.testing.assert_allclose(_np(ops.switch(7, [lambda a: a + 1, lambda a: a * 2], X)), X * 2)
    np.testing.assert_allclose(_np(ops.associative_scan(lambda a, b: a + b, X, axis=1)), np.cumsum(X, 1), rtol=1e-5)
    np.testing.assert_allclose(_np(ops.associative_scan(lambda a, b: a + b, X, reverse=True)),
                               np.cumsum(X[::-1], 0)[::-1], rtol=1e-5)
    np.testing.assert_array_equal(_np(ops.saturate_cast(np.array([-5.0, 3.7, 300.0], "float32"), "uint8")), [0, 3, 255])
    np.testing.assert_array_equal(_np(ops.saturate_cast(np.array([-200, 5, 70000], "int32"), "int8")), [-128, 5, 127])
    assert [tuple(t.shape) for t in ops.unstack(X)] == [(6,)] * 4
    assert ops.is_tensor(ops.convert_to_tensor(X)) and not ops.is_tensor(X)
    assert ops.dtype(ops.convert_to_tensor([1, 2], dtype="int8")) == "int8"
