"""Torch reductions and statistics for ``lamina.ops.numpy_reduce``.

Variance, quantiles, cumulative and nan-aware reductions. Statistics of integers are
``floatx()``; index results are int32.
"""

import math

import torch

from lamina.backend.common import numpy_families
from lamina.backend.torch.core import to_torch_dtype
from lamina.backend.torch.numpy_helpers import _axes, _float, _i32, _promote, _t

__all__ = numpy_families.REDUCE


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
