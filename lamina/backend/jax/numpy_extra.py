"""JAX shape, reduction, indexing, sorting and creation ops for ``lamina.ops.numpy``."""

import numpy as np
import jax
import jax.numpy as jnp

from lamina.backend.jax.core import _jax_dtype, convert_to_tensor


def _t(x):
    return convert_to_tensor(x)


def _dt(dtype):
    return None if dtype is None else _jax_dtype(dtype)


def _float(x):
    x = _t(x)
    return x if jnp.issubdtype(x.dtype, jnp.inexact) else x.astype(_jax_dtype(None))


def _axis(axis):
    return tuple(axis) if isinstance(axis, list) else axis


def _i32(x):
    return x.astype(jnp.int32)


# -- shape -------------------------------------------------------------------------
def moveaxis(x, source, destination):
    return jnp.moveaxis(_t(x), source, destination)


def swapaxes(x, axis1, axis2):
    return jnp.swapaxes(_t(x), axis1, axis2)


def flip(x, axis=None):
    return jnp.flip(_t(x), axis=_axis(axis))


def rot90(x, k=1, axes=(0, 1)):
    return jnp.rot90(_t(x), k=k, axes=tuple(axes))


def roll(x, shift, axis=None):
    return jnp.roll(_t(x), shift, axis=_axis(axis))


def ravel(x):
    return jnp.ravel(_t(x))


def repeat(x, repeats, axis=None):
    repeats = repeats if isinstance(repeats, int) else np.asarray(repeats)
    return jnp.repeat(_t(x), repeats, axis=axis)


def split(x, indices_or_sections, axis=0):
    return jnp.split(_t(x), indices_or_sections, axis=axis)


def array_split(x, indices_or_sections, axis=0):
    return jnp.array_split(_t(x), indices_or_sections, axis=axis)


def pad(x, pad_width, mode="constant", constant_values=None):
    kwargs = {"constant_values": constant_values} if mode == "constant" and constant_values is not None else {}
    return jnp.pad(_t(x), pad_width, mode=mode, **kwargs)


def diag(x, k=0):
    return jnp.diag(_t(x), k=k)


def diagonal(x, offset=0, axis1=0, axis2=1):
    return jnp.diagonal(_t(x), offset=offset, axis1=axis1, axis2=axis2)


def diagflat(x, k=0):
    return jnp.diagflat(_t(x), k=k)


def tril(x, k=0):
    return jnp.tril(_t(x), k=k)


def triu(x, k=0):
    return jnp.triu(_t(x), k=k)


def insert(x, index, values, axis=None):
    return jnp.insert(_t(x), index if isinstance(index, slice) else np.asarray(index), _t(values), axis=axis)


def delete(x, index, axis=None):
    return jnp.delete(_t(x), index if isinstance(index, slice) else np.asarray(index), axis=axis)


# -- reductions --------------------------------------------------------------------
def var(x, axis=None, keepdims=False, ddof=0):
    return jnp.var(_float(x), axis=_axis(axis), keepdims=keepdims, ddof=ddof)


def std(x, axis=None, keepdims=False, ddof=0):
    return jnp.std(_float(x), axis=_axis(axis), keepdims=keepdims, ddof=ddof)


def median(x, axis=None, keepdims=False):
    return jnp.median(_float(x), axis=_axis(axis), keepdims=keepdims)


def quantile(x, q, axis=None, method="linear", keepdims=False):
    x = _float(x)
    return jnp.quantile(x, _t(q).astype(x.dtype), axis=_axis(axis), method=method, keepdims=keepdims)


def _widened(x):
    if x.dtype in (jnp.bool_, jnp.int8, jnp.int16):
        return x.astype(jnp.int32)
    return x


def cumsum(x, axis=None, dtype=None):
    x = _t(x)
    return jnp.cumsum(_widened(x) if dtype is None else x, axis=axis, dtype=_dt(dtype))


def cumprod(x, axis=None, dtype=None):
    x = _t(x)
    return jnp.cumprod(_widened(x) if dtype is None else x, axis=axis, dtype=_dt(dtype))


def cummax(x, axis=0):
    return jax.lax.cummax(_t(x), axis=axis % _t(x).ndim)


def cummin(x, axis=0):
    return jax.lax.cummin(_t(x), axis=axis % _t(x).ndim)


def count_nonzero(x, axis=None):
    return _i32(jnp.count_nonzero(_t(x), axis=_axis(axis)))


def argmin(x, axis=None, keepdims=False):
    return _i32(jnp.argmin(_t(x), axis=axis, keepdims=keepdims))


def average(x, axis=None, weights=None):
    x = _float(x)
    return jnp.average(x, axis=_axis(axis), weights=None if weights is None else _t(weights))


def nansum(x, axis=None, keepdims=False):
    return jnp.nansum(_t(x), axis=_axis(axis), keepdims=keepdims)


def nanmean(x, axis=None, keepdims=False):
    return jnp.nanmean(_float(x), axis=_axis(axis), keepdims=keepdims)


def nanmax(x, axis=None, keepdims=False):
    return jnp.nanmax(_t(x), axis=_axis(axis), keepdims=keepdims)


def nanmin(x, axis=None, keepdims=False):
    return jnp.nanmin(_t(x), axis=_axis(axis), keepdims=keepdims)


def ptp(x, axis=None, keepdims=False):
    return jnp.ptp(_t(x), axis=_axis(axis), keepdims=keepdims)


# -- indexing, sorting, searching -------------------------------------------------------
def take_along_axis(x, indices, axis=None):
    return jnp.take_along_axis(_t(x), _t(indices), axis=axis)


def put_along_axis(x, indices, values, axis):
    x = _t(x)
    return jnp.put_along_axis(x, _t(indices), _t(values).astype(x.dtype), axis=axis, inplace=False)


def nonzero(x):
    return tuple(_i32(i) for i in jnp.nonzero(_t(x)))


def argwhere(x):
    return _i32(jnp.argwhere(_t(x)))


def flatnonzero(x):
    return _i32(jnp.flatnonzero(_t(x)))


def searchsorted(sorted_sequence, values, side="left"):
    return _i32(jnp.searchsorted(_t(sorted_sequence), _t(values), side=side))


def digitize(x, bins, right=False):
    return _i32(jnp.digitize(_t(x), _t(bins), right=right))


def bincount(x, weights=None, minlength=0):
    x = _t(x)
    length = builtin_max(int(minlength), int(jnp.max(x)) + 1 if x.size else 0)
    w = None if weights is None else _t(weights)
    if x.ndim == 2:
        rows = [jnp.bincount(x[i], None if w is None else w[i], length=length) for i in range(x.shape[0])]
        out = jnp.stack(rows)
    else:
        out = jnp.bincount(x, w, length=length)
    return _i32(out) if w is None else out


builtin_max = max


def unique(x, return_index=False, return_inverse=False, return_counts=False, axis=None):
    out = jnp.unique(_t(x), return_index=return_index, return_inverse=return_inverse,
                     return_counts=return_counts, axis=axis)
    if isinstance(out, tuple):
        return (out[0],) + tuple(_i32(o) for o in out[1:])
    return out


def select(condlist, choicelist, default=0):
    return jnp.select([_t(c) for c in condlist], [_t(c) for c in choicelist], default)


def choose(a, choices, mode="raise"):
    return jnp.choose(_t(a), [_t(c) for c in choices], mode="clip" if mode == "raise" else mode)


def compress(condition, x, axis=None):
    return jnp.compress(np.asarray(condition), _t(x), axis=axis)


def extract(condition, x):
    return jnp.extract(np.asarray(condition), _t(x))


def sort(x, axis=-1, descending=False):
    out = jnp.sort(_t(x), axis=axis)
    return jnp.flip(out, axis=axis) if descending else out


def argsort(x, axis=-1, descending=False, stable=True):
    return _i32(jnp.argsort(_t(x), axis=axis, descending=descending, stable=stable))


def partition(x, kth, axis=-1):
    return jnp.partition(_t(x), kth, axis=axis)


def argpartition(x, kth, axis=-1):
    return _i32(jnp.argpartition(_t(x), kth, axis=axis))


def isin(x1, x2, assume_unique=False, invert=False):
    return jnp.isin(_t(x1), _t(x2), assume_unique=assume_unique, invert=invert)


def histogram(x, bins=10, range=None):
    counts, edges = jnp.histogram(_t(x), bins=bins, range=range)
    return _i32(counts), edges


def diff(x, n=1, axis=-1):
    return jnp.diff(_t(x), n=n, axis=axis)


def ediff1d(x):
    return jnp.ediff1d(_t(x))


def correlate(x1, x2, mode="valid"):
    return jnp.correlate(_t(x1), _t(x2), mode=mode)


def convolve(x1, x2, mode="full"):
    return jnp.convolve(_t(x1), _t(x2), mode=mode)


def trapezoid(y, x=None, dx=1.0, axis=-1):
    return jnp.trapezoid(_float(y), None if x is None else _t(x), dx=dx, axis=axis)


def interp(x, xp, fp, left=None, right=None):
    return jnp.interp(_float(x), _t(xp), _t(fp), left=left, right=right)


# -- creation ----------------------------------------------------------------------
def array(x, dtype=None):
    return convert_to_tensor(x, dtype=dtype)


def eye(N, M=None, k=0, dtype=None):
    return jnp.eye(N, M, k=k, dtype=_jax_dtype(dtype))


def tri(N, M=None, k=0, dtype=None):
    return jnp.tri(N, M, k=k, dtype=_jax_dtype(dtype))


def linspace(start, stop, num=50, endpoint=True, retstep=False, dtype=None, axis=0):
    start, stop = (v if isinstance(v, (int, float)) else _float(v) for v in (start, stop))
    return jnp.linspace(start, stop, num, endpoint=endpoint, retstep=retstep, dtype=_dt(dtype), axis=axis)


def logspace(start, stop, num=50, endpoint=True, base=10.0, dtype=None, axis=0):
    start, stop = (v if isinstance(v, (int, float)) else _float(v) for v in (start, stop))
    return jnp.logspace(start, stop, num, endpoint=endpoint, base=base, dtype=_dt(dtype), axis=axis)


def geomspace(start, stop, num=50, endpoint=True, dtype=None, axis=0):
    return jnp.geomspace(start, stop, num, endpoint=endpoint, dtype=_dt(dtype), axis=axis)


def empty(shape, dtype=None):
    return jnp.empty(tuple(shape), dtype=_jax_dtype(dtype))


def full_like(x, fill_value, dtype=None):
    return jnp.full_like(_t(x), fill_value, dtype=_dt(dtype))


def empty_like(x, dtype=None):
    return jnp.empty_like(_t(x), dtype=_dt(dtype))


def meshgrid(*xs, indexing="xy"):
    return jnp.meshgrid(*[_t(x) for x in xs], indexing=indexing)


def indices(dimensions, dtype="int32"):
    return jnp.indices(tuple(dimensions), dtype=_jax_dtype(dtype))


__all__ = [n for n in dir() if not n.startswith("_") and n not in ("np", "jax", "jnp", "convert_to_tensor", "builtin_max")]
