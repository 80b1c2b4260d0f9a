"""JAX implementations of ``lamina.ops.numpy_extra`` and ``lamina.ops.numpy_nan``.

Window functions, float tests and helpers NumPy has beside its core, and the nan-aware
statistics. Each follows ``jax.numpy`` (64-bit types off); windows are ``floatx()``.
"""

import jax.numpy as jnp

from lamina.backend.common import dtypes, numpy_families
from lamina.backend.jax.core import to_jax_dtype
from lamina.backend.jax.numpy_helpers import _axis, _dt, _t

__all__ = numpy_families.EXTRA


def _window(fn):
    def window(x):
        return fn(int(_t(x))).astype(to_jax_dtype(None))

    window.__name__ = fn.__name__
    return window


bartlett = _window(jnp.bartlett)
blackman = _window(jnp.blackman)
hamming = _window(jnp.hamming)
hanning = _window(jnp.hanning)


def kaiser(x, beta):
    return jnp.kaiser(int(_t(x)), beta).astype(to_jax_dtype(None))


def copy(x):
    return jnp.copy(_t(x))


def corrcoef(x):
    return jnp.corrcoef(_t(x))


def divide_no_nan(x1, x2):
    x1, x2 = _t(x1), _t(x2)
    zero = x2 == 0
    return jnp.where(zero, 0, jnp.divide(x1, jnp.where(zero, 1, x2)))


def fabs(x):
    return jnp.fabs(_t(x))


def fmax(x1, x2):
    return jnp.fmax(_t(x1), _t(x2))


def fmin(x1, x2):
    return jnp.fmin(_t(x1), _t(x2))


def i0(x):
    x = _t(x)
    name = dtypes.standardize_dtype(x.dtype)
    if name in ("int64", "float64"):
        name = "float64"
    elif name not in ("bfloat16", "float16"):
        name = None
    return jnp.i0(x.astype(to_jax_dtype(name)))


def isneginf(x):
    return jnp.isneginf(_t(x))


def isposinf(x):
    return jnp.isposinf(_t(x))


def isreal(x):
    return jnp.isreal(_t(x))


def ldexp(x1, x2):
    return jnp.ldexp(_t(x1), _t(x2))


def nextafter(x1, x2):
    return jnp.nextafter(_t(x1), _t(x2))


def unravel_index(indices, shape):
    return tuple(jnp.unravel_index(_t(indices), tuple(shape)))


def vander(x, N=None, increasing=False):
    return jnp.vander(_t(x), N=N, increasing=increasing)


def view(x, dtype=None):
    x = _t(x)
    return x if dtype is None else x.view(to_jax_dtype(dtype))


def vectorize(pyfunc, excluded=None, signature=None):
    return jnp.vectorize(pyfunc, excluded=set() if excluded is None else set(excluded), signature=signature)


def nanargmax(x, axis=None, keepdims=False):
    return jnp.nanargmax(_t(x), axis=axis, keepdims=keepdims)


def nanargmin(x, axis=None, keepdims=False):
    return jnp.nanargmin(_t(x), axis=axis, keepdims=keepdims)


def nancumprod(x, axis=None, dtype=None):
    return jnp.nancumprod(_t(x), axis=axis, dtype=_dt(dtype))


def nancumsum(x, axis=None, dtype=None):
    return jnp.nancumsum(_t(x), axis=axis, dtype=_dt(dtype))


def nanmedian(x, axis=None, keepdims=False):
    return jnp.nanmedian(_t(x), axis=_axis(axis), keepdims=keepdims)


def nanquantile(x, q, axis=None, method="linear", keepdims=False):
    return jnp.nanquantile(_t(x), _t(q), axis=_axis(axis), method=method, keepdims=keepdims)


def nanpercentile(x, q, axis=None, method="linear", keepdims=False):
    return jnp.nanpercentile(_t(x), _t(q), axis=_axis(axis), method=method, keepdims=keepdims)


def nanprod(x, axis=None, keepdims=False):
    return jnp.nanprod(_t(x), axis=_axis(axis), keepdims=keepdims)


def nanvar(x, axis=None, keepdims=False):
    return jnp.nanvar(_t(x), axis=_axis(axis), keepdims=keepdims)


def nanstd(x, axis=None, keepdims=False):
    return jnp.nanstd(_t(x), axis=_axis(axis), keepdims=keepdims)
