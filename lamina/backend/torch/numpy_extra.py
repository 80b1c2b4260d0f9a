"""Torch implementations of ``lamina.ops.numpy_extra`` and ``lamina.ops.numpy_nan``.

Window functions, float tests and helpers NumPy has beside its core, and the nan-aware
statistics, with the dtypes of JAX with 64-bit types off (as the other families).
"""

import math

import torch

from lamina.backend.common import dtypes, numpy_families
from lamina.backend.torch.core import to_torch_dtype
from lamina.backend.torch.numpy_helpers import _axes, _float, _i32, _pair, _t
from lamina.backend.torch.numpy_reduce import cumprod, cumsum, nanmean

__all__ = numpy_families.EXTRA


def _result(*xs, float_result=False):
    """The torch dtype of ``xs``' result type (at least float when ``float_result``)."""
    types = [x.dtype for x in xs] + ([float] if float_result else [])
    return to_torch_dtype(dtypes.result_type(*types))


def _window(fn):
    def window(x):
        return fn(int(_t(x)), dtype=to_torch_dtype(None))

    window.__name__ = fn.__name__
    return window


bartlett = _window(torch.signal.windows.bartlett)
blackman = _window(torch.signal.windows.blackman)
hamming = _window(torch.signal.windows.hamming)
hanning = _window(torch.signal.windows.hann)


def kaiser(x, beta):
    return torch.signal.windows.kaiser(int(_t(x)), beta=float(beta), dtype=to_torch_dtype(None))


def copy(x):
    return torch.clone(_t(x))


def corrcoef(x):
    x = _t(x)
    if x.dtype == torch.int64:
        x = x.to(torch.float64)
    return torch.corrcoef(_float(x))


def divide_no_nan(x1, x2):
    x1, x2 = _pair(x1, x2)
    dtype = _result(x1, x2, float_result=True)
    x1, x2 = x1.to(dtype), x2.to(dtype)
    zero = x2 == 0
    return torch.where(zero, torch.zeros((), dtype=dtype), x1 / torch.where(zero, torch.ones_like(x2), x2))


def fabs(x):
    return torch.abs(_float(x))


def fmax(x1, x2):
    return torch.fmax(*_pair(x1, x2))


def fmin(x1, x2):
    return torch.fmin(*_pair(x1, x2))


def i0(x):
    x = _t(x)
    if x.dtype in (torch.int64, torch.float64):
        dtype = torch.float64
    elif x.dtype in (torch.bfloat16, torch.float16):
        dtype = x.dtype
    else:
        dtype = to_torch_dtype(None)
    return torch.i0(x.to(dtype))


def isneginf(x):
    return torch.isneginf(_t(x))


def isposinf(x):
    return torch.isposinf(_t(x))


def isreal(x):
    return torch.isreal(_t(x))


def ldexp(x1, x2):
    x1, x2 = _t(x1), _t(x2)
    return torch.ldexp(x1, x2).to(_result(x1, x2, float_result=True))


def nextafter(x1, x2):
    # In the result dtype itself: the float64 neighbour of a float32 rounds back to the float32.
    x1, x2 = _t(x1), _t(x2)
    dtype = _result(x1, x2, float_result=True)
    return torch.nextafter(x1.to(dtype), x2.to(dtype))


def unravel_index(indices, shape):
    indices = _t(indices)
    return tuple(i.to(indices.dtype) for i in torch.unravel_index(indices, tuple(shape)))


def vander(x, N=None, increasing=False):
    x = _t(x)
    return torch.vander(x, N=N, increasing=increasing).to(x.dtype)


def view(x, dtype=None):
    x = _t(x)
    return x if dtype is None else x.view(to_torch_dtype(dtype))


def _parse_signature(signature):
    """``"(m,n),(n)->(m)"`` -> ([("m", "n"), ("n",)], [("m",)])."""
    def groups(text):
        found = [g.strip() for g in text.strip()[1:-1].split("),(")] if text.strip() else []
        return [tuple(d.strip() for d in g.split(",") if d.strip()) for g in found]

    inputs, _, outputs = signature.replace(" ", "").partition("->")
    return groups(inputs), groups(outputs)


def vectorize(pyfunc, excluded=None, signature=None):
    excluded = set() if excluded is None else set(excluded)

    def vectorized(*args):
        fixed = {i: a for i, a in enumerate(args) if i in excluded}
        mapped = [_t(a) for i, a in enumerate(args) if i not in excluded]
        if signature is None:
            core = [()] * len(mapped)
        else:
            core, _ = _parse_signature(signature)
            if len(core) != len(mapped):
                raise ValueError(f"vectorize: the signature {signature!r} names {len(core)} inputs. "
                                 f"Received: {len(mapped)} (non-excluded) arguments")
        loops = [tuple(a.shape[:a.ndim - len(c)]) for a, c in zip(mapped, core)]
        batch = tuple(torch.broadcast_shapes(*loops)) if loops else ()
        flat = [a.broadcast_to(batch + tuple(a.shape[a.ndim - len(c):])).reshape((-1,) + tuple(a.shape[a.ndim - len(c):]))
                for a, c in zip(mapped, core)]

        def call(*values):
            values = iter(values)
            return pyfunc(*[fixed[i] if i in fixed else next(values) for i in range(len(args))])

        if not batch:
            return call(*mapped)
        out = torch.vmap(call)(*flat)
        reshape = lambda o: o.reshape(batch + tuple(o.shape[1:]))  # noqa: E731
        return tuple(reshape(o) for o in out) if isinstance(out, (tuple, list)) else reshape(out)

    return vectorized


def _nan_to(x, value):
    return torch.where(torch.isnan(x), torch.tensor(value, dtype=x.dtype), x) if x.is_floating_point() else x


def _arg_extreme(fn, fill, x, axis, keepdims):
    x = _t(x)
    flat = x.reshape(-1) if axis is None else x
    dim = 0 if axis is None else axis
    index = fn(_nan_to(flat, fill), dim=dim, keepdim=keepdims and axis is not None)
    if x.is_floating_point():
        all_nan = torch.isnan(flat).all(dim=dim, keepdim=keepdims and axis is not None)
        index = torch.where(all_nan, torch.tensor(-1, dtype=index.dtype), index)
    if axis is None and keepdims:
        index = index.reshape((1,) * x.ndim)
    return _i32(index)


def nanargmax(x, axis=None, keepdims=False):
    return _arg_extreme(torch.argmax, -math.inf, x, axis, keepdims)


def nanargmin(x, axis=None, keepdims=False):
    return _arg_extreme(torch.argmin, math.inf, x, axis, keepdims)


def nancumprod(x, axis=None, dtype=None):
    return cumprod(_nan_to(_t(x), 1.0), axis=axis, dtype=dtype)


def nancumsum(x, axis=None, dtype=None):
    return cumsum(_nan_to(_t(x), 0.0), axis=axis, dtype=dtype)


def nanquantile(x, q, axis=None, method="linear", keepdims=False):
    x = _t(x)
    result_dtype = _result(x, float_result=True)
    compute = x.to(to_torch_dtype(dtypes.result_type(x.dtype, "float32")))
    q = _t(q).to(compute.dtype)
    axes = _axes(axis, x.ndim)
    rest = [a for a in range(x.ndim) if a not in axes]
    flat = compute.permute(*rest, *axes).reshape([x.shape[a] for a in rest] + [-1])
    out = torch.nanquantile(flat, q, dim=-1, interpolation=method)
    if keepdims:
        shift = 1 if q.ndim > 0 else 0
        for a in sorted(axes):
            out = out.unsqueeze(a + shift)
    return out.to(result_dtype)


def nanpercentile(x, q, axis=None, method="linear", keepdims=False):
    return nanquantile(x, _t(q).to(to_torch_dtype(None)) / 100.0, axis=axis, method=method, keepdims=keepdims)


def nanmedian(x, axis=None, keepdims=False):
    x = _t(x)
    if axis in ((), []):
        return x
    return nanquantile(x, 0.5, axis=axis, keepdims=keepdims)


def nanprod(x, axis=None, keepdims=False):
    x = _nan_to(_t(x), 1.0)
    if x.dtype in (torch.bool, torch.int8, torch.int16, torch.uint8):
        x = x.to(torch.int32)
    if axis is None:
        out = torch.prod(x, dtype=x.dtype)
        return out.reshape((1,) * x.ndim) if keepdims else out
    for a in sorted(_axes(axis, x.ndim), reverse=True):
        x = torch.prod(x, dim=a, keepdim=keepdims, dtype=x.dtype)
    return x


def nanvar(x, axis=None, keepdims=False):
    x = _t(x)
    x = x.to(_result(x, float_result=True))
    dims = _axes(axis, x.ndim)
    valid = ~torch.isnan(x)
    centered = torch.where(valid, x - nanmean(x, axis=axis, keepdims=True), torch.zeros((), dtype=x.dtype))
    squared = centered.real ** 2 + centered.imag ** 2 if centered.is_complex() else centered ** 2
    return squared.sum(dim=dims, keepdim=keepdims) / valid.sum(dim=dims, keepdim=keepdims)


def nanstd(x, axis=None, keepdims=False):
    return torch.sqrt(nanvar(x, axis=axis, keepdims=keepdims))
