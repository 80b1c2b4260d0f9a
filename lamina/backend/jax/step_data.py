"""What JAX steps read: batches moved to the device, and whole arrays kept there.

Arrays that stay on the device for a whole ``fit`` ("resident" rows) let a compiled step
gather its batch by row indices, with no per-batch copy from the host.
"""

import jax
import jax.numpy as jnp
import numpy as np

from lamina.backend.common import tree


def _to_array(x):
    if x is None:
        return None
    if hasattr(x, "_is_lamina_variable"):
        return x.value
    return jnp.asarray(x)


def _convert_leaf(x):
    if x is None or isinstance(x, jax.Array):
        return x
    return jax.device_put(_host_array(x))


def _host_array(x):
    """``x`` as a NumPy array of a dtype the device takes (float64 and int64 narrowed)."""
    arr = np.asarray(x)
    if arr.dtype.kind in "USO":
        raise ValueError(
            f"The JAX backend cannot hold strings in a tensor (received an array of dtype {arr.dtype} "
            f"and shape {arr.shape}). String inputs need a preprocessing layer (TextVectorization, "
            "StringLookup, Hashing) at the start of the model.")
    if arr.dtype == np.float64:
        arr = arr.astype(np.float32)
    elif arr.dtype == np.int64:
        arr = arr.astype(np.int32)
    return arr


def convert_batch(data):
    """Moves one batch (a structure of NumPy arrays) to the device."""
    return tree.map_structure(_convert_leaf, data)



def _gather(resident, rows):
    return tree.map_structure(lambda a: None if a is None else _take_rows(a, rows), resident)


def _take_rows(a, rows):
    if isinstance(a, _SharedRows):
        return a.take(rows)
    return jnp.take(a, rows, axis=0)



_ZERO_COPY_BYTES = 16 << 20
_ALIGN = 64


def _resident_leaf(x):
    arr = _host_array(x)
    if arr.nbytes <= _ZERO_COPY_BYTES or jax.default_backend() != "cpu" or arr.ndim == 0:
        return jax.device_put(_pad_rows(arr))
    return _SharedRows.share(np.ascontiguousarray(arr))


def _pad_rows(a):
    """Pads the first axis to a coarse bucket, so datasets of nearby sizes (cross-validation
    folds) share one compiled step; the padding rows are never indexed."""
    n = a.shape[0]
    if n <= 64 or a.nbytes > (16 << 20):
        return a  # large arrays: a recompile costs less than copying them
    step = 1 << max(0, (n - 1).bit_length() - 4)
    target = -(-n // step) * step
    if target == n:
        return a
    return np.concatenate([a, np.zeros((target - n,) + a.shape[1:], a.dtype)])


@jax.tree_util.register_pytree_node_class
class _SharedRows:
    """A large host array used by the CPU device in place, without a copy.

    The CPU device shares host memory that starts on a 64-byte boundary; NumPy's buffers
    usually start 16 bytes past one. So the array is held as a flat ``body`` from the first
    aligned element on (shared, not copied) plus a copy of the few ``head`` rows the skipped
    elements belong to, and rows are gathered from whichever holds them. Copying 188 MB
    (the seed's MNIST-sized data) took longer than a training epoch's fixed work.
    """

    def __init__(self, head, body, skip, row_shape):
        self.head = head
        self.body = body
        self.skip = skip
        self.row_shape = tuple(row_shape)

    @classmethod
    def share(cls, arr):
        row_shape = arr.shape[1:]
        row_size = int(np.prod(row_shape, dtype=np.int64)) if row_shape else 1
        flat = arr.reshape(-1)
        offset = (-flat.ctypes.data) % _ALIGN
        if offset % arr.itemsize or row_size == 0:
            return jax.device_put(arr)
        skip = offset // arr.itemsize
        head_rows = -(-skip // row_size)
        return cls(jax.device_put(arr[:head_rows]), jax.device_put(flat[skip:]), skip, row_shape)

    @property
    def shape(self):
        n = (self.skip + self.body.shape[0]) // max(1, self._row_size)
        return (n,) + self.row_shape

    @property
    def dtype(self):
        return self.body.dtype

    @property
    def _row_size(self):
        return int(np.prod(self.row_shape, dtype=np.int64)) if self.row_shape else 1

    def take(self, rows):
        size = self._row_size
        head_rows = self.head.shape[0]
        starts = jnp.maximum(rows, head_rows) * size - self.skip
        body = jax.vmap(lambda s: jax.lax.dynamic_slice(self.body, (s,), (size,)))(starts)
        body = body.reshape((rows.shape[0],) + self.row_shape)
        if head_rows == 0:
            return body
        head = jnp.take(self.head, jnp.minimum(rows, head_rows - 1), axis=0)
        in_head = (rows < head_rows).reshape((-1,) + (1,) * len(self.row_shape))
        return jnp.where(in_head, head, body)

    def tree_flatten(self):
        return (self.head, self.body), (self.skip, self.row_shape)

    @classmethod
    def tree_unflatten(cls, aux, children):
        return cls(children[0], children[1], *aux)

