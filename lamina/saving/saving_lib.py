"""The ``.keras`` archive: ``metadata.json``, ``config.json``, ``model.weights.h5``, ``assets/``.

Laid out exactly as Keras 3 lays it out (a ZIP_STORED zip, or the same files in a folder),
so real Keras loads lamina's files and lamina loads Keras's.
"""

import datetime
import io
import json
import os
import tempfile
import zipfile

from lamina.saving import file_utils, h5_store, object_walk
from lamina.saving.object_registry import CustomObjectScope
from lamina.saving.serialization_lib import deserialize_keras_object, serialize_keras_object

CONFIG = "config.json"
METADATA = "metadata.json"
WEIGHTS = "model.weights.h5"
ASSETS = "assets"
KERAS_FORMAT_VERSION = "3.15.1"  # the Keras release whose archive layout lamina writes


def _h5py():
    import h5py

    return h5py


def _serialize(model):
    config = serialize_keras_object(model)
    metadata = {"keras_version": KERAS_FORMAT_VERSION, "lamina_version": _lamina_version(),
                "date_saved": datetime.datetime.now().strftime("%Y-%m-%d@%H:%M:%S")}
    return json.dumps(config), json.dumps(metadata)


def _lamina_version():
    import lamina

    return lamina.__version__


def _weights_bytes(model):
    buffer = io.BytesIO()
    with _h5py().File(buffer, "w") as h5file:
        h5_store.save_state(model, h5file)
    return buffer.getvalue()


def _save_assets(model, root_dir):
    """Lets objects with ``save_assets(dir)`` write files under ``root_dir/<path>``."""
    wrote = False
    for path, obj in object_walk.walk(model):
        save_assets = getattr(obj, "save_assets", None)
        if callable(save_assets):
            target = os.path.join(root_dir, *path.split("/")) if path else root_dir
            os.makedirs(target, exist_ok=True)
            save_assets(target)
            wrote = True
    return wrote


def save_model(model, filepath, zipped=True):
    """Writes ``model`` as a ``.keras`` archive (``zipped=False``: the same files in a folder).

    Args:
        model: the model to save.
        filepath: the destination path, or a writable binary file object.
        zipped: write a zip (default) or a folder.

    Example:
        >>> import os, tempfile
        >>> tmp = tempfile.mkdtemp()
        >>> model = lamina.Sequential([lamina.Input((3,)), lamina.layers.Dense(1)])
        >>> lamina.saving.save_model(model, os.path.join(tmp, "m.keras"))
    """
    config_json, metadata_json = _serialize(model)
    weights = _weights_bytes(model)
    if not zipped:
        with file_utils.atomic_directory(filepath) as tmp:
            _write_text(os.path.join(tmp, METADATA), metadata_json)
            _write_text(os.path.join(tmp, CONFIG), config_json)
            with open(os.path.join(tmp, WEIGHTS), "wb") as f:
                f.write(weights)
            _save_assets(model, os.path.join(tmp, ASSETS))
        return
    if hasattr(filepath, "write"):
        _write_zip(filepath, model, config_json, metadata_json, weights)
        return
    with file_utils.atomic_write(filepath) as tmp:
        with open(tmp, "wb") as f:
            _write_zip(f, model, config_json, metadata_json, weights)


def _write_text(path, text):
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def _write_zip(fileobj, model, config_json, metadata_json, weights):
    with zipfile.ZipFile(fileobj, "w") as archive:
        archive.writestr(METADATA, metadata_json)
        archive.writestr(CONFIG, config_json)
        archive.writestr(WEIGHTS, weights)
        with tempfile.TemporaryDirectory() as assets_dir:
            if _save_assets(model, assets_dir):
                for folder, _, files in os.walk(assets_dir):
                    for name in sorted(files):
                        full = os.path.join(folder, name)
                        rel = os.path.relpath(full, assets_dir).replace(os.sep, "/")
                        archive.write(full, f"{ASSETS}/{rel}")


# -- loading -------------------------------------------------------------------------------
class _ArchiveReader:
    """Members of a zip or a folder, with errors that name the file and the problem."""

    def __init__(self, filepath):
        self.filepath = filepath
        self.name = os.fspath(filepath) if not hasattr(filepath, "read") else "<file object>"
        self.folder = None
        self.archive = None
        if not hasattr(filepath, "read") and os.path.isdir(filepath):
            self.folder = os.fspath(filepath)
            return
        try:
            self.archive = zipfile.ZipFile(filepath, "r")
        except zipfile.BadZipFile as e:
            raise ValueError(
                f"Cannot load '{self.name}': it is not a valid .keras archive (a zip file). The file may be "
                f"truncated or corrupt, or in another format. Details: {e}"
            ) from e

    def names(self):
        if self.folder is not None:
            out = []
            for folder, _, files in os.walk(self.folder):
                out.extend(os.path.relpath(os.path.join(folder, f), self.folder).replace(os.sep, "/") for f in files)
            return out
        return self.archive.namelist()

    def read(self, member):
        if member not in self.names():
            raise ValueError(
                f"Cannot load '{self.name}': the archive has no '{member}' member. Found: {sorted(self.names())[:10]}"
            )
        try:
            if self.folder is not None:
                with open(os.path.join(self.folder, member), "rb") as f:
                    return f.read()
            return self.archive.read(member)
        except (zipfile.BadZipFile, OSError, EOFError, ValueError) as e:
            raise ValueError(f"Cannot load '{self.name}': reading '{member}' failed, the file is corrupt: {e}") from e

    def extract_assets(self, target):
        prefix = ASSETS + "/"
        found = False
        for member in self.names():
            if member.startswith(prefix) and not member.endswith("/"):
                rel = member[len(prefix):]
                if ".." in rel.split("/"):
                    raise ValueError(f"Cannot load '{self.name}': unsafe asset path '{member}'.")
                dest = os.path.join(target, *rel.split("/"))
                os.makedirs(os.path.dirname(dest), exist_ok=True)
                with open(dest, "wb") as f:
                    f.write(self.read(member))
                found = True
        return found

    def close(self):
        if self.archive is not None:
            self.archive.close()


def _parse_json(reader, member):
    raw = reader.read(member)
    try:
        return json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise ValueError(f"Cannot load '{reader.name}': '{member}' is not valid JSON ({e}).") from e


def load_model(filepath, custom_objects=None, compile=True, safe_mode=True):
    """Rebuilds a model saved by ``save_model`` (or by Keras 3) from a ``.keras`` file or folder.

    Example:
        >>> import os, tempfile
        >>> tmp = tempfile.mkdtemp()
        >>> path = os.path.join(tmp, "m.keras")
        >>> lamina.Sequential([lamina.Input((3,)), lamina.layers.Dense(1)]).save(path)
        >>> model = lamina.saving.load_model(path)
    """
    reader = _ArchiveReader(filepath)
    try:
        config = _parse_json(reader, CONFIG)
        if not isinstance(config, dict) or "class_name" not in config:
            raise ValueError(f"Cannot load '{reader.name}': config.json does not describe a model: {str(config)[:200]}")
        if not compile:
            config = dict(config)
            config.pop("compile_config", None)
        weights = reader.read(WEIGHTS)
        try:
            with CustomObjectScope(custom_objects or {}):
                model = deserialize_keras_object(config, custom_objects=custom_objects, safe_mode=safe_mode)
        except KeyError as e:
            raise ValueError(f"Cannot load '{reader.name}': config.json is missing {e}.") from e
        except (TypeError, ValueError) as e:
            raise type(e)(f"Cannot load '{reader.name}': {e}") from e
        _load_weights_bytes(model, weights, f"'{reader.name}' ({WEIGHTS})")
        with tempfile.TemporaryDirectory() as assets_dir:
            if reader.extract_assets(assets_dir):
                _load_assets(model, assets_dir)
        return model
    finally:
        reader.close()


def _load_weights_bytes(model, weights, source, skip_mismatch=False):
    h5py = _h5py()
    try:
        h5file = h5py.File(io.BytesIO(weights), "r")
    except (OSError, ValueError) as e:
        raise ValueError(f"Cannot load {source}: it is not a readable HDF5 file ({e}).") from e
    with h5file:
        h5_store.load_state(model, h5file, source, skip_mismatch=skip_mismatch)


def _load_assets(model, root_dir):
    for path, obj in object_walk.walk(model):
        load_assets = getattr(obj, "load_assets", None)
        if callable(load_assets):
            target = os.path.join(root_dir, *path.split("/")) if path else root_dir
            if os.path.isdir(target):
                load_assets(target)
