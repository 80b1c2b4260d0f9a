"""S20 (seed lines 1808-1885), the layer parts of the FAQ: training vs inference mode for Dropout and
BatchNormalization, channels_last vs channels_first images, get_config/from_config, get_layer and
get_weights/set_weights."""

import numpy as np

import lamina as keras
from lamina import backend


def _np(x):
    return np.asarray(backend.convert_to_numpy(x))


def test_dropout_and_batchnorm_only_act_in_training_mode():
    x = np.random.default_rng(0).normal(loc=3.0, size=(32, 4)).astype("float32")
    dropout = keras.layers.Dropout(0.5, seed=1)
    np.testing.assert_array_equal(_np(dropout(x)), x)  # inference (the default): identity
    dropped = _np(dropout(x, training=True))
    assert (dropped == 0).any() and np.allclose(dropped[dropped != 0], 2 * x[dropped != 0])

    bn = keras.layers.BatchNormalization(momentum=0.0)
    inference = _np(bn(x))  # moving stats start at mean 0 / variance 1
    np.testing.assert_allclose(inference, x / np.sqrt(1 + 1e-3), rtol=1e-5)
    training = _np(bn(x, training=True))  # batch statistics
    np.testing.assert_allclose(training.mean(0), 0.0, atol=1e-5)
    np.testing.assert_allclose(_np(bn.moving_mean.value), x.mean(0), rtol=1e-5)


def test_training_and_test_error_differ_with_dropout():
    inp = keras.Input((4,))
    out = keras.layers.Dense(1, kernel_initializer="ones")(keras.layers.Dropout(0.5, seed=2)(inp))
    model = keras.Model(inp, out)
    x = np.ones((16, 4), "float32")
    assert not np.allclose(_np(model(x, training=True)), _np(model(x, training=False)))
    np.testing.assert_allclose(_np(model(x, training=False)), 4.0)


def test_color_images_channels_last_and_first():
    images_last = np.random.default_rng(1).random((100, 16, 32, 3)).astype("float32")
    images_first = images_last.transpose(0, 3, 1, 2)  # (100, 3, 16, 32), the Theano layout
    conv_last = keras.layers.Conv2D(8, 3, padding="same", data_format="channels_last")
    conv_first = keras.layers.Conv2D(8, 3, padding="same", data_format="channels_first")
    y_last = conv_last(images_last)
    conv_first(images_first)
    conv_first.set_weights(conv_last.get_weights())
    y_first = conv_first(images_first)
    assert tuple(y_last.shape) == (100, 16, 32, 8) and tuple(y_first.shape) == (100, 8, 16, 32)
    np.testing.assert_allclose(_np(y_first).transpose(0, 2, 3, 1), _np(y_last), rtol=1e-4, atol=1e-5)
    pooled = keras.layers.MaxPooling2D(data_format="channels_first")(images_first)
    assert tuple(pooled.shape) == (100, 3, 8, 16)


def test_config_round_trip_get_layer_and_weights():
    inp = keras.Input((16, 32, 3), name="input_1")
    x = keras.layers.Conv2D(4, 3, name="conv")(inp)
    x = keras.layers.BatchNormalization(name="bn")(x)
    out = keras.layers.GlobalAveragePooling2D()(x)
    model = keras.Model(inp, out)
    config = model.get_config()
    rebuilt = keras.Model.from_config(config)
    assert [type(layer).__name__ for layer in rebuilt.layers] == [type(layer).__name__ for layer in model.layers]
    assert model.get_layer("input_1") is model.layers[0]
    rebuilt.set_weights(model.get_weights())
    assert len(model.get_weights()) == 6  # conv kernel+bias, bn gamma, beta, moving_mean, moving_variance
    x = np.random.default_rng(2).random((2, 16, 32, 3)).astype("float32")
    np.testing.assert_allclose(_np(rebuilt(x)), _np(model(x)), rtol=1e-5, atol=1e-6)
