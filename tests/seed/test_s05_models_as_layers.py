"""Seed S5 (note lines 186-244): models called like layers; an ensemble with layers.average."""

import numpy as np

import lamina
from lamina import backend, layers


def test_encoder_decoder_autoencoder():
    encoder_input = lamina.Input(shape=(28, 28, 1), name="original_img")
    x = layers.Conv2D(16, 3, activation="relu")(encoder_input)
    x = layers.Conv2D(32, 3, activation="relu")(x)
    x = layers.MaxPooling2D(3)(x)
    x = layers.Conv2D(32, 3, activation="relu")(x)
    x = layers.Conv2D(16, 3, activation="relu")(x)
    encoder_output = layers.GlobalMaxPooling2D()(x)
    encoder = lamina.Model(encoder_input, encoder_output, name="encoder")
    assert encoder.output_shape == (None, 16)

    decoder_input = lamina.Input(shape=(16,), name="encoded_img")
    x = layers.Reshape((4, 4, 1))(decoder_input)
    x = layers.Conv2DTranspose(16, 3, activation="relu")(x)
    x = layers.Conv2DTranspose(32, 3, activation="relu")(x)
    x = layers.UpSampling2D(3)(x)
    x = layers.Conv2DTranspose(16, 3, activation="relu")(x)
    decoder_output = layers.Conv2DTranspose(1, 3, activation="relu")(x)
    decoder = lamina.Model(decoder_input, decoder_output, name="decoder")
    assert decoder.output_shape == (None, 28, 28, 1)

    autoencoder_input = lamina.Input(shape=(28, 28, 1), name="img")
    encoded_img = encoder(autoencoder_input)
    decoded_img = decoder(encoded_img)
    autoencoder = lamina.Model(autoencoder_input, decoded_img, name="autoencoder")
    assert [l.name for l in autoencoder.layers] == ["img", "encoder", "decoder"]
    assert autoencoder.count_params() == encoder.count_params() + decoder.count_params()
    images = np.random.RandomState(0).rand(2, 28, 28, 1).astype("float32")
    out = backend.convert_to_numpy(autoencoder(images))
    expected = backend.convert_to_numpy(decoder(encoder(images)))
    np.testing.assert_allclose(out, expected, rtol=1e-5, atol=1e-6)
    lines = []
    autoencoder.summary(print_fn=lines.append)
    assert any("encoder (Functional)" in line for line in lines)


def get_model():
    inputs = lamina.Input(shape=(128,))
    outputs = layers.Dense(1)(inputs)
    return lamina.Model(inputs, outputs)


def test_ensemble_average():
    model1, model2, model3 = get_model(), get_model(), get_model()
    inputs = lamina.Input(shape=(128,))
    y1, y2, y3 = model1(inputs), model2(inputs), model3(inputs)
    outputs = layers.average([y1, y2, y3])
    ensemble_model = lamina.Model(inputs=inputs, outputs=outputs)
    x = np.random.RandomState(0).rand(4, 128).astype("float32")
    parts = [backend.convert_to_numpy(m(x)) for m in (model1, model2, model3)]
    np.testing.assert_allclose(backend.convert_to_numpy(ensemble_model(x)), np.mean(parts, axis=0), rtol=1e-5)
    assert len(ensemble_model.weights) == 6
