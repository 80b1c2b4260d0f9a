"""Torch products and matrix helpers for ``lamina.ops.numpy_linalg`` (tensordot, outer, kron, trace ...)."""

import torch

from lamina.backend.common import numpy_families
from lamina.backend.torch.numpy_helpers import _pair, _t

__all__ = numpy_families.LINALG


def _promoted(x1, x2):
    a, b = _pair(x1, x2)
    if a.dtype == torch.bool:
        a, b = a.to(torch.int32), b.to(torch.int32)
    return a, b


def tensordot(x1, x2, axes=2):
    a, b = _promoted(x1, x2)
    if isinstance(axes, int):
        return torch.tensordot(a, b, dims=axes)
    axes_a, axes_b = axes
    axes_a = [axes_a] if isinstance(axes_a, int) else list(axes_a)
    axes_b = [axes_b] if isinstance(axes_b, int) else list(axes_b)
    return torch.tensordot(a, b, dims=(axes_a, axes_b))


def inner(x1, x2):
    a, b = _promoted(x1, x2)
    if a.ndim == 0 or b.ndim == 0:
        return a * b
    return torch.inner(a, b)


def outer(x1, x2):
    a, b = _promoted(x1, x2)
    return torch.outer(a.reshape(-1), b.reshape(-1))


def vdot(x1, x2):
    a, b = _promoted(x1, x2)
    return torch.sum(torch.conj(a.reshape(-1)) * b.reshape(-1)) if a.is_complex() else torch.dot(
        a.reshape(-1), b.reshape(-1))


def vecdot(x1, x2, axis=-1):
    a, b = _promoted(x1, x2)
    return torch.sum(torch.conj(a) * b if a.is_complex() else a * b, dim=axis)


def cross(x1, x2, axisa=-1, axisb=-1, axisc=-1, axis=None):
    a, b = _promoted(x1, x2)
    if axis is not None:
        axisa = axisb = axisc = axis
    a, b = torch.movedim(a, axisa, -1), torch.movedim(b, axisb, -1)
    if a.shape[-1] == 2 and b.shape[-1] == 2:
        return a[..., 0] * b[..., 1] - a[..., 1] * b[..., 0]
    if a.shape[-1] == 2:
        a = torch.cat([a, torch.zeros_like(a[..., :1])], dim=-1)
    if b.shape[-1] == 2:
        b = torch.cat([b, torch.zeros_like(b[..., :1])], dim=-1)
    a, b = torch.broadcast_tensors(a, b)
    return torch.movedim(torch.linalg.cross(a, b, dim=-1), -1, axisc)


def kron(x1, x2):
    a, b = _promoted(x1, x2)
    return torch.kron(a, b)


def trace(x, offset=0, axis1=0, axis2=1):
    x = _t(x)
    if x.dtype in (torch.bool, torch.int8, torch.int16, torch.uint8):
        x = x.to(torch.int32)
    return torch.sum(torch.diagonal(x, offset=offset, dim1=axis1, dim2=axis2), dim=-1, dtype=x.dtype)

