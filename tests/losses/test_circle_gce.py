"""Circle and CategoricalGeneralizedCrossEntropy against Keras 3, with configs and errors."""

import numpy as np
import pytest

from lamina import losses, ops
from tests.conftest import keras_or_skip

RNG = np.random.default_rng(5)
EMB = RNG.normal(size=(6, 4)).astype("float32")
EMB /= np.linalg.norm(EMB, axis=1, keepdims=True)
LABELS = np.array([0, 1, 0, 2, 1, 0], "int32")
REF = RNG.normal(size=(5, 4)).astype("float32")
REF /= np.linalg.norm(REF, axis=1, keepdims=True)
REF_LABELS = np.array([0, 1, 2, 2, 1], "int32")
PROBS = RNG.dirichlet(np.ones(4), size=6).astype("float32")
WEIGHTS = RNG.uniform(0.5, 2.0, 6).astype("float32")


def _np(x):
    return np.asarray(ops.convert_to_numpy(x))


@pytest.mark.parametrize("kwargs", [{}, {"gamma": 16.0, "margin": 0.25, "remove_diagonal": False}])
def test_circle_matches_keras(kwargs):
    keras = keras_or_skip()
    for reduction in ("sum_over_batch_size", "sum"):
        got = losses.Circle(reduction=reduction, **kwargs)(LABELS, EMB, sample_weight=WEIGHTS)
        want = keras.losses.Circle(reduction=reduction, **kwargs)(LABELS, EMB, sample_weight=WEIGHTS)
        np.testing.assert_allclose(_np(got), keras.ops.convert_to_numpy(want), rtol=1e-5, atol=1e-5)
    got = losses.circle(LABELS, EMB, ref_labels=REF_LABELS, ref_embeddings=REF, **kwargs)
    want = keras.losses.circle(LABELS, EMB, ref_labels=REF_LABELS, ref_embeddings=REF, **kwargs)
    np.testing.assert_allclose(_np(got), keras.ops.convert_to_numpy(want), rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("q", [0.2, 0.7])
def test_generalized_cross_entropy_matches_keras(q):
    keras = keras_or_skip()
    labels = np.array([0, 3, 1, 2, 2, 0])
    got = losses.CategoricalGeneralizedCrossEntropy(q=q)(labels, PROBS, sample_weight=WEIGHTS)
    want = keras.losses.CategoricalGeneralizedCrossEntropy(q=q)(labels, PROBS, sample_weight=WEIGHTS)
    np.testing.assert_allclose(_np(got), keras.ops.convert_to_numpy(want), rtol=1e-5)
    got = losses.categorical_generalized_cross_entropy(labels, PROBS, q=q)
    want = keras.losses.categorical_generalized_cross_entropy(labels, keras.ops.convert_to_tensor(PROBS), q=q)
    np.testing.assert_allclose(_np(got), keras.ops.convert_to_numpy(want), rtol=1e-5)


@pytest.mark.parametrize("make,name", [
    (lambda lib: lib.losses.Circle(gamma=32.0, margin=0.3, remove_diagonal=False, reduction="sum"), "Circle"),
    (lambda lib: lib.losses.CategoricalGeneralizedCrossEntropy(q=0.3, name="gce"),
     "CategoricalGeneralizedCrossEntropy"),
])
def test_configs_round_trip_and_equal_keras(make, name):
    keras = keras_or_skip()
    import lamina

    config = make(lamina).get_config()
    assert config == make(keras).get_config()
    restored = losses.deserialize(losses.serialize(make(lamina)))
    assert type(restored).__name__ == name and restored.get_config() == config
    assert type(losses.get(name)).__name__ == name
    # The serialized form is Keras's own (Keras 3.15's deserialize misses its GCE class; the
    # config Keras writes for it is the same dict).
    assert losses.serialize(make(lamina)) == keras.losses.serialize(make(keras))


def test_functions_by_name_and_bad_q():
    assert losses.get("circle") is losses.circle
    assert losses.get("categorical_generalized_cross_entropy") is losses.categorical_generalized_cross_entropy
    with pytest.raises(ValueError, match=r"CategoricalGeneralizedCrossEntropy: `q` must be a number in \(0, 1\). "
                                         r"Received: q=1.5"):
        losses.CategoricalGeneralizedCrossEntropy(q=1.5)
