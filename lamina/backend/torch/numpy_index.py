"""Torch indexing, searching and sorting for ``lamina.ops.numpy_index``.

Gathers and scatters along an axis, search, unique, sort, histogram, correlate, interp. Index
results are int32.
"""

import builtins

import torch

from lamina.backend.common import numpy_families
from lamina.backend.torch.core import to_torch_dtype
from lamina.backend.torch.numpy_helpers import _float, _i32, _pair, _promote, _t

__all__ = numpy_families.INDEX


def take_along_axis(x, indices, axis=None):
    x = _t(x)
    indices = _t(indices).to(torch.int64)
    if axis is None:
        x, axis = x.reshape(-1), 0
    axis = axis % x.ndim
    indices = torch.where(indices < 0, indices + x.shape[axis], indices)
    if indices.ndim == x.ndim and all(a == b for i, (a, b) in enumerate(zip(x.shape, indices.shape)) if i != axis):
        return torch.gather(x, axis, indices)
    shape = list(torch.broadcast_shapes(tuple(s if i != axis else 1 for i, s in enumerate(x.shape)),
                                        tuple(s if i != axis else 1 for i, s in enumerate(indices.shape))))
    x_shape, i_shape = list(shape), list(shape)
    x_shape[axis], i_shape[axis] = x.shape[axis], indices.shape[axis]
    return torch.gather(x.expand(x_shape), axis, indices.expand(i_shape))


def put_along_axis(x, indices, values, axis):
    x = _t(x)
    indices = _t(indices).to(torch.int64)
    axis = axis % x.ndim
    indices = torch.where(indices < 0, indices + x.shape[axis], indices)
    values = torch.broadcast_to(_t(values).to(x.dtype), indices.shape)
    return torch.scatter(x, axis, indices, values)


def nonzero(x):
    return tuple(_i32(i) for i in torch.nonzero(_t(x), as_tuple=True))


def argwhere(x):
    return _i32(torch.argwhere(_t(x)))


def flatnonzero(x):
    return _i32(torch.nonzero(_t(x).reshape(-1), as_tuple=True)[0])


def searchsorted(sorted_sequence, values, side="left"):
    a, v = _pair(sorted_sequence, values)
    return _i32(torch.searchsorted(a, v, right=side == "right"))


def digitize(x, bins, right=False):
    x, bins = _pair(x, bins)
    if bins.numel() > 1 and bool(bins[-1] < bins[0]):
        # Decreasing bins: NumPy counts from the other end.
        return _i32(bins.numel() - torch.searchsorted(torch.flip(bins, (0,)), x, right=not right))
    return _i32(torch.searchsorted(bins, x, right=not right))


def bincount(x, weights=None, minlength=0):
    x = _t(x).to(torch.int64)
    length = builtins.max(int(minlength), int(x.max()) + 1 if x.numel() else 0)
    w = None if weights is None else _t(weights)
    if x.ndim == 2:
        out = torch.stack([torch.bincount(x[i], None if w is None else w[i], minlength=length)
                           for i in range(x.shape[0])])
    else:
        out = torch.bincount(x, w, minlength=length)
    if w is None:
        return _i32(out)
    return out.to(w.dtype if w.is_floating_point() else torch.int32)


def unique(x, return_index=False, return_inverse=False, return_counts=False, axis=None):
    x = _t(x)
    values, inverse, counts = torch.unique(x, sorted=True, return_inverse=True, return_counts=True, dim=axis)
    out = [values]
    if return_index:
        flat_inverse = inverse.reshape(-1)
        first = torch.full((values.shape[0] if axis is not None else values.numel(),), flat_inverse.numel(),
                           dtype=torch.int64)
        first = first.scatter_reduce(0, flat_inverse, torch.arange(flat_inverse.numel()), reduce="amin")
        out.append(_i32(first))
    if return_inverse:
        out.append(_i32(inverse.reshape(-1) if axis is None else inverse))
    if return_counts:
        out.append(_i32(counts))
    return out[0] if len(out) == 1 else tuple(out)


def select(condlist, choicelist, default=0):
    choices = _promote(list(choicelist))
    out = torch.broadcast_to(torch.as_tensor(default, dtype=choices[0].dtype), torch.broadcast_shapes(
        *[c.shape for c in choices], *[_t(c).shape for c in condlist]))
    for cond, choice in zip(reversed(list(condlist)), reversed(choices)):
        out = torch.where(_t(cond).to(torch.bool), choice, out)
    return out


def choose(a, choices, mode="raise"):
    a = _t(a).to(torch.int64)
    n = len(choices)
    a = a % n if mode == "wrap" else torch.clamp(a, 0, n - 1)
    stacked = torch.stack(torch.broadcast_tensors(*_promote(list(choices)), a)[:-1])
    return torch.gather(stacked, 0, torch.broadcast_to(a, stacked.shape[1:]).unsqueeze(0)).squeeze(0)


def compress(condition, x, axis=None):
    x = _t(x)
    keep = torch.nonzero(_t(condition).to(torch.bool).reshape(-1), as_tuple=True)[0]
    if axis is None:
        return x.reshape(-1)[keep]
    return torch.index_select(x, axis, keep)


def extract(condition, x):
    x = _t(x)
    return x.reshape(-1)[_t(condition).to(torch.bool).reshape(-1)]


def sort(x, axis=-1, descending=False):
    x = _t(x)
    if axis is None:
        x, axis = x.reshape(-1), 0
    return torch.sort(x, dim=axis, descending=descending, stable=True).values


def argsort(x, axis=-1, descending=False, stable=True):
    x = _t(x)
    if axis is None:
        x, axis = x.reshape(-1), 0
    if x.dtype == torch.bool:
        x = x.to(torch.int32)
    return _i32(torch.sort(x, dim=axis, descending=descending, stable=True).indices)


def partition(x, kth, axis=-1):
    return sort(x, axis=axis)


def argpartition(x, kth, axis=-1):
    return argsort(x, axis=axis)


def isin(x1, x2, assume_unique=False, invert=False):
    a, b = _pair(x1, x2)
    return torch.isin(a, b, assume_unique=assume_unique, invert=invert)


def histogram(x, bins=10, range=None):
    x = _float(x)
    lo, hi = (float(x.min()), float(x.max())) if range is None else (float(range[0]), float(range[1]))
    if lo == hi:
        lo, hi = lo - 0.5, hi + 0.5
    counts = torch.histc(x.reshape(-1).to(torch.float32), bins=bins, min=lo, max=hi)
    edges = torch.linspace(lo, hi, bins + 1, dtype=x.dtype)
    return _i32(counts), edges


def diff(x, n=1, axis=-1):
    x = _t(x)
    if x.dtype == torch.bool:
        for _ in builtins.range(n):
            x = torch.logical_xor(x.narrow(axis, 1, x.shape[axis] - 1), x.narrow(axis, 0, x.shape[axis] - 1))
        return x
    return torch.diff(x, n=n, dim=axis)


def ediff1d(x):
    return diff(_t(x).reshape(-1))


def correlate(x1, x2, mode="valid"):
    a, v = _pair(x1, x2)
    if not a.is_floating_point():
        a, v = a.to(to_torch_dtype(None)), v.to(to_torch_dtype(None))
    if a.numel() < v.numel():
        a, v = v, a
        swapped = True
    else:
        swapped = False
    n, m = a.numel(), v.numel()
    pad_amount = {"valid": 0, "same": m // 2, "full": m - 1}
    if mode not in pad_amount:
        raise ValueError(f"correlate: `mode` must be 'valid', 'same' or 'full'. Received: mode={mode!r}")
    left = pad_amount[mode]
    right = {"valid": 0, "same": m - 1 - m // 2, "full": m - 1}[mode]
    padded = torch.nn.functional.pad(a.reshape(1, 1, n), (left, right))
    out = torch.nn.functional.conv1d(padded, v.reshape(1, 1, m)).reshape(-1)
    return torch.flip(out, (0,)) if swapped else out


def convolve(x1, x2, mode="full"):
    a, v = _pair(x1, x2)
    if a.numel() < v.numel():
        a, v = v, a
    return correlate(a, torch.flip(v.reshape(-1), (0,)), mode=mode)


def trapezoid(y, x=None, dx=1.0, axis=-1):
    y = _float(y)
    if x is None:
        return torch.trapezoid(y, dx=dx, dim=axis)
    return torch.trapezoid(y, _t(x).to(y.dtype), dim=axis)


def interp(x, xp, fp, left=None, right=None):
    x, xp, fp = _float(x), _float(xp), _float(fp)
    idx = torch.clamp(torch.searchsorted(xp, x, right=True), 1, xp.numel() - 1)
    x0, x1, y0, y1 = xp[idx - 1], xp[idx], fp[idx - 1], fp[idx]
    slope = (y1 - y0) / torch.where(x1 == x0, torch.ones_like(x1), x1 - x0)
    out = y0 + slope * (x - x0)
    out = torch.where(x < xp[0], fp[0] if left is None else torch.tensor(left, dtype=out.dtype), out)
    return torch.where(x > xp[-1], fp[-1] if right is None else torch.tensor(right, dtype=out.dtype), out)
