"""Deterministic preprocessing layers against real Keras 3 (an oracle only; skipped without it)."""

import numpy as np
import pytest

from lamina import layers
from tests.preprocessing._util import npy

keras = pytest.importorskip("keras")

RNG = np.random.default_rng(0)
IMAGES = RNG.uniform(0, 255, (2, 9, 6, 3)).astype("float32")


def _k(x):
    return np.asarray(keras.ops.convert_to_numpy(x))


@pytest.mark.parametrize("height,width", [(4, 3), (5, 2), (9, 6), (12, 4)])
def test_center_crop_matches_keras(height, width):
    ours = npy(layers.CenterCrop(height, width)(IMAGES))
    theirs = _k(keras.layers.CenterCrop(height, width)(IMAGES))
    np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=1e-3)


@pytest.mark.parametrize("kwargs", [{}, {"interpolation": "nearest"}, {"crop_to_aspect_ratio": True},
                                    {"pad_to_aspect_ratio": True}])
def test_resizing_matches_keras(kwargs):
    ours = npy(layers.Resizing(5, 7, **kwargs)(IMAGES))
    theirs = _k(keras.layers.Resizing(5, 7, **kwargs)(IMAGES))
    np.testing.assert_allclose(ours, theirs, rtol=1e-4, atol=1e-2)


def test_normalization_and_rescaling_match_keras():
    data = RNG.normal(2.0, 3.0, (50, 4, 3)).astype("float32")
    for axis in (-1, (1, 2), None):
        ours, theirs = layers.Normalization(axis=axis), keras.layers.Normalization(axis=axis)
        ours.adapt(data)
        theirs.adapt(data)
        np.testing.assert_allclose(npy(ours(data)), _k(theirs(data)), rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(npy(layers.Rescaling(1 / 127.5, -1)(IMAGES)),
                               _k(keras.layers.Rescaling(1 / 127.5, -1)(IMAGES)), rtol=1e-6)


def test_category_encoding_and_discretization_match_keras():
    ids = np.array([[0, 2, 2], [3, 1, 0]])
    for mode in ("multi_hot", "count"):
        np.testing.assert_array_equal(npy(layers.CategoryEncoding(4, output_mode=mode)(ids)),
                                      _k(keras.layers.CategoryEncoding(4, output_mode=mode)(ids)))
    one = np.array([[1], [3]])
    np.testing.assert_array_equal(npy(layers.CategoryEncoding(4, output_mode="one_hot")(one)),
                                  _k(keras.layers.CategoryEncoding(4, output_mode="one_hot")(one)))
    values = np.array([[-1.5, 0.0, 0.99, 1.0, 7.0]], np.float32)
    for mode in ("int", "one_hot"):
        np.testing.assert_array_equal(
            npy(layers.Discretization(bin_boundaries=[0.0, 1.0, 2.0], output_mode=mode)(values)),
            _k(keras.layers.Discretization(bin_boundaries=[0.0, 1.0, 2.0], output_mode=mode)(values)))
