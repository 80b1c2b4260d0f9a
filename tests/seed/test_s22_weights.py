"""Seed S22: copying weights, TF-style checkpoints and transfer learning (note lines 2075-2337)."""

import numpy as np
import pytest

import lamina
from lamina import layers, ops


def create_layer():
    layer = layers.Dense(64, activation="relu", name="dense_2")
    layer.build((None, 784))
    return layer


def test_layer_to_layer_weight_copy():
    layer_1, layer_2 = create_layer(), create_layer()
    layer_2.set_weights(layer_1.get_weights())
    for a, b in zip(layer_1.get_weights(), layer_2.get_weights()):
        np.testing.assert_array_equal(a, b)


def _functional(dropout=False, units=10, name="3_layer_mlp"):
    inputs = lamina.Input(shape=(784,), name="digits")
    x = layers.Dense(64, activation="relu", name="dense_1")(inputs)
    x = layers.Dense(64, activation="relu", name="dense_2")(x)
    if dropout:
        x = layers.Dropout(0.5)(x)
    outputs = layers.Dense(units, name="predictions")(x)
    return lamina.Model(inputs=inputs, outputs=outputs, name=name)


class SubclassedModel(lamina.Model):
    def __init__(self, output_dim, name=None):
        super().__init__(name=name)
        self.output_dim = output_dim
        self.dense_1 = layers.Dense(64, activation="relu", name="dense_1")
        self.dense_2 = layers.Dense(64, activation="relu", name="dense_2")
        self.dense_3 = layers.Dense(output_dim, name="predictions")

    def call(self, inputs):
        return self.dense_3(self.dense_2(self.dense_1(inputs)))

    def get_config(self):
        return {"output_dim": self.output_dim, "name": self.name}


def test_functional_to_subclassed_weight_copy():
    functional_model = _functional()
    subclassed_model = SubclassedModel(10)
    subclassed_model(ops.ones((1, 784)))
    subclassed_model.set_weights(functional_model.get_weights())
    assert len(functional_model.weights) == len(subclassed_model.weights)
    for a, b in zip(functional_model.weights, subclassed_model.weights):
        np.testing.assert_allclose(ops.convert_to_numpy(a), ops.convert_to_numpy(b))


def test_dropout_difference_keeps_set_weights_compatible():
    functional_model = _functional()
    with_dropout = _functional(dropout=True)
    with_dropout.set_weights(functional_model.get_weights())
    x = np.random.rand(2, 784).astype("float32")
    np.testing.assert_allclose(with_dropout.predict(x, verbose=0), functional_model.predict(x, verbose=0),
                               atol=1e-6)


def test_checkpoint_round_trip_assert_consumed(tmp_path):
    sequential_model = lamina.Sequential([
        lamina.Input(shape=(784,), name="digits"),
        layers.Dense(64, activation="relu", name="dense_1"),
        layers.Dense(64, activation="relu", name="dense_2"),
        layers.Dense(10, name="predictions"),
    ])
    ckpt = str(tmp_path / "ckpt")
    sequential_model.save_weights(ckpt)
    saved = sequential_model.get_weights()
    for w in sequential_model.weights:
        w.assign(np.zeros(w.shape, dtype="float32"))
    load_status = sequential_model.load_weights(ckpt)
    load_status.assert_consumed()
    for a, b in zip(sequential_model.get_weights(), saved):
        np.testing.assert_array_equal(a, b)


class VarLayer(layers.Layer):
    def __init__(self, a):
        super().__init__()
        self.var = lamina.Variable(a, name="var_a")


def test_checkpoint_keys_use_attribute_names_not_variable_names(tmp_path):
    layer = VarLayer(5)
    layer_ckpt = lamina.Checkpoint(layer=layer).save(str(tmp_path / "custom_layer"))
    assert layer_ckpt.endswith("custom_layer-1")
    ckpt_reader = lamina.saving.load_checkpoint(layer_ckpt)
    dtypes = ckpt_reader.get_variable_to_dtype_map()
    assert "layer/var" in dtypes and not any("var_a" in k for k in dtypes)
    assert dtypes["layer/var"] == "int32"
    assert ckpt_reader.get_variable_to_shape_map()["layer/var"] == []
    assert int(ckpt_reader.get_tensor("layer/var")) == 5


def _randomize(model, shift=0.0):
    rng = np.random.default_rng(1)
    for w in model.weights:
        w.assign(rng.normal(size=w.shape).astype("float32") + shift)


def test_transfer_learning_from_pretrained_checkpoint(tmp_path):
    functional_model = _functional()
    pretrained = lamina.Model(functional_model.inputs, functional_model.layers[-1].input, name="pretrained_model")
    _randomize(pretrained)
    pretrained.save_weights(str(tmp_path / "pretrained_ckpt"))

    model = _functional(units=5, name="new_model")
    model.load_weights(str(tmp_path / "pretrained_ckpt"))
    assert len(pretrained.weights) == 4
    for a, b in zip(pretrained.weights, model.weights):
        np.testing.assert_allclose(ops.convert_to_numpy(a), ops.convert_to_numpy(b))

    # A Sequential wrapping the pretrained model: loading into the outer model silently
    # matches nothing; loading into the inner model is the correct call.
    inputs = lamina.Input(shape=(784,), name="digits")
    x = layers.Dense(64, activation="relu", name="dense_1")(inputs)
    x = layers.Dense(64, activation="relu", name="dense_2")(x)
    pretrained_model = lamina.Model(inputs=inputs, outputs=x, name="pretrained")
    outer = lamina.Sequential([pretrained_model, layers.Dense(5, name="predictions")])
    status = outer.load_weights(str(tmp_path / "pretrained_ckpt"))
    with pytest.raises(AssertionError):
        status.assert_nontrivial_match()
    assert not np.allclose(pretrained_model.get_weights()[0], pretrained.get_weights()[0])
    pretrained_model.load_weights(str(tmp_path / "pretrained_ckpt")).assert_consumed()
    for a, b in zip(pretrained.get_weights(), pretrained_model.get_weights()):
        np.testing.assert_array_equal(a, b)


class ContrivedModel(lamina.Model):
    def __init__(self):
        super().__init__()
        self.first_dense = layers.Dense(64)
        self.kernel = self.add_weight(name="kernel", shape=(64, 10))
        self.bias = self.add_weight(name="bias", shape=(10,))

    def call(self, inputs):
        x = self.first_dense(inputs)
        return ops.matmul(x, self.kernel) + self.bias


def test_checkpoint_of_parts_restores_into_another_structure(tmp_path):
    functional_model = _functional()
    _randomize(functional_model, shift=1.0)
    first_dense = functional_model.layers[1]
    last_dense = functional_model.layers[-1]
    ckpt_path = lamina.Checkpoint(dense=first_dense, kernel=last_dense.kernel, bias=last_dense.bias).save(
        str(tmp_path / "ckpt"))
    model = ContrivedModel()
    model(ops.ones((1, 784)))
    lamina.Checkpoint(dense=model.first_dense, kernel=model.kernel, bias=model.bias).restore(
        ckpt_path).assert_consumed()
    np.testing.assert_array_equal(model.first_dense.get_weights()[0], first_dense.get_weights()[0])
    np.testing.assert_array_equal(ops.convert_to_numpy(model.kernel), ops.convert_to_numpy(last_dense.kernel))
    np.testing.assert_array_equal(ops.convert_to_numpy(model.bias), ops.convert_to_numpy(last_dense.bias))
    # A mismatched structure is reported.
    other = lamina.Checkpoint(dense=model.first_dense)
    with pytest.raises(AssertionError, match="kernel"):
        other.restore(ckpt_path).assert_consumed()
    other.restore(ckpt_path).assert_existing_objects_matched()


class NestedDenseLayer(layers.Layer):
    def __init__(self, units, name=None):
        super().__init__(name=name)
        self.dense_1 = layers.Dense(units, name="dense_1")
        self.dense_2 = layers.Dense(units, name="dense_2")

    def call(self, inputs):
        return self.dense_2(self.dense_1(inputs))


def test_nested_layer_variable_names_and_order_change_with_trainable():
    nested_model = lamina.Sequential([lamina.Input((784,)), NestedDenseLayer(10, "nested")])
    variable_names = [v.path for v in nested_model.weights]
    assert variable_names == ["nested/dense_1/kernel", "nested/dense_1/bias",
                              "nested/dense_2/kernel", "nested/dense_2/bias"]
    nested_model.get_layer("nested").dense_1.trainable = False
    variable_names_2 = [v.path for v in nested_model.weights]
    assert variable_names_2 == ["nested/dense_2/kernel", "nested/dense_2/bias",
                                "nested/dense_1/kernel", "nested/dense_1/bias"]
    assert variable_names != variable_names_2
