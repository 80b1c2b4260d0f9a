import numpy as np
import pytest

import lamina
from lamina import layers
from tests.preprocessing._util import config_round_trip, npy


def test_normalization_adapt_last_axis():
    data = np.random.default_rng(0).normal(3.0, 2.0, (200, 4)).astype("float32")
    layer = layers.Normalization()
    layer.adapt(data)
    out = npy(layer(data))
    np.testing.assert_allclose(out.mean(0), 0.0, atol=1e-4)
    np.testing.assert_allclose(out.std(0), 1.0, atol=1e-3)
    np.testing.assert_allclose(npy(layer.mean), data.mean(0), rtol=1e-5)
    assert [w.name for w in layer.weights] == ["mean", "variance", "count"]


def test_normalization_axes_generators_and_datasets():
    rng = np.random.default_rng(1)
    data = rng.normal(size=(6, 3, 2)).astype("float32")
    over_two = layers.Normalization(axis=(1, 2))
    over_two.adapt(data)
    np.testing.assert_allclose(npy(over_two.mean), data.mean(0), rtol=1e-4, atol=1e-6)
    scalar = layers.Normalization(axis=None)
    scalar.adapt(data)
    np.testing.assert_allclose(npy(scalar.variance), data.var(), rtol=1e-4)
    middle = layers.Normalization(axis=1)

    def batches():
        for i in range(0, 6, 2):
            yield data[i:i + 2], np.zeros(2)

    middle.adapt(batches())
    np.testing.assert_allclose(npy(middle.mean), data.mean((0, 2)), rtol=1e-4, atol=1e-6)
    listed = layers.Normalization()
    listed.adapt([[1.0], [3.0]])
    np.testing.assert_allclose(npy(listed.mean), [2.0])
    batched = layers.Normalization()
    batched.adapt(data.reshape(-1, 2), batch_size=4)
    np.testing.assert_allclose(npy(batched.mean), data.reshape(-1, 2).mean(0), rtol=1e-4, atol=1e-6)


def test_normalization_given_stats_invert_and_config():
    layer = layers.Normalization(mean=[1.0, 2.0], variance=[4.0, 9.0])
    x = np.array([[3.0, 8.0]], np.float32)
    np.testing.assert_allclose(npy(layer(x)), [[1.0, 2.0]])
    inverse = layers.Normalization(mean=[1.0, 2.0], variance=[4.0, 9.0], invert=True)
    np.testing.assert_allclose(npy(inverse(np.array([[1.0, 2.0]]))), x)
    clone = config_round_trip(layer)
    np.testing.assert_allclose(npy(clone(x)), [[1.0, 2.0]])
    with pytest.raises(ValueError, match="both `mean` and `variance`"):
        layers.Normalization(mean=[1.0])
    sym = layers.Normalization(mean=0.0, variance=1.0)(lamina.Input((5,)))
    assert sym.shape == (None, 5)


@pytest.mark.parametrize("mode,expected", [
    ("one_hot", [[0, 1, 0, 0], [0, 0, 0, 1]]),
    ("multi_hot", [[0, 1, 0, 1], [1, 0, 1, 0]]),
    ("count", [[0, 2, 0, 1], [1, 0, 2, 0]]),
])
def test_category_encoding_modes(mode, expected):
    layer = layers.CategoryEncoding(num_tokens=4, output_mode=mode)
    x = np.array([[1], [3]]) if mode == "one_hot" else np.array([[1, 1, 3], [0, 2, 2]])
    out = npy(layer(x))
    assert out.tolist() == expected


def test_category_encoding_count_weights_alias_and_adapt():
    layer = layers.CategoryEncoding(num_tokens=3, output_mode="count")
    out = npy(layer(np.array([[0, 1, 1]]), count_weights=np.array([[0.5, 1.0, 2.0]], np.float32)))
    np.testing.assert_allclose(out, [[0.5, 3.0, 0.0]])
    old = layers.CategoryEncoding(max_tokens=5, output_mode="binary")
    assert old.num_tokens == 5 and old.output_mode == "multi_hot"
    adapted = layers.CategoryEncoding(output_mode="one_hot")
    adapted.adapt(np.array([0, 4, 2]))
    assert adapted.num_tokens == 5
    assert layers.CategoryEncoding(6)(lamina.Input((3,), dtype="int32")).shape == (None, 6)
    config_round_trip(layers.CategoryEncoding(num_tokens=3, output_mode="count"))
    with pytest.raises(ValueError, match="count_weights"):
        layers.CategoryEncoding(num_tokens=3, output_mode="one_hot")(np.array([1]), count_weights=np.array([1.0]))


def test_discretization_boundaries_adapt_and_modes():
    layer = layers.Discretization(bin_boundaries=[0.0, 1.0, 2.0])
    assert npy(layer(np.array([[-1.5, 1.0, 3.4, 0.5]]))).tolist() == [[0, 2, 3, 1]]
    np.testing.assert_array_equal(npy(layer(np.array([[-1.5, 1.0, 3.4, 0.5]]))),
                                  np.digitize([[-1.5, 1.0, 3.4, 0.5]], [0.0, 1.0, 2.0]))
    adapted = layers.Discretization(num_bins=4)
    adapted.adapt(np.arange(100.0))
    np.testing.assert_allclose(adapted.bin_boundaries, [24.75, 49.5, 74.25])
    hot = layers.Discretization(bin_boundaries=[0.0], output_mode="one_hot")
    assert npy(hot(np.array([-1.0, 1.0]))).tolist() == [[1, 0], [0, 1]]
    clone = config_round_trip(adapted)
    assert npy(clone(np.array([10.0, 60.0]))).tolist() == [0, 2]
    with pytest.raises(ValueError, match="num_bins"):
        layers.Discretization().adapt(np.arange(3.0))


def test_normalization_adapts_on_a_sequence_dataset():
    data = np.arange(12, dtype="float32").reshape(6, 2)

    class Batches(lamina.utils.Sequence):
        def __len__(self):
            return 3

        def __getitem__(self, index):
            return data[2 * index:2 * index + 2], np.zeros(2)

    layer = layers.Normalization()
    layer.adapt(Batches())
    np.testing.assert_allclose(npy(layer.mean), data.mean(0))
    np.testing.assert_allclose(npy(layer.variance), data.var(0), rtol=1e-5)
