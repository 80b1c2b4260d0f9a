"""glu, sparse_sigmoid, sparsemax and threshold against Keras 3, by name and serialized."""

import numpy as np
import pytest

from lamina import activations, ops
from tests.conftest import keras_or_skip

X = np.random.default_rng(3).normal(size=(3, 6)).astype("float32") * 2.0

CASES = [("glu", {}), ("glu", {"axis": 0}), ("sparse_sigmoid", {}), ("sparsemax", {}),
         ("threshold", {"threshold": 0.3, "default_value": -1.0})]


@pytest.mark.parametrize("name,kwargs", CASES, ids=[f"{n}{k}" for n, k in CASES])
def test_matches_keras(name, kwargs):
    keras = keras_or_skip()
    x = X[:2] if kwargs.get("axis") == 0 and name == "glu" else X
    got = ops.convert_to_numpy(getattr(activations, name)(x, **kwargs))
    want = keras.ops.convert_to_numpy(getattr(keras.activations, name)(x, **kwargs))
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("name", ["glu", "sparse_sigmoid", "sparsemax", "threshold"])
def test_found_by_name_and_serialized_by_name(name):
    fn = activations.get(name)
    assert fn is getattr(activations, name)
    assert activations.serialize(fn) == name
    assert activations.deserialize(name) is fn


def _np_sparsemax(z):
    z_sorted = -np.sort(-z, axis=-1)
    k = np.arange(1, z.shape[-1] + 1)
    cumulative = np.cumsum(z_sorted, axis=-1)
    support = (1 + k * z_sorted > cumulative).sum(-1, keepdims=True)
    tau = (np.take_along_axis(cumulative, support - 1, axis=-1) - 1) / support
    return np.maximum(z - tau, 0)


@pytest.mark.parametrize("shape,axis", [((3, 6), 0), ((2, 3, 4), 1)])
def test_sparsemax_against_numpy(shape, axis):
    # Keras 3.15's sparsemax misses the simplex for axis != -1 (and on torch for some rows), so NumPy is the oracle.
    x = np.random.default_rng(4).normal(size=shape).astype("float32") * 2.0
    out = ops.convert_to_numpy(activations.sparsemax(x, axis=axis))
    want = np.moveaxis(_np_sparsemax(np.moveaxis(x, axis, -1)), -1, axis)
    np.testing.assert_allclose(out, want, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(out.sum(axis), 1.0, rtol=1e-5)
