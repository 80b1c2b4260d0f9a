"""Torch tensor creation for ``lamina.ops.numpy_create``.

array, eye, tri, linspace, logspace, geomspace, empty, full_like, meshgrid, indices.
"""

import builtins

import torch

from lamina.backend.common import numpy_families
from lamina.backend.torch.core import convert_to_tensor, to_torch_dtype
from lamina.backend.torch.numpy_helpers import _float, _promote, _t

__all__ = numpy_families.CREATE


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
    start_t, stop_t = _float(start).to(torch.float64), _float(stop).to(torch.float64)
    sign = torch.where(start_t < 0, -1.0, 1.0).to(torch.float64)  # both ends share a sign
    logs = linspace(torch.log10(start_t.abs()), torch.log10(stop_t.abs()), num, endpoint=endpoint,
                    dtype="float64")
    out = sign * torch.pow(torch.tensor(10.0, dtype=torch.float64), logs)
    if num > 0:
        out[0] = start_t  # exact ends, as NumPy gives
        if endpoint and num > 1:
            out[-1] = stop_t
    out = torch.movedim(out, 0, axis) if out.ndim > 1 else out
    return out.to(out_dtype)


def empty(shape, dtype=None):
    return torch.empty(tuple(shape), dtype=to_torch_dtype(dtype))


def full_like(x, fill_value, dtype=None):
    x = _t(x)
    out_dtype = to_torch_dtype(dtype) if dtype else x.dtype
    if isinstance(fill_value, (int, float, bool, complex)):
        return torch.full_like(x, fill_value, dtype=out_dtype)
    return torch.broadcast_to(_t(fill_value).to(out_dtype), x.shape).clone()  # an array of fill values


def empty_like(x, dtype=None):
    x = _t(x)
    return torch.empty_like(x, dtype=to_torch_dtype(dtype) if dtype else x.dtype)


def meshgrid(*xs, indexing="xy"):
    return list(torch.meshgrid(*_promote(xs), indexing=indexing))


def indices(dimensions, dtype="int32"):
    grids = torch.meshgrid(*[torch.arange(d, dtype=to_torch_dtype(dtype)) for d in dimensions], indexing="ij")
    return torch.stack(grids)
