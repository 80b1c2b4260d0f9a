"""Shared host-side (NumPy) helpers for preprocessing layers.

Layers that read strings run in NumPy on the host: ``HostLayer`` turns its inputs into NumPy,
runs ``_call_numpy`` and hands back a backend tensor. ``run_host_part`` of a Functional model
calls ``_call_numpy`` directly so a chain of host layers stays in NumPy.
"""

import numpy as np

from lamina import backend
from lamina.backend import KerasTensor
from lamina.layers.layer import Layer

_INT_DTYPE_CACHE = {}


def backend_int_dtype(requested="int64"):
    """The integer dtype the backend really stores for ``requested`` (int64 may become int32)."""
    found = _INT_DTYPE_CACHE.get(requested)
    if found is None:
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            probe = backend.convert_to_tensor(np.zeros((1,), requested))
        found = backend.standardize_dtype(probe.dtype)
        _INT_DTYPE_CACHE[requested] = found
    return found


def to_numpy(x):
    """Any array-like (tensor, list, scalar, bytes) as a NumPy array; bytes become str."""
    if isinstance(x, np.ndarray):
        arr = x
    elif backend.is_tensor(x):
        arr = backend.convert_to_numpy(x)
    else:
        arr = np.asarray(x)
    if arr.dtype.kind == "S":
        arr = np.char.decode(arr, "utf-8")
    elif arr.dtype.kind == "O" and arr.size and isinstance(arr.flat[0], bytes):
        arr = np.vectorize(lambda v: v.decode("utf-8") if isinstance(v, bytes) else v, otypes=[object])(arr)
    return arr


def to_backend(arr, dtype):
    """A NumPy result as a backend tensor of ``dtype`` (int64 may narrow to the backend's int)."""
    dtype = backend.standardize_dtype(dtype)
    if dtype.startswith("int") or dtype.startswith("uint"):
        dtype = backend_int_dtype(dtype)
    return backend.convert_to_tensor(np.asarray(arr).astype(dtype, copy=False), dtype=dtype)


def encode_categorical(ids, depth, output_mode, count_weights=None, idf_weights=None, layer_name="layer"):
    """One-hot / multi-hot / count / tf-idf of integer ``ids`` in ``[0, depth)`` (NumPy).

    ``one_hot`` encodes each element (a trailing axis of size 1 is replaced); the other modes
    reduce the last axis: ``(batch, n)`` gives ``(batch, depth)`` and ``(n,)`` gives ``(depth,)``.
    """
    ids = np.asarray(ids)
    if ids.size and (ids.min() < -1 or ids.max() >= depth):
        raise ValueError(
            f"{layer_name}: input values must be in the range 0 <= values < num_tokens with "
            f"num_tokens={depth}. Received: min={int(ids.min())}, max={int(ids.max())}"
        )
    if output_mode == "one_hot":
        if ids.ndim >= 1 and ids.shape[-1] == 1 and ids.ndim > 1:
            ids = ids[..., 0]
        return (ids[..., None] == np.arange(depth)).astype(np.float32)
    lead = ids.shape[:-1] if ids.ndim >= 1 else ()
    rows = ids.reshape(-1, ids.shape[-1] if ids.ndim >= 1 else 1)
    flat = rows.reshape(-1).astype(np.int64)
    slots = np.repeat(np.arange(rows.shape[0]) * depth, rows.shape[1]) + flat
    keep = flat >= 0  # negative ids are dropped tokens (a mask token outside "int" mode)
    weights = None
    if count_weights is not None:
        weights = np.broadcast_to(np.asarray(count_weights, np.float32), ids.shape).reshape(-1)[keep]
    counts = np.bincount(slots[keep], weights=weights, minlength=rows.shape[0] * depth)
    out = counts.astype(np.float32).reshape(rows.shape[0], depth)
    if output_mode == "multi_hot":
        out = (out > 0).astype(np.float32)
    elif output_mode == "tf_idf":
        out *= np.asarray(idf_weights, np.float32)[None, :depth]
    return out.reshape(lead + (depth,))


def iter_batches(data, batch_size=None, steps=None, layer_name="layer"):
    """Yields the feature batches of ``data`` for ``adapt``.

    ``data`` may be an array, list, scalar, tensor, a generator or any iterable of batches
    (a dataset), whose elements may be ``(x, y)`` / ``(x, y, w)`` tuples.
    """
    if isinstance(data, KerasTensor):
        raise ValueError(f"{layer_name}.adapt() needs concrete data, not a symbolic tensor.")
    listed_batches = isinstance(data, list) and data and isinstance(data[0], tuple)
    if not listed_batches and (isinstance(data, (np.ndarray, list, str, bytes, int, float)) or backend.is_tensor(data)):
        arr = to_numpy(data)
        if arr.ndim == 0 or batch_size is None:
            yield arr
            return
        count = 0
        for start in range(0, len(arr), batch_size):
            if steps is not None and count >= steps:
                return
            yield arr[start:start + batch_size]
            count += 1
        return
    if isinstance(data, dict):
        raise ValueError(
            f"{layer_name}.adapt() takes the values of one feature; received a dict with keys "
            f"{sorted(data)}. Pass `data[key]` for the feature this layer preprocesses."
        )
    if hasattr(data, "__getitem__") and hasattr(data, "__len__") and not hasattr(data, "__iter__"):
        sequence = data  # a utils.Sequence / PyDataset
        data = (sequence[i] for i in range(len(sequence)))
    if not hasattr(data, "__iter__"):
        raise ValueError(
            f"{layer_name}.adapt() expects an array, a list, a generator or a dataset. Received: {type(data).__name__}"
        )
    for count, element in enumerate(data):
        if steps is not None and count >= steps:
            return
        if isinstance(element, tuple) and element:
            element = element[0]
        if isinstance(element, dict):
            raise ValueError(
                f"{layer_name}.adapt() received a dataset of dicts (keys {sorted(element)}); map it to the "
                "feature this layer preprocesses first."
            )
        yield to_numpy(element)


class HostLayer(Layer):
    """Base of the preprocessing layers that compute in NumPy on the host.

    A subclass implements ``_call_numpy(inputs) -> np.ndarray`` and ``_output_spec(shape)``
    returning ``(output_shape, dtype)``. Calling the layer on a tensor, a NumPy array, a list or
    a scalar returns a backend tensor; on a symbolic tensor it records a graph node.
    """

    _runs_on_host = True

    def __call__(self, *args, **kwargs):
        if backend.any_symbolic(args, kwargs):
            return super().__call__(*args, **kwargs)
        # Concrete inputs stay in NumPy: converting them to backend tensors first would turn
        # int64 into int32 on JAX (and strings have no tensor form anyway).
        kwargs.pop("training", None)
        kwargs.pop("mask", None)
        with backend.name_scope(self.name, caller=self):
            self._maybe_build(args, kwargs)
        return self.call(*args, **kwargs)

    def call(self, inputs):
        result = self._call_numpy(to_numpy(inputs))
        return to_backend(result, self._output_spec(np.shape(result))[1])

    def compute_output_spec(self, inputs, *args, **kwargs):
        shape, dtype = self._output_spec(tuple(inputs.shape))
        if dtype.startswith("int"):
            dtype = backend_int_dtype(dtype)
        return KerasTensor(shape, dtype=dtype)

    def compute_output_shape(self, input_shape):
        return self._output_spec(tuple(input_shape))[0]
