"""Public entry points that pick the file format from the path.

- ``.keras``: the Keras 3 zip archive; a path with no suffix: the same files in a folder.
- ``.weights.h5``: Keras 3 weights; ``.h5`` / ``.hdf5``: the legacy tf.keras layout.
- weights with no recognized suffix: an object-graph checkpoint (``.index`` + ``.safetensors``).
"""

import os
import zipfile

from lamina.saving import checkpoint, file_utils, h5_store, legacy_h5, saving_lib

_MODEL_SUFFIXES = (".keras", ".h5", ".hdf5")


def _path(filepath):
    return os.fspath(filepath) if isinstance(filepath, (str, os.PathLike)) else filepath


def _is_legacy_h5(path):
    return isinstance(path, str) and path.endswith((".h5", ".hdf5")) and not path.endswith(".weights.h5")


def save_model(model, filepath, overwrite=True, zipped=None, **kwargs):
    """Saves a model: ``.keras`` (zip), ``.h5`` (legacy), or a folder for a path with no suffix.

    Args:
        model: the model.
        filepath: destination path (or a writable binary file for a zip).
        overwrite: if False and the path exists, raise instead of replacing it.
        zipped: force the zip (True) or folder (False) form of the archive.

    Example:
        >>> import os, tempfile
        >>> tmp = tempfile.mkdtemp()
        >>> model = lamina.Sequential([lamina.Input((3,)), lamina.layers.Dense(1)])
        >>> lamina.saving.save_model(model, os.path.join(tmp, "mnist_model"))  # folder
        >>> lamina.saving.save_model(model, os.path.join(tmp, "model.keras"))  # zip
    """
    if kwargs:
        raise TypeError(f"save_model got unexpected keyword arguments: {sorted(kwargs)}")
    path = _path(filepath)
    if not isinstance(path, str):
        saving_lib.save_model(model, path, zipped=True)
        return
    if not overwrite and os.path.exists(path):
        raise FileExistsError(f"'{path}' already exists and overwrite=False.")
    if _is_legacy_h5(path):
        legacy_h5.save_model(model, path)
        return
    if path.endswith(".weights.h5"):
        raise ValueError(
            f"'{path}' is a weights file name: use model.save_weights('{path}'), or give model.save a path "
            "ending in '.keras' (archive), '.h5' (legacy) or no suffix (folder)."
        )
    suffix = os.path.splitext(path.rstrip("/\\"))[1]
    if suffix and suffix != ".keras" and zipped is not False:
        raise ValueError(
            f"Unsupported file name for model.save: '{path}' (suffix '{suffix}'). Use a path ending in "
            "'.keras' (the zip archive, recommended), '.h5' or '.hdf5' (the legacy tf.keras format), or "
            "with no suffix (the archive as a folder; `zipped=False` saves a folder under any name)."
        )
    if zipped is None:
        zipped = suffix == ".keras"
    saving_lib.save_model(model, path, zipped=zipped)


def load_model(filepath, custom_objects=None, compile=True, safe_mode=True):
    """Loads a model saved by ``model.save`` (lamina, Keras 3, or tf.keras ``.h5``).

    Args:
        filepath: a ``.keras`` file, an archive folder, or a legacy ``.h5`` file.
        custom_objects: dict of name -> class/function for custom objects.
        compile: restore the compiled state (loss, metrics, optimizer and its variables).
        safe_mode: refuse to run code stored in the file (Lambda bytecode).

    Example:
        >>> import os, tempfile
        >>> tmp = tempfile.mkdtemp()
        >>> path = os.path.join(tmp, "model.keras")
        >>> lamina.Sequential([lamina.Input((3,)), lamina.layers.Dense(1)]).save(path)
        >>> model = lamina.models.load_model(path)
    """
    path = _path(filepath)
    if not isinstance(path, str):
        return saving_lib.load_model(path, custom_objects=custom_objects, compile=compile, safe_mode=safe_mode)
    if not os.path.exists(path):
        if checkpoint.exists(path):
            raise ValueError(f"'{path}' is a weights checkpoint, not a model: build the model and call "
                             "model.load_weights().")
        raise ValueError(f"Cannot load model: no file or folder found at '{path}'.")
    if os.path.isdir(path):
        return saving_lib.load_model(path, custom_objects=custom_objects, compile=compile, safe_mode=safe_mode)
    if _looks_like_h5(path):
        try:
            return legacy_h5.load_model(path, custom_objects=custom_objects, compile=compile, safe_mode=safe_mode)
        except (OSError, RuntimeError, KeyError) as e:
            raise ValueError(f"Cannot load '{path}': the HDF5 data is corrupt or incomplete "
                             f"({type(e).__name__}: {e}).") from e
    return saving_lib.load_model(path, custom_objects=custom_objects, compile=compile, safe_mode=safe_mode)


def _looks_like_h5(path):
    with open(path, "rb") as f:
        head = f.read(8)
    return head == b"\x89HDF\r\n\x1a\n"


def save_weights(model, filepath, overwrite=True, **kwargs):
    """Saves the model's weights; the format follows the suffix (see module doc).

    Example:
        >>> import os, tempfile
        >>> tmp = tempfile.mkdtemp()
        >>> model = lamina.Sequential([lamina.Input((3,)), lamina.layers.Dense(1)])
        >>> model.save_weights(os.path.join(tmp, "model.weights.h5"))
    """
    if kwargs.pop("save_format", None) not in (None, "h5", "tf"):
        raise ValueError("save_format must be 'h5' or 'tf'.")
    if kwargs:
        raise TypeError(f"save_weights got unexpected keyword arguments: {sorted(kwargs)}")
    path = os.fspath(filepath)
    if not overwrite and (os.path.exists(path) or checkpoint.exists(path)):
        raise FileExistsError(f"'{path}' already exists and overwrite=False.")
    if path.endswith(".weights.h5"):
        import h5py

        with file_utils.atomic_write(path) as tmp:
            with h5py.File(tmp, "w") as f:
                h5_store.save_state(model, f)
        return None
    if _is_legacy_h5(path):
        legacy_h5.save_weights(model, path)
        return None
    if path.endswith(".keras"):
        raise ValueError(f"'{path}' names a whole-model archive: use model.save('{path}') for it, or a weights "
                         "file name ending in '.weights.h5'.")
    checkpoint.save(model, path)
    return None


def load_weights(model, filepath, skip_mismatch=False, by_name=False, **kwargs):
    """Loads weights into ``model`` from any format ``save_weights`` or Keras writes.

    Args:
        filepath: ``.weights.h5``, legacy ``.h5``, a ``.keras`` archive, or a checkpoint prefix.
        skip_mismatch: warn and skip layers whose weight count or shapes differ.
        by_name: (legacy ``.h5`` only) load into layers with the same name.

    Returns:
        For checkpoints, a status with ``assert_consumed()``; otherwise None.
    """
    if kwargs:
        raise TypeError(f"load_weights got unexpected keyword arguments: {sorted(kwargs)}")
    path = os.fspath(filepath)
    if not os.path.isfile(path):
        if checkpoint.exists(path):
            if by_name:
                raise ValueError("by_name=True applies to legacy '.h5' files only; checkpoints match by attribute.")
            return checkpoint.restore(model, path)
        raise ValueError(f"Cannot load weights: no file found at '{path}' (nor a checkpoint '{path}.index').")
    if path.endswith(".keras") or zipfile.is_zipfile(path):
        reader = saving_lib._ArchiveReader(path)
        try:
            weights = reader.read(saving_lib.WEIGHTS)
        finally:
            reader.close()
        saving_lib._load_weights_bytes(model, weights, f"'{path}' ({saving_lib.WEIGHTS})", skip_mismatch)
        return None
    if path.endswith(checkpoint.INDEX_SUFFIX):
        return checkpoint.restore(model, path)
    try:
        with legacy_h5.open_h5(path) as f:
            if legacy_h5.is_legacy_weights_file(f):
                legacy_h5.load_weights(model, f, f"'{path}'", by_name=by_name, skip_mismatch=skip_mismatch)
                return None
            if by_name:
                raise ValueError(
                    f"by_name=True is only supported for legacy '.h5' weights; '{path}' uses the Keras 3 layout, "
                    "which matches weights by position in the model."
                )
            h5_store.load_state(model, f, f"'{path}'", skip_mismatch=skip_mismatch)
    except (OSError, RuntimeError, KeyError) as e:
        raise ValueError(f"Cannot load weights from '{path}': the HDF5 data is corrupt or incomplete "
                         f"({type(e).__name__}: {e}).") from e
    return None
