"""Seed S12 (note lines 848-890): augmentation + Rescaling in front of applications.ResNet50(weights=None)."""

import numpy as np

import lamina as keras
from lamina import backend
from lamina.layers import preprocessing  # noqa: F401  (the note's `preprocessing.` prefix)
from lamina import layers


def test_augmentation_rescaling_and_resnet50_in_one_model():
    data_augmentation = keras.Sequential([
        layers.RandomFlip("horizontal"),
        layers.RandomRotation(0.1),
        layers.RandomZoom(0.1),
        layers.Resizing(32, 32),
    ])
    input_shape = (28, 28, 1)
    classes = 10
    inputs = keras.Input(shape=input_shape)
    x = data_augmentation(inputs)
    x = layers.Rescaling(1.0 / 255)(x)
    outputs = keras.applications.ResNet50(weights=None, input_shape=(32, 32, 1), classes=classes)(x)
    model = keras.Model(inputs, outputs)
    assert model.output_shape == (None, classes)
    images = np.random.default_rng(0).integers(0, 256, (2, 28, 28, 1)).astype("float32")
    first = backend.convert_to_numpy(model(images))
    second = backend.convert_to_numpy(model(images))
    assert first.shape == (2, classes)
    np.testing.assert_allclose(first.sum(axis=-1), 1.0, rtol=1e-5)
    np.testing.assert_allclose(first, second, rtol=1e-5)  # augmentation is off at inference
