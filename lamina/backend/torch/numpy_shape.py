"""Torch shape manipulation for ``lamina.ops.numpy_shape``.

Moving, flipping, rolling, repeating, splitting and padding axes; diagonals; insert and delete.
"""

import builtins

import numpy as np
import torch

from lamina.backend.common import numpy_families
from lamina.backend.torch.numpy_helpers import _axes, _t

__all__ = numpy_families.SHAPE


def moveaxis(x, source, destination):
    return torch.movedim(_t(x), source, destination)


def swapaxes(x, axis1, axis2):
    return torch.swapaxes(_t(x), axis1, axis2)


def flip(x, axis=None):
    x = _t(x)
    return torch.flip(x, dims=_axes(axis, x.ndim))


def rot90(x, k=1, axes=(0, 1)):
    return torch.rot90(_t(x), k=k, dims=tuple(axes))


def roll(x, shift, axis=None):
    x = _t(x)
    if axis is None:
        return torch.roll(x.reshape(-1), shift).reshape(x.shape)
    return torch.roll(x, shift, dims=axis)


def ravel(x):
    return _t(x).reshape(-1)


def repeat(x, repeats, axis=None):
    x = _t(x)
    if not isinstance(repeats, int):
        repeats = _t(repeats).to(torch.int64)
    if axis is None:
        return torch.repeat_interleave(x.reshape(-1), repeats)
    return torch.repeat_interleave(x, repeats, dim=axis)


def split(x, indices_or_sections, axis=0):
    x = _t(x)
    if isinstance(indices_or_sections, int):
        size = x.shape[axis]
        if size % indices_or_sections:
            raise ValueError(
                f"split: an axis of size {size} does not divide into {indices_or_sections} equal sections. "
                "Use array_split for unequal sections."
            )
    return array_split(x, indices_or_sections, axis=axis)


def array_split(x, indices_or_sections, axis=0):
    x = _t(x)
    if isinstance(indices_or_sections, int):
        return list(torch.tensor_split(x, indices_or_sections, dim=axis))
    return list(torch.tensor_split(x, [int(i) for i in indices_or_sections], dim=axis))


def _normalize_pad_width(pad_width, ndim):
    return np.broadcast_to(np.asarray(pad_width, dtype=np.int64), (ndim, 2))


def pad(x, pad_width, mode="constant", constant_values=None):
    x = _t(x)
    widths = _normalize_pad_width(pad_width, x.ndim)
    if mode == "constant":
        flat = [int(v) for pair in widths[::-1] for v in pair]
        return torch.nn.functional.pad(x, flat, value=0 if constant_values is None else constant_values)
    for axis, (before, after) in enumerate(widths):
        if before == 0 and after == 0:
            continue
        n = x.shape[axis]
        idx = np.arange(-before, n + after)
        if mode == "edge":
            idx = np.clip(idx, 0, n - 1)
        elif mode == "reflect":
            period = builtins.max(2 * (n - 1), 1)
            idx = np.abs(((idx % period) + period) % period)
            idx = np.where(idx >= n, period - idx, idx)
        elif mode == "symmetric":
            period = 2 * n
            idx = ((idx % period) + period) % period
            idx = np.where(idx >= n, period - 1 - idx, idx)
        elif mode == "wrap":
            idx = idx % n
        else:
            raise ValueError(
                "pad: `mode` must be one of 'constant', 'edge', 'reflect', 'symmetric', 'wrap'. "
                f"Received: mode={mode!r}"
            )
        x = torch.index_select(x, axis, torch.as_tensor(idx, dtype=torch.int64))
    return x


def diag(x, k=0):
    return torch.diag(_t(x), diagonal=k)


def diagonal(x, offset=0, axis1=0, axis2=1):
    return torch.diagonal(_t(x), offset=offset, dim1=axis1, dim2=axis2)


def diagflat(x, k=0):
    return torch.diagflat(_t(x), offset=k)


def tril(x, k=0):
    return torch.tril(_t(x), diagonal=k)


def triu(x, k=0):
    return torch.triu(_t(x), diagonal=k)


def insert(x, index, values, axis=None):
    x = _t(x)
    if axis is None:
        x, axis = x.reshape(-1), 0
    n = x.shape[axis]
    positions = np.atleast_1d(np.asarray(index))
    positions = np.where(positions < 0, positions + n, positions)
    values = _t(values).to(x.dtype)
    shape = list(x.shape)
    shape[axis] = len(positions)
    if values.ndim == x.ndim - 1:
        values = values.unsqueeze(axis)
    values = torch.broadcast_to(values, shape)
    order = np.argsort(np.concatenate([np.arange(n), positions - 0.5]), kind="stable")
    merged = torch.cat([x, values], dim=axis)
    return torch.index_select(merged, axis, torch.as_tensor(order, dtype=torch.int64))


def delete(x, index, axis=None):
    x = _t(x)
    if axis is None:
        x, axis = x.reshape(-1), 0
    keep = np.ones(x.shape[axis], dtype=bool)
    keep[np.asarray(index)] = False
    return torch.index_select(x, axis, torch.as_tensor(np.nonzero(keep)[0], dtype=torch.int64))
