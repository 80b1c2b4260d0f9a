"""The .keras archive, .weights.h5 files, configs of every object family, clone_model, safe_mode."""

import json
import os
import zipfile

import h5py
import numpy as np
import pytest

import lamina
from lamina import layers


def _mlp():
    inputs = lamina.Input((4,))
    x = layers.Dense(8, activation="relu")(inputs)
    return lamina.Model(inputs, layers.Dense(2)(x))


def test_archive_layout_matches_keras(tmp_path):
    model = _mlp()
    model.save(str(tmp_path / "m.keras"))
    with zipfile.ZipFile(tmp_path / "m.keras") as archive:
        infos = archive.infolist()
        assert [i.filename for i in infos] == ["metadata.json", "config.json", "model.weights.h5"]
        assert all(i.compress_type == zipfile.ZIP_STORED for i in infos)
        metadata = json.loads(archive.read("metadata.json"))
        config = json.loads(archive.read("config.json"))
    assert set(metadata) >= {"keras_version", "date_saved"}
    assert config["class_name"] == "Functional" and config["module"] == "keras.src.models.functional"
    assert config["config"]["layers"][1]["module"] == "keras.layers"
    model.save(str(tmp_path / "folder"))
    assert sorted(os.listdir(tmp_path / "folder")) == ["config.json", "metadata.json", "model.weights.h5"]


def test_compiled_state_round_trips_and_training_continues(tmp_path):
    x = np.random.rand(16, 4).astype("float32")
    y = np.random.rand(16, 2).astype("float32")
    model = _mlp()
    model.compile(optimizer=lamina.optimizers.Adam(0.01), loss="mse", metrics=["mae"])
    model.fit(x, y, epochs=2, batch_size=8, verbose=0)
    model.save(str(tmp_path / "m.keras"))
    restored = lamina.saving.load_model(str(tmp_path / "m.keras"))
    assert type(restored.optimizer).__name__ == "Adam"
    for a, b in zip(model.optimizer.variables, restored.optimizer.variables):
        np.testing.assert_array_equal(lamina.ops.convert_to_numpy(a), lamina.ops.convert_to_numpy(b))
    model.fit(x, y, epochs=1, batch_size=8, verbose=0, shuffle=False)
    restored.fit(x, y, epochs=1, batch_size=8, verbose=0, shuffle=False)
    np.testing.assert_allclose(restored.predict(x, verbose=0), model.predict(x, verbose=0), atol=1e-5)
    uncompiled = lamina.saving.load_model(str(tmp_path / "m.keras"), compile=False)
    assert uncompiled.optimizer is None


def test_assets_of_lookup_layers(tmp_path):
    lookup = layers.StringLookup()
    lookup.adapt(np.array(["a", "b", "c", "b"]))
    inputs = lamina.Input((1,), dtype="string")
    model = lamina.Model(inputs, lookup(inputs))
    model.save(str(tmp_path / "m.keras"))
    with zipfile.ZipFile(tmp_path / "m.keras") as archive:
        assert any(n.startswith("assets/") for n in archive.namelist())
    restored = lamina.saving.load_model(str(tmp_path / "m.keras"))
    data = np.array([["b"], ["z"]])
    np.testing.assert_array_equal(np.asarray(restored.predict(data, verbose=0)), np.asarray(model.predict(data, verbose=0)))


def test_lambda_needs_safe_mode_off(tmp_path):
    inputs = lamina.Input((3,))
    model = lamina.Model(inputs, layers.Lambda(lambda t: t * 3.0)(inputs))
    model.save(str(tmp_path / "lam.keras"))
    with pytest.raises(ValueError, match="safe_mode"):
        lamina.saving.load_model(str(tmp_path / "lam.keras"))
    restored = lamina.saving.load_model(str(tmp_path / "lam.keras"), safe_mode=False)
    np.testing.assert_allclose(restored.predict(np.ones((1, 3), "float32"), verbose=0), 3.0)


def test_weights_h5_mismatch_errors_and_skip(tmp_path):
    model = _mlp()
    model.save_weights(str(tmp_path / "w.weights.h5"))
    with h5py.File(tmp_path / "w.weights.h5") as f:
        assert f["layers/dense/vars"].attrs["name"] == model.layers[1].name
        assert "vars" in f["layers/input_layer"]
    inputs = lamina.Input((4,))
    other = lamina.Model(inputs, layers.Dense(2)(layers.Dense(5, activation="relu")(inputs)))
    before = other.get_weights()
    with pytest.raises(ValueError, match=r"\(4, 5\).*\(4, 8\)"):
        other.load_weights(str(tmp_path / "w.weights.h5"))
    for a, b in zip(other.get_weights(), before):  # nothing was half-loaded
        np.testing.assert_array_equal(a, b)
    with pytest.warns(UserWarning, match="Skipping"):
        other.load_weights(str(tmp_path / "w.weights.h5"), skip_mismatch=True)
    with pytest.raises(ValueError, match="save_weights"):
        model.save(str(tmp_path / "x.weights.h5"))


def test_failed_save_keeps_the_previous_file(tmp_path):
    class Broken(layers.Layer):
        def get_config(self):
            raise RuntimeError("boom")

    model = _mlp()
    path = str(tmp_path / "m.keras")
    model.save(path)
    inputs = lamina.Input((4,))
    bad = lamina.Model(inputs, Broken()(inputs))
    with pytest.raises(RuntimeError, match="boom"):
        bad.save(path)
    assert lamina.saving.load_model(path).count_params() == model.count_params()
    assert os.listdir(tmp_path) == ["m.keras"]


@lamina.saving.register_keras_serializable(package="archive_tests")
class TwoLayer(lamina.Model):
    def __init__(self, units=3, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.encoder = layers.Dense(units)
        self.blocks = [layers.Dense(units), layers.Dense(units)]

    def call(self, x):
        x = self.encoder(x)
        for block in self.blocks:
            x = block(x)
        return x

    def get_config(self):
        return {"units": self.units, "name": self.name}


def test_subclassed_model_round_trip_and_paths(tmp_path):
    model = TwoLayer(3)
    x = np.random.rand(2, 4).astype("float32")
    model(x)
    model.save(str(tmp_path / "s.keras"))
    model.save_weights(str(tmp_path / "s.weights.h5"))
    with h5py.File(tmp_path / "s.weights.h5") as f:
        names = []
        f.visit(names.append)
    assert {"blocks/dense/vars/0", "blocks/dense_1/vars/0", "encoder/vars/1"} <= set(names)
    restored = lamina.saving.load_model(str(tmp_path / "s.keras"))
    np.testing.assert_allclose(restored.predict(x, verbose=0), model.predict(x, verbose=0), atol=1e-6)


def test_config_round_trips_for_every_family():
    objects = [lamina.losses.MeanSquaredError(), lamina.losses.CategoricalCrossentropy(from_logits=True),
               lamina.optimizers.Adam(0.01), lamina.optimizers.SGD(momentum=0.5),
               lamina.optimizers.schedules.ExponentialDecay(0.1, 10, 0.9),
               lamina.initializers.RandomNormal(stddev=0.3), lamina.regularizers.L2(0.1),
               lamina.constraints.MaxNorm(2.0), layers.Dense(3, kernel_regularizer="l2")]
    if hasattr(lamina, "metrics"):
        objects.append(lamina.metrics.MeanSquaredError())
    for obj in objects:
        config = lamina.saving.serialize_keras_object(obj)
        json.dumps(config)
        again = lamina.saving.deserialize_keras_object(config)
        assert type(again) is type(obj)
        assert lamina.saving.serialize_keras_object(again)["config"] == config["config"]
    relu = lamina.saving.serialize_keras_object(lamina.activations.relu)
    assert relu == {"module": "builtins", "class_name": "function", "config": "relu", "registered_name": "function"}
    assert lamina.saving.deserialize_keras_object(relu) is lamina.activations.relu


def test_to_json_clone_and_model_from_json():
    model = _mlp()
    text = model.to_json()
    rebuilt = lamina.models.model_from_json(text)
    assert [type(l) for l in rebuilt.layers] == [type(l) for l in model.layers]
    clone = lamina.models.clone_model(model)
    assert clone.layers[1] is not model.layers[1]
    clone.set_weights(model.get_weights())
    x = np.random.rand(2, 4).astype("float32")
    np.testing.assert_allclose(clone.predict(x, verbose=0), model.predict(x, verbose=0), atol=1e-6)
    seq = lamina.Sequential([lamina.Input((4,)), layers.Dense(2)])
    relu_clone = lamina.models.clone_model(
        seq, clone_function=lambda l: layers.Dense(l.units, activation="relu", name=l.name))
    assert relu_clone.layers[0].activation is lamina.activations.relu
    new_input = lamina.Input((4,))
    assert lamina.models.clone_model(model, input_tensors=new_input).inputs[0] is new_input
