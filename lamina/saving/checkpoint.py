"""Object-graph checkpoints: variables keyed by the attribute path that reaches them.

A Dense layer's weights are ``kernel`` and ``bias``; a model's layers with weights are
``layer_with_weights-0``, ``layer_with_weights-1``, ... (as tf.keras named them), so a
checkpoint restores into any object whose structure matches, whatever its variables are
called. Files: ``<prefix>.index`` (JSON: keys, shapes, dtypes) and
``<prefix>.safetensors`` (the values), both written atomically.
"""

import hashlib
import json
import os

import numpy as np

from lamina import backend
from lamina.layers import _tracking
from lamina.layers.layer import Layer
from lamina.saving import file_utils, object_walk

INDEX_SUFFIX = ".index"
DATA_SUFFIX = ".safetensors"
FORMAT = "lamina-checkpoint"


# -- object graph ----------------------------------------------------------------------------
def _is_variable(x):
    return getattr(x, "_is_lamina_variable", False)


def variable_keys(root, prefix=""):
    """``{key: variable}`` for everything reachable from ``root``, first path wins.

    Example:
        >>> dense = lamina.layers.Dense(2)
        >>> dense.build((None, 3))
        >>> len(variable_keys(dense))  # the kernel and the bias
        2
    """
    out = {}
    _collect(root, prefix, out, set())
    return out


def _join(prefix, name):
    return f"{prefix}/{name}" if prefix else str(name)


def _collect(obj, prefix, out, seen):
    if _is_variable(obj):
        if not any(v is obj for v in out.values()):
            out[prefix] = obj
        return
    if id(obj) in seen:
        return
    if isinstance(obj, (list, tuple)):
        for i, item in enumerate(obj):
            _collect(item, _join(prefix, i), out, seen)
        return
    if isinstance(obj, dict):
        for key, item in obj.items():
            _collect(item, _join(prefix, key), out, seen)
        return
    seen.add(id(obj))
    if object_walk.is_optimizer(obj):
        for i, variable in enumerate(obj.variables):
            _collect(variable, _join(prefix, f"vars/{i}"), out, seen)
        return
    if isinstance(obj, Checkpoint):
        for key, value in obj._objects.items():
            _collect(value, _join(prefix, key), out, seen)
        return
    if not isinstance(obj, Layer):
        return
    if object_walk._is_graph_model(obj):
        index = 0
        for layer in obj.layers:
            if layer.weights:
                _collect(layer, _join(prefix, f"layer_with_weights-{index}"), out, seen)
                index += 1
    for key, value in sorted(_tracking.state_attributes(obj), key=lambda item: object_walk._name_key(item[0])):
        if not object_walk.is_metric(value):
            _collect(value, _join(prefix, _public_name(obj, key, value)), out, seen)
    for variable in obj._tracked()[1]:  # add_weight results not held in any attribute
        _collect(variable, _join(prefix, variable.name), out, seen)


def _public_name(layer, key, value):
    """A weight held privately behind a public property of its own name (``Dense._kernel``
    behind ``Dense.kernel``, which adds LoRA) keeps the key it always had: ``kernel``."""
    name = key[1:]
    if (key.startswith("_") and _is_variable(value) and value.name == name and name not in vars(layer)
            and isinstance(getattr(type(layer), name, None), property)):
        return name
    return key


# -- files -----------------------------------------------------------------------------------
def _prefix_of(path):
    path = os.fspath(path)
    for suffix in (INDEX_SUFFIX, DATA_SUFFIX):
        if path.endswith(suffix):
            return path[: -len(suffix)]
    return path


def exists(path):
    return os.path.isfile(_prefix_of(path) + INDEX_SUFFIX)


def write(values, prefix):
    """Writes ``{key: array}`` as ``prefix.safetensors`` + ``prefix.index``; returns ``prefix``."""
    from safetensors.numpy import save as st_save

    prefix = _prefix_of(prefix)
    arrays = {k: np.asarray(v, order="C") for k, v in values.items()}  # keeps 0-d shapes
    data = st_save(arrays, metadata={"format": FORMAT})
    with file_utils.atomic_write(prefix + DATA_SUFFIX) as tmp:
        with open(tmp, "wb") as f:
            f.write(data)
    index = {"format": FORMAT, "version": 1, "data_file": os.path.basename(prefix + DATA_SUFFIX),
             "data_sha256": hashlib.sha256(data).hexdigest(), "data_size": len(data),
             "variables": {k: {"shape": list(v.shape), "dtype": str(v.dtype)} for k, v in arrays.items()}}
    with file_utils.atomic_write(prefix + INDEX_SUFFIX) as tmp:
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(index, f, indent=1)
    return prefix


class CheckpointReader:
    """Reads a checkpoint's keys, shapes, dtypes and values.

    Example:
        >>> import os, tempfile
        >>> tmp = tempfile.mkdtemp()
        >>> path = lamina.Checkpoint(layer=lamina.layers.Dense(2)).save(os.path.join(tmp, "ckpt"))
        >>> reader = lamina.saving.load_checkpoint(path)
        >>> sorted(reader.get_variable_to_shape_map())
        [...'save_counter'...]
    """

    def __init__(self, path):
        self.prefix = _prefix_of(path)
        index_path = self.prefix + INDEX_SUFFIX
        if not os.path.isfile(index_path):
            raise ValueError(f"No checkpoint found at '{path}': '{index_path}' does not exist.")
        try:
            with open(index_path, encoding="utf-8") as f:
                self.index = json.load(f)
        except (UnicodeDecodeError, json.JSONDecodeError) as e:
            raise ValueError(f"Cannot read checkpoint '{index_path}': it is not valid JSON ({e}).") from e
        if not isinstance(self.index, dict) or self.index.get("format") != FORMAT:
            raise ValueError(f"Cannot read checkpoint '{index_path}': it is not a lamina checkpoint index.")
        self._values = None

    def _load(self):
        if self._values is not None:
            return self._values
        data_path = os.path.join(os.path.dirname(self.prefix) or ".", self.index["data_file"])
        try:
            with open(data_path, "rb") as f:
                data = f.read()
        except OSError as e:
            raise ValueError(f"Cannot read checkpoint data '{data_path}': {e}") from e
        if len(data) != self.index.get("data_size") or hashlib.sha256(data).hexdigest() != self.index.get("data_sha256"):
            raise ValueError(
                f"Checkpoint data '{data_path}' does not match its index '{self.prefix}{INDEX_SUFFIX}' (size or "
                "checksum differs): the file is corrupt or a save was interrupted."
            )
        from safetensors.numpy import load as st_load

        try:
            self._values = st_load(data)
        except Exception as e:  # noqa: BLE001 - safetensors raises its own error types
            raise ValueError(f"Cannot read checkpoint data '{data_path}': {e}") from e
        return self._values

    def get_variable_to_shape_map(self):
        return {k: list(v["shape"]) for k, v in self.index["variables"].items()}

    def get_variable_to_dtype_map(self):
        return {k: v["dtype"] for k, v in self.index["variables"].items()}

    def has_tensor(self, key):
        return key in self.index["variables"]

    def get_tensor(self, key):
        if key not in self.index["variables"]:
            raise KeyError(f"Checkpoint '{self.prefix}' has no tensor '{key}'. Keys: {sorted(self.index['variables'])}")
        return self._load()[key]


def load_checkpoint(path):
    """A ``CheckpointReader`` for the checkpoint at ``path`` (prefix or ``.index`` file)."""
    return CheckpointReader(path)


class CheckpointLoadStatus:
    """What a restore matched. ``assert_consumed()`` fails unless every saved value was used and
    every variable of the restored objects was found."""

    def __init__(self, path, unused_keys, unmatched_keys, matched):
        self.path = path
        self.unused_keys = sorted(unused_keys)
        self.unmatched_keys = sorted(unmatched_keys)
        self.matched = matched

    def assert_consumed(self):
        self.assert_existing_objects_matched()
        if self.unused_keys:
            raise AssertionError(
                f"Checkpoint '{self.path}' has values that matched no object: {self.unused_keys}"
            )
        return self

    def assert_existing_objects_matched(self):
        if self.unmatched_keys:
            raise AssertionError(
                f"These variables found no value in checkpoint '{self.path}': {self.unmatched_keys}"
            )
        return self

    def assert_nontrivial_match(self):
        if not self.matched:
            raise AssertionError(f"Nothing was restored from checkpoint '{self.path}'.")
        return self

    def expect_partial(self):
        return self


def restore(root, path, prefix=""):
    """Assigns saved values to the variables of ``root`` whose keys match; returns a status."""
    reader = CheckpointReader(path)
    targets = variable_keys(root, prefix)
    saved = reader.get_variable_to_shape_map()
    pairs = []
    for key, variable in targets.items():
        if key in saved and tuple(saved[key]) != tuple(variable.shape):
            raise ValueError(
                f"Checkpoint '{reader.prefix}': value '{key}' has shape {tuple(saved[key])}, but variable "
                f"'{variable.path}' has shape {tuple(variable.shape)}."
            )
        if key in saved:
            pairs.append((variable, key))
    values = reader._load() if pairs else {}
    for variable, key in pairs:
        variable.assign(values[key])
    matched = {key for _, key in pairs}
    return CheckpointLoadStatus(reader.prefix, set(saved) - matched, set(targets) - matched, len(pairs))


def save(root, path):
    """Writes the variables of ``root`` as a checkpoint at ``path``; returns the prefix."""
    values = {k: backend.convert_to_numpy(v.value) for k, v in variable_keys(root).items()}
    return write(values, path)


class Checkpoint:
    """Saves and restores a group of objects (layers, models, optimizers, variables) by name.

    Args:
        **objects: the objects to track, e.g. ``model=model, optimizer=opt``.

    Example:
        >>> import os, tempfile
        >>> tmp = tempfile.mkdtemp()
        >>> dense = lamina.layers.Dense(2)
        >>> dense.build((None, 3))
        >>> ckpt = lamina.Checkpoint(dense=dense, kernel=dense.kernel)
        >>> path = ckpt.save(os.path.join(tmp, "ckpt"))
        >>> os.path.basename(path)
        'ckpt-1'
        >>> _ = ckpt.restore(path).assert_consumed()
    """

    def __init__(self, root=None, **objects):
        if root is not None:
            objects = {"root": root, **objects}
        for key, value in objects.items():
            if not (_is_variable(value) or object_walk.is_saveable(value) or isinstance(value, (list, tuple, dict))):
                raise ValueError(
                    f"Checkpoint: `{key}` must be a layer, model, optimizer, variable or a container of them. "
                    f"Received: {key}={value!r}"
                )
        self._objects = dict(objects)
        self.save_counter = 0

    def _values(self):
        values = {k: backend.convert_to_numpy(v.value) for k, v in variable_keys(self).items()}
        values["save_counter"] = np.asarray(self.save_counter, dtype="int64")
        return values

    def write(self, file_prefix):
        """Writes the checkpoint at exactly ``file_prefix``; returns it."""
        return write(self._values(), file_prefix)

    def save(self, file_prefix):
        """Writes ``<file_prefix>-<n>`` (n counts saves) and returns that path."""
        self.save_counter += 1
        path = self.write(f"{os.fspath(file_prefix)}-{self.save_counter}")
        _record_latest(path)
        return path

    def restore(self, save_path):
        """Restores the tracked objects from ``save_path``; returns a status to assert on."""
        status = restore(self, save_path)
        reader = CheckpointReader(save_path)
        if reader.has_tensor("save_counter"):
            self.save_counter = int(reader.get_tensor("save_counter"))
            status.unused_keys = [k for k in status.unused_keys if k != "save_counter"]
        return status

    def read(self, save_path):
        return self.restore(save_path)


def _record_latest(path):
    folder = os.path.dirname(os.path.abspath(path))
    state = os.path.join(folder, "checkpoint")
    with file_utils.atomic_write(state) as tmp:
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump({"latest": os.path.basename(path)}, f)


def latest_checkpoint(checkpoint_dir):
    """The path of the newest ``Checkpoint.save`` in ``checkpoint_dir``, or None."""
    state = os.path.join(checkpoint_dir, "checkpoint")
    try:
        with open(state, encoding="utf-8") as f:
            latest = json.load(f)["latest"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    path = os.path.join(checkpoint_dir, latest)
    return path if exists(path) else None
