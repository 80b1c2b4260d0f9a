"""Shared pieces of the dataset helpers: indexing a folder of files, train/validation
splits, label encoding, and ``split_dataset``."""

import os
import random

import numpy as np

from lamina.utils.dataset import Dataset

LABEL_MODES = ("int", "categorical", "binary", None)


def index_directory(directory, labels, formats, class_names=None, shuffle=True, seed=None,
                    follow_links=False, verbose=True, caller="index_directory"):
    """Lists the files under ``directory`` whose extension is in ``formats``, with labels.

    Class folders (``labels="inferred"``) are sorted alphanumerically unless ``class_names``
    gives the order; files are walked in sorted order. With ``shuffle`` the paths (and
    labels) are permuted by ``np.random.RandomState(seed).shuffle``, as Keras does, so a
    given seed selects the same validation files.

    Returns:
        ``(file_paths, labels, class_names)``; ``labels`` is an int array, or ``None``.
    """
    if not os.path.isdir(directory):
        raise ValueError(f"{caller}: `directory` must be an existing folder. Received: "
                         f"directory={directory!r}")
    if labels == "inferred":
        subdirs = [d for d in sorted(os.listdir(directory))
                   if os.path.isdir(os.path.join(directory, d)) and not d.startswith(".")]
        if class_names is not None:
            if not set(class_names).issubset(subdirs):
                raise ValueError(f"{caller}: `class_names` must name subfolders of {directory!r}. "
                                 f"Expected a subset of {subdirs}. Received: class_names={class_names}")
            subdirs = list(class_names)
    else:
        if class_names is not None:
            raise ValueError(f"{caller}: `class_names` can only be passed with labels='inferred'. "
                             f"Received: labels={labels!r}, class_names={class_names}")
        subdirs = [""]
    formats = tuple(f.lower() for f in formats)
    file_paths, found_labels = [], []
    for index, subdir in enumerate(subdirs):
        root_dir = os.path.join(directory, subdir) if subdir else directory
        for path in _walk_files(root_dir, follow_links, formats):
            file_paths.append(path)
            found_labels.append(index)

    if labels == "inferred":
        labels = np.asarray(found_labels, dtype="int32")
        class_names = subdirs
    elif labels is None:
        class_names = None
    else:
        if len(labels) != len(file_paths):
            raise ValueError(f"{caller}: `labels` must have one entry per file. Found "
                             f"{len(file_paths)} files in {directory!r}, received {len(labels)} labels.")
        class_names = [str(label) for label in sorted(set(labels))]
        labels = np.asarray(labels)
    if verbose:
        if labels is None:
            print(f"Found {len(file_paths)} files.")
        else:
            print(f"Found {len(file_paths)} files belonging to {len(class_names)} classes.")
    if shuffle:
        if seed is None:
            seed = np.random.randint(1e6)
        np.random.RandomState(seed).shuffle(file_paths)
        if labels is not None:
            np.random.RandomState(seed).shuffle(labels)
    return file_paths, labels, class_names


def _walk_files(directory, follow_links, formats):
    walk = sorted(os.walk(directory, followlinks=follow_links), key=lambda entry: entry[0])
    for root, _, files in walk:
        for name in sorted(files):
            if name.lower().endswith(formats):
                yield os.path.join(root, name)


def check_dataset_args(caller, labels, label_mode, class_names, validation_split, subset, shuffle,
                       seed):
    """Validates the arguments shared by the ``*_dataset_from_directory`` helpers."""
    if labels not in ("inferred", None):
        if not isinstance(labels, (list, tuple, np.ndarray)):
            raise ValueError(
                f"{caller}: `labels` must be 'inferred', None, or a list/tuple of integer labels (one "
                f"per file, in the sorted order of the file paths). Received: labels={labels!r}")
        if class_names:
            raise ValueError(f"{caller}: `class_names` can only be passed with labels='inferred'. "
                             f"Received: class_names={class_names}")
    if label_mode not in LABEL_MODES:
        raise ValueError(f"{caller}: `label_mode` must be one of 'int', 'categorical', 'binary' or "
                         f"None. Received: label_mode={label_mode!r}")
    if validation_split is not None and not 0 < validation_split < 1:
        raise ValueError(f"{caller}: `validation_split` must be between 0 and 1. Received: "
                         f"validation_split={validation_split!r}")
    if bool(validation_split) != bool(subset):
        raise ValueError(f"{caller}: `subset` and `validation_split` must be given together. "
                         f"Received: validation_split={validation_split!r}, subset={subset!r}")
    if subset not in ("training", "validation", "both", None):
        raise ValueError(f"{caller}: `subset` must be 'training', 'validation' or 'both'. "
                         f"Received: subset={subset!r}")
    if validation_split and shuffle and seed is None:
        raise ValueError(f"{caller}: with `validation_split` and `shuffle=True`, pass a `seed` so the "
                         "training and validation subsets do not overlap.")


def training_or_validation_split(samples, labels, validation_split, subset, verbose=True):
    """The training (first) or validation (last ``int(validation_split * n)``) samples."""
    if not validation_split:
        return samples, labels
    num_val = int(validation_split * len(samples))
    cut = len(samples) - num_val
    if subset == "training":
        if verbose:
            print(f"Using {cut} files for training.")
        part = slice(0, cut)
    else:
        if verbose:
            print(f"Using {num_val} files for validation.")
        part = slice(cut, len(samples))
    return samples[part], (None if labels is None else labels[part])


def encode_labels(labels, label_mode, num_classes):
    """int32 ids (``"int"``), float32 ``(n, 1)`` (``"binary"``) or one-hot float32."""
    labels = np.asarray(labels)
    if label_mode == "binary":
        return labels.astype("float32").reshape(-1, 1)
    if label_mode == "categorical":
        return np.eye(num_classes, dtype="float32")[labels.astype("int64")]
    return labels.astype("int32")


def directory_dataset(caller, directory, formats, load, labels, label_mode, class_names, batch_size,
                      shuffle, seed, validation_split, subset, follow_links, verbose,
                      batch=lambda ds, n: ds.batch(n), format="tf"):
    """Builds the dataset(s) of a ``*_dataset_from_directory`` helper.

    ``load(path)`` reads one file into an array (run in worker threads); ``batch(ds, n)``
    batches the loaded elements. ``format="grain"`` builds a grain ``IterDataset`` instead.
    """
    check_dataset_args(caller, labels, label_mode, class_names, validation_split, subset, shuffle,
                       seed)
    check_format(caller, format)
    if batch_size is not None and (isinstance(batch_size, bool) or not isinstance(batch_size, int)
                                   or batch_size < 1):
        raise ValueError(f"{caller}: `batch_size` must be a positive integer or None. Received: "
                         f"batch_size={batch_size!r}")
    if labels is None or label_mode is None:
        labels, label_mode = None, None
    if seed is None:
        seed = np.random.randint(1e6)
    paths, labels, class_names = index_directory(
        directory, labels, formats, class_names=class_names, shuffle=shuffle, seed=seed,
        follow_links=follow_links, verbose=verbose, caller=caller)
    if label_mode == "binary" and len(class_names) != 2:
        raise ValueError(f"{caller}: label_mode='binary' needs exactly 2 classes. Received: "
                         f"class_names={class_names}")
    if label_mode is not None:
        labels = encode_labels(labels, label_mode, len(class_names))
    buffer = batch_size * 8 if batch_size is not None else 1024

    def build(part, shuffle_part):
        part_paths, part_labels = training_or_validation_split(paths, labels, validation_split,
                                                               part, verbose)
        if not part_paths:
            kind = f"{part} " if part else ""
            raise ValueError(f"{caller}: no {kind}files found in directory {directory!r}. "
                             f"Allowed formats: {formats}")
        if format == "grain":
            ds = _grain_dataset(list(part_paths), part_labels, load, shuffle_part, seed, batch_size)
            ds.class_names = class_names
            ds.file_paths = list(part_paths)
            return ds
        path_array = np.asarray(part_paths, dtype=object)
        if label_mode is None:
            ds = Dataset.from_tensor_slices(path_array)
        else:
            ds = Dataset.from_tensor_slices((path_array, part_labels))
        if shuffle_part:
            ds = ds.shuffle(buffer, seed=seed)
        if label_mode is None:
            ds = ds.map(lambda p: load(str(p)), num_parallel_calls=Dataset.AUTOTUNE)
        else:
            ds = ds.map(lambda p, y: (load(str(p)), y), num_parallel_calls=Dataset.AUTOTUNE)
        if batch_size is not None:
            ds = batch(ds, batch_size)
        ds = ds.prefetch(Dataset.AUTOTUNE)
        ds.class_names = class_names
        ds.file_paths = list(part_paths)
        return ds

    if subset == "both":
        return build("training", shuffle), build("validation", False)
    return build(subset, shuffle)


def check_format(caller, format):
    if format not in ("tf", "grain"):
        raise ValueError(f"{caller}: `format` must be 'tf' (a lamina.utils.Dataset, which has tf.data's "
                         f"methods) or 'grain' (a grain IterDataset). Received: format={format!r}")


def import_grain(caller):
    try:
        import grain
    except ImportError as e:
        raise ImportError(f"{caller}: format='grain' needs the grain package: `pip install grain` "
                          "(or lamina[grain]).") from e
    return grain


def _grain_dataset(paths, labels, load, shuffle, seed, batch_size):
    grain = import_grain("*_dataset_from_directory")
    if labels is None:
        ds = grain.MapDataset.source(paths)
    else:
        ds = grain.MapDataset.source([(p, labels[i]) for i, p in enumerate(paths)])
    if shuffle:
        ds = ds.shuffle(seed=int(seed))
    ds = ds.map(load if labels is None else (lambda item: (load(item[0]), item[1])))
    ds = ds.to_iter_dataset()
    return ds if batch_size is None else ds.batch(batch_size)


def split_dataset(dataset, left_size=None, right_size=None, shuffle=False, seed=None):
    """Splits a dataset or arrays into a left part and a right part (e.g. train / test).

    Args:
        dataset: a ``lamina.utils.Dataset`` (a batched one is unbatched, split, and both
            parts batched again with the same batch size), a NumPy array, or a list/tuple
            of arrays of the same length.
        left_size: a float in (0, 1) (a fraction of the samples) or an int (a count);
            ``None`` means the rest after ``right_size``.
        right_size: likewise for the right part; ``None`` means the rest after ``left_size``.
        shuffle: shuffle the samples before splitting.
        seed: the seed of that shuffle.

    Returns:
        A tuple of two ``lamina.utils.Dataset`` objects.

    Example:
        >>> left, right = lamina.utils.split_dataset(np.arange(10), left_size=0.8)
        >>> len(left), len(right)
        (8, 2)
    """
    if left_size is None and right_size is None:
        raise ValueError("split_dataset: pass at least one of `left_size` and `right_size`. "
                         "Received: left_size=None and right_size=None")
    batch_size = None
    if isinstance(dataset, Dataset):
        batch_size = dataset._batch_size
        source = dataset.unbatch() if batch_size is not None else dataset
        samples = list(source)
    elif isinstance(dataset, np.ndarray):
        samples = list(dataset)
    elif isinstance(dataset, (list, tuple)) and dataset:
        arrays = [np.asarray(a) for a in dataset]
        lengths = {len(a) for a in arrays}
        if len(lengths) != 1:
            raise ValueError("split_dataset: the arrays in `dataset` must have the same length. "
                             f"Received lengths: {[len(a) for a in arrays]}")
        samples = list(zip(*arrays))
    else:
        raise TypeError("split_dataset: `dataset` must be a lamina.utils.Dataset, a NumPy array or a "
                        f"list/tuple of arrays. Received: dataset of type {type(dataset).__name__}")
    if shuffle:
        if seed is None:
            seed = random.randint(0, int(1e6))
        random.Random(seed).shuffle(samples)
    left_n, right_n = _split_sizes(left_size, right_size, len(samples))
    parts = []
    for chunk in (samples[:left_n], samples[len(samples) - right_n:]):
        ds = Dataset.from_tensor_slices(_to_columns(chunk))
        parts.append(ds.batch(batch_size) if batch_size is not None else ds)
    return tuple(parts)


def _to_columns(samples):
    first = samples[0]
    if isinstance(first, tuple):
        return tuple(_to_columns([s[i] for s in samples]) for i in range(len(first)))
    if isinstance(first, dict):
        return {k: _to_columns([s[k] for s in samples]) for k in first}
    return np.stack([np.asarray(s) for s in samples])


def _split_sizes(left_size, right_size, total):
    sizes = {}
    for name, size in (("left_size", left_size), ("right_size", right_size)):
        if size is None:
            continue
        if isinstance(size, bool) or not isinstance(size, (int, float)):
            raise TypeError(f"split_dataset: `{name}` must be an int, a float or None. Received: "
                            f"{name}={size!r} of type {type(size).__name__}")
        if isinstance(size, float) and not 0 < size < 1:
            raise ValueError(f"split_dataset: a float `{name}` must be in (0, 1). Received: {name}={size}")
        if isinstance(size, int) and not 0 < size < total:
            raise ValueError(f"split_dataset: an int `{name}` must be in (0, {total}) for {total} samples. "
                             f"Received: {name}={size}")
        sizes[name] = round(size * total) if isinstance(size, float) else size
    left = sizes.get("left_size", total - sizes.get("right_size", 0))
    right = sizes.get("right_size", total - left)
    if left + right > total:
        raise ValueError(f"split_dataset: left_size + right_size ({left} + {right}) exceeds the "
                         f"{total} samples. Received: left_size={left_size}, right_size={right_size}")
    if left == 0 or right == 0:
        raise ValueError(f"split_dataset: both parts need at least one sample; with {total} samples "
                         f"left_size={left_size}, right_size={right_size} give {left} and {right}.")
    return left, right
