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


def _dtype(x):
    return backend.standardize_dtype(x.dtype)


def _models(lib):
    """Dense, Conv, LSTM, Embedding and float32-softmax-final models, built the same way in
    lamina and Keras, with a batch of inputs for each."""
    L = lib.layers
    return {
        "dense": (lambda: lib.Sequential([lib.Input((3,)), L.Dense(4, activation="relu"), L.Dense(2)]),
                  np.ones((2, 3), "float32")),
        "conv": (lambda: lib.Sequential([lib.Input((6, 6, 2)), L.Conv2D(3, 3), L.Flatten(), L.Dense(2)]),
                 np.ones((2, 6, 6, 2), "float32")),
        "lstm": (lambda: lib.Sequential([lib.Input((4, 3)), L.LSTM(5)]), np.ones((2, 4, 3), "float32")),
        "embedding": (lambda: lib.Sequential([lib.Input((4,), dtype="int32"), L.Embedding(10, 3)]),
                      np.ones((2, 4), "int32")),
        "softmax32": (lambda: lib.Sequential([lib.Input((3,)), L.Dense(4),
                                              L.Activation("softmax", dtype="float32")]),
                      np.ones((2, 3), "float32")),
        "functional": (lambda: _functional(lib), np.ones((2, 3), "float32")),
    }


def _functional(lib):
    inputs = lib.Input((3,))
    return lib.Model(inputs, lib.layers.Dense(2)(lib.layers.Dense(4)(inputs)))


@pytest.mark.parametrize("kind", ["dense", "conv", "lstm", "embedding", "softmax32", "functional"])
def test_output_dtypes_match_keras(mixed_policy, kind):
    keras = keras_or_skip()
    build, x = _models(lamina)[kind]
    model = build()
    tensor = backend.convert_to_tensor(x)
    got = {"symbolic": model.outputs[0].dtype, "predict": str(model.predict(x, verbose=0).dtype),
           "call(tensor)": _dtype(model(tensor)), "call(numpy)": _dtype(model(x))}
    keras.mixed_precision.set_global_policy("mixed_float16")
    try:
        theirs = _models(keras)[kind][0]()
        expected = {"symbolic": theirs.outputs[0].dtype, "predict": str(theirs.predict(x, verbose=0).dtype),
                    "call(tensor)": keras.backend.standardize_dtype(theirs(keras.ops.convert_to_tensor(x)).dtype),
                    "call(numpy)": keras.backend.standardize_dtype(theirs(x).dtype)}
    finally:
        keras.mixed_precision.set_global_policy("float32")
    assert got == expected
    assert set(got.values()) == {"float32" if kind == "softmax32" else "float16"}


def test_every_floating_input_is_cast_to_the_compute_dtype(mixed_policy):
    seen = {}

    class Probe(layers.Layer):
        def call(self, inputs, other=None, ids=None):
            seen.update(first=[_dtype(t) for t in inputs], other=_dtype(other), ids=_dtype(ids))
            return inputs[0]

    f32 = backend.convert_to_tensor(np.ones((2, 3), "float32"))
    f64 = np.ones((2, 3), "float64")
    ids = backend.convert_to_tensor(np.ones((2,), "int32"))
    out = Probe()([f32, f64], other=f32, ids=ids)
    assert seen == {"first": ["float16", "float16"], "other": "float16", "ids": "int32"}
    assert _dtype(out) == "float16"
    seen.clear()
    Probe(dtype="float32")([f32, f64], other=f32, ids=ids)  # an explicit float32 layer keeps float32
    assert seen == {"first": ["float32", "float32"], "other": "float32", "ids": "int32"}
    seen.clear()
    Probe(autocast=False)([f32, f64], other=f32, ids=ids)  # autocast=False leaves dtypes alone
    assert seen["other"] == "float32" and seen["ids"] == "int32"


def test_float32_layer_after_float16_layers_computes_in_float32(mixed_policy):
    model = lamina.Sequential([lamina.Input((3,)), layers.Dense(4), layers.Dense(2, dtype="float32")])
    x = np.random.default_rng(0).normal(size=(5, 3)).astype("float32")
    for out in (model(backend.convert_to_tensor(x)), model.predict(x, verbose=0)):
        assert _dtype(out) == "float32"


@pytest.mark.parametrize("method", ["fit", "evaluate"])
def test_fit_and_evaluate_compute_in_float16(mixed_policy, method):
    seen = []

    class Record(layers.Layer):
        def call(self, inputs):
            seen.append(_dtype(inputs))
            return inputs

    model = lamina.Sequential([lamina.Input((3,)), Record(), layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    x, y = np.ones((8, 3), "float32"), np.ones((8, 1), "float32")
    getattr(model, method)(x, y, verbose=0)
    assert seen and set(seen) == {"float16"}


def test_discretization_buckets_in_float32_whatever_its_dtype(mixed_policy):
    # In float16 1.0004 rounds to 1.0 (below 1.0002); cast to int64, 0.7 would become 0.
    x = np.array([[1.0004, 0.7, 0.2]], "float32")
    for dtype in (None, "int64"):
        layer = layers.Discretization(bin_boundaries=[0.5, 1.0002], dtype=dtype)
        assert backend.convert_to_numpy(layer(x)).tolist() == [[2, 1, 0]]
