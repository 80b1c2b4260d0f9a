"""Keras 3's newer augmentation layers: deterministic settings equal real Keras; random ones are
reproducible, stay in range, pass through at inference, round-trip their config and save in a model."""

import numpy as np
import pytest

import lamina
from lamina import layers
from tests.preprocessing._util import config_round_trip, npy

RNG = np.random.default_rng(0)
IMAGES = RNG.uniform(0, 255, (2, 8, 6, 3)).astype("float32")
UNIT = (IMAGES / 255.0).astype("float32")

# (class name, kwargs, input) with settings that leave nothing to chance.
DETERMINISTIC = [
    ("Solarization", {}, IMAGES),
    ("Solarization", dict(value_range=(0, 1)), UNIT),
    ("Equalization", {}, IMAGES),
    ("Equalization", dict(bins=32, value_range=(0, 1)), UNIT),
    ("AutoContrast", {}, IMAGES * 0.5 + 20),
    ("RandomGrayscale", dict(factor=1.0), IMAGES),
    ("RandomInvert", dict(factor=(1.0, 1.0)), IMAGES),
    ("RandomPosterization", dict(factor=(3, 3)), IMAGES),
    ("RandomPosterization", dict(factor=(5, 5), value_range=(0, 1)), UNIT),
    ("RandomHue", dict(factor=(1.0, 1.0), value_range=(0, 1)), UNIT),
    ("RandomSaturation", dict(factor=(0.0, 0.0)), UNIT),
    ("RandomSaturation", dict(factor=(0.7, 0.7), value_range=(0, 1)), UNIT),
    ("RandomColorDegeneration", dict(factor=(0.4, 0.4)), IMAGES),
    ("RandomSharpness", dict(factor=(0.9, 0.9)), IMAGES),
    ("RandomColorJitter", dict(value_range=(0, 1), saturation_factor=(0.7, 0.7), hue_factor=(1.0, 1.0)), UNIT),
]

# (class name, kwargs, input, value range the output stays in)
RANDOM = [
    ("Solarization", dict(addition_factor=0.3, threshold_factor=0.6, seed=1), IMAGES, (0, 255)),
    ("RandomGrayscale", dict(factor=0.8, seed=2), IMAGES, (0, 255)),
    ("RandomInvert", dict(factor=0.8, seed=1), IMAGES, (0, 255)),
    ("RandomPosterization", dict(factor=(1, 6), seed=1), IMAGES, (0, 255)),
    ("RandomHue", dict(factor=0.5, seed=1), IMAGES, (0, 255)),
    ("RandomSaturation", dict(factor=(0.2, 0.8), value_range=(0, 1), seed=1), UNIT, (0, 1)),
    ("RandomColorDegeneration", dict(factor=0.9, seed=1), IMAGES, (0, 255)),
    ("RandomSharpness", dict(factor=0.9, seed=1), IMAGES, (0, 255)),
    ("RandomColorJitter", dict(brightness_factor=0.3, contrast_factor=0.4, saturation_factor=(0.3, 0.7),
                               hue_factor=0.4, value_range=(0, 1), seed=1), UNIT, (0, 1)),
]


def _keras():
    return pytest.importorskip("keras")


def _channels_first(x):
    return np.ascontiguousarray(np.moveaxis(x, -1, -3))


@pytest.mark.parametrize("name,kwargs,x", DETERMINISTIC, ids=[f"{d[0]}-{i}" for i, d in enumerate(DETERMINISTIC)])
def test_deterministic_settings_equal_keras(name, kwargs, x):
    keras = _keras()
    ours = npy(getattr(layers, name)(**kwargs)(x))
    theirs = keras.ops.convert_to_numpy(getattr(keras.layers, name)(**kwargs)(x))
    atol = 1e-3 * (255 if x is not UNIT else 1)
    np.testing.assert_allclose(ours, theirs, atol=atol)
    # channels_first gives the same numbers, laid out channels first; one image as its batch row.
    first = npy(getattr(layers, name)(data_format="channels_first", **kwargs)(_channels_first(x)))
    np.testing.assert_allclose(first, _channels_first(ours), atol=atol)
    if name != "Equalization":  # Keras equalizes over the whole batch
        np.testing.assert_allclose(npy(getattr(layers, name)(**kwargs)(x[1])), ours[1], atol=atol)
    keys = set(getattr(keras.layers, name)(**kwargs).get_config())
    assert set(getattr(layers, name)(**kwargs).get_config()) == keys


@pytest.mark.parametrize("name,kwargs,x,value_range", RANDOM, ids=[r[0] for r in RANDOM])
def test_random_settings(name, kwargs, x, value_range):
    cls = getattr(layers, name)
    layer = cls(**kwargs)
    out = npy(layer(x, training=True))
    assert out.shape == x.shape and out.dtype == np.float32
    assert out.min() >= value_range[0] - 1e-4 and out.max() <= value_range[1] + 1e-4
    assert not np.allclose(out, x)
    np.testing.assert_allclose(npy(cls(**kwargs)(x, training=True)), out, atol=1e-5)  # same seed, same draw
    np.testing.assert_array_equal(npy(layer(x, training=False)), x)
    assert npy(layer(x[0], training=True)).shape == x[0].shape
    clone = config_round_trip(layer)
    np.testing.assert_allclose(npy(clone(x, training=True)), out, atol=1e-5)


def test_autocontrast_applies_at_inference_and_keeps_flat_images():
    x = np.full((1, 4, 4, 3), 7.0, "float32")
    np.testing.assert_array_equal(npy(layers.AutoContrast()(x, training=False)), x)
    y = IMAGES * 0.5 + 20
    out = npy(layers.AutoContrast()(y, training=False))
    np.testing.assert_allclose(out.min(axis=(1, 2)), 0, atol=1e-3)
    np.testing.assert_allclose(out.max(axis=(1, 2)), 255, atol=1e-3)


def test_bad_arguments_name_the_layer():
    with pytest.raises(ValueError, match="RandomGrayscale: `factor` must be a number in \\[0, 1\\]"):
        layers.RandomGrayscale(factor=1.5)
    with pytest.raises(ValueError, match="RandomPosterization: `factor` must lie in \\[1, 8\\]"):
        layers.RandomPosterization(factor=9)
    with pytest.raises(ValueError, match="Solarization: `value_range` must be a pair"):
        layers.Solarization(value_range=5)
    with pytest.raises(ValueError, match="RandomHue .* expects images of rank 3 or 4"):
        layers.RandomHue(0.2)(np.ones((2, 3)))


def test_saved_in_a_model_and_reloaded(tmp_path):
    model = lamina.Sequential([lamina.Input((8, 6, 3)), layers.RandomHue(0.3, seed=2), layers.AutoContrast(),
                               layers.RandomPosterization(4, seed=2), layers.Equalization()])
    path = str(tmp_path / "m.keras")
    model.save(path)
    loaded = lamina.saving.load_model(path)
    np.testing.assert_allclose(npy(loaded.predict(IMAGES, verbose=0)), npy(model.predict(IMAGES, verbose=0)),
                               atol=1e-4)
    assert [type(la).__name__ for la in loaded.layers] == [type(la).__name__ for la in model.layers]
    assert loaded.layers[0].get_config() == model.layers[0].get_config()
