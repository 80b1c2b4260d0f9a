"""Legacy tf.keras ``.h5`` files: fixtures in the tf.keras 2.x layout, and lamina's own writer."""

import os
import warnings

import h5py
import numpy as np
import pytest

import lamina
from lamina import layers

FIXTURES = os.path.join(os.path.dirname(__file__), "..", "fixtures", "tf_keras")


def _fixture(name):
    return os.path.join(FIXTURES, name)


def _convnet(dense_name="dense"):
    return lamina.Sequential([lamina.Input((6, 6, 1)), layers.Conv2D(2, 3, activation="relu", name="conv2d"),
                              layers.BatchNormalization(name="batch_normalization"), layers.Flatten(name="flatten"),
                              layers.Dense(3, name=dense_name)])


def test_tf_keras_functional_model_loads_with_predictions():
    model = lamina.models.load_model(_fixture("tf_keras_mlp.h5"), compile=False)
    x, y = np.load(_fixture("tf_keras_mlp_x.npy")), np.load(_fixture("tf_keras_mlp_y.npy"))
    np.testing.assert_allclose(model.predict(x, verbose=0), y, atol=1e-5)
    assert [l.name for l in model.layers] == ["input_1", "dense", "dense_1"]


def test_tf_keras_sequential_model_loads_with_predictions():
    model = lamina.models.load_model(_fixture("tf_keras_convnet.h5"))
    x, y = np.load(_fixture("tf_keras_convnet_x.npy")), np.load(_fixture("tf_keras_convnet_y.npy"))
    np.testing.assert_allclose(model.predict(x, verbose=0), y, atol=1e-5)


@pytest.mark.parametrize("name", ["tf_keras_convnet_weights.h5", "tf_keras_convnet.h5"])
def test_tf_keras_weights_by_topology_and_by_name(name):
    x, y = np.load(_fixture("tf_keras_convnet_x.npy")), np.load(_fixture("tf_keras_convnet_y.npy"))
    model = _convnet()
    model.load_weights(_fixture(name))
    np.testing.assert_allclose(model.predict(x, verbose=0), y, atol=1e-5)
    renamed = _convnet(dense_name="head")
    head_before = renamed.get_layer("head").get_weights()
    renamed.load_weights(_fixture(name), by_name=True)
    np.testing.assert_array_equal(renamed.layers[0].get_weights()[0], model.layers[0].get_weights()[0])
    for a, b in zip(renamed.get_layer("head").get_weights(), head_before):
        np.testing.assert_array_equal(a, b)


def test_legacy_mismatches_raise_or_skip():
    wide = lamina.Sequential([lamina.Input((6, 6, 1)), layers.Conv2D(2, 3, activation="relu"),
                              layers.BatchNormalization(), layers.Flatten(), layers.Dense(4)])
    with pytest.raises(ValueError, match=r"Layer 'dense.*\(32, 4\).*\(32, 3\)"):
        wide.load_weights(_fixture("tf_keras_convnet_weights.h5"))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        wide.load_weights(_fixture("tf_keras_convnet_weights.h5"), skip_mismatch=True)
    assert any("Skipping" in str(w.message) for w in caught)
    short = lamina.Sequential([lamina.Input((6, 6, 1)), layers.Conv2D(2, 3), layers.Flatten(), layers.Dense(3)])
    with pytest.raises(ValueError, match="Layer count mismatch"):
        short.load_weights(_fixture("tf_keras_convnet_weights.h5"))


def test_save_weights_h5_writes_the_tf_keras_layout(tmp_path):
    # Seed S4: autoencoder.save_weights('mnist_autoencoder.h5')
    encoder_input = lamina.Input(shape=(784,), name="img")
    x = layers.Reshape((28, 28, 1))(encoder_input)
    x = layers.Conv2D(4, 3, activation="relu")(x)
    x = layers.MaxPooling2D(3)(x)
    x = layers.Conv2D(4, 3, activation="relu")(x)
    encoder_output = layers.GlobalMaxPooling2D()(x)
    x = layers.Reshape((2, 2, 1))(encoder_output)
    x = layers.Conv2DTranspose(4, 3, activation="relu")(x)
    x = layers.UpSampling2D(3)(x)
    x = layers.Conv2DTranspose(1, 3, activation="relu")(x)
    decoder_output = layers.Flatten()(x)
    autoencoder = lamina.Model(encoder_input, decoder_output, name="autoencoder")
    path = str(tmp_path / "mnist_autoencoder.h5")
    autoencoder.save_weights(path)
    with h5py.File(path) as f:
        names = [n.decode() for n in f.attrs["layer_names"]]
        assert names == [l.name for l in autoencoder.layers]
        conv = autoencoder.layers[2]
        assert [n.decode() for n in f[conv.name].attrs["weight_names"]] == [f"{conv.name}/kernel:0",
                                                                           f"{conv.name}/bias:0"]
    copy = lamina.models.clone_model(autoencoder)
    copy.load_weights(path)
    data = np.random.rand(2, 784).astype("float32")
    np.testing.assert_allclose(copy.predict(data, verbose=0), autoencoder.predict(data, verbose=0), atol=1e-6)


def test_weights_only_h5_refuses_load_model(tmp_path):
    with pytest.raises(ValueError, match="weights only"):
        lamina.models.load_model(_fixture("tf_keras_convnet_weights.h5"))
