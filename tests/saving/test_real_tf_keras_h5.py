"""Legacy .h5 files written by real tf.keras 2.x (tf_keras 2.21; see
tests/fixtures/tf_keras_real/make_fixtures.py) load in lamina with tf.keras's predictions."""

import os

import numpy as np
import pytest

import lamina
from lamina import backend, layers

HERE = os.path.join(os.path.dirname(__file__), "..", "fixtures", "tf_keras_real")


def _fixture(name):
    return (os.path.join(HERE, f"{name}.h5"), os.path.join(HERE, f"{name}_weights.h5"),
            np.load(os.path.join(HERE, f"{name}_x.npy")), np.load(os.path.join(HERE, f"{name}_y.npy")))


def _lamina_twin(name):
    if name == "mlp":
        return lamina.Sequential([lamina.Input((8,)), layers.Dense(16, activation="relu", name="hidden"),
                                  layers.Dropout(0.2), layers.Dense(3, activation="softmax", name="out")])
    if name == "convnet":
        inputs = lamina.Input((8, 8, 1), name="image")
        x = layers.Conv2D(4, 3, activation="relu", name="conv")(inputs)
        x = layers.BatchNormalization(name="bn")(x)
        x = layers.MaxPooling2D(2, name="pool")(x)
        x = layers.Flatten(name="flatten")(x)
        return lamina.Model(inputs, layers.Dense(2, name="logits")(x), name="convnet")
    tokens = lamina.Input((5,), dtype="int32", name="tokens")
    h = layers.LSTM(6, name="lstm")(layers.Embedding(20, 4, name="embed")(tokens))
    return lamina.Model(tokens, layers.Dense(1, activation="sigmoid", name="score")(h), name="text")


@pytest.mark.parametrize("name", ["mlp", "convnet", "text"])
def test_whole_model_from_tf_keras_h5(name):
    path, _, x, expected = _fixture(name)
    model = lamina.saving.load_model(path)
    np.testing.assert_allclose(backend.convert_to_numpy(model.predict(x, verbose=0)), expected, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("name", ["mlp", "convnet", "text"])
def test_weights_from_tf_keras_h5_by_topology_and_by_name(name):
    _, weights_path, x, expected = _fixture(name)
    model = _lamina_twin(name)
    model.load_weights(weights_path)
    np.testing.assert_allclose(backend.convert_to_numpy(model(x)), expected, rtol=1e-5, atol=1e-6)
    by_name = _lamina_twin(name)
    by_name.load_weights(weights_path, by_name=True)
    np.testing.assert_allclose(backend.convert_to_numpy(by_name(x)), expected, rtol=1e-5, atol=1e-6)


def test_compiled_tf_keras_model_keeps_its_compile_config():
    path, _, x, expected = _fixture("mlp")
    model = lamina.saving.load_model(path)
    assert model.compiled
    y = np.array([0, 1, 2, 0])
    # tf.keras compiled it with sparse_categorical_crossentropy and "accuracy": both come back,
    # evaluated on tf.keras's own predictions.
    logs = model.evaluate(x, y, verbose=0, return_dict=True)
    assert set(logs) == {"loss", "accuracy"}
    np.testing.assert_allclose(logs["loss"], -np.log(expected[np.arange(4), y]).mean(), rtol=1e-5)
    np.testing.assert_allclose(logs["accuracy"], np.mean(expected.argmax(-1) == y), rtol=1e-6)
