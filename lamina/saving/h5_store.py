"""Keras 3's HDF5 weights layout: ``<path>/vars/0, 1, ...`` per object, positional.

Used for ``*.weights.h5`` files and the ``model.weights.h5`` member of ``.keras`` archives.
``save_state`` / ``load_state`` walk the object tree (``object_walk``) and hand each object
a store entry; objects may implement ``save_own_variables(store)`` /
``load_own_variables(store)``, otherwise their own variables are written in order.

Loading is all or nothing. An object with a custom loader may declare what that loader
reads, ``_saved_variables()`` (the Variables, in store order; LoRA layers do): those counts
and shapes are checked, and the values read, with everyone else's before anything is
assigned. A custom loader that declares nothing (a user's layer) runs before any other
assignment, and if one fails the variables of all of them are restored.
"""

import warnings

import numpy as np

from lamina import backend
from lamina.saving import object_walk

_H5_ERRORS = (OSError, RuntimeError, KeyError, ValueError, TypeError)


class StoreEntry:
    """The dict-like view of one object's ``vars`` group that (de)serializing code receives.

    Keys are ``"0"``, ``"1"``, ...; values are NumPy arrays.
    """

    def __init__(self, group=None, writer=None, path=""):
        self._group = group
        self._writer = writer
        self.path = path

    def keys(self):
        if self._group is None:
            return []
        return sorted(self._group.keys(), key=lambda k: (len(k), k))

    def __len__(self):
        return len(self.keys())

    def __contains__(self, key):
        return self._group is not None and key in self._group

    def __getitem__(self, key):
        if self._group is None or key not in self._group:
            raise KeyError(f"No saved value '{key}' at '{self.path}/vars'.")
        dataset = self._group[key]
        value = dataset[()]
        if dataset.attrs.get("dtype") == "bfloat16":
            import ml_dtypes

            value = value.view(ml_dtypes.bfloat16) if value.dtype.kind == "V" else value.astype(ml_dtypes.bfloat16)
        return np.asarray(value)

    def __setitem__(self, key, value):
        if self._writer is None:
            raise ValueError(f"The store entry at '{self.path}' is read-only.")
        value = backend.convert_to_numpy(value) if not isinstance(value, np.ndarray) else value
        bfloat16 = value.dtype.name == "bfloat16"
        if bfloat16:
            value = value.astype("float32")
        dataset = self._group.create_dataset(key, data=value)
        if bfloat16:
            dataset.attrs["dtype"] = "bfloat16"


class H5Writer:
    """Creates one ``<path>/vars`` group per object, named like Keras (with a ``name`` attr)."""

    def __init__(self, h5file):
        self.h5file = h5file

    def make(self, path, name=None):
        group = self.h5file.create_group(f"{path}/vars" if path else "vars")
        if name is not None:
            group.attrs["name"] = name
        return StoreEntry(group, writer=self, path=path)


class H5Reader:
    def __init__(self, h5file):
        self.h5file = h5file

    def get(self, path):
        full = f"{path}/vars" if path else "vars"
        if full in self.h5file:
            return StoreEntry(self.h5file[full], path=path)
        if "_layer_checkpoint_dependencies" in self.h5file:  # Keras 2.13-era archives
            legacy = full.replace("layers", "_layer_checkpoint_dependencies", 1)
            if legacy in self.h5file:
                return StoreEntry(self.h5file[legacy], path=path)
        return StoreEntry(None, path=path)


def save_state(root, h5file):
    """Writes every object's variables under ``root`` into the open h5py file."""
    writer = H5Writer(h5file)
    for path, obj in object_walk.walk(root):
        entry = writer.make(path, object_walk.object_name(obj))
        custom = getattr(obj, "save_own_variables", None)
        if callable(custom):
            custom(entry)
        else:
            for i, variable in enumerate(object_walk.own_variables(obj)):
                entry[str(i)] = backend.convert_to_numpy(variable.value)


def load_state(root, h5file, source, skip_mismatch=False):
    """Like ``_load_state``; HDF5 read failures become errors that name the file."""
    try:
        _load_state(root, h5file, source, skip_mismatch)
    except (OSError, RuntimeError, KeyError) as e:
        raise ValueError(f"Cannot load weights from {source}: the HDF5 data is corrupt or incomplete "
                         f"({type(e).__name__}: {e}).") from e


def _load_state(root, h5file, source, skip_mismatch=False):
    """Reads values for every object under ``root`` from ``h5file`` and assigns them.

    All values are read and checked before any is assigned, so a mismatch leaves the model
    unchanged. ``skip_mismatch`` turns count/shape mismatches into warnings.
    """
    reader = H5Reader(h5file)
    _build_optimizer_if_needed(root, reader)
    assignments, checked_loaders, other_loaders = [], [], []
    for path, obj in object_walk.walk(root):
        entry = reader.get(path)
        custom = callable(getattr(obj, "load_own_variables", None))
        variables = _declared_variables(obj) if custom else object_walk.own_variables(obj)
        if variables is None:
            other_loaders.append((path, obj, entry))
            continue
        if not variables and not len(entry):
            continue
        problem = _check_entry(obj, path, variables, entry, source)
        if problem is None:
            values = _read(obj, entry, len(variables), source)
            if custom:
                checked_loaders.append((obj, _ReadEntry(values, entry.path)))
            else:
                assignments.extend(zip(variables, values))
            continue
        if object_walk.is_optimizer(obj):
            warnings.warn(f"Skipping the optimizer state in {source}: {problem}", stacklevel=3)
        elif skip_mismatch:
            warnings.warn(f"Skipping loading weights of {_describe(obj)}: {problem}", stacklevel=3)
        else:
            raise ValueError(problem)
    _run_undeclared_loaders(other_loaders, source, skip_mismatch)
    for variable, value in assignments:
        variable.assign(value)
    for obj, entry in checked_loaders:  # checked and read above: these only assign
        obj.load_own_variables(entry)


class _ReadEntry(dict):
    """One entry's values, read ahead of any assignment; what a checked custom loader receives."""

    def __init__(self, values, path):
        super().__init__((str(i), value) for i, value in enumerate(values))
        self.path = path


def _declared_variables(obj):
    """The Variables a custom loader reads, in store order, where ``obj`` declares them; else None."""
    declared = getattr(obj, "_saved_variables", None)
    return list(declared()) if callable(declared) else None


def _read(obj, entry, count, source):
    try:
        return [entry[str(i)] for i in range(count)]
    except _H5_ERRORS as e:
        raise ValueError(f"Could not read the weights of '{_describe(obj)}' from {source}: "
                         f"the file is corrupt ({type(e).__name__}: {e}).") from e


def _run_undeclared_loaders(loaders, source, skip_mismatch):
    """Runs custom loaders that declare nothing; a failure restores their variables as they were."""
    saved = {id(obj): [(v, np.array(backend.convert_to_numpy(v.value), copy=True))
                       for v in object_walk.own_variables(obj)] for _, obj, _ in loaders}

    def restore(objs):
        for obj in objs:
            for variable, value in saved[id(obj)]:
                variable.assign(value)

    done = []
    for path, obj, entry in loaders:
        try:
            obj.load_own_variables(entry)
        except Exception as e:  # noqa: BLE001 - re-raised with the file and object named
            if skip_mismatch:
                restore([obj])
                warnings.warn(f"Skipping loading weights of {_describe(obj)} from {source}: {e}", stacklevel=4)
                continue
            restore(done + [obj])
            raise ValueError(f"Could not load the weights of {_describe(obj)} (path '{path}') from {source}: "
                             f"{e}") from e
        done.append(obj)


def _describe(obj):
    kind = "optimizer" if object_walk.is_optimizer(obj) else "layer"
    return f"{kind} '{object_walk.object_name(obj) or type(obj).__name__}'"


def _check_entry(obj, path, variables, entry, source):
    where = f"'{path}/vars'" if path else "'/vars'"
    if len(entry) != len(variables):
        built = "" if getattr(obj, "built", True) else " (it is not built yet: call it on data or build() first)"
        return (f"{_describe(obj).capitalize()} expected {len(variables)} variables{built}, but {source} has "
                f"{len(entry)} at {where}. Expected: {[v.path for v in variables]}")
    for i, variable in enumerate(variables):
        try:
            shape = tuple(entry._group[str(i)].shape)
        except _H5_ERRORS as e:
            return f"{source} is corrupt at {where}/{i}: {type(e).__name__}: {e}"
        if shape != tuple(variable.shape):
            return (f"{_describe(obj).capitalize()}: weight '{variable.path}' has shape {tuple(variable.shape)}, "
                    f"but the saved value at {where}/{i} in {source} has shape {shape}.")
    return None


def _build_optimizer_if_needed(root, reader):
    optimizer = getattr(root, "optimizer", None)
    if optimizer is None or not object_walk.is_optimizer(optimizer):
        return
    if len(reader.get("optimizer")) <= len(object_walk.own_variables(optimizer)):
        return  # the file holds no slots beyond what the optimizer already has
    build = getattr(optimizer, "build", None)
    if callable(build) and not getattr(optimizer, "built", False) and getattr(root, "built", False):
        build(root.trainable_variables)
