"""Torch shape, reduction, indexing, sorting and creation ops for ``lamina.ops.numpy``.

Dtypes follow JAX with 64-bit types off: integer indices come back as int32, statistics
of integers as ``floatx()``.
"""

import builtins
import math

import numpy as np
import torch

from lamina.backend.common import dtypes
from lamina.backend.torch.core import convert_to_tensor, to_torch_dtype
from lamina.backend.torch.numpy import _pair, _t


def _float(x):
    x = _t(x)
    return x if (x.is_floating_point() or x.is_complex()) else x.to(to_torch_dtype(None))


def _axes(axis, ndim):
    if axis is None:
        return tuple(range(ndim))
    axes = axis if isinstance(axis, (tuple, list)) else (axis,)
    return tuple(a % builtins.max(ndim, 1) for a in axes)


def _i32(x):
    return x.to(torch.int32)


def _keep(out, x, axis, keepdims):
    """Restores reduced axes of size 1 for reductions that dropped them."""
    if not keepdims:
        return out
    for a in sorted(_axes(axis, x.ndim)):
        out = out.unsqueeze(a)
    return out


def _promote(xs):
    xs = [_t(x) for x in xs]
    target = to_torch_dtype(dtypes.result_type(*[x.dtype for x in xs]))
    return [x.to(target) for x in xs]


# -- shape -------------------------------------------------------------------------
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


# -- reductions --------------------------------------------------------------------
def var(x, axis=None, keepdims=False, ddof=0):
    x = _float(x)
    return torch.var(x, dim=_axes(axis, x.ndim), correction=ddof, keepdim=keepdims)


def std(x, axis=None, keepdims=False, ddof=0):
    x = _float(x)
    return torch.std(x, dim=_axes(axis, x.ndim), correction=ddof, keepdim=keepdims)


def _moved_to_end(x, axis):
    """Moves ``axis`` (int, tuple or None) to one trailing axis; returns the view."""
    axes = _axes(axis, x.ndim)
    rest = [a for a in range(x.ndim) if a not in axes]
    x = x.permute(*rest, *axes)
    return x.reshape(tuple(x.shape[: len(rest)]) + (-1,))


def quantile(x, q, axis=None, method="linear", keepdims=False):
    x = _float(x)
    q_t = _t(q).to(x.dtype)
    compute = x if x.dtype in (torch.float32, torch.float64) else x.to(torch.float32)
    flat = _moved_to_end(compute, axis)
    out = torch.quantile(flat, q_t.to(compute.dtype), dim=-1, interpolation=method)
    if keepdims:
        for a in sorted(_axes(axis, x.ndim)):
            out = out.unsqueeze(a + q_t.ndim)
    return out.to(x.dtype)


def median(x, axis=None, keepdims=False):
    return quantile(x, 0.5, axis=axis, keepdims=keepdims)


def _widened(x):
    if x.dtype in (torch.bool, torch.int8, torch.int16):
        return x.to(torch.int32)
    return x


def cumsum(x, axis=None, dtype=None):
    x = _t(x)
    x = _widened(x) if dtype is None else x.to(to_torch_dtype(dtype))
    if axis is None:
        x, axis = x.reshape(-1), 0
    return torch.cumsum(x, dim=axis, dtype=x.dtype)


def cumprod(x, axis=None, dtype=None):
    x = _t(x)
    x = _widened(x) if dtype is None else x.to(to_torch_dtype(dtype))
    if axis is None:
        x, axis = x.reshape(-1), 0
    return torch.cumprod(x, dim=axis, dtype=x.dtype)


def cummax(x, axis=0):
    return torch.cummax(_t(x), dim=axis).values


def cummin(x, axis=0):
    return torch.cummin(_t(x), dim=axis).values


def count_nonzero(x, axis=None):
    x = _t(x)
    return _i32(torch.count_nonzero(x, dim=_axes(axis, x.ndim)))


def argmin(x, axis=None, keepdims=False):
    x = _t(x)
    if axis is None:
        out = torch.argmin(x.reshape(-1))
        return _i32(out.reshape((1,) * x.ndim) if keepdims else out)
    return _i32(torch.argmin(x, dim=axis, keepdim=keepdims))


def average(x, axis=None, weights=None):
    x = _float(x)
    if weights is None:
        return torch.mean(x, dim=_axes(axis, x.ndim))
    x, weights = _promote([x, weights])
    if weights.ndim != x.ndim:
        if axis is None or weights.ndim != 1:
            raise ValueError(
                f"average: `weights` of shape {tuple(weights.shape)} must match `x` {tuple(x.shape)} or be 1-D "
                "along `axis`."
            )
        shape = [1] * x.ndim
        shape[axis] = -1
        weights = weights.reshape(shape)
    weights = torch.broadcast_to(weights, x.shape)
    dims = _axes(axis, x.ndim)
    return torch.sum(x * weights, dim=dims) / torch.sum(weights, dim=dims)


def nansum(x, axis=None, keepdims=False):
    x = _t(x)
    return torch.nansum(x, dim=_axes(axis, x.ndim), keepdim=keepdims) if x.is_floating_point() else torch.sum(
        _widened(x), dim=_axes(axis, x.ndim), keepdim=keepdims)


def nanmean(x, axis=None, keepdims=False):
    x = _float(x)
    return torch.nanmean(x, dim=_axes(axis, x.ndim), keepdim=keepdims)


def nanmax(x, axis=None, keepdims=False):
    x = _t(x)
    if x.is_floating_point():
        x = torch.where(torch.isnan(x), torch.tensor(-math.inf, dtype=x.dtype), x)
    return torch.amax(x, dim=_axes(axis, x.ndim), keepdim=keepdims)


def nanmin(x, axis=None, keepdims=False):
    x = _t(x)
    if x.is_floating_point():
        x = torch.where(torch.isnan(x), torch.tensor(math.inf, dtype=x.dtype), x)
    return torch.amin(x, dim=_axes(axis, x.ndim), keepdim=keepdims)


def ptp(x, axis=None, keepdims=False):
    x = _t(x)
    dims = _axes(axis, x.ndim)
    return torch.amax(x, dim=dims, keepdim=keepdims) - torch.amin(x, dim=dims, keepdim=keepdims)


# -- indexing, sorting, searching -------------------------------------------------------
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
    return diff(ravel(x))


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


# -- creation ----------------------------------------------------------------------
def array(x, dtype=None):
    return convert_to_tensor(x, dtype=dtype)


def eye(N, M=None, k=0, dtype=None):
    M = N if M is None else M
    return torch.ones(N, M, dtype=to_torch_dtype(dtype)).tril(k).triu(k) if N and M else torch.zeros(
        N, M, dtype=to_torch_dtype(dtype))


def tri(N, M=None, k=0, dtype=None):
    M = N if M is None else M
    return torch.ones(N, M, dtype=to_torch_dtype(dtype)).tril(k)


def _linspace_dtype(start, stop, dtype):
    if dtype is not None:
        return to_torch_dtype(dtype)
    types = [v.dtype for v in (start, stop) if torch.is_tensor(v) and v.is_floating_point()]
    return types[0] if types else to_torch_dtype(None)


def linspace(start, stop, num=50, endpoint=True, retstep=False, dtype=None, axis=0):
    out_dtype = _linspace_dtype(start, stop, dtype)
    start_t, stop_t = _float(start).to(torch.float64), _float(stop).to(torch.float64)
    div = (num - 1) if endpoint else num
    step = (stop_t - start_t) / builtins.max(div, 1)
    steps = torch.arange(num, dtype=torch.float64).reshape((num,) + (1,) * start_t.ndim)
    out = start_t + steps * step
    if endpoint and num > 1:
        out[-1] = stop_t
    if not (out_dtype.is_floating_point or out_dtype.is_complex):
        out = torch.floor(out)
    out = torch.movedim(out.to(out_dtype), 0, axis) if out.ndim > 1 else out.to(out_dtype)
    return (out, step.to(out_dtype)) if retstep else out


def logspace(start, stop, num=50, endpoint=True, base=10.0, dtype=None, axis=0):
    out_dtype = _linspace_dtype(start, stop, dtype)
    exps = linspace(start, stop, num, endpoint=endpoint, dtype="float64", axis=axis)
    return torch.pow(torch.tensor(float(base), dtype=torch.float64), exps).to(out_dtype)


def geomspace(start, stop, num=50, endpoint=True, dtype=None, axis=0):
    out_dtype = _linspace_dtype(start, stop, dtype)
    logs = linspace(math.log10(float(start)), math.log10(float(stop)), num, endpoint=endpoint, dtype="float64",
                    axis=axis)
    out = torch.pow(torch.tensor(10.0, dtype=torch.float64), logs)
    out[0], out[-1] = float(start), float(stop) if endpoint else out[-1]
    return out.to(out_dtype)


def empty(shape, dtype=None):
    return torch.empty(tuple(shape), dtype=to_torch_dtype(dtype))


def full_like(x, fill_value, dtype=None):
    x = _t(x)
    return torch.full_like(x, fill_value, dtype=to_torch_dtype(dtype) if dtype else x.dtype)


def empty_like(x, dtype=None):
    x = _t(x)
    return torch.empty_like(x, dtype=to_torch_dtype(dtype) if dtype else x.dtype)


def meshgrid(*xs, indexing="xy"):
    return list(torch.meshgrid(*_promote(xs), indexing=indexing))


def indices(dimensions, dtype="int32"):
    grids = torch.meshgrid(*[torch.arange(d, dtype=to_torch_dtype(dtype)) for d in dimensions], indexing="ij")
    return torch.stack(grids)


__all__ = [n for n in dir() if not n.startswith("_") and n not in (
    "np", "torch", "math", "builtins", "dtypes", "convert_to_tensor", "to_torch_dtype")]
