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


def test_sparsemax_along_another_axis():
    # Keras 3.15's sparsemax(axis=0) does not sum to 1 along axis 0; the last axis of the transpose does.
    keras = keras_or_skip()
    out = ops.convert_to_numpy(activations.sparsemax(X, axis=0))
    np.testing.assert_allclose(out.sum(0), 1.0, rtol=1e-5)
    want = keras.ops.convert_to_numpy(keras.activations.sparsemax(X.T)).T
    np.testing.assert_allclose(out, want, rtol=1e-5, atol=1e-6)
    assert (out == 0).any()
