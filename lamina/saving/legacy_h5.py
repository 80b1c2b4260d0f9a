"""The legacy Keras 2 / tf.keras HDF5 layout (``.h5``): whole models and weights.

Weights live in one group per ``layer.name`` with a ``weight_names`` attribute
(``dense/kernel:0``), trainable weights first; the file (or its ``model_weights`` group)
carries ``layer_names``. Loading goes by topology (the n-th layer with weights) or, with
``by_name=True``, by layer name.
"""

import json
import warnings

import numpy as np

from lamina import backend
from lamina.saving import file_utils
from lamina.saving.serialization_lib import deserialize_keras_object, serialize_keras_object

_ATTR_LIMIT = 64512  # HDF5 object header limit for one attribute
_H5_ERRORS = (OSError, RuntimeError, KeyError, ValueError, TypeError)


def _h5py():
    import h5py

    return h5py


# -- attributes ------------------------------------------------------------------------------
def _save_str_list_attr(group, name, values):
    data = np.asarray([v.encode("utf8") for v in values]) if values else np.asarray([], dtype="S1")
    chunks = 1
    while data.nbytes > _ATTR_LIMIT * chunks:
        chunks += 1
    if chunks == 1:
        group.attrs[name] = data
        return
    for i, chunk in enumerate(np.array_split(data, chunks)):
        group.attrs[f"{name}{i}"] = chunk


def load_str_list_attr(group, name):
    """A list-of-strings attribute, joined back from ``name0, name1, ...`` chunks if split."""
    if name in group.attrs:
        values = list(group.attrs[name])
    else:
        values, i = [], 0
        while f"{name}{i}" in group.attrs:
            values.extend(group.attrs[f"{name}{i}"])
            i += 1
    return [v.decode("utf8") if isinstance(v, bytes) else str(v) for v in np.atleast_1d(values)] if values else []


def _str_attr(value):
    return value.decode("utf8") if isinstance(value, bytes) else str(value)


def _legacy_weights(layer):
    return list(layer.trainable_weights) + list(layer.non_trainable_weights)


# -- writing ---------------------------------------------------------------------------------
def _write_weights_group(group, model):
    layers = list(model.layers)
    _save_str_list_attr(group, "layer_names", [layer.name for layer in layers])
    group.attrs["backend"] = backend.backend()
    group.attrs["keras_version"] = "2.15.0"
    for layer in sorted(layers, key=lambda l: l.name):
        layer_group = group.create_group(layer.name)
        weights = _legacy_weights(layer)
        names = [f"{w.path}:0" for w in weights]
        _save_str_list_attr(layer_group, "weight_names", names)
        for name, w in zip(names, weights):
            layer_group.create_dataset(name, data=backend.convert_to_numpy(w.value))


def save_weights(model, filepath):
    """Writes ``model``'s weights in the tf.keras 2 ``.h5`` layout (atomically).

    Example:
        >>> import os, tempfile
        >>> tmp = tempfile.mkdtemp()
        >>> model = lamina.Sequential([lamina.Input((3,)), lamina.layers.Dense(1)])
        >>> model.save_weights(os.path.join(tmp, "mnist_autoencoder.h5"))
    """
    with file_utils.atomic_write(filepath) as tmp:
        with _h5py().File(tmp, "w") as f:
            _write_weights_group(f, model)


def _legacy_config(config):
    if isinstance(config, dict):
        out = {}
        for key, value in config.items():
            if key in ("module", "registered_name", "shared_object_id"):
                continue
            out[key] = _legacy_config(value)
        registered = config.get("registered_name")
        if "class_name" in config and registered and registered not in ("Functional", "function"):
            out["class_name"] = registered
        return out
    if isinstance(config, list):
        return [_legacy_config(v) for v in config]
    return config


def save_model(model, filepath):
    """Writes the whole model (config, weights, training config) as a legacy ``.h5`` file."""
    serialized = serialize_keras_object(model)
    model_config = {"class_name": serialized["class_name"], "config": _legacy_config(serialized["config"])}
    compile_config = serialized.get("compile_config")
    with file_utils.atomic_write(filepath) as tmp:
        with _h5py().File(tmp, "w") as f:
            f.attrs["keras_version"] = "2.15.0"
            f.attrs["backend"] = backend.backend()
            f.attrs["model_config"] = json.dumps(model_config)
            if compile_config:
                training = {k: v for k, v in compile_config.items() if k != "optimizer"}
                optimizer = compile_config.get("optimizer")
                if isinstance(optimizer, dict):
                    training["optimizer_config"] = {"class_name": optimizer["class_name"],
                                                    "config": optimizer["config"]}
                f.attrs["training_config"] = json.dumps(_legacy_config(training))
            _write_weights_group(f.create_group("model_weights"), model)


# -- reading ---------------------------------------------------------------------------------
def open_h5(filepath):
    try:
        return _h5py().File(filepath, "r")
    except (OSError, ValueError) as e:
        raise ValueError(f"Cannot load '{filepath}': it is not a readable HDF5 file ({e}).") from e


def is_legacy_weights_file(h5file):
    return "layer_names" in h5file.attrs or "model_weights" in h5file or "layer_names0" in h5file.attrs


def _weights_root(h5file):
    if "layer_names" not in h5file.attrs and "layer_names0" not in h5file.attrs and "model_weights" in h5file:
        return h5file["model_weights"]
    return h5file


def _read_layer_values(group, layer_name, source):
    try:
        layer_group = group[layer_name]
        names = load_str_list_attr(layer_group, "weight_names")
        return [np.asarray(layer_group[n][()]) for n in names]
    except _H5_ERRORS as e:
        raise ValueError(f"Cannot read the weights of layer '{layer_name}' from {source}: the file is corrupt "
                         f"or incomplete ({type(e).__name__}: {e}).") from e


def _check_layer(layer, values, source, skip_mismatch):
    weights = _legacy_weights(layer)
    if len(weights) != len(values):
        message = (f"Layer '{layer.name}' expects {len(weights)} weights, but the saved layer in {source} has "
                   f"{len(values)} weights.")
        if skip_mismatch:
            warnings.warn(f"Skipping loading weights for layer '{layer.name}': {message}", stacklevel=4)
            return None
        raise ValueError(message)
    for w, v in zip(weights, values):
        if tuple(w.shape) != tuple(v.shape):
            message = (f"Layer '{layer.name}': weight '{w.path}' has shape {tuple(w.shape)}, but the saved weight "
                       f"in {source} has shape {tuple(v.shape)}.")
            if skip_mismatch:
                warnings.warn(f"Skipping loading weights for layer '{layer.name}': {message}", stacklevel=4)
                return None
            raise ValueError(message)
    return list(zip(weights, values))


def load_weights(model, h5file, source, by_name=False, skip_mismatch=False):
    """Loads tf.keras-layout weights from an open h5py file, by topology or by layer name."""
    group = _weights_root(h5file)
    saved_names = load_str_list_attr(group, "layer_names")
    pairs = []
    if by_name:
        index = {}
        for layer in model.layers:
            index.setdefault(layer.name, []).append(layer)
        for name in saved_names:
            for layer in index.get(name, []):
                checked = _check_layer(layer, _read_layer_values(group, name, source), source, skip_mismatch)
                pairs.extend(checked or [])
    else:
        saved = [n for n in saved_names if n in group and load_str_list_attr(group[n], "weight_names")]
        layers = [layer for layer in model.layers if layer.weights]
        if len(saved) != len(layers):
            raise ValueError(
                f"Layer count mismatch when loading weights from {source}: the model has {len(layers)} layers with "
                f"weights ({[l.name for l in layers]}), but the file has {len(saved)} ({saved}). Use by_name=True "
                "to load only the layers whose names match."
            )
        for layer, name in zip(layers, saved):
            checked = _check_layer(layer, _read_layer_values(group, name, source), source, skip_mismatch)
            pairs.extend(checked or [])
    for weight, value in pairs:
        weight.assign(value)


def load_model(filepath, custom_objects=None, compile=True, safe_mode=True):
    """Rebuilds a model from a legacy ``.h5`` file written by tf.keras 2 or Keras 3."""
    source = f"'{filepath}'"
    with open_h5(filepath) as f:
        raw = f.attrs.get("model_config")
        if raw is None:
            raise ValueError(
                f"Cannot load {source} as a model: it has no model_config, so it holds weights only. Build the "
                "model in code and call model.load_weights() instead."
            )
        try:
            config = json.loads(_str_attr(raw))
        except json.JSONDecodeError as e:
            raise ValueError(f"Cannot load {source}: its model_config attribute is not valid JSON ({e}).") from e
        try:
            model = deserialize_keras_object(_upgrade_keras2_config(config), custom_objects=custom_objects,
                                             safe_mode=safe_mode)
        except (TypeError, ValueError, KeyError) as e:
            raise type(e)(f"Cannot load the model in {source}: {e}") if not isinstance(e, KeyError) else \
                ValueError(f"Cannot load the model in {source}: its config is missing {e}") from e
        load_weights(model, f, source)
        training = f.attrs.get("training_config")
        if compile and training is not None:
            _compile_from_legacy(model, json.loads(_str_attr(training)), custom_objects, source)
    return model


def _upgrade_keras2_config(config):
    """Rewrites Keras 2 spellings that Keras 3 classes no longer take (BatchNormalization's
    one-element ``axis`` list)."""
    if isinstance(config, list):
        return [_upgrade_keras2_config(c) for c in config]
    if not isinstance(config, dict):
        return config
    out = {k: _upgrade_keras2_config(v) for k, v in config.items()}
    inner = out.get("config")
    if out.get("class_name") == "Lambda" and isinstance(inner, dict) and "function_type" in inner:
        _upgrade_keras2_lambda(inner)
    if out.get("class_name") == "BatchNormalization" and isinstance(inner, dict):
        axis = inner.get("axis")
        if isinstance(axis, list) and len(axis) == 1:
            inner["axis"] = axis[0]
    return out


def _upgrade_keras2_lambda(config):
    """Keras 2 Lambda: ``function`` as ``[code, defaults, closure]`` plus ``function_type`` and
    ``module`` keys. The bytecode becomes Keras 3's ``__lambda__`` form (refused in safe mode);
    a named function stays a name, found only among registered or custom objects. The module
    named in the file is dropped, never imported."""
    value = config.get("function")
    if config.pop("function_type", None) == "lambda" and isinstance(value, (list, tuple)) and value \
            and isinstance(value[0], str):
        code, defaults, closure = (list(value) + [None, None])[:3]
        config["function"] = {"class_name": "__lambda__",
                              "config": {"code": code, "defaults": defaults, "closure": closure}}
    if config.pop("output_shape_type", None) == "lambda":
        config["output_shape"] = None  # inferred by tracing the function, so no second bytecode runs
    config.pop("module", None)
    config.pop("output_shape_module", None)


def _compile_from_legacy(model, training, custom_objects, source):
    compile_fn = getattr(model, "compile", None)
    if not callable(compile_fn):
        return
    optimizer_config = training.get("optimizer_config")
    kwargs = {}
    if optimizer_config:
        kwargs["optimizer"] = deserialize_keras_object(optimizer_config, custom_objects=custom_objects)
    for key in ("loss", "metrics", "weighted_metrics", "loss_weights"):
        value = training.get(key)
        if value is not None:
            kwargs[key] = deserialize_keras_object(value, custom_objects=custom_objects)
    single_output = len(getattr(model, "outputs", None) or [None]) == 1
    for key in ("metrics", "weighted_metrics"):
        value = kwargs.get(key)
        if single_output and isinstance(value, list) and len(value) == 1 and isinstance(value[0], list):
            kwargs[key] = value[0]  # tf.keras 2 writes metrics per output: [[m1, m2]] for one output
    try:
        compile_fn(**kwargs)
    except Exception as e:  # noqa: BLE001 - the model itself loaded; only the training setup is lost
        warnings.warn(f"The model in {source} loaded, but its training configuration could not be restored "
                      f"({type(e).__name__}: {e}). Compile the model yourself before training.", stacklevel=3)
