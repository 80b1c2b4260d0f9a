import numpy as np
import pytest

import lamina
from lamina import layers
from tests.preprocessing._util import config_round_trip, npy

POEM = ["The Brain is wider than the Sky", "For put them side by side", "The one the other will contain",
        "With ease and You beside"]


def test_int_mode_pads_and_maps_oov():
    layer = layers.TextVectorization()
    layer.adapt(["the cat sat", "the dog"])
    assert layer.get_vocabulary() == ["", "[UNK]", "the", "sat", "dog", "cat"]
    assert npy(layer(["The dog, sat!", "a"])).tolist() == [[2, 4, 3], [1, 0, 0]]
    fixed = layers.TextVectorization(output_sequence_length=2, vocabulary=["x", "y"])
    assert npy(fixed(["y x x", "x"])).tolist() == [[3, 2], [2, 0]]


def test_count_mode_matches_tensorflow():
    # From tf.keras 3 / TensorFlow 2.21 on the same data.
    layer = layers.TextVectorization(output_mode="count", max_tokens=10, pad_to_max_tokens=True)
    layer.adapt(POEM)
    assert layer.get_vocabulary() == ["[UNK]", "the", "side", "you", "with", "will", "wider", "them", "than", "sky"]
    assert npy(layer(["The Brain is deeper than the sea"])).tolist() == [[4, 2, 0, 0, 0, 0, 0, 0, 1, 0]]


def test_tf_idf_bigrams_match_tensorflow():
    layer = layers.TextVectorization(output_mode="tf-idf", ngrams=2)
    layer.adapt(POEM)
    assert layer.get_vocabulary()[:4] == ["[UNK]", "the", "side", "you beside"]
    out = npy(layer(["The Brain is deeper than the sea"]))[0]
    assert out.shape == (41,)
    expected = np.zeros(41, np.float32)
    expected[[0, 1]] = [5.461647, 1.6945957]
    expected[[16, 17, 18, 28, 36, 37]] = 1.0986123
    np.testing.assert_allclose(out, expected, rtol=1e-5)


def test_standardize_split_and_ngrams_options():
    chars = layers.TextVectorization(split="character", standardize="lower", vocabulary=["a", "b"])
    assert npy(chars(["AbC"])).tolist() == [[2, 3, 1]]
    none_std = layers.TextVectorization(standardize=None, vocabulary=["A.", "b"])
    assert npy(none_std(["A. b a."])).tolist() == [[2, 3, 1]]
    strip = layers.TextVectorization(standardize="strip_punctuation", vocabulary=["A", "b"])
    assert npy(strip(["A. b!"])).tolist() == [[2, 3]]
    custom = layers.TextVectorization(standardize=lambda a: np.char.upper(a.astype(str)),
                                      split=lambda a: [s.split("-") for s in a], vocabulary=["X", "Y"])
    assert npy(custom(["x-y-z"])).tolist() == [[2, 3, 1]]
    only_bigrams = layers.TextVectorization(ngrams=(2,))
    only_bigrams.adapt(["a b c"])
    assert sorted(only_bigrams.get_vocabulary()[2:]) == ["a b", "b c"]


def test_multi_hot_binary_alias_and_shapes():
    layer = layers.TextVectorization(output_mode="binary", vocabulary=["a", "b", "c"])
    assert npy(layer(np.array([["a a c"], ["z"]]))).tolist() == [[0, 1, 0, 1], [1, 0, 0, 0]]
    x = lamina.Input(shape=(1,), dtype="string")
    assert layer(x).shape == (None, 4)
    ints = layers.TextVectorization(output_sequence_length=5, vocabulary=["a"])
    assert ints(x).shape == (None, 5)


def test_adapt_batches_steps_and_dataset_tuples():
    data = np.array(["a b", "b c", "c d d"])
    batched = layers.TextVectorization()
    batched.adapt(data, batch_size=1, steps=2)
    assert set(batched.get_vocabulary()[2:]) == {"a", "b", "c"}
    dataset = [(data[:2], np.zeros(2)), (data[2:], np.zeros(1))]
    layer = layers.TextVectorization()
    layer.adapt(dataset)
    assert layer.get_vocabulary()[:4] == ["", "[UNK]", "d", "c"]


def test_set_vocabulary_and_idf():
    layer = layers.TextVectorization(output_mode="tf_idf")
    layer.set_vocabulary(["a", "b"], idf_weights=[1.0, 3.0])
    np.testing.assert_allclose(npy(layer(["b b a q"])), [[2.0, 1.0, 6.0]])
    with pytest.raises(ValueError, match="idf_weights"):
        layer.set_vocabulary(["a", "b"])


def test_errors():
    with pytest.raises(ValueError, match="output_sequence_length"):
        layers.TextVectorization(output_mode="count", output_sequence_length=3)
    with pytest.raises(ValueError, match="standardize"):
        layers.TextVectorization(standardize="upper")
    with pytest.raises(ValueError, match="string inputs"):
        layers.TextVectorization(vocabulary=["a"])(np.array([1, 2]))
    with pytest.raises(ValueError, match=r"\(batch,\) or \(batch, 1\)"):
        layers.TextVectorization(vocabulary=["a"])(np.array([["a", "b"]]))


def test_config_round_trip_and_assets(tmp_path):
    layer = layers.TextVectorization(max_tokens=20, ngrams=2, output_sequence_length=4, vocabulary=["a", "b", "a b"])
    clone = config_round_trip(layer)
    assert npy(clone(["a b c"])).tolist() == npy(layer(["a b c"])).tolist()
    adapted = layers.TextVectorization(output_mode="tf_idf")
    adapted.adapt(POEM)
    adapted.save_assets(str(tmp_path))
    store = {}
    adapted.save_own_variables(store)
    fresh = layers.TextVectorization.from_config(adapted.get_config())
    fresh.load_assets(str(tmp_path))
    fresh.load_own_variables(store)
    assert fresh.get_vocabulary() == adapted.get_vocabulary()
    np.testing.assert_allclose(npy(fresh(POEM)), npy(adapted(POEM)))
