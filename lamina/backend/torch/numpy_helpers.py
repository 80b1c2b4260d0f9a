"""Argument helpers shared by the torch NumPy-like op modules (``numpy`` and its families).

Dtypes follow JAX with 64-bit types off: Python scalars take the dtype of the tensor they
meet, float-valued functions of integers give ``floatx()``, integer indices come back as int32.
They import nothing from the op modules, so every family can import them.
"""

import builtins

import torch

from lamina.backend.common import dtypes
from lamina.backend.torch.core import convert_to_tensor, to_torch_dtype


def _t(x):
    return convert_to_tensor(x)


def _pair(x1, x2):
    """Converts two operands, letting Python scalars take the other's dtype (weak typing)."""
    if isinstance(x1, (int, float, bool)) and not isinstance(x2, (int, float, bool)):
        x2 = _t(x2)
        return _scalar_like(x1, x2), x2
    if isinstance(x2, (int, float, bool)) and not isinstance(x1, (int, float, bool)):
        x1 = _t(x1)
        return x1, _scalar_like(x2, x1)
    x1, x2 = _t(x1), _t(x2)
    if x1.dtype != x2.dtype:
        target = to_torch_dtype(dtypes.result_type(x1.dtype, x2.dtype))
        x1, x2 = x1.to(target), x2.to(target)
    return x1, x2


def _scalar_like(scalar, ref):
    if isinstance(scalar, float) and not (ref.is_floating_point() or ref.is_complex()):
        return torch.tensor(scalar, dtype=to_torch_dtype(None))
    return torch.tensor(scalar, dtype=ref.dtype) if not isinstance(scalar, bool) or ref.dtype == torch.bool else torch.tensor(scalar)


def _promote(xs):
    """Tensors of ``xs`` cast to their common result type."""
    xs = [_t(x) for x in xs]
    target = to_torch_dtype(dtypes.result_type(*[x.dtype for x in xs]))
    return [x.to(target) for x in xs]


def _binary(fn):
    """``fn(x1, x2)`` on operands converted by ``_pair``."""

    def op(x1, x2):
        a, b = _pair(x1, x2)
        return fn(a, b)

    op.__name__ = fn.__name__
    return op


def _float(x):
    """``x`` as a tensor; integers and bools become ``floatx()``."""
    x = _t(x)
    return x if (x.is_floating_point() or x.is_complex()) else x.to(to_torch_dtype(None))


def _float_input(fn):
    """``fn(x, ...)`` with ``x`` converted by ``_float``."""

    def op(x, *args, **kwargs):
        return fn(_float(x), *args, **kwargs)

    op.__name__ = fn.__name__
    return op


def _axis(axis):
    return tuple(axis) if isinstance(axis, list) else axis


def _axes(axis, ndim):
    """``axis`` (None, an int or a sequence) as a tuple of non-negative axes."""
    if axis is None:
        return tuple(range(ndim))
    axes = axis if isinstance(axis, (tuple, list)) else (axis,)
    return tuple(a % builtins.max(ndim, 1) for a in axes)


def _i32(x):
    return x.to(torch.int32)
