"""``KerasFileEditor``: inspect and edit the weights in a ``.keras`` or ``.weights.h5`` file,
e.g. to fit an old file to a changed model, then write a new ``.weights.h5``."""

import io
import json
import os
import zipfile

import numpy as np

from lamina.saving.file_utils import atomic_write
from lamina.utils.io_utils import print_msg

_WEIGHTS = "model.weights.h5"


def _h5py():
    import h5py

    return h5py


def _read_group(group, path):
    """The weights under an h5 group as nested dicts: an object's own variables (its ``vars``
    datasets, named ``"0"``, ``"1"`` ...) next to its child objects."""
    h5py = _h5py()
    out = {}
    for key in group.keys():
        link = group.get(key, getclass=True, getlink=True)
        if link in (h5py.ExternalLink, h5py.SoftLink):
            raise ValueError(f"KerasFileEditor: refusing the {link.__name__} at '{path}/{key}' (only plain groups "
                             "and datasets are read).")
        value = group[key]
        if isinstance(value, h5py.Group):
            inner = _read_group(value, f"{path}/{key}")
            if key == "vars":
                out.update(inner)
            elif inner:
                out[key] = inner
        elif isinstance(value, h5py.Dataset):
            if value.external or value.is_virtual:
                raise ValueError(f"KerasFileEditor: refusing the external or virtual dataset at '{path}/{key}'.")
            out[key] = np.asarray(value[()])
    return out


def _read_weights(data):
    with _h5py().File(io.BytesIO(data) if isinstance(data, bytes) else data, "r") as h5file:
        return _read_group(h5file, "")


def _write_group(h5group, weights):
    arrays = {k: v for k, v in weights.items() if not isinstance(v, dict)}
    if arrays:
        vars_group = h5group.require_group("vars")
        for name, value in arrays.items():
            vars_group.create_dataset(name, data=np.asarray(value))
    for name, value in weights.items():
        if isinstance(value, dict) and value:
            _write_group(h5group.require_group(name), value)


def _lines(weights, indent=""):
    out = []
    for name, value in weights.items():
        if isinstance(value, dict):
            out.append(f"{indent}{name}/")
            out.extend(_lines(value, indent + "    "))
        else:
            out.append(f"{indent}{name}: shape={tuple(value.shape)}, dtype={value.dtype}")
    return out


def _check_weights(function, weights):
    if not isinstance(weights, dict):
        raise ValueError(f"KerasFileEditor.{function}: expected `weights` to be a dict of weight name (\"0\", "
                         f"\"1\" ...) -> array. Received: type(weights)={type(weights).__name__}")


class KerasFileEditor:
    """Opens the weights of a ``.keras`` or ``.weights.h5`` file as a tree of objects (a
    layer's weights are named ``"0"``, ``"1"`` ... in creation order), to inspect them,
    compare them with a model, edit them, and save them as a new ``.weights.h5``.

    An object is named by its path (``"layers/dense_1"``) or, when unique, its last part
    (``"dense_1"``).

    Args:
        filepath: a ``.keras`` archive or a ``.weights.h5`` file.

    Example:
        >>> import os, tempfile
        >>> folder = tempfile.mkdtemp()
        >>> model = lamina.Sequential([lamina.Input((3,)), lamina.layers.Dense(2), lamina.layers.Dense(1)])
        >>> model.save_weights(os.path.join(folder, "old.weights.h5"))
        >>> editor = lamina.saving.KerasFileEditor(os.path.join(folder, "old.weights.h5"))
        File: ...old.weights.h5
        >>> editor.delete_object("dense_1")
        >>> editor.add_object("layers/dense_1", {"0": np.ones((2, 1)), "1": np.zeros((1,))})
        >>> editor.save(os.path.join(folder, "new.weights.h5"))
        >>> model.load_weights(os.path.join(folder, "new.weights.h5"))
        >>> model.layers[1].kernel.numpy().ravel().tolist()
        [1.0, 1.0]
    """

    def __init__(self, filepath):
        self.filepath = os.fspath(filepath)
        self.metadata = None
        self.config = None
        if self.filepath.endswith(".keras"):
            with zipfile.ZipFile(self.filepath, "r") as archive:
                self.config = json.loads(archive.read("config.json"))
                self.metadata = json.loads(archive.read("metadata.json"))
                self.weights_dict = _read_weights(archive.read(_WEIGHTS))
        elif self.filepath.endswith(".weights.h5"):
            self.weights_dict = _read_weights(self.filepath)
        else:
            raise ValueError(f"KerasFileEditor: expected a '.keras' or '.weights.h5' file. Received: "
                             f"filepath={self.filepath!r}")
        print_msg(f"File: {self.filepath}")
        if self.metadata is not None:
            print_msg("Saved with " + ", ".join(f"{k}={v}" for k, v in self.metadata.items()))

    def summary(self):
        """Prints every object of the file with its weights' shapes and dtypes."""
        for line in _lines(self.weights_dict) or ["(no weights)"]:
            print_msg(line)

    def compare(self, reference_model):
        """Lists every difference between the file and ``reference_model``'s weights (objects
        or weights present on one side only, different shapes).

        Returns:
            ``{"status": "success" or "error", "error_count": n, "match_count": m}``, m the
            number of weights with the same path and shape.
        """
        from lamina.saving.saving_lib import _weights_bytes

        reference = _read_weights(_weights_bytes(reference_model))
        errors, matches = [], 0

        def walk(ours, theirs, path):
            nonlocal matches
            for key in list(theirs) + [k for k in ours if k not in theirs]:
                where = f"{path}/{key}"
                if key not in ours or key not in theirs:
                    side = "reference model" if key in theirs else "saved file"
                    other = "saved file" if key in theirs else "reference model"
                    kind = "Object" if isinstance((theirs if key in theirs else ours)[key], dict) else "Weight"
                    errors.append(f"{kind} {where} present in {side}, missing from {other}")
                elif isinstance(theirs[key], dict) != isinstance(ours[key], dict):
                    errors.append(f"{where} is an object on one side and a weight on the other")
                elif isinstance(theirs[key], dict):
                    walk(ours[key], theirs[key], where)
                elif tuple(ours[key].shape) != tuple(theirs[key].shape):
                    errors.append(f"Weight shape mismatch for {where}: reference model shape="
                                  f"{tuple(theirs[key].shape)}, saved file shape={tuple(ours[key].shape)}")
                else:
                    matches += 1

        walk(self.weights_dict, reference, "")
        for error in errors:
            print_msg(error)
        if errors:
            print_msg(f"Found {len(errors)} error{'s' * (len(errors) != 1)}: saved file is not compatible with "
                      "the reference model")
        else:
            print_msg(f"Comparison successful: saved file is compatible with the reference model ({matches} "
                      f"matching weight{'s' * (matches != 1)})")
        return {"status": "error" if errors else "success", "error_count": len(errors), "match_count": matches}

    def _find(self, function, name):
        """(parent dict, key) of the object called ``name`` (a path or a unique last part)."""
        if "/" in name:
            parent = self.weights_dict
            parts = name.split("/")
            for part in parts[:-1]:
                if not isinstance(parent.get(part), dict):
                    raise ValueError(f"KerasFileEditor.{function}: path {name!r} not found in the file.")
                parent = parent[part]
            if parts[-1] not in parent:
                raise ValueError(f"KerasFileEditor.{function}: path {name!r} not found in the file.")
            return parent, parts[-1]
        found = []

        def search(node, path):
            for key, value in node.items():
                if isinstance(value, dict):
                    if key == name:
                        found.append((node, key, f"{path}{key}"))
                    search(value, f"{path}{key}/")

        search(self.weights_dict, "")
        if not found:
            raise ValueError(f"KerasFileEditor.{function}: no object named {name!r} in the file.")
        if len(found) > 1:
            raise ValueError(f"KerasFileEditor.{function}: {name!r} names several objects "
                             f"({[path for _, _, path in found]}); pass the full path.")
        return found[0][0], found[0][1]

    def rename_object(self, object_name, new_name):
        """Renames an object (``"dense_2"`` or ``"layers/dense_2"``); ``new_name`` is the new
        last part of its path."""
        if "/" in new_name:
            raise ValueError(f"KerasFileEditor.rename_object: expected a name, not a path, for new_name. Received: "
                             f"new_name={new_name!r}")
        parent, key = self._find("rename_object", object_name)
        parent[new_name] = parent.pop(key)

    def delete_object(self, object_name):
        """Removes an object and all its weights."""
        parent, key = self._find("delete_object", object_name)
        del parent[key]

    def add_object(self, object_path, weights):
        """Adds an object at ``object_path`` (``"layers/dense_2"``) with ``weights``
        (``{"0": kernel, "1": bias}``); the objects above it must exist."""
        _check_weights("add_object", weights)
        *parents, leaf = object_path.split("/")
        node = self.weights_dict
        for i, part in enumerate(parents):
            if not isinstance(node.get(part), dict):
                raise ValueError(f"KerasFileEditor.add_object: path {'/'.join(parents[:i + 1])!r} not found in the "
                                 "file.")
            node = node[part]
        node[leaf] = dict(weights)

    def delete_weight(self, object_name, weight_name):
        """Removes one weight (``"0"``) of an object."""
        parent, key = self._find("delete_weight", object_name)
        if weight_name not in parent[key] or isinstance(parent[key][weight_name], dict):
            raise ValueError(f"KerasFileEditor.delete_weight: object {object_name!r} has no weight {weight_name!r}. "
                             f"Weights found: {[k for k, v in parent[key].items() if not isinstance(v, dict)]}")
        del parent[key][weight_name]

    def add_weights(self, object_name, weights):
        """Adds (or replaces) weights of an existing object: ``{"2": array, ...}``."""
        _check_weights("add_weights", weights)
        parent, key = self._find("add_weights", object_name)
        parent[key].update(weights)

    def save(self, filepath):
        """Writes the edited weights to a new ``.weights.h5`` file (atomically)."""
        filepath = os.fspath(filepath)
        if not filepath.endswith(".weights.h5"):
            raise ValueError(f"KerasFileEditor.save: expected a '.weights.h5' file. Received: filepath={filepath!r}")
        with atomic_write(filepath) as tmp:
            with _h5py().File(tmp, "w") as h5file:
                _write_group(h5file, self.weights_dict)

    def resave_weights(self, filepath):
        """The same as ``save``."""
        self.save(filepath)
