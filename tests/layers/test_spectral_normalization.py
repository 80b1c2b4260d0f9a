"""SpectralNormalization against Keras with the same weights: outputs, the updated kernel and
vector, inference calls, config round trip and errors."""

import numpy as np
import pytest

import lamina
from tests.conftest import keras_or_skip


def _pair(keras, make, x, power_iterations):
    keras.utils.clear_session(free_memory=False)  # the same automatic names on both sides
    ours = lamina.layers.SpectralNormalization(make(lamina), power_iterations=power_iterations)
    theirs = keras.layers.SpectralNormalization(make(keras), power_iterations=power_iterations)
    ours(x)
    theirs(x)
    # Same paths and shapes; the .weights order differs (lamina lists the inner layer's first),
    # so values are matched by path. Weight files have the same layout either way.
    theirs_by_path = {w.path: w for w in theirs.weights}
    assert sorted(theirs_by_path) == sorted(w.path for w in ours.weights)
    for w in ours.weights:
        theirs_by_path[w.path].assign(np.asarray(w.numpy()))
    return ours, theirs


def _values(layer):
    return {w.path: np.asarray(w.numpy()) for w in layer.weights}


@pytest.mark.parametrize("make,shape", [
    (lambda lib: lib.layers.Dense(3), (4, 5)),
    (lambda lib: lib.layers.Conv2D(2, 3), (2, 6, 6, 3)),
    (lambda lib: lib.layers.Embedding(7, 3), None),
])
@pytest.mark.parametrize("power_iterations", [1, 3])
def test_matches_keras(make, shape, power_iterations):
    keras = keras_or_skip()
    rng = np.random.default_rng(0)
    x = rng.integers(0, 7, size=(4, 2)) if shape is None else rng.normal(size=shape).astype("float32")
    ours, theirs = _pair(keras, make, x, power_iterations)
    for training in (True, True, False):
        np.testing.assert_allclose(lamina.ops.convert_to_numpy(ours(x, training=training)),
                                   keras.ops.convert_to_numpy(theirs(x, training=training)), rtol=1e-4, atol=1e-5)
        expected = _values(theirs)
        for path, value in _values(ours).items():
            np.testing.assert_allclose(value, expected[path], rtol=1e-4, atol=1e-6)


def test_zero_kernel_is_left_alone_and_config_round_trips():
    sn = lamina.layers.SpectralNormalization(lamina.layers.Dense(2, kernel_initializer="zeros"), power_iterations=2)
    x = np.ones((3, 4), "float32")
    u_before = sn(x) is not None and sn.vector_u.numpy().copy()
    sn(x, training=True)
    np.testing.assert_array_equal(sn.vector_u.numpy(), u_before)
    assert not np.any(sn.layer.kernel.numpy())
    clone = lamina.layers.SpectralNormalization.from_config(sn.get_config())
    assert clone.power_iterations == 2 and clone.layer.units == 2


def test_errors():
    with pytest.raises(ValueError, match="expected a positive integer for power_iterations. Received: "
                                         "power_iterations=0"):
        lamina.layers.SpectralNormalization(lamina.layers.Dense(2), power_iterations=0)
    with pytest.raises(ValueError, match="has no `kernel` or `embeddings` weight"):
        lamina.layers.SpectralNormalization(lamina.layers.LayerNormalization())(np.ones((2, 3), "float32"))
