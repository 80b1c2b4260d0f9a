"""S4 (seed lines 114-184): a convolutional autoencoder, its encoder cut out at layers[9].input.

Ported from tf.keras to lamina. The note's first Reshape is applied to the (undefined) ``x``;
it is meant to be ``encoder_input``. MNIST is replaced by a small random batch to keep the
test fast; the note's plotting is not reproduced.
"""

import numpy as np

import lamina as keras


def _autoencoder():
    encoder_input = keras.Input(shape=(784,), name="img")
    x = keras.layers.Reshape((28, 28, 1))(encoder_input)
    x = keras.layers.Conv2D(16, 3, activation="relu")(x)
    x = keras.layers.Conv2D(32, 3, activation="relu")(x)
    x = keras.layers.MaxPooling2D(3)(x)
    x = keras.layers.Conv2D(32, 3, activation="relu")(x)
    x = keras.layers.Conv2D(16, 3, activation="relu")(x)
    encoder_output = keras.layers.GlobalMaxPooling2D()(x)

    x = keras.layers.Reshape((4, 4, 1))(encoder_output)
    x = keras.layers.Conv2DTranspose(16, 3, activation="relu")(x)
    x = keras.layers.Conv2DTranspose(32, 3, activation="relu")(x)
    x = keras.layers.UpSampling2D(3)(x)
    x = keras.layers.Conv2DTranspose(16, 3, activation="relu")(x)
    x = keras.layers.Conv2DTranspose(1, 3, activation="relu")(x)
    decoder_output = keras.layers.Flatten()(x)
    return keras.Model(encoder_input, decoder_output, name="autoencoder")


def test_autoencoder_structure_and_shapes():
    autoencoder = _autoencoder()
    names = [type(layer).__name__ for layer in autoencoder.layers]
    assert names == ["InputLayer", "Reshape", "Conv2D", "Conv2D", "MaxPooling2D", "Conv2D", "Conv2D",
                     "GlobalMaxPooling2D", "Reshape", "Conv2DTranspose", "Conv2DTranspose", "UpSampling2D",
                     "Conv2DTranspose", "Conv2DTranspose", "Flatten"]
    shapes = [tuple(layer.output.shape) for layer in autoencoder.layers[1:]]
    assert shapes == [(None, 28, 28, 1), (None, 26, 26, 16), (None, 24, 24, 32), (None, 8, 8, 32),
                      (None, 6, 6, 32), (None, 4, 4, 16), (None, 16), (None, 4, 4, 1), (None, 6, 6, 16),
                      (None, 8, 8, 32), (None, 24, 24, 32), (None, 26, 26, 16), (None, 28, 28, 1), (None, 784)]
    # Same parameter count as the Keras model: convs 160+4640+9248+4624, transposes 160+4640+4624+145.
    assert autoencoder.count_params() == 28241


def test_encoder_cut_at_layer_9_input_and_predict():
    autoencoder = _autoencoder()
    encoder = keras.Model(autoencoder.inputs, autoencoder.layers[9].input, name="encoder")
    x_test = np.random.default_rng(0).random((8, 784)).astype("float32")
    decoded = autoencoder.predict(x_test, verbose=0)
    encoded = encoder.predict(x_test, verbose=0)
    assert decoded.shape == (8, 784) and encoded.shape == (8, 4, 4, 1)
    assert (decoded >= 0).all()  # the last Conv2DTranspose is relu-activated
    # The encoder shares the autoencoder's layers: its output is the decoder's input.
    inner = keras.Model(autoencoder.inputs, autoencoder.layers[7].output)
    np.testing.assert_allclose(encoded.reshape(8, 16), inner.predict(x_test, verbose=0), rtol=1e-6)


def test_autoencoder_trains_and_saves_weights(tmp_path):
    autoencoder = _autoencoder()
    autoencoder.compile(optimizer=keras.optimizers.RMSprop(), loss=keras.losses.mse, metrics=["MeanSquaredError"])
    x_train = np.random.default_rng(1).random((64, 784)).astype("float32")
    history = autoencoder.fit(x_train, x_train, batch_size=32, epochs=3, validation_split=0.25, verbose=0)
    assert set(history.history) >= {"loss", "mean_squared_error", "val_loss", "val_mean_squared_error"}
    assert history.history["loss"][-1] < history.history["loss"][0]
    path = str(tmp_path / "mnist_autoencoder.weights.h5")
    autoencoder.save_weights(path)
    clone = _autoencoder()
    clone.load_weights(path)
    np.testing.assert_allclose(clone.predict(x_train[:4], verbose=0), autoencoder.predict(x_train[:4], verbose=0),
                               rtol=1e-5, atol=1e-6)
