"""Seed S21: saving whole models, configs, and custom objects (note lines 1887-2075)."""

import numpy as np
import pytest

import lamina
from lamina import layers, ops


def simple_model():
    inputs = lamina.Input(shape=(784,), name="inputs")
    outputs = layers.Dense(64, activation="relu", name="dense1")(inputs)
    outputs = layers.Dense(10, activation="relu", name="dense2")(outputs)
    model = lamina.Model(inputs=inputs, outputs=outputs, name="mnist_model")
    model.compile(loss=lamina.losses.SparseCategoricalCrossentropy(from_logits=True),
                  optimizer=lamina.optimizers.RMSprop(), metrics=["accuracy"])
    return model


def _data():
    rng = np.random.default_rng(0)
    return rng.random((64, 784), dtype=np.float32), rng.integers(0, 10, 64)


@pytest.mark.parametrize("path, load_path", [("mnist_model", "mnist_model/"), ("mnist_model.keras", None),
                                             ("mnist_model.h5", None)])
def test_save_and_reload_whole_model(tmp_path, path, load_path):
    x, y = _data()
    model = simple_model()
    model.fit(x=x, y=y, batch_size=16, epochs=1, verbose=0)
    model.save(str(tmp_path / path))
    restored = lamina.models.load_model(str(tmp_path / (load_path or path)))
    np.testing.assert_allclose(restored.predict(x, verbose=0), model.predict(x, verbose=0), atol=1e-6)
    assert restored.name == "mnist_model"
    # The compiled state comes back, so training continues.
    restored.fit(x, y, batch_size=16, epochs=1, verbose=0)


def test_load_weights_by_name_loads_only_matching_layers(tmp_path):
    fname = str(tmp_path / "weights.h5")
    model = lamina.Sequential([lamina.Input((3,)), layers.Dense(2, activation="relu", name="dense_1"),
                               layers.Dense(1, activation="relu", name="dense_2")])
    model.save_weights(fname)
    new = lamina.Sequential([lamina.Input((3,)), layers.Dense(2, activation="relu", name="dense_1"),
                             layers.Dense(10, activation="relu", name="new_dense")])
    before = new.get_layer("new_dense").get_weights()
    new.load_weights(fname, by_name=True)
    for a, b in zip(new.get_layer("dense_1").get_weights(), model.get_layer("dense_1").get_weights()):
        np.testing.assert_array_equal(a, b)
    for a, b in zip(new.get_layer("new_dense").get_weights(), before):
        np.testing.assert_array_equal(a, b)


def test_layer_and_sequential_from_config():
    layer = layers.Dense(3, activation="relu")
    new_layer = layers.Dense.from_config(layer.get_config())
    assert new_layer.units == 3 and new_layer.get_config() == layer.get_config()

    model = lamina.Sequential([lamina.Input(shape=(32,)), layers.Dense(1)])
    new_model = lamina.Sequential.from_config(model.get_config())
    assert [type(l) for l in new_model.layers] == [layers.Dense]
    assert new_model.output_shape == (None, 1)


class CustomLayer(layers.Layer):
    def __init__(self, a, **kwargs):
        super().__init__(**kwargs)
        self.var = lamina.Variable(a, name="var_a")

    def call(self, inputs, training=False):
        if training:
            return inputs * self.var
        return inputs

    def get_config(self):
        return {"a": int(ops.convert_to_numpy(self.var))}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


def test_serialize_and_deserialize_custom_layer():
    layer = CustomLayer(5)
    layer.var.assign(2)
    serialized = layers.serialize(layer)
    assert serialized["class_name"] == "CustomLayer" and serialized["config"] == {"a": 2}
    new_layer = layers.deserialize(serialized, custom_objects={"CustomLayer": CustomLayer})
    assert isinstance(new_layer, CustomLayer)
    assert int(ops.convert_to_numpy(new_layer.var)) == 2


def test_unknown_class_names_the_three_fixes():
    serialized = layers.serialize(CustomLayer(1))
    with pytest.raises(TypeError) as info:
        layers.deserialize(serialized)
    message = str(info.value)
    assert "CustomLayer" in message
    assert "custom_objects" in message and "custom_object_scope" in message
    assert "register_keras_serializable" in message


class UnitsLayer(layers.Layer):
    def __init__(self, units=32, **kwargs):
        super().__init__(**kwargs)
        self.units = units

    def build(self, input_shape):
        self.w = self.add_weight(shape=(input_shape[-1], self.units), initializer="random_normal")
        self.b = self.add_weight(shape=(self.units,), initializer="random_normal")

    def call(self, inputs):
        return ops.matmul(inputs, self.w) + self.b

    def get_config(self):
        config = super().get_config()
        config.update({"units": self.units})
        return config


def custom_activation(x):
    return ops.tanh(x) ** 2


def _custom_model():
    inputs = lamina.Input((32,))
    x = UnitsLayer(32)(inputs)
    outputs = layers.Activation(custom_activation)(x)
    return lamina.Model(inputs, outputs)


def test_custom_object_scope_and_custom_object_scope_class():
    model = _custom_model()
    config = model.get_config()
    custom_objects = {"UnitsLayer": UnitsLayer, "custom_activation": custom_activation}
    with lamina.saving.custom_object_scope(custom_objects):
        new_model = lamina.Model.from_config(config)
    assert isinstance(new_model.layers[1], UnitsLayer) and new_model.layers[1].units == 32
    assert new_model.layers[2].activation is custom_activation
    with lamina.saving.CustomObjectScope(custom_objects):
        again = lamina.Model.from_config(config)
    assert again.output_shape == (None, 32)
    with pytest.raises(TypeError, match="UnitsLayer"):
        lamina.Model.from_config(config)


def test_register_keras_serializable(tmp_path):
    @lamina.saving.register_keras_serializable(package="s21")
    class Registered(UnitsLayer):
        pass

    @lamina.saving.register_keras_serializable(package="s21")
    def registered_activation(x):
        return ops.tanh(x) ** 2

    inputs = lamina.Input((4,))
    outputs = layers.Activation(registered_activation)(Registered(3)(inputs))
    model = lamina.Model(inputs, outputs)
    serialized = lamina.saving.serialize_keras_object(model)
    entry = serialized["config"]["layers"][1]
    assert entry["registered_name"] == "s21>Registered"
    model.save(str(tmp_path / "r.keras"))
    restored = lamina.models.load_model(str(tmp_path / "r.keras"))
    x = np.random.rand(2, 4).astype("float32")
    np.testing.assert_allclose(restored.predict(x, verbose=0), model.predict(x, verbose=0), atol=1e-6)
