"""JAX indexing, searching and sorting for ``lamina.ops.numpy_index``.

Gathers and scatters along an axis, search, unique, sort, histogram, correlate, interp. Index
results are int32.
"""

import builtins

import numpy as np
import jax.numpy as jnp

from lamina.backend.common import numpy_families
from lamina.backend.jax.numpy_helpers import _float, _i32, _t

__all__ = numpy_families.INDEX


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
    length = builtins.max(int(minlength), int(jnp.max(x)) + 1 if x.size else 0)
    w = None if weights is None else _t(weights)
    if x.ndim == 2:
        rows = [jnp.bincount(x[i], None if w is None else w[i], length=length) for i in range(x.shape[0])]
        out = jnp.stack(rows)
    else:
        out = jnp.bincount(x, w, length=length)
    return _i32(out) if w is None else out



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
