"""Torch implementations of ``lamina.ops.linalg``."""

import torch

from lamina.backend.torch.core import convert_to_tensor, to_torch_dtype


def _float(x):
    x = convert_to_tensor(x)
    return x if (x.is_floating_point() or x.is_complex()) else x.to(to_torch_dtype(None))


def cholesky(x, upper=False):
    return torch.linalg.cholesky(_float(x), upper=upper)


def det(x):
    return torch.linalg.det(_float(x))


def slogdet(x):
    result = torch.linalg.slogdet(_float(x))
    return result.sign, result.logabsdet


def eig(x):
    return tuple(torch.linalg.eig(_float(x)))


def eigh(x):
    return tuple(torch.linalg.eigh(_float(x)))


def inv(x):
    return torch.linalg.inv(_float(x))


def lu_factor(x):
    lu, pivots = torch.linalg.lu_factor(_float(x))
    return lu, (pivots - 1).to(torch.int32)  # torch counts pivots from 1, NumPy/SciPy from 0


def norm(x, ord=None, axis=None, keepdims=False):
    x = _float(x)
    if isinstance(axis, list):
        axis = tuple(axis)
    if ord is None and axis is None:
        return torch.linalg.vector_norm(x.reshape(-1), keepdim=False).reshape((1,) * x.ndim if keepdims else ())
    if isinstance(axis, int) or (axis is None and x.ndim == 1):
        return torch.linalg.vector_norm(x, ord=2 if ord is None else ord, dim=0 if axis is None else axis,
                                        keepdim=keepdims)
    axis = (-2, -1) if axis is None else axis
    return torch.linalg.matrix_norm(x, ord="fro" if ord is None else ord, dim=axis, keepdim=keepdims)


def qr(x, mode="reduced"):
    return tuple(torch.linalg.qr(_float(x), mode=mode))


def solve(a, b):
    a, b = _float(a), _float(b)
    return torch.linalg.solve(a, b.to(a.dtype))


def solve_triangular(a, b, lower=False):
    a, b = _float(a), _float(b)
    vector = b.ndim == a.ndim - 1
    if vector:
        b = b.unsqueeze(-1)
    out = torch.linalg.solve_triangular(a, b.to(a.dtype), upper=not lower)
    return out.squeeze(-1) if vector else out


def svd(x, full_matrices=True, compute_uv=True):
    x = _float(x)
    if not compute_uv:
        return torch.linalg.svdvals(x)
    return tuple(torch.linalg.svd(x, full_matrices=full_matrices))


def lstsq(a, b, rcond=None):
    a, b = _float(a), _float(b)
    vector = b.ndim == 1
    if vector:
        b = b.unsqueeze(-1)
    out = torch.linalg.lstsq(a, b.to(a.dtype), rcond=rcond, driver="gelsd").solution
    return out.squeeze(-1) if vector else out


def matrix_power(x, n):
    return torch.linalg.matrix_power(convert_to_tensor(x), n)


def pinv(x):
    return torch.linalg.pinv(_float(x))


def matrix_rank(x):
    return torch.linalg.matrix_rank(_float(x)).to(torch.int32)


__all__ = [n for n in dir() if not n.startswith("_") and n not in ("torch", "convert_to_tensor", "to_torch_dtype")]
