"""Hashing ids against TensorFlow's, stored in tests/fixtures/hashing/expected.json (made by make_expected.py)."""

import json
import os

import numpy as np
import pytest

import lamina
from lamina import layers
from tests.preprocessing._util import config_round_trip, npy

FIXTURE = os.path.join(os.path.dirname(__file__), "..", "fixtures", "hashing", "expected.json")


def _expected():
    with open(FIXTURE, encoding="utf-8") as f:
        return json.load(f)


@pytest.mark.parametrize("case", range(6))
def test_hashing_matches_tensorflow(case):
    expected = _expected()
    c = expected["cases"][case]
    layer = layers.Hashing(num_bins=c["num_bins"], salt=c["salt"])
    assert npy(layer(np.array(expected["strings"]))).tolist() == c["string_ids"]
    ints = np.array(expected["integers"], dtype="int64")
    assert npy(layer(ints)).tolist() == c["integer_ids"]
    masked = layers.Hashing(num_bins=c["num_bins"], salt=c["salt"], mask_value="")
    assert npy(masked(np.array(expected["strings"]))).tolist() == c["masked_string_ids"]


def test_hashed_crossing_matches_tensorflow():
    e = _expected()["hashed_crossing"]
    layer = layers.HashedCrossing(num_bins=e["num_bins"])
    out = layer((np.array(e["a"]), np.array(e["b"], dtype="int64")))
    assert npy(out).tolist() == e["ids"]
    one_hot = layers.HashedCrossing(num_bins=e["num_bins"], output_mode="one_hot")
    hot = npy(one_hot((np.array(e["a"]), np.array(e["b"]))))
    assert hot.shape == (5, 100) and hot.argmax(-1).tolist() == e["ids"]


def test_hashing_output_modes_and_shapes():
    layer = layers.Hashing(num_bins=4, output_mode="one_hot")
    ids = npy(layers.Hashing(num_bins=4)(np.array([["a"], ["b"]]))).ravel()
    out = npy(layer(np.array([["a"], ["b"]])))
    assert out.shape == (2, 4) and out.argmax(-1).tolist() == ids.tolist()
    multi = npy(layers.Hashing(num_bins=4, output_mode="multi_hot")(np.array([["a", "b"]])))
    assert multi.shape == (1, 4) and multi.sum() == len(set(ids.tolist()))
    x = lamina.Input(shape=(2,), dtype="string")
    assert layers.Hashing(num_bins=8, output_mode="count")(x).shape == (None, 8)
    assert layers.Hashing(num_bins=8)(x).shape == (None, 2)


def test_hashing_errors_and_config():
    with pytest.raises(ValueError, match="num_bins"):
        layers.Hashing(num_bins=0)
    with pytest.raises(ValueError, match="salt"):
        layers.Hashing(num_bins=3, salt="x")
    with pytest.raises(ValueError, match="string or integer"):
        layers.Hashing(num_bins=3)(np.array([1.5]))
    with pytest.raises(ValueError, match="tuple of at least 2"):
        layers.HashedCrossing(num_bins=3)(np.array(["a"]))
    clone = config_round_trip(layers.Hashing(num_bins=5, salt=[1, 2], mask_value="m"))
    assert clone.salt == [1, 2] and clone.mask_value == "m"
    config_round_trip(layers.HashedCrossing(num_bins=7, output_mode="one_hot"))
