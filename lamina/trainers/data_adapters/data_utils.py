"""Small helpers shared by the data adapters: packing ``(x, y, sample_weight)``,
validation splits, class weights and converting leaves to NumPy."""

import warnings

import numpy as np

from lamina import backend
from lamina.backend import tree


def unpack_x_y_sample_weight(data):
    """Splits one batch into ``(x, y, sample_weight)``; missing parts are ``None``.

    Args:
        data: a tuple ``(x,)``, ``(x, y)`` or ``(x, y, sample_weight)``, or ``x`` alone.

    Example:
        >>> unpack_x_y_sample_weight((1, 2))
        (1, 2, None)
    """
    if isinstance(data, list):
        data = tuple(data)
    if not isinstance(data, tuple):
        return data, None, None
    if len(data) == 1:
        return data[0], None, None
    if len(data) == 2:
        return data[0], data[1], None
    if len(data) == 3:
        return data[0], data[1], data[2]
    raise ValueError(
        "Data is expected to be `(x,)`, `(x, y)` or `(x, y, sample_weight)`. "
        f"Received a tuple of {len(data)} elements."
    )


def pack_x_y_sample_weight(x, y=None, sample_weight=None):
    """The inverse of ``unpack_x_y_sample_weight``: drops trailing ``None`` parts."""
    if y is None:
        return x if not isinstance(x, (tuple, list)) else (x,)
    if sample_weight is None:
        return (x, y)
    return (x, y, sample_weight)


def is_torch_object(x, names=("DataLoader",)):
    """Duck-typed check for torch objects without importing torch outside the backend."""
    module = type(x).__module__ or ""
    return module.startswith("torch.") and any(
        cls.__name__ in names for cls in type(x).__mro__)


def is_grain_object(x):
    """Whether ``x`` is a grain ``MapDataset``, ``IterDataset`` or ``DataLoader`` (duck-typed)."""
    return any(cls.__name__ in ("MapDataset", "IterDataset", "DataLoader")
               and (cls.__module__ or "").startswith("grain") for cls in type(x).__mro__)


def to_numpy(x, name="data"):
    """Converts one leaf (array, list, tensor, scalar) to a NumPy array."""
    if x is None or isinstance(x, np.ndarray):
        return x
    if backend.is_tensor(x):
        return backend.convert_to_numpy(x)
    if hasattr(x, "numpy") and callable(x.numpy) and not hasattr(x, "_is_lamina_variable"):
        try:
            return np.asarray(x.numpy())
        except Exception:
            pass
    if hasattr(x, "values") and hasattr(x, "columns"):  # pandas DataFrame
        return np.asarray(x.values)
    if hasattr(x, "to_numpy"):  # pandas Series
        return np.asarray(x.to_numpy())
    try:
        return np.asarray(x)
    except Exception as e:
        raise ValueError(f"Could not convert {name} of type {type(x).__name__} to an array: {e}") from e


def standardize_floats(arr):
    """Casts float64 arrays to ``floatx`` (the dtype the model computes in)."""
    if isinstance(arr, np.ndarray) and arr.dtype == np.float64 and backend.floatx() != "float64":
        return arr.astype(backend.floatx())
    return arr


def numpy_structure(data):
    """Maps every leaf of ``data`` to NumPy (float64 becomes floatx)."""
    return tree.map_structure(lambda v: standardize_floats(to_numpy(v)), data)


def check_array_lengths(x, y, sample_weight):
    """Raises a clear error when x, y and sample_weight have different numbers of samples."""
    sizes = {}
    for label, part in (("x", x), ("y", y), ("sample_weight", sample_weight)):
        leaves = [v for v in tree.flatten(part) if v is not None]
        lengths = [int(np.shape(v)[0]) if np.ndim(v) else None for v in leaves]
        if any(n is None for n in lengths):
            raise ValueError(
                f"Expected arrays with a batch dimension in {label}; received a scalar. "
                f"Shapes: {[np.shape(v) for v in leaves]}")
        if lengths:
            sizes[label] = lengths
    flat = [n for ls in sizes.values() for n in ls]
    if flat and len(set(flat)) > 1:
        detail = ", ".join(f"{k} sizes: {', '.join(str(n) for n in v)}" for k, v in sizes.items())
        raise ValueError(
            "Data cardinality is ambiguous: make sure all arrays contain the same number of "
            f"samples. Received {detail}.")
    return flat[0] if flat else 0


def check_batch_sizes(batch, source="generator"):
    """Raises a clear error when one batch's x, y and sample_weight differ in their number of
    samples (the first axis), instead of a broadcasting failure deep inside the step.

    Example:
        >>> check_batch_sizes((np.zeros((4, 3)), np.zeros((4, 1))))
    """
    if not isinstance(batch, (tuple, list)) or not 2 <= len(batch) <= 3:
        return  # x alone: nothing to compare it with
    x, y, sample_weight = unpack_x_y_sample_weight(batch)
    sizes = {}
    for label, part in (("x", x), ("y", y), ("sample_weight", sample_weight)):
        lengths = [int(np.shape(v)[0]) for v in tree.flatten(part) if v is not None and np.ndim(v)]
        if lengths:
            sizes[label] = lengths
    if len({n for ls in sizes.values() for n in ls}) > 1:
        detail = ", ".join(f"{k} has {ls[0] if len(ls) == 1 else ls} samples" for k, ls in sizes.items())
        raise ValueError(
            f"The {source} yielded a batch whose parts have different batch sizes: {detail}. "
            "The x, y and sample_weight of one batch must have the same first dimension.")


def drop_unused_input_keys(x, input_names, model_name):
    """``x`` (a dict of inputs) without the keys that name no input of the model, with a
    warning naming them, as Keras does (it warns and ignores them).

    Example:
        >>> sorted(drop_unused_input_keys({"feat": 1, "id": 2}, ["feat"], "m"))  # warns about 'id'
        ['feat']
    """
    unused = sorted(k for k in x if k not in input_names)
    if not unused:
        return x
    warnings.warn(
        f"Model '{model_name}' ignores the input key(s) {unused}: it has no input of that name. "
        f"Its inputs are {list(input_names)}.", UserWarning, stacklevel=3)
    return {k: v for k, v in x.items() if k in input_names}


def train_validation_split(arrays, validation_split):
    """Splits every array of ``arrays`` (a structure) into a head for training and a tail
    of ``validation_split`` of the samples for validation (no shuffling, as Keras does)."""
    if not 0.0 < validation_split < 1.0:
        raise ValueError(
            f"`validation_split` must be a float between 0 and 1. Received: validation_split={validation_split}")
    leaves = [v for v in tree.flatten(arrays) if v is not None]
    if not leaves or not all(hasattr(v, "shape") for v in leaves):
        raise ValueError(
            "`validation_split` is only supported for NumPy arrays and tensors. Received data of types "
            f"{sorted({type(v).__name__ for v in leaves})}; pass `validation_data` instead.")
    n = int(leaves[0].shape[0])
    split_at = int(np.floor(n * (1.0 - validation_split)))
    if split_at == 0 or split_at == n:
        raise ValueError(
            f"validation_split={validation_split} leaves no samples on one side of the split: "
            f"{n} samples split at {split_at}. Use a different validation_split or more data.")
    train = tree.map_structure(lambda v: None if v is None else v[:split_at], arrays)
    val = tree.map_structure(lambda v: None if v is None else v[split_at:], arrays)
    return train, val


def class_weight_to_sample_weight(y, class_weight):
    """Per-sample weights looked up from ``class_weight`` ({class index: weight})."""
    if isinstance(y, (dict, list, tuple)):
        leaves = tree.flatten(y)
        if len(leaves) != 1:
            raise ValueError(
                "`class_weight` is only supported for models with a single output. "
                f"Received y with {len(leaves)} outputs.")
        y = leaves[0]
    y = np.asarray(y)
    if y.ndim == 2 and y.shape[1] > 1:
        labels = np.argmax(y, axis=1)
    elif y.ndim == 2 and y.shape[1] == 1:
        labels = np.round(y[:, 0]).astype("int64")
    else:
        labels = np.round(y).astype("int64").reshape(len(y), -1)[:, 0] if y.ndim > 1 else np.round(y).astype("int64")
    size = max(int(max(class_weight)) + 1, int(labels.max()) + 1 if labels.size else 0)
    table = np.ones((size,), dtype=backend.floatx())
    for cls, weight in class_weight.items():
        if int(cls) < 0:
            raise ValueError(f"class_weight keys must be non-negative class indices. Received key {cls!r}.")
        table[int(cls)] = weight
    return table[labels]
