import os

import numpy as np
import pytest

from lamina import layers
from tests.preprocessing._util import config_round_trip, npy


def test_string_lookup_default_oov_and_mask():
    layer = layers.StringLookup(vocabulary=["a", "b", "c", "d"])
    assert npy(layer([["a", "c", "d"], ["d", "z", "f"]])).tolist() == [[1, 3, 4], [4, 0, 0]]
    masked = layers.StringLookup(vocabulary=["a", "b", "c", "d"], mask_token="")
    assert npy(masked([["a", "c", "d"], ["d", "z", ""]])).tolist() == [[2, 4, 5], [5, 1, 0]]
    assert masked.get_vocabulary() == ["", "[UNK]", "a", "b", "c", "d"]
    assert masked.vocabulary_size() == 6
    assert masked.get_vocabulary(include_special_tokens=False) == ["a", "b", "c", "d"]


def test_string_lookup_accepts_scalars_lists_and_bytes():
    layer = layers.StringLookup(vocabulary=["a", "b"])
    assert int(npy(layer("b"))) == 2
    assert npy(layer(np.array([b"a", b"q"]))).tolist() == [1, 0]


def test_oov_buckets_match_tensorflow():
    # Expected ids from tf.keras 3 on TensorFlow 2.21 (FarmHash for strings, modulo for ints).
    sl = layers.StringLookup(num_oov_indices=3, vocabulary=["a", "b"])
    assert npy(sl(np.array(["a", "zz", "q", "hello", "b"]))).tolist() == [3, 1, 2, 1, 4]
    il = layers.IntegerLookup(num_oov_indices=3, vocabulary=[5, 6])
    assert npy(il(np.array([5, 7, 8, 1000, 6]))).tolist() == [3, 1, 2, 1, 4]


def test_num_oov_zero_raises_on_unknown():
    layer = layers.StringLookup(vocabulary=["a"], num_oov_indices=0)
    assert npy(layer(["a"])).tolist() == [0]
    with pytest.raises(ValueError, match="out-of-vocabulary"):
        layer(["b"])


def test_adapt_orders_by_frequency_then_token():
    layer = layers.StringLookup()
    layer.adapt(np.array(["b", "a", "c", "b", "c", "b", "d"]))
    assert layer.get_vocabulary() == ["[UNK]", "b", "c", "d", "a"]
    limited = layers.StringLookup(max_tokens=3)
    limited.adapt([["b", "a"], ["c", "b"], ["c", "b"]])
    assert limited.get_vocabulary() == ["[UNK]", "b", "c"]


def test_adapt_from_generator_of_batches_and_tuples():
    def gen():
        yield np.array(["x", "y"]), np.array([0, 1])
        yield np.array(["x", "z", "x"]), np.array([0, 1, 0])

    layer = layers.StringLookup()
    layer.adapt(gen())
    assert layer.get_vocabulary() == ["[UNK]", "x", "z", "y"]
    stepped = layers.StringLookup()
    stepped.adapt(gen(), steps=1)
    assert stepped.get_vocabulary() == ["[UNK]", "y", "x"]


@pytest.mark.parametrize("mode,expected", [
    ("one_hot", [[0, 1, 0, 0], [0, 0, 0, 1], [1, 0, 0, 0]]),
    ("multi_hot", [1, 1, 0, 1]),
    ("count", [1, 1, 0, 1]),
])
def test_lookup_output_modes(mode, expected):
    layer = layers.StringLookup(vocabulary=["a", "b", "c"], output_mode=mode)
    assert npy(layer(np.array(["a", "c", "z"]))).tolist() == expected


def test_multi_hot_batch_and_binary_alias_and_pad_to_max_tokens():
    layer = layers.StringLookup(vocabulary=["a", "b", "c"], output_mode="binary", pad_to_max_tokens=True, max_tokens=6)
    out = npy(layer(np.array([["a", "a"], ["c", "q"]])))
    assert out.tolist() == [[0, 1, 0, 0, 0, 0], [1, 0, 0, 1, 0, 0]]
    assert layer.output_mode == "multi_hot"


def test_tf_idf_with_given_weights():
    layer = layers.StringLookup(vocabulary=["a", "b"], idf_weights=[0.5, 2.0], output_mode="tf_idf")
    out = npy(layer(np.array([["a", "a", "b", "z"]])))
    np.testing.assert_allclose(out, [[1.25, 1.0, 2.0]])


def test_mask_token_dropped_outside_int_mode():
    layer = layers.StringLookup(vocabulary=["a", "b"], mask_token="", output_mode="count")
    assert npy(layer(np.array([["a", "", "b", "b"]]))).tolist() == [[0, 1, 2]]


def test_invert():
    layer = layers.StringLookup(vocabulary=["a", "b", "c"], invert=True)
    assert layer(np.array([[1, 3], [0, 9]])).tolist() == [["a", "c"], ["[UNK]", "[UNK]"]]
    ilayer = layers.IntegerLookup(vocabulary=[12, 36], invert=True)
    assert np.asarray(ilayer(np.array([2, 1, 0]))).tolist() == [36, 12, -1]


def test_integer_lookup_keeps_int64_values():
    big = 2**40 + 5
    layer = layers.IntegerLookup(vocabulary=[big, 7])
    assert npy(layer(np.array([big, 7, big + 1], dtype="int64"))).tolist() == [1, 2, 0]
    with pytest.raises(ValueError, match="integer inputs"):
        layer(np.array([1.5]))


def test_vocabulary_file(tmp_path):
    path = tmp_path / "vocab.txt"
    path.write_text("[UNK]\nfoo\nbar\n", encoding="utf-8")
    layer = layers.StringLookup(vocabulary=str(path))
    assert layer.get_vocabulary() == ["[UNK]", "foo", "bar"]
    assert npy(layer(["bar", "nope"])).tolist() == [2, 0]


def test_vocabulary_errors():
    with pytest.raises(ValueError, match="unique"):
        layers.StringLookup(vocabulary=["a", "a"])
    with pytest.raises(ValueError, match="mask_token"):
        layers.StringLookup(vocabulary=["a", ""], mask_token="")
    with pytest.raises(ValueError, match="max_tokens"):
        layers.StringLookup(vocabulary=["a", "b", "c"], max_tokens=3)
    with pytest.raises(ValueError, match="output_mode"):
        layers.StringLookup(output_mode="bogus")
    with pytest.raises(ValueError, match="string inputs"):
        layers.StringLookup(vocabulary=["a"])(np.array([1, 2]))


def test_config_round_trip_and_assets(tmp_path):
    layer = layers.StringLookup(vocabulary=["a", "b"], mask_token="", num_oov_indices=2)
    clone = config_round_trip(layer)
    data = np.array([["a", "b", "", "zz"]])
    assert npy(clone(data)).tolist() == npy(layer(data)).tolist()

    adapted = layers.IntegerLookup()
    adapted.adapt(np.array([3, 3, 9, 4, 4, 4]))
    adapted.save_assets(str(tmp_path))
    text = (tmp_path / "vocabulary.txt").read_text()
    assert text.split("\n") == ["-1", "4", "3", "9"]
    fresh = type(adapted).from_config(adapted.get_config())
    fresh.load_assets(str(tmp_path))
    assert fresh.get_vocabulary() == [-1, 4, 3, 9]
    assert os.path.exists(tmp_path / "vocabulary.txt")


def test_symbolic_call_shapes():
    import lamina

    x = lamina.Input(shape=(3,), dtype="string")
    assert layers.StringLookup(vocabulary=["a"])(x).shape == (None, 3)
    assert layers.StringLookup(vocabulary=["a"], output_mode="multi_hot")(x).shape == (None, 2)
    y = lamina.Input(shape=(1,), dtype="string")
    assert layers.StringLookup(vocabulary=["a", "b"], output_mode="one_hot")(y).shape == (None, 3)
