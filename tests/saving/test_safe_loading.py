"""Crafted model files must not run code: names in a file resolve only through lamina's
registries, and Lambda bytecode needs ``safe_mode=False``. Each loader gets the same files.

Every crafted payload would create a marker file if it ran; the tests check that it never
appears and that loading fails with an error naming the problem. The Lambda cases also load
once with ``safe_mode=False`` to show the payload is live (the marker then appears).
"""

import json
import tempfile
import zipfile

import numpy as np
import pytest

import lamina
from lamina.saving import legacy_h5, serialization_lib


@pytest.fixture
def marker(tmp_path):
    path = tmp_path / "pwned"
    yield path


def _base_config():
    inputs = lamina.Input((3,), name="x")
    # An op node in the model, so OpLayer is registered as it is in any session using ops.
    outputs = lamina.layers.Dense(2, name="dense")(lamina.ops.multiply(inputs, 2.0))
    model = lamina.Model(inputs, outputs, name="victim")
    return model, serialization_lib.serialize_keras_object(model)


def _with_layer(config, entry):
    config = json.loads(json.dumps(config))
    config["config"]["layers"].append(entry)
    return config


def _op_node_calling(module, function, command):
    """A lamina>OpLayer node naming an arbitrary module/function, called with ``command``."""
    return {"module": None, "class_name": "OpLayer", "registered_name": "lamina>OpLayer", "name": "pwn",
            "config": {"name": "pwn", "trainable": True, "dtype": "float32", "function": function, "module": module},
            "inbound_nodes": [{"args": [command], "kwargs": {}}]}


def _keras_op_node(module, class_name, command):
    """A Keras-style op node whose module/class name a non-op callable."""
    return {"module": module, "class_name": class_name, "registered_name": class_name, "name": "pwn",
            "config": {"name": "pwn"}, "inbound_nodes": [{"args": [command], "kwargs": {}}]}


def _activation_config(config, activation):
    config = json.loads(json.dumps(config))
    dense = next(layer for layer in config["config"]["layers"] if layer["class_name"] == "Dense")
    dense["config"]["activation"] = activation
    return config


def _lambda_code(marker):
    # Runs a shell command when called, as a crafted Lambda in a file would.
    fn = lambda x, path=str(marker): (__import__("os").system("touch " + path), x)[1]  # noqa: E731
    return serialization_lib.serialize_function(fn)


def _lambda_config(config, marker):
    layer = {"module": "keras.layers", "class_name": "Lambda", "registered_name": None, "name": "lam",
             "config": {"name": "lam", "trainable": True, "dtype": "float32", "function": _lambda_code(marker),
                        "arguments": {}},
             "inbound_nodes": [{"args": [{"class_name": "__keras_tensor__", "config": {
                 "shape": [None, 2], "dtype": "float32", "keras_history": ["dense", 0, 0]}}], "kwargs": {}}]}
    config = _with_layer(config, layer)
    config["config"]["output_layers"] = ["lam", 0, 0]
    return config


def _payloads(marker):
    """name -> (config rewrite, the error the loader must raise)."""
    command = f"touch {marker}"
    op_error = "not a lamina op|refusing to load function"
    def op(module, function, argument=command):
        return lambda c: _with_layer(c, _op_node_calling(module, function, argument))

    def function_ref(module, name):
        ref = {"module": module, "class_name": "function", "config": name, "registered_name": "function"}
        return lambda c: _activation_config(c, ref)

    return {
        "op_os_system": (op("os", "system"), op_error),
        "op_subprocess": (op("subprocess", "getoutput"), op_error),
        "op_builtins_exec": (op("builtins", "exec", f"import os; os.system('{command}')"), op_error),
        "op_lamina_module_foreign_name": (op("lamina.ops", "system"), op_error),
        "op_dotted_name": (op(None, "os.system"), op_error),
        "op_lamina_helper": (op("lamina.ops", "symbolic"), op_error),
        "keras_op_os": (lambda c: _with_layer(c, _keras_op_node("os", "system", command)),
                        "Could not locate class 'system'"),
        "keras_op_family_non_op": (lambda c: _with_layer(c, _keras_op_node("keras.src.ops.numpy", "Ndarray", command)),
                                   "Could not load op class 'Ndarray'"),
        "activation_os_system": (function_ref("os", "system"), "Could not locate function 'system'"),
        "activation_builtins_eval": (function_ref("builtins", "eval"), "Could not locate function 'eval'"),
    }


PAYLOADS = list(_payloads("x"))


def _write_keras_zip(path, model, config):
    lamina.saving.save_model(model, str(path))
    with zipfile.ZipFile(path) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    members["config.json"] = json.dumps(config).encode()
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)


def _load_zip(tmp_path, model, config, **kwargs):
    path = tmp_path / "crafted.keras"
    _write_keras_zip(path, model, config)
    return lamina.models.load_model(str(path), **kwargs)


def _load_folder(tmp_path, model, config, **kwargs):
    path = tmp_path / "crafted.keras"
    _write_keras_zip(path, model, config)
    folder = tempfile.mkdtemp(dir=tmp_path)
    with zipfile.ZipFile(path) as archive:
        archive.extractall(folder)
    return lamina.models.load_model(folder, **kwargs)


def _load_h5(tmp_path, model, config, **kwargs):
    import h5py

    path = tmp_path / "crafted.h5"
    legacy_h5.save_model(model, str(path))
    with h5py.File(path, "a") as f:
        f.attrs["model_config"] = json.dumps(config)
    return lamina.models.load_model(str(path), **kwargs)


def _load_json(tmp_path, model, config, **kwargs):
    if kwargs.get("safe_mode") is False:
        with serialization_lib.SafeModeScope(False):
            return lamina.models.model_from_json(json.dumps(config))
    return lamina.models.model_from_json(json.dumps(config))


def _load_from_config(tmp_path, model, config, **kwargs):
    return serialization_lib.deserialize_keras_object(config, **kwargs)


LOADERS = {"keras_zip": _load_zip, "folder": _load_folder, "legacy_h5": _load_h5, "model_from_json": _load_json,
           "deserialize_keras_object": _load_from_config}


@pytest.mark.parametrize("loader", list(LOADERS))
@pytest.mark.parametrize("payload", PAYLOADS)
def test_crafted_names_never_run(tmp_path, marker, loader, payload):
    model, config = _base_config()
    rewrite, error = _payloads(marker)[payload]
    crafted = rewrite(config)
    with pytest.raises((TypeError, ValueError), match=error):
        LOADERS[loader](tmp_path, model, crafted)
    assert not marker.exists()


@pytest.mark.parametrize("loader", list(LOADERS))
def test_lambda_bytecode_needs_safe_mode_off(tmp_path, marker, loader):
    model, config = _base_config()
    crafted = _lambda_config(config, marker)
    with pytest.raises(ValueError, match="safe_mode"):
        LOADERS[loader](tmp_path, model, crafted)
    assert not marker.exists()
    # The payload is live: with safe mode off (a trusted file) the bytecode does run.
    LOADERS[loader](tmp_path, model, crafted, safe_mode=False)
    assert marker.exists()


def test_keras2_lambda_bytecode_in_legacy_h5_needs_safe_mode_off(tmp_path, marker):
    model, config = _base_config()
    crafted = _lambda_config(config, marker)
    lam = crafted["config"]["layers"][-1]["config"]
    code = lam["function"]["config"]
    # tf.keras 2 layout: [code, defaults, closure] with function_type and the defining module.
    lam.update({"function": [code["code"], code["defaults"], None], "function_type": "lambda",
                "module": "os", "output_shape_type": "raw", "output_shape_module": None, "output_shape": None})
    with pytest.raises(ValueError, match="safe_mode"):
        _load_h5(tmp_path, model, crafted)
    assert not marker.exists()
    loaded = _load_h5(tmp_path, model, crafted, safe_mode=False)
    assert marker.exists()
    assert loaded.predict(np.ones((1, 3), "float32"), verbose=0).shape == (1, 2)


@pytest.mark.parametrize("family", ["activations", "losses", "metrics"])
@pytest.mark.parametrize("module, name", [("os", "system"), ("builtins", "exec"), ("builtins", "eval"),
                                          ("subprocess", "run"), ("lamina.metrics", "to_snake_case")])
def test_function_references_resolve_only_to_lamina_functions(family, module, name):
    config = {"module": module, "class_name": "function", "config": name, "registered_name": "function"}
    with pytest.raises((TypeError, ValueError), match=name):
        getattr(lamina, family).deserialize(config)
    with pytest.raises(TypeError, match="Could not locate function"):
        serialization_lib.deserialize_keras_object(config)


def test_function_references_to_lamina_functions_still_load():
    config = {"module": "keras.activations", "class_name": "function", "config": "relu", "registered_name": "function"}
    assert serialization_lib.deserialize_keras_object(config) is lamina.activations.relu


def test_registered_function_is_the_only_way_to_name_user_code(tmp_path):
    calls = []

    def my_activation(x):
        calls.append(1)
        return lamina.ops.relu(x)

    model, config = _base_config()
    crafted = _activation_config(config, {"module": "__main__", "class_name": "function", "config": "my_activation",
                                          "registered_name": "function"})
    with pytest.raises(TypeError, match="my_activation"):
        _load_zip(tmp_path, model, crafted)
    loaded = _load_zip(tmp_path, model, crafted, custom_objects={"my_activation": my_activation})
    loaded.predict(np.ones((1, 3), "float32"), verbose=0)
    assert calls


def test_old_lamina_op_node_with_lamina_module_still_loads(tmp_path):
    # Earlier lamina files: {"function": "not_equal", "module": "lamina.ops.numpy"}.
    model, config = _base_config()
    entry = _op_node_calling("lamina.ops.numpy", "add", None)
    entry["inbound_nodes"] = [{"args": [{"class_name": "__keras_tensor__", "config": {
        "shape": [None, 2], "dtype": "float32", "keras_history": ["dense", 0, 0]}}, 1.0], "kwargs": {}}]
    crafted = _with_layer(config, entry)
    crafted["config"]["output_layers"] = ["pwn", 0, 0]
    loaded = _load_zip(tmp_path, model, crafted)
    x = np.ones((2, 3), "float32")
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0) + 1.0, rtol=1e-6)
