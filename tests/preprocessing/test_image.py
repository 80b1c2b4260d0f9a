import numpy as np
import pytest

import lamina
from lamina import layers
from tests.preprocessing._util import config_round_trip, npy

RNG = np.random.default_rng(0)
IMAGES = RNG.uniform(0, 255, (4, 8, 6, 3)).astype("float32")

AUGMENTERS = [
    lambda: layers.RandomFlip("horizontal_and_vertical", seed=3),
    lambda: layers.RandomRotation(0.2, seed=3),
    lambda: layers.RandomZoom(0.3, seed=3),
    lambda: layers.RandomZoom((-0.3, -0.1), width_factor=(0.1, 0.2), seed=3, fill_mode="constant"),
    lambda: layers.RandomTranslation(0.3, 0.3, seed=3, fill_mode="wrap"),
    lambda: layers.RandomContrast(0.5, seed=3),
    lambda: layers.RandomBrightness(0.3, seed=3),
]


@pytest.mark.parametrize("make", AUGMENTERS)
def test_augmentation_only_in_training(make):
    layer = make()
    np.testing.assert_array_equal(npy(layer(IMAGES)), IMAGES)
    np.testing.assert_array_equal(npy(layer(IMAGES, training=False)), IMAGES)
    trained = npy(layer(IMAGES, training=True))
    assert trained.shape == IMAGES.shape
    assert np.abs(trained - IMAGES).max() > 1.0
    again = npy(layer(IMAGES, training=True))
    assert not np.array_equal(trained, again)  # the seed generator advances
    clone = config_round_trip(layer)
    assert npy(clone(IMAGES, training=True)).shape == IMAGES.shape


def test_flip_values_and_unbatched():
    image = np.arange(6, dtype="float32").reshape(1, 2, 3, 1)
    batch = np.repeat(image, 16, axis=0)
    out = npy(layers.RandomFlip("horizontal", seed=0)(batch, training=True))
    flipped = image[:, :, ::-1]
    for row in out:
        assert np.array_equal(row, image[0]) or np.array_equal(row, flipped[0])
    assert any(np.array_equal(r, flipped[0]) for r in out) and any(np.array_equal(r, image[0]) for r in out)
    single = npy(layers.RandomFlip("vertical", seed=0)(image[0], training=True))
    assert single.shape == (2, 3, 1)


def test_contrast_and_brightness_follow_keras_formulas_and_clip():
    # Keras 3: contrast is (x - mean) * f + mean per image and channel, f drawn per image
    # from [1 - lower, 1 + upper]; brightness adds one delta per image, |delta| <= 0.9 * 255;
    # both clip to [0, 255]. The factors are random, so each is recovered from the pixels.
    out = npy(layers.RandomContrast((0.0, 2.0), seed=1)(IMAGES, training=True))
    bright = npy(layers.RandomBrightness(0.9, value_range=(0, 255), seed=1)(IMAGES, training=True))
    for image, contrasted, brightened in zip(IMAGES, out, bright):
        centred = image - image.mean(axis=(0, 1))
        inside = (contrasted > 0) & (contrasted < 255)
        factor = np.sum(((contrasted - image.mean(axis=(0, 1))) * centred)[inside]) / np.sum((centred ** 2)[inside])
        assert 1.0 - 1e-4 <= factor <= 3.0 + 1e-4
        expected = np.clip(centred * factor + image.mean(axis=(0, 1)), 0, 255)
        np.testing.assert_allclose(contrasted, expected, atol=1e-2)
        inside = (brightened > 0) & (brightened < 255)
        delta = np.mean((brightened - image)[inside])
        assert abs(delta) <= 0.9 * 255 + 1e-3
        np.testing.assert_allclose(brightened, np.clip(image + delta, 0, 255), atol=1e-2)
    assert (out == 0).any() and (out == 255).any() and (bright == 0).any() and (bright == 255).any()


def test_random_crop():
    layer = layers.RandomCrop(4, 3, seed=2)
    out = npy(layer(IMAGES, training=True))
    assert out.shape == (4, 4, 3, 3)
    found = False
    for top in range(5):
        for left in range(4):
            if np.array_equal(out, IMAGES[:, top:top + 4, left:left + 3]):
                found = True
    assert found
    assert npy(layer(IMAGES)).shape == (4, 4, 3, 3)
    assert layer(lamina.Input((8, 6, 3))).shape == (None, 4, 3, 3)


def test_random_height_and_width():
    layer = layers.RandomHeight((0.5, 0.5), seed=1)
    assert npy(layer(IMAGES, training=True)).shape == (4, 12, 6, 3)
    np.testing.assert_array_equal(npy(layer(IMAGES)), IMAGES)
    width = layers.RandomWidth((-0.5, -0.5), seed=1)
    assert npy(width(IMAGES, training=True)).shape == (4, 8, 3, 3)
    assert layer(lamina.Input((8, 6, 3))).shape == (None, None, 6, 3)
    assert width(lamina.Input((8, 6, 3))).shape == (None, 8, None, 3)
    config_round_trip(layer)
    with pytest.raises(ValueError, match="factor"):
        layers.RandomHeight((-1.0, 0.2))


def test_resizing_rescaling_center_crop():
    assert npy(layers.Resizing(4, 5)(IMAGES)).shape == (4, 4, 5, 3)
    for interpolation in ("nearest", "bicubic", "area", "lanczos3", "lanczos5"):
        assert npy(layers.Resizing(3, 3, interpolation=interpolation)(IMAGES)).shape == (4, 3, 3, 3)
    assert npy(layers.Resizing(4, 4, crop_to_aspect_ratio=True)(IMAGES)).shape == (4, 4, 4, 3)
    assert npy(layers.Resizing(4, 4, pad_to_aspect_ratio=True)(IMAGES)).shape == (4, 4, 4, 3)
    np.testing.assert_allclose(npy(layers.Rescaling(1 / 127.5, offset=-1)(np.array([0.0, 255.0]))), [-1.0, 1.0])
    crop = npy(layers.CenterCrop(4, 3)(IMAGES))
    np.testing.assert_array_equal(crop, IMAGES[:, 2:6, 1:4])
    odd = npy(layers.CenterCrop(3, 3)(IMAGES))  # 8 -> 3 starts at row 2, 6 -> 3 at column 1
    np.testing.assert_array_equal(odd, IMAGES[:, 2:5, 1:4])
    assert npy(layers.CenterCrop(10, 10)(IMAGES)).shape == (4, 10, 10, 3)
    assert layers.CenterCrop(2, 2)(lamina.Input((8, 6, 3))).shape == (None, 2, 2, 3)
    for layer in (layers.Resizing(4, 5, interpolation="area"), layers.Rescaling([1.0, 2.0, 3.0], 0.5),
                  layers.CenterCrop(2, 2)):
        config_round_trip(layer)
    with pytest.raises(ValueError, match="interpolation"):
        layers.Resizing(2, 2, interpolation="cubic")
    with pytest.raises(ValueError, match="rank 3 or 4"):
        layers.CenterCrop(2, 2)(np.zeros((4, 4)))


def test_channels_first():
    images = np.transpose(IMAGES, (0, 3, 1, 2))
    crop = npy(layers.CenterCrop(4, 3, data_format="channels_first")(images))
    np.testing.assert_array_equal(crop, images[:, :, 2:6, 1:4])
    assert npy(layers.Resizing(5, 5, data_format="channels_first")(images)).shape == (4, 3, 5, 5)
    rotated = npy(layers.RandomRotation(0.2, seed=1, data_format="channels_first")(images, training=True))
    assert rotated.shape == images.shape and np.abs(rotated - images).max() > 1.0
    flip = layers.RandomFlip("horizontal", seed=1, data_format="channels_first")
    assert npy(flip(images, training=True)).shape == images.shape


def test_augmentation_model_trains_only_with_training_flag():
    augment = lamina.Sequential([layers.RandomFlip("horizontal"), layers.RandomRotation(0.1), layers.RandomZoom(0.1),
                                 layers.Resizing(8, 8)])
    inputs = lamina.Input((8, 6, 3))
    x = layers.Rescaling(1.0 / 255)(augment(inputs))
    outputs = layers.Dense(2)(layers.Flatten()(x))
    model = lamina.Model(inputs, outputs)
    a = npy(model(IMAGES))
    np.testing.assert_allclose(a, npy(model(IMAGES)), rtol=1e-6)
    b = npy(model(IMAGES, training=True))
    assert a.shape == b.shape == (4, 2) and not np.allclose(a, b)
