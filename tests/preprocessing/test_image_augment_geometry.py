"""Erasing, blur, warps, MixUp/CutMix, RandAugment/AugMix and Pipeline against Keras 3 where settings fix the result."""

import numpy as np
import pytest

import lamina
from lamina import layers
from tests.preprocessing._util import config_round_trip, npy

RNG = np.random.default_rng(1)
IMAGES = RNG.uniform(0, 255, (3, 8, 6, 3)).astype("float32")

DETERMINISTIC = [
    ("RandomGaussianBlur", dict(factor=(1.0, 1.0), kernel_size=5, sigma=(0.8, 0.8))),
    ("RandomErasing", dict(factor=(1.0, 1.0), scale=(1.0, 1.0), fill_value=7.0)),
    ("RandomPerspective", dict(factor=(1.0, 1.0), scale=0.0)),
    ("RandomElasticTransform", dict(scale=0.0)),
]

RANDOM = [
    ("RandomErasing", dict(factor=(1.0, 1.0), seed=2)),
    ("RandomErasing", dict(factor=(1.0, 1.0), fill_value=(10.0, 20.0, 30.0), seed=2)),
    ("RandomGaussianBlur", dict(factor=0.9, kernel_size=(3, 5), sigma=1.0, seed=2)),
    ("RandomPerspective", dict(scale=0.6, seed=2)),
    ("RandomShear", dict(x_factor=0.4, y_factor=0.2, fill_mode="constant", seed=2)),
    ("RandomElasticTransform", dict(factor=(1.0, 1.0), scale=0.8, seed=2)),
    ("MixUp", dict(alpha=0.5, seed=2)),
    ("CutMix", dict(seed=2)),
]

CONFIG_ARGS = {"Pipeline": dict(layers=[])}


def _keras():
    return pytest.importorskip("keras")


@pytest.mark.parametrize("name,kwargs", DETERMINISTIC, ids=[d[0] for d in DETERMINISTIC])
def test_deterministic_settings_equal_keras(name, kwargs):
    keras = _keras()
    ours = npy(getattr(layers, name)(**kwargs)(IMAGES))
    theirs = keras.ops.convert_to_numpy(getattr(keras.layers, name)(**kwargs)(IMAGES))
    np.testing.assert_allclose(ours, theirs, atol=1e-3)
    first = npy(getattr(layers, name)(data_format="channels_first", **kwargs)(np.moveaxis(IMAGES, -1, 1)))
    np.testing.assert_allclose(first, np.moveaxis(ours, -1, 1), atol=1e-3)


@pytest.mark.parametrize("name", [d[0] for d in DETERMINISTIC] + ["RandomShear", "MixUp", "CutMix", "Pipeline",
                                                                    "RandAugment", "AugMix"])
def test_config_keys_equal_keras(name):
    keras = _keras()
    kwargs = CONFIG_ARGS.get(name, {})
    assert set(getattr(layers, name)(**kwargs).get_config()) == set(getattr(keras.layers, name)(**kwargs).get_config())


def test_shear_reads_the_sheared_position():
    keras = _keras()
    out = npy(layers.RandomShear(x_factor=(0.3, 0.3), y_factor=(0.1, 0.1), seed=4)(IMAGES))
    for sign in (1.0, -1.0):
        transform = np.tile(np.array([[1, 0.3 * sign, 0, 0.1 * sign, 1, 0, 0, 0]], "float32"), (3, 1))
        expected = keras.ops.convert_to_numpy(keras.ops.image.affine_transform(IMAGES, transform,
                                                                                 fill_mode="reflect"))
        matched = [np.allclose(o, e, atol=1e-3) for o, e in zip(out, expected)]
        if sign == 1.0:
            plus = matched
    assert all(p or m for p, m in zip(plus, matched))


@pytest.mark.parametrize("name,kwargs", RANDOM, ids=[r[0] for r in RANDOM])
def test_random_settings(name, kwargs):
    cls = getattr(layers, name)
    layer = cls(**kwargs)
    out = npy(layer(IMAGES, training=True))
    assert out.shape == IMAGES.shape and out.dtype == np.float32
    assert out.min() >= -1e-3 and out.max() <= 255 + 1e-3
    np.testing.assert_allclose(npy(cls(**kwargs)(IMAGES, training=True)), out, atol=1e-4)
    np.testing.assert_array_equal(npy(layer(IMAGES, training=False)), IMAGES)
    assert npy(layer(IMAGES[0], training=True)).shape == IMAGES[0].shape
    clone = config_round_trip(layer)
    np.testing.assert_allclose(npy(clone(IMAGES, training=True)), out, atol=1e-4)
    first = npy(cls(data_format="channels_first", **kwargs)(np.moveaxis(IMAGES, -1, 1), training=True))
    assert first.shape == (3, 3, 8, 6)


def test_some_random_layers_change_images():
    for layer in (layers.RandomPerspective(scale=0.6, seed=2), layers.RandomShear(0.4, seed=2),
                  layers.RandomElasticTransform(factor=(1.0, 1.0), seed=2), layers.MixUp(seed=2),
                  layers.RandomErasing(factor=(1.0, 1.0), seed=2)):
        assert not np.allclose(npy(layer(IMAGES)), IMAGES), type(layer).__name__


@pytest.mark.parametrize("make", [lambda: layers.RandAugment(num_ops=1, factor=0.6, seed=2),
                                  lambda: layers.AugMix(num_chains=2, chain_depth=1, all_ops=False, seed=2)])
def test_policies(make):
    # Each step runs every operation and keeps one, so one call is many ops: kept to few calls.
    layer = make()
    x = IMAGES[:2]
    out = npy(layer(x))
    assert out.shape == x.shape and out.min() >= -1e-3 and out.max() <= 255 + 1e-3
    np.testing.assert_allclose(npy(make()(x)), out, atol=1e-3)
    np.testing.assert_array_equal(npy(layer(x, training=False)), x)
    clone = config_round_trip(layer)
    assert clone.get_config() == layer.get_config()


def test_mixup_and_cutmix_mix_labels_like_images():
    flat = np.repeat(np.arange(1.0, 7.0, dtype="float32")[:, None, None, None] * 30, 8, axis=1)
    flat = np.repeat(np.repeat(flat, 6, axis=2), 3, axis=3)  # six images, each one value
    labels = np.eye(6, dtype="float32")
    values = flat[:, 0, 0, 0]
    mixed = layers.MixUp(alpha=0.7, seed=5)({"images": flat, "labels": labels})
    images, mixed_labels = npy(mixed["images"]), npy(mixed["labels"])
    np.testing.assert_allclose(images[:, 0, 0, 0], mixed_labels @ values, rtol=1e-5)
    np.testing.assert_allclose(mixed_labels.sum(axis=1), 1.0, rtol=1e-5)
    cut = layers.CutMix(seed=5)({"images": flat, "labels": labels})
    cut_images, cut_labels = npy(cut["images"]), npy(cut["labels"])
    np.testing.assert_allclose(cut_labels.sum(axis=1), 1.0, rtol=1e-5)
    for i in range(6):
        own = np.mean(cut_images[i, :, :, 0] == values[i])
        assert abs(own - cut_labels[i, i]) < 0.35 or cut_labels[i, i] > 0.999
    unbatched = npy(layers.CutMix(seed=5)(flat[0]))
    np.testing.assert_array_equal(unbatched, flat[0])


def test_pipeline_matches_keras_and_round_trips():
    keras = _keras()
    ours = layers.Pipeline([layers.AutoContrast(), layers.RandomInvert(factor=(1.0, 1.0))])
    theirs = keras.layers.Pipeline([keras.layers.AutoContrast(), keras.layers.RandomInvert(factor=(1.0, 1.0))])
    np.testing.assert_allclose(npy(ours(IMAGES)), keras.ops.convert_to_numpy(theirs(IMAGES)), atol=1e-3)
    clone = layers.Pipeline.from_config(ours.get_config())
    assert [type(la) for la in clone.layers] == [layers.AutoContrast, layers.RandomInvert]
    np.testing.assert_allclose(npy(clone(IMAGES)), npy(ours(IMAGES)), atol=1e-4)
    assert not np.allclose(npy(ours(IMAGES, training=False)), 255 - npy(ours(IMAGES)))  # invert only in training
    with pytest.raises(ValueError, match="Pipeline: `layers` must be a list of layers"):
        layers.Pipeline("not layers")


def test_errors_name_the_layer_and_argument():
    with pytest.raises(ValueError, match="RandomGaussianBlur: `kernel_size` must be an odd positive integer"):
        layers.RandomGaussianBlur(kernel_size=4)
    with pytest.raises(ValueError, match="RandomPerspective: `scale` must be a number in \\[0, 1\\]"):
        layers.RandomPerspective(scale=2.0)
    with pytest.raises(ValueError, match="RandomShear: `fill_mode` must be one of"):
        layers.RandomShear(0.2, fill_mode="mirror")
    with pytest.raises(ValueError, match="MixUp: `alpha` must be a positive number"):
        layers.MixUp(alpha=0)


def test_saved_in_a_model_and_reloaded(tmp_path):
    model = lamina.Sequential([lamina.Input((8, 6, 3)), layers.RandomPerspective(seed=1), layers.RandomShear(0.2),
                               layers.Pipeline([layers.RandomErasing(seed=3), layers.AutoContrast()]),
                               layers.MixUp(seed=1)])
    path = str(tmp_path / "m.keras")
    model.save(path)
    loaded = lamina.saving.load_model(path)
    np.testing.assert_allclose(npy(loaded.predict(IMAGES, verbose=0)), npy(model.predict(IMAGES, verbose=0)),
                               atol=1e-4)
    assert [type(la).__name__ for la in loaded.layers] == [type(la).__name__ for la in model.layers]
    assert loaded.layers[2].get_config() == model.layers[2].get_config()


def test_layers_train_inside_a_compiled_step():
    model = lamina.Sequential([lamina.Input((8, 6, 3)), layers.Equalization(), layers.RandomPosterization(4, seed=1),
                               layers.RandomHue(0.3, seed=1), layers.RandomErasing(seed=1),
                               layers.RandomElasticTransform(seed=1), layers.CutMix(seed=1), layers.MixUp(seed=1),
                               layers.Flatten(), layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    history = model.fit(IMAGES / 255.0, np.ones((3, 1), "float32"), batch_size=3, epochs=2, verbose=0)
    assert np.isfinite(history.history["loss"]).all()
