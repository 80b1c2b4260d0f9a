"""JAX reductions and statistics for ``lamina.ops.numpy_reduce``.

Variance, quantiles, cumulative and nan-aware reductions. Statistics of integers are
``floatx()``; index results are int32.
"""

import jax
import jax.numpy as jnp

from lamina.backend.common import numpy_families
from lamina.backend.jax.numpy_helpers import _axis, _dt, _float, _i32, _t

__all__ = numpy_families.REDUCE


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
