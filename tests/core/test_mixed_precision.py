"""Mixed precision: float32 variables, float16 / bfloat16 computation inside `call`."""

import numpy as np
import pytest

import lamina
from lamina import backend, layers
from tests.conftest import keras_or_skip


@pytest.fixture
def mixed_policy():
    lamina.mixed_precision.set_global_policy("mixed_float16")
    yield
    lamina.mixed_precision.set_global_policy("float32")


def test_variables_read_in_the_compute_dtype_inside_call(mixed_policy):
    dense = layers.Dense(4)
    out = dense(np.ones((2, 3), "float32"))
    assert backend.standardize_dtype(out.dtype) == "float16"
    assert dense.kernel.dtype == "float32"  # stored in float32
    assert backend.standardize_dtype(dense.kernel.value.dtype) == "float32"  # outside call: as stored
    assert lamina.Input((3,)).dtype == "float32"
    assert layers.Dense(4)(lamina.Input((3,))).dtype == "float16"
    with backend.AutocastScope("float16"):
        assert backend.standardize_dtype(dense.kernel.value.dtype) == "float16"
        counter = lamina.Variable(1.0)
        counter.assign_add(1e-4)  # accumulates in float32, not through the float16 read
    assert abs(float(counter.numpy()) - 1.0001) < 1e-7


def test_mixed_model_trains_with_float32_weights(mixed_policy):
    model = lamina.Sequential([lamina.Input((3,)), layers.Dense(8, activation="relu"),
                               layers.Dense(1, dtype="float32")])
    model.compile(optimizer="adam", loss="mse")
    rng = np.random.default_rng(0)
    history = model.fit(rng.random((64, 3), dtype=np.float32), rng.random((64, 1), dtype=np.float32),
                        epochs=5, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
    assert all(w.dtype == np.float32 for w in model.get_weights())


def test_mixed_dense_matches_keras(mixed_policy):
    keras = keras_or_skip()
    x = np.random.default_rng(1).normal(size=(4, 5)).astype("float32")
    ours = layers.Dense(3, activation="relu")
    ours.build((None, 5))
    theirs = keras.layers.Dense(3, activation="relu", dtype="mixed_float16")
    theirs.build((None, 5))
    theirs.set_weights(ours.get_weights())
    got = np.asarray(backend.convert_to_numpy(ours(x)))
    expected = np.asarray(keras.ops.convert_to_numpy(theirs(x)))
    assert got.dtype == expected.dtype == np.float16
    np.testing.assert_allclose(got, expected, rtol=1e-3, atol=1e-3)
