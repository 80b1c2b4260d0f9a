"""What ``Layer.__call__`` does to its inputs and outputs: array inputs become tensors,
floating ones cast to the compute dtype (as Keras 3 does), and masks ride along on tensors."""

from lamina import backend
from lamina.backend import KerasTensor, tree


def _to_tensor_structure(x, dtype):
    """The first positional input as tensors: arrays, lists of numbers and scalars convert,
    floating values cast to ``dtype`` (None: kept); string arrays stay NumPy."""
    if isinstance(x, list) and x and not isinstance(x[0], (list, tuple, dict)) and not hasattr(x[0], "shape"):
        return _convert_leaf(x, dtype, python_values=True)  # a nested list of numbers is one array
    if isinstance(x, (list, tuple)):
        return type(x)(_to_tensor_structure(v, dtype) for v in x)
    if isinstance(x, dict):
        return {k: _to_tensor_structure(v, dtype) for k, v in x.items()}
    return _convert_leaf(x, dtype, python_values=True)


def _convert_leaf(v, dtype, python_values=False):
    """One input value as a tensor of ``dtype`` if it is floating. Python numbers and lists
    convert only as (part of) the first input: elsewhere they are settings, not data."""
    import numpy as np

    if v is None or isinstance(v, KerasTensor):
        return v
    if hasattr(v, "_is_lamina_variable"):
        v = v.value
    if backend.is_tensor(v):
        if dtype is not None and v.dtype is not None:
            current = backend.standardize_dtype(v.dtype)
            if current != dtype and backend.is_float_dtype(current):
                mask = getattr(v, "_keras_mask", None)
                v = backend.cast(v, dtype)
                if mask is not None:
                    _set_mask(v, mask)
        return v
    if isinstance(v, (np.ndarray, np.generic)) or (
            python_values and isinstance(v, (list, tuple, float, int))):
        arr = np.asarray(v)
        if arr.dtype.kind in "USO":
            return arr
        if arr.dtype.kind == "f" and dtype is not None:
            return backend.convert_to_tensor(arr, dtype=dtype)
        return backend.convert_to_tensor(arr)
    return v


def _convert_nested(x, dtype):
    if x is None or isinstance(x, (bool, int, float, str)):  # settings such as `training`: as they are
        return x
    if isinstance(x, (list, tuple, dict)):
        return tree.map_structure(lambda v: _convert_leaf(v, dtype), x)
    return _convert_leaf(x, dtype)


def _cast_specs(structure, dtype):
    """Symbolic inputs as ``call`` will see them: floating ones in ``dtype``."""
    def cast(v):
        if isinstance(v, KerasTensor) and v.dtype != dtype and backend.is_float_dtype(v.dtype):
            return KerasTensor(v.shape, dtype=dtype, sparse=v.sparse)
        return v

    return tree.map_structure(cast, structure)


def _collect_mask(x):
    if isinstance(x, (list, tuple)):
        masks = [getattr(v, "_keras_mask", None) for v in x]
        return None if all(m is None for m in masks) else masks
    if isinstance(x, dict):
        return None
    return getattr(x, "_keras_mask", None)


def _attach_masks(outputs, mask):
    if isinstance(outputs, (list, tuple)):
        masks = mask if isinstance(mask, (list, tuple)) else [mask] * len(outputs)
        for o, m in zip(outputs, masks):
            _set_mask(o, m)
    else:
        _set_mask(outputs, mask)


def _set_mask(tensor, mask):
    try:
        tensor._keras_mask = mask
    except (AttributeError, TypeError):
        pass  # JAX arrays take no attributes; Functional and Sequential carry masks themselves.
