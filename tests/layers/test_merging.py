"""Merging layers: harness, broadcasting, masks, functional forms, parity with Keras 3."""

import numpy as np
import pytest

import lamina
from lamina import backend, layers, testing

RNG = np.random.default_rng(3)


def _x(*shape):
    return RNG.normal(size=shape).astype("float32")


def _np(x):
    return np.asarray(backend.convert_to_numpy(x))


@pytest.mark.parametrize("cls,kwargs,shapes,out_shape", [
    (layers.Add, {}, [(2, 3), (2, 3), (2, 3)], (2, 3)),
    (layers.Subtract, {}, [(2, 4, 3), (2, 4, 3)], (2, 4, 3)),
    (layers.Multiply, {}, [(2, 4, 3), (2, 1, 3)], (2, 4, 3)),
    (layers.Average, {}, [(2, 3), (2, 3)], (2, 3)),
    (layers.Maximum, {}, [(2, 3), (2, 3)], (2, 3)),
    (layers.Minimum, {}, [(2, 3), (2, 3)], (2, 3)),
    (layers.Concatenate, {"axis": 1}, [(2, 3, 4), (2, 2, 4)], (2, 5, 4)),
    (layers.Dot, {"axes": (1, 2)}, [(2, 3, 4), (2, 5, 3)], (2, 4, 5)),
    (layers.Dot, {"axes": 1, "normalize": True}, [(2, 3), (2, 3)], (2, 1)),
])
def test_merge_harness(cls, kwargs, shapes, out_shape):
    testing.run_layer_test(cls, kwargs, input_shape=shapes, expected_output_shape=out_shape,
                           expected_num_trainable_weights=0)


def test_values_and_functional_forms():
    a, b = _x(2, 3), _x(2, 3)
    np.testing.assert_allclose(_np(layers.add([a, b])), a + b, rtol=1e-6)
    np.testing.assert_allclose(_np(layers.subtract([a, b])), a - b, rtol=1e-6)
    np.testing.assert_allclose(_np(layers.multiply([a, b])), a * b, rtol=1e-6)
    np.testing.assert_allclose(_np(layers.average([a, b])), (a + b) / 2, rtol=1e-6)
    np.testing.assert_allclose(_np(layers.maximum([a, b])), np.maximum(a, b))
    np.testing.assert_allclose(_np(layers.minimum([a, b])), np.minimum(a, b))
    np.testing.assert_allclose(_np(layers.concatenate([a, b], axis=0)), np.concatenate([a, b], 0))
    np.testing.assert_allclose(_np(layers.dot([a, b], axes=1)), (a * b).sum(1, keepdims=True), rtol=1e-5)


def test_lower_rank_input_expanded_at_axis_1():
    a, b = _x(2, 4, 3), _x(2, 3)
    np.testing.assert_allclose(_np(layers.Add()([a, b])), a + b[:, None, :], rtol=1e-6)
    x1, x2 = lamina.Input((4, 3)), lamina.Input((3,))
    assert layers.Add()([x1, x2]).shape == (None, 4, 3)


def test_symbolic_functional_model():
    x1, x2 = lamina.Input((3,)), lamina.Input((3,))
    out = layers.concatenate([layers.add([x1, x2]), layers.multiply([x1, x2])])
    model = lamina.Model([x1, x2], out)
    a, b = _x(2, 3), _x(2, 3)
    np.testing.assert_allclose(_np(model([a, b])), np.concatenate([a + b, a * b], -1), rtol=1e-6)


def test_errors():
    with pytest.raises(ValueError, match="cannot be broadcast"):
        layers.Add()([np.ones((2, 3), "float32"), np.ones((2, 4), "float32")])
    with pytest.raises(ValueError, match="exactly 2 inputs"):
        layers.Subtract()([np.ones((2, 3), "float32")] * 3)
    with pytest.raises(ValueError, match="at least 2 inputs"):
        layers.Add()([np.ones((2, 3), "float32")])
    with pytest.raises(ValueError, match="matching shapes except for the concatenation axis"):
        layers.Concatenate(axis=1)([np.ones((2, 3, 4), "float32"), np.ones((2, 3, 5), "float32")])
    with pytest.raises(ValueError, match="incompatible sizes along the dot axes"):
        layers.Dot(axes=1)([np.ones((2, 3), "float32"), np.ones((2, 4), "float32")])


def test_masks_merged_like_keras():
    inp1, inp2 = lamina.Input((4,), dtype="int32"), lamina.Input((4,), dtype="int32")
    e1 = layers.Embedding(5, 2, mask_zero=True)(inp1)
    e2 = layers.Embedding(5, 2, mask_zero=True)(inp2)
    added = layers.Add()([e1, e2])
    concat = layers.Concatenate(axis=1)([e1, e2])
    a = np.array([[1, 2, 0, 0]], "int32")
    b = np.array([[1, 0, 3, 0]], "int32")
    add_layer, cat_layer = added._keras_history[0], concat._keras_history[0]
    ea, eb = backend.convert_to_tensor(a != 0), backend.convert_to_tensor(b != 0)
    # Keras 3 keeps a step that any input keeps (OR); Keras 2 kept only common steps.
    np.testing.assert_array_equal(_np(add_layer.compute_mask(None, [ea, eb])), [[True, True, True, False]])
    assert add_layer.compute_mask(None, [ea, None]) is None
    x1, x2 = backend.convert_to_tensor(_x(1, 4, 2)), backend.convert_to_tensor(_x(1, 4, 2))
    np.testing.assert_array_equal(_np(cat_layer.compute_mask([x1, x2], [ea, eb])),
                                  [[True, True, False, False, True, False, True, False]])
    assert added._keras_mask is not None and tuple(added._keras_mask.shape) == (None, 4)
    # Downstream, a mask-aware pooling averages only the steps the concatenated mask keeps.
    model = lamina.Model([inp1, inp2], layers.GlobalAveragePooling1D()(concat))
    pooled = _np(model([a, b]))
    w1, w2 = (_np(layer.embeddings) for layer in (e1._keras_history[0], e2._keras_history[0]))
    stacked = np.concatenate([w1[a[0]], w2[b[0]]])
    kept = np.concatenate([a[0] != 0, b[0] != 0])
    np.testing.assert_allclose(pooled[0], stacked[kept].mean(0), rtol=1e-6)
    assert not np.allclose(pooled[0], stacked.mean(0))
    # Real Keras, with the same embedding weights, concatenates and pools the same way.
    keras = pytest.importorskip("keras")
    k1, k2 = keras.Input((4,), dtype="int32"), keras.Input((4,), dtype="int32")
    k_e1, k_e2 = keras.layers.Embedding(5, 2, mask_zero=True), keras.layers.Embedding(5, 2, mask_zero=True)
    twin = keras.Model([k1, k2], keras.layers.GlobalAveragePooling1D()(
        keras.layers.Concatenate(axis=1)([k_e1(k1), k_e2(k2)])))
    k_e1.set_weights([w1])
    k_e2.set_weights([w2])
    np.testing.assert_allclose(pooled, keras.ops.convert_to_numpy(twin([a, b])), rtol=1e-6)


@pytest.mark.parametrize("name", ["Add", "Subtract", "Average", "Maximum", "Minimum", "Multiply"])
def test_masked_merges_and_their_masks_match_keras(name):
    """Embeddings with padding merged, then a mask-aware pooling: the values (Maximum and
    Minimum merge only kept steps, Multiply counts masked steps as 1) and the OR of the masks
    must match Keras 3's."""
    keras = pytest.importorskip("keras")
    a = np.array([[1, 2, 0, 0], [3, 0, 4, 1]], "int32")
    b = np.array([[1, 0, 3, 0], [0, 2, 2, 0]], "int32")
    rng = np.random.default_rng(0)
    w1, w2 = rng.normal(size=(5, 2)).astype("float32"), rng.normal(size=(5, 2)).astype("float32")

    def build(lib):
        i1, i2 = lib.Input((4,), dtype="int32"), lib.Input((4,), dtype="int32")
        e1, e2 = lib.layers.Embedding(5, 2, mask_zero=True), lib.layers.Embedding(5, 2, mask_zero=True)
        merged = getattr(lib.layers, name)()([e1(i1), e2(i2)])
        model = lib.Model([i1, i2], [merged, lib.layers.GlobalAveragePooling1D()(merged)])
        e1.set_weights([w1])
        e2.set_weights([w2])
        return model

    ours = [lamina.ops.convert_to_numpy(t) for t in build(lamina)([a, b])]
    theirs = [keras.ops.convert_to_numpy(t) for t in build(keras)([a, b])]
    for got, want in zip(ours, theirs):
        np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("name,kwargs,shapes", [
    ("Add", {}, [(2, 3, 4), (2, 3, 4)]),
    ("Subtract", {}, [(2, 3), (2, 3)]),
    ("Multiply", {}, [(2, 3, 4), (2, 1, 4), (2, 3, 1)]),
    ("Average", {}, [(2, 3), (2, 3), (2, 3)]),
    ("Maximum", {}, [(2, 3), (2, 3)]),
    ("Minimum", {}, [(2, 3), (2, 3)]),
    ("Concatenate", {"axis": -1}, [(2, 3, 2), (2, 3, 5)]),
    ("Concatenate", {"axis": 1}, [(2, 3, 2), (2, 1, 2)]),
    ("Dot", {"axes": -1}, [(2, 3), (2, 3)]),
    ("Dot", {"axes": (2, 2)}, [(2, 3, 4), (2, 5, 4)]),
    ("Dot", {"axes": 1, "normalize": True}, [(2, 3, 4), (2, 3, 2)]),
])
def test_parity_with_keras(parity, name, kwargs, shapes):
    parity(name, kwargs, [_x(*s) for s in shapes])
