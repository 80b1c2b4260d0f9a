"""Functional, Sequential and subclassed models; summary; weights."""

import numpy as np
import pytest

import lamina
from lamina import backend, layers, ops


def _np(x):
    return backend.convert_to_numpy(x)


def _mlp_functional():
    inputs = lamina.Input(shape=(784,), name="digits")
    x = layers.Dense(64, activation="relu", name="dense_1")(inputs)
    x = layers.Dense(64, activation="relu", name="dense_2")(x)
    outputs = layers.Dense(10, name="predictions")(x)
    return lamina.Model(inputs=inputs, outputs=outputs, name="3_layer_mlp")


class SubclassedMLP(lamina.Model):
    def __init__(self, output_dim=10, name=None):
        super().__init__(name=name)
        self.output_dim = output_dim
        self.dense_1 = layers.Dense(64, activation="relu", name="dense_1")
        self.dense_2 = layers.Dense(64, activation="relu", name="dense_2")
        self.dense_3 = layers.Dense(output_dim, name="predictions")

    def call(self, inputs):
        return self.dense_3(self.dense_2(self.dense_1(inputs)))


def test_s2_model_summary_counts_50890():
    inputs = lamina.Input(shape=(784,))
    x = layers.Dense(64, activation="relu")(inputs)
    outputs = layers.Dense(10)(x)
    model = lamina.Model(inputs=inputs, outputs=outputs, name="mnist_model")
    lines = []
    model.summary(print_fn=lines.append)
    text = "\n".join(lines)
    assert 'Model: "mnist_model"' in text
    assert "Total params: 50,890 (198.79 KB)" in text
    assert "Trainable params: 50,890" in text and "Non-trainable params: 0 (0.00 B)" in text
    assert "dense (Dense)" in text and "(None, 64)" in text and "50,240" in text
    assert model.count_params() == 50890


def test_same_weights_same_outputs_three_ways():
    functional = _mlp_functional()
    sequential = lamina.Sequential([lamina.Input((784,)), layers.Dense(64, activation="relu"),
                                    layers.Dense(64, activation="relu"), layers.Dense(10)])
    subclassed = SubclassedMLP(10)
    subclassed(np.ones((1, 784), "float32"))
    sequential.set_weights(functional.get_weights())
    subclassed.set_weights(functional.get_weights())
    x = np.random.RandomState(0).rand(5, 784).astype("float32")
    expected = _np(functional(x))
    np.testing.assert_allclose(_np(sequential(x)), expected, rtol=1e-6)
    np.testing.assert_allclose(_np(subclassed(x)), expected, rtol=1e-6)
    np.testing.assert_allclose(_np(functional.predict(x, verbose=0)), expected, rtol=1e-5)


def test_wrong_input_shape_names_model_and_shapes():
    model = _mlp_functional()
    with pytest.raises(ValueError, match=r"model '3_layer_mlp'.*expected shape=\(None, 784\), found shape=\(2, 10\)"):
        model(np.ones((2, 10), "float32"))


def test_set_weights_wrong_shape_names_layer_and_shapes():
    model = _mlp_functional()
    weights = model.get_weights()
    weights[0] = np.zeros((10, 64))
    with pytest.raises(ValueError, match=r"dense_1/kernel.*\(784, 64\).*\(10, 64\)"):
        model.set_weights(weights)


def test_multi_input_multi_output_lists_and_dicts():
    a = lamina.Input((3,), name="a")
    b = lamina.Input((2,), name="b")
    merged = ops.concatenate([layers.Dense(4)(a), layers.Dense(4)(b)], axis=-1)
    out1 = layers.Dense(1, name="score")(merged)
    out2 = layers.Dense(2, name="klass")(merged)
    model = lamina.Model({"a": a, "b": b}, {"score": out1, "klass": out2})
    xa, xb = np.ones((4, 3), "float32"), np.ones((4, 2), "float32")
    result = model({"a": xa, "b": xb})
    assert set(result) == {"score", "klass"}
    assert _np(result["klass"]).shape == (4, 2)
    model2 = lamina.Model([a, b], [out1, out2])
    r1, r2 = model2([xa, xb])
    np.testing.assert_allclose(_np(r1), _np(result["score"]), rtol=1e-6)
    with pytest.raises(ValueError, match="missing"):
        model({"a": xa})


def test_nested_models_shared_layers_and_cut_at_inner_tensor():
    inner_in = lamina.Input((4,))
    inner = lamina.Model(inner_in, layers.Dense(3, name="inner_dense")(inner_in), name="inner")
    outer_in = lamina.Input((4,))
    shared = layers.Dense(3, name="shared")
    y = shared(inner(outer_in))
    z = shared(y)
    outer = lamina.Model(outer_in, z, name="outer")
    assert [l.name for l in outer.layers] == [outer.layers[0].name, "inner", "shared"]
    x = np.ones((2, 4), "float32")
    expected = _np(shared(shared(inner(x))))
    np.testing.assert_allclose(_np(outer(x)), expected, rtol=1e-6)
    cut = lamina.Model(outer.inputs, y)
    np.testing.assert_allclose(_np(cut(x)), _np(shared(inner(x))), rtol=1e-6)
    assert outer.get_layer("shared") is shared
    assert outer.get_layer(index=1) is inner
    with pytest.raises(ValueError, match="No such layer"):
        outer.get_layer("missing")
    with pytest.raises(AttributeError, match="called 2 times"):
        shared.output


def test_layer_input_output_and_model_inputs():
    model = _mlp_functional()
    assert model.layers[-1].input.shape == (None, 64)
    assert model.layers[1].output.shape == (None, 64)
    assert model.inputs[0].shape == (None, 784)
    assert model.outputs[0].shape == (None, 10)


def test_sequential_add_pop_and_deferred_build():
    model = lamina.Sequential()
    model.add(layers.Dense(8, activation="relu"))
    model.add(layers.Dense(4))
    assert not model.built
    with pytest.raises(AttributeError, match="has not been built"):
        model.inputs
    y = model(np.ones((3, 5), "float32"))
    assert _np(y).shape == (3, 4) and model.built
    assert model.count_params() == (5 * 8 + 8) + (8 * 4 + 4)
    popped = model.pop()
    assert popped.units == 4 and len(model.layers) == 1
    assert model.output_shape == (None, 8)
    with pytest.raises(ValueError, match="Only instances of lamina.layers.Layer"):
        model.add("dense")


def test_sequential_with_input_shape_and_build():
    model = lamina.Sequential([layers.Dense(2, input_shape=(3,))])
    assert model.built and model.output_shape == (None, 2)
    other = lamina.Sequential([layers.Dense(2)])
    other.build((None, 6))
    assert other.count_params() == 14


def test_subclassed_model_build_and_weights():
    model = SubclassedMLP(3)
    model.build((None, 784))
    assert len(model.weights) == 6
    assert model.count_params() == 784 * 64 + 64 + 64 * 64 + 64 + 64 * 3 + 3


def test_duplicate_layer_names_rejected():
    inputs = lamina.Input((2,))
    x = layers.Dense(2, name="d")(inputs)
    with pytest.raises(ValueError, match='"d" is used 2 times'):
        lamina.Model(inputs, layers.Dense(2, name="d")(x))


def test_functional_config_round_trip():
    model = _mlp_functional()
    clone = lamina.Model.from_config(model.get_config())
    clone.set_weights(model.get_weights())
    x = np.random.RandomState(1).rand(2, 784).astype("float32")
    np.testing.assert_allclose(_np(clone(x)), _np(model(x)), rtol=1e-6)
    seq = lamina.Sequential([lamina.Input((3,)), layers.Dense(2, name="d")])
    seq2 = lamina.Sequential.from_config(seq.get_config())
    assert [l.name for l in seq2.layers] == ["d"] and seq2.output_shape == (None, 2)


def test_masks_flow_through_functional():
    inputs = lamina.Input((None,), dtype="int32")
    emb = layers.Embedding(5, 2, mask_zero=True)(inputs)
    pooled = layers.GlobalAveragePooling1D()(emb)  # averages only the unmasked steps
    model = lamina.Model(inputs, [emb, pooled])
    ids = np.array([[1, 0, 3], [2, 4, 0]])
    steps, out = (_np(t) for t in model(ids))
    assert steps.shape == (2, 3, 2)
    mask = ids != 0
    np.testing.assert_allclose(out, (steps * mask[..., None]).sum(axis=1) / mask.sum(axis=1, keepdims=True),
                               rtol=1e-5, atol=1e-7)
    assert not np.allclose(out, steps.mean(axis=1), rtol=1e-3)


def test_ops_in_a_functional_graph_survive_config_and_save(tmp_path):
    inputs = lamina.Input((3,))
    y = ops.relu(layers.Dense(2)(inputs)) + 1.0
    model = lamina.Model(inputs, ops.concatenate([y, y * 2.0], axis=-1))
    clone = lamina.Model.from_config(model.get_config())
    clone.set_weights(model.get_weights())
    x = np.random.RandomState(0).rand(2, 3).astype("float32")
    np.testing.assert_allclose(_np(clone(x)), _np(model(x)), rtol=1e-6)
    model.save(tmp_path / "ops.keras")
    loaded = lamina.saving.load_model(tmp_path / "ops.keras")
    np.testing.assert_allclose(_np(loaded(x)), _np(model(x)), rtol=1e-6)


def test_subclass_taking_two_other_arguments_is_not_mistaken_for_a_functional_call():
    """Keras makes a subclass Functional only when its __init__ hands (inputs, outputs) on to
    Model.__init__; a GAN built as GAN(discriminator, generator) stays a subclassed model."""
    import lamina

    class GAN(lamina.Model):
        def __init__(self, discriminator, generator):
            super().__init__()
            self.discriminator, self.generator = discriminator, generator

        def call(self, x):
            return self.discriminator(self.generator(x))

    gan = GAN(lamina.layers.Dense(1), lamina.layers.Dense(3))
    assert not isinstance(gan, lamina.models.Functional)
    assert tuple(gan(np.ones((2, 4), "float32")).shape) == (2, 1)

    class Forwarding(lamina.Model):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.extra = "kept"

        def describe(self):
            return "forwarding"

    inputs = lamina.Input((4,))
    model = Forwarding(inputs, lamina.layers.Dense(2)(inputs))
    assert isinstance(model, lamina.models.Functional) and isinstance(model, Forwarding)
    assert (model.describe(), model.extra, model.predict(np.ones((1, 4)), verbose=0).shape) == ("forwarding", "kept", (1, 2))
