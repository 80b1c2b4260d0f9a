"""Turning what ``fit``/``evaluate``/``predict`` receive into batches of NumPy arrays."""

import types

import numpy as np

from lamina import backend
from lamina.trainers.data_adapters import data_utils
from lamina.trainers.data_adapters.array_adapter import ArrayDataAdapter
from lamina.trainers.data_adapters.data_utils import (
    pack_x_y_sample_weight,
    train_validation_split,
    unpack_x_y_sample_weight,
)
from lamina.trainers.data_adapters.iter_adapters import (
    IterableDataAdapter,
    generator_adapter,
    grain_adapter,
    py_dataset_adapter,
    tf_dataset_adapter,
    torch_dataloader_adapter,
)


def is_array_like(x):
    from lamina.backend import tree

    leaves = [v for v in tree.flatten(x) if v is not None] if isinstance(x, (list, tuple, dict)) else [x]
    if not leaves:
        return False
    for v in leaves:
        if isinstance(v, (np.ndarray, np.generic, int, float)) or backend.is_tensor(v):
            continue
        if hasattr(v, "__array__") or (hasattr(v, "shape") and hasattr(v, "dtype")):
            continue
        if isinstance(v, (list, tuple)):
            continue
        return False
    return True


def _is_dataset_source(x):
    from lamina.utils.py_dataset import PyDataset

    return (isinstance(x, (PyDataset, types.GeneratorType)) or data_utils.is_torch_object(x)
            or hasattr(x, "as_numpy_iterator") or data_utils.is_grain_object(x))


def get_data_adapter(x, y=None, sample_weight=None, batch_size=None, shuffle=False,
                     class_weight=None):
    """Picks the adapter for ``x`` (arrays, generator, PyDataset, DataLoader, tf.data or
    lamina.utils.Dataset, grain).

    Raises a ValueError naming the argument when ``y`` or ``sample_weight`` are given with
    a dataset (which must yield them itself).
    """
    from lamina.utils.py_dataset import PyDataset

    if _is_dataset_source(x):
        for name, value in (("y", y), ("sample_weight", sample_weight)):
            if value is not None:
                raise ValueError(
                    f"`{name}` argument is not supported when `x` is a {type(x).__name__}: the dataset "
                    f"must yield it as part of each batch. Received: {name} of type {type(value).__name__}")
        if isinstance(x, PyDataset):
            return py_dataset_adapter(x, class_weight=class_weight, shuffle=bool(shuffle) and shuffle != "batch")
        if data_utils.is_torch_object(x):
            return torch_dataloader_adapter(x, class_weight=class_weight)
        if hasattr(x, "as_numpy_iterator"):
            return tf_dataset_adapter(x, class_weight=class_weight)
        if data_utils.is_grain_object(x):
            return grain_adapter(x, class_weight=class_weight)
        return generator_adapter(x, class_weight=class_weight)
    if hasattr(x, "__next__") and hasattr(x, "__iter__"):
        return generator_adapter(x, class_weight=class_weight)
    if x is None:
        raise ValueError("Expected input data `x`; received None.")
    if isinstance(x, (list, tuple)) and x and all(isinstance(v, (str, bytes)) for v in x):
        x = np.asarray(x)  # a list of raw strings is one string input, not several inputs
    if not is_array_like(x):
        raise ValueError(
            "Unrecognized data type: x must be a NumPy array, a tensor, a list or dict of arrays, a "
            "Python generator, a lamina.utils.PyDataset, a torch DataLoader or a tf.data.Dataset. "
            f"Received: x of type {type(x).__name__}")
    return ArrayDataAdapter(x, y, sample_weight, batch_size=batch_size, shuffle=shuffle,
                            class_weight=class_weight)


__all__ = [
    "ArrayDataAdapter", "IterableDataAdapter", "get_data_adapter", "pack_x_y_sample_weight",
    "train_validation_split", "unpack_x_y_sample_weight",
]
