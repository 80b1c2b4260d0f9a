"""Torch implementations of the NumPy-like ops (``lamina.ops.numpy``)."""

import builtins

import torch

from lamina.backend.torch.core import to_torch_dtype
from lamina.backend.torch.numpy_helpers import _axis, _binary, _float_input, _pair, _promote, _t


add = _binary(torch.add)
subtract = _binary(torch.subtract)
multiply = _binary(torch.multiply)
maximum = _binary(torch.maximum)
minimum = _binary(torch.minimum)
equal = _binary(torch.eq)
not_equal = _binary(torch.ne)
less = _binary(torch.lt)
less_equal = _binary(torch.le)
greater = _binary(torch.gt)
greater_equal = _binary(torch.ge)
floor_divide = _binary(torch.floor_divide)
mod = _binary(torch.remainder)


def true_divide(x1, x2):
    a, b = _pair(x1, x2)
    if not a.is_floating_point():
        a = a.to(to_torch_dtype(None))
        b = b.to(a.dtype)
    return torch.true_divide(a, b)


divide = true_divide


def power(x1, x2):
    a, b = _pair(x1, x2)
    return torch.pow(a, b)


sqrt = _float_input(torch.sqrt)
exp = _float_input(torch.exp)
log = _float_input(torch.log)
tanh = _float_input(torch.tanh)


def negative(x):
    return torch.neg(_t(x))


def absolute(x):
    return torch.abs(_t(x))


def square(x):
    x = _t(x)
    return x * x if x.dtype != torch.bool else x


def logical_and(x1, x2):
    return torch.logical_and(_t(x1), _t(x2))


def logical_or(x1, x2):
    return torch.logical_or(_t(x1), _t(x2))


def logical_xor(x1, x2):
    return torch.logical_xor(_t(x1), _t(x2))


def logical_not(x):
    return torch.logical_not(_t(x))


def where(condition, x1=None, x2=None):
    condition = _t(condition).to(torch.bool)
    if x1 is None and x2 is None:
        return torch.where(condition)
    a, b = _pair(x1, x2)
    return torch.where(condition, a, b)


def matmul(x1, x2):
    a, b = _pair(x1, x2)
    return torch.matmul(a, b)


def dot(x1, x2):
    a, b = _pair(x1, x2)
    if a.ndim == 0 or b.ndim == 0:
        return a * b
    if b.ndim == 1:
        return torch.matmul(a, b)
    return torch.tensordot(a, b, dims=([-1], [-2])) if b.ndim > 2 else torch.matmul(a, b)


def einsum(subscripts, *operands):
    return torch.einsum(subscripts, *_promote(operands))


def transpose(x, axes=None):
    x = _t(x)
    if axes is None:
        axes = tuple(range(x.ndim - 1, -1, -1))
    return x.permute(*axes)


def expand_dims(x, axis):
    x = _t(x)
    axes = axis if isinstance(axis, (tuple, list)) else (axis,)
    out_ndim = x.ndim + len(axes)
    for a in sorted(a % out_ndim for a in axes):
        x = x.unsqueeze(a)
    return x


def squeeze(x, axis=None):
    x = _t(x)
    if axis is None:
        return x.squeeze()
    axes = axis if isinstance(axis, (tuple, list)) else (axis,)
    for a in axes:
        if x.shape[a] != 1:
            raise ValueError(f"squeeze: cannot squeeze axis {a} of size {x.shape[a]} (shape {tuple(x.shape)}).")
    return x.squeeze(tuple(a % x.ndim for a in axes)) if axes else x


def reshape(x, newshape):
    return torch.reshape(_t(x), tuple(-1 if d is None else d for d in newshape))


def concatenate(xs, axis=0):
    return torch.cat(_promote(xs), dim=axis)


def stack(x, axis=0):
    return torch.stack(_promote(x), dim=axis)


def sum(x, axis=None, keepdims=False):
    x = _t(x)
    if x.dtype == torch.bool or (x.dtype in (torch.int8, torch.int16, torch.uint8)):
        x = x.to(torch.int32)
    if axis is None:
        out = torch.sum(x, dtype=x.dtype)
        return out.reshape((1,) * x.ndim) if keepdims else out
    return torch.sum(x, dim=_axis(axis), keepdim=keepdims, dtype=x.dtype)


def mean(x, axis=None, keepdims=False):
    x = _t(x)
    if not x.is_floating_point():
        x = x.to(to_torch_dtype(None))
    if axis is None:
        out = torch.mean(x)
        return out.reshape((1,) * x.ndim) if keepdims else out
    return torch.mean(x, dim=_axis(axis), keepdim=keepdims)


def _reduce_extreme(fn, x, axis, keepdims, initial):
    x = _t(x)
    if axis is None:
        out = fn(x)
        if keepdims:
            out = out.reshape((1,) * x.ndim)
    else:
        out = torch.amax(x, dim=_axis(axis), keepdim=keepdims) if fn is torch.max else torch.amin(
            x, dim=_axis(axis), keepdim=keepdims)
    if initial is not None:
        out = (torch.clamp(out, min=initial) if fn is torch.max else torch.clamp(out, max=initial))
    return out


def max(x, axis=None, keepdims=False, initial=None):
    return _reduce_extreme(torch.max, x, axis, keepdims, initial)


def min(x, axis=None, keepdims=False, initial=None):
    return _reduce_extreme(torch.min, x, axis, keepdims, initial)


def argmax(x, axis=None, keepdims=False):
    x = _t(x)
    if axis is None:
        out = torch.argmax(x.reshape(-1))
        return (out.reshape((1,) * x.ndim) if keepdims else out).to(torch.int32)
    return torch.argmax(x, dim=axis, keepdim=keepdims).to(torch.int32)


def _shape(shape):
    return (int(shape),) if isinstance(shape, int) or getattr(shape, "ndim", None) == 0 else tuple(shape)


def zeros(shape, dtype=None):
    return torch.zeros(_shape(shape), dtype=to_torch_dtype(dtype))


def ones(shape, dtype=None):
    return torch.ones(_shape(shape), dtype=to_torch_dtype(dtype))


def full(shape, fill_value, dtype=None):
    shape = _shape(shape)
    fill = _t(fill_value)
    dtype = to_torch_dtype(dtype) if dtype is not None else fill.dtype
    return torch.full(tuple(shape), fill.item() if fill.ndim == 0 else 0, dtype=dtype) if fill.ndim == 0 else torch.broadcast_to(fill.to(dtype), tuple(shape)).clone()


def zeros_like(x, dtype=None):
    x = _t(x)
    return torch.zeros_like(x, dtype=to_torch_dtype(dtype) if dtype else x.dtype)


def ones_like(x, dtype=None):
    x = _t(x)
    return torch.ones_like(x, dtype=to_torch_dtype(dtype) if dtype else x.dtype)


def arange(start, stop=None, step=1, dtype=None):
    if stop is None:
        start, stop = 0, start
    if dtype is None:
        is_float = builtins.any(isinstance(v, float) for v in (start, stop, step))
        dtype = None if is_float else "int32"
    return torch.arange(start, stop, step, dtype=to_torch_dtype(dtype))


def clip(x, x_min, x_max):
    x = _t(x)
    if x.dtype == torch.bool:
        x = x.to(torch.int32)
    return torch.clamp(x, x_min, x_max)


def take(x, indices, axis=None):
    x = _t(x)
    indices = _t(indices).to(torch.int64)
    if axis is None:
        x = x.reshape(-1)
        axis = 0
    axis = axis % x.ndim
    indices = torch.where(indices < 0, indices + x.shape[axis], indices)
    out = torch.index_select(x, axis, indices.reshape(-1))
    return out.reshape(tuple(x.shape[:axis]) + tuple(indices.shape) + tuple(x.shape[axis + 1:]))


def get_item(x, key):
    return _t(x)[key]


def broadcast_to(x, shape):
    return torch.broadcast_to(_t(x), tuple(shape))


def tile(x, repeats):
    x = _t(x)
    repeats = (repeats,) if isinstance(repeats, int) else tuple(repeats)
    return torch.tile(x, repeats)


def prod(x, axis=None, keepdims=False, dtype=None):
    x = _t(x)
    if dtype is not None:
        x = x.to(to_torch_dtype(dtype))
    elif x.dtype in (torch.bool, torch.int8, torch.int16, torch.uint8):
        x = x.to(torch.int32)
    if axis is None:
        out = torch.prod(x, dtype=x.dtype)
        return out.reshape((1,) * x.ndim) if keepdims else out
    axes = axis if isinstance(axis, (tuple, list)) else (axis,)
    for a in sorted((a % x.ndim for a in axes), reverse=True):
        x = torch.prod(x, dim=a, keepdim=keepdims, dtype=x.dtype)
    return x


def any(x, axis=None, keepdims=False):
    x = _t(x)
    if axis is None:
        out = torch.any(x)
        return out.reshape((1,) * x.ndim) if keepdims else out
    return torch.any(x, dim=_axis(axis), keepdim=keepdims)


def all(x, axis=None, keepdims=False):
    x = _t(x)
    if axis is None:
        out = torch.all(x)
        return out.reshape((1,) * x.ndim) if keepdims else out
    return torch.all(x, dim=_axis(axis), keepdim=keepdims)


# The other families live in their own modules, as in ``lamina.ops``; this namespace exposes them all.
from lamina.backend.torch.numpy_math import *  # noqa: E402,F401,F403
from lamina.backend.torch.numpy_linalg import *  # noqa: E402,F401,F403
from lamina.backend.torch.numpy_shape import *  # noqa: E402,F401,F403
from lamina.backend.torch.numpy_reduce import *  # noqa: E402,F401,F403
from lamina.backend.torch.numpy_index import *  # noqa: E402,F401,F403
from lamina.backend.torch.numpy_create import *  # noqa: E402,F401,F403
from lamina.backend.torch.numpy_extra import *  # noqa: E402,F401,F403
