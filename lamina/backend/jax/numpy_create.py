"""JAX tensor creation for ``lamina.ops.numpy_create``.

array, eye, tri, linspace, logspace, geomspace, empty, full_like, meshgrid, indices.
"""

import jax.numpy as jnp

from lamina.backend.common import numpy_families
from lamina.backend.jax.core import convert_to_tensor, to_jax_dtype
from lamina.backend.jax.numpy_helpers import _dt, _float, _t

__all__ = numpy_families.CREATE


def array(x, dtype=None):
    return convert_to_tensor(x, dtype=dtype)


def eye(N, M=None, k=0, dtype=None):
    return jnp.eye(N, M, k=k, dtype=to_jax_dtype(dtype))


def tri(N, M=None, k=0, dtype=None):
    return jnp.tri(N, M, k=k, dtype=to_jax_dtype(dtype))


def linspace(start, stop, num=50, endpoint=True, retstep=False, dtype=None, axis=0):
    start, stop = (v if isinstance(v, (int, float)) else _float(v) for v in (start, stop))
    return jnp.linspace(start, stop, num, endpoint=endpoint, retstep=retstep, dtype=_dt(dtype), axis=axis)


def logspace(start, stop, num=50, endpoint=True, base=10.0, dtype=None, axis=0):
    start, stop = (v if isinstance(v, (int, float)) else _float(v) for v in (start, stop))
    return jnp.logspace(start, stop, num, endpoint=endpoint, base=base, dtype=_dt(dtype), axis=axis)


def geomspace(start, stop, num=50, endpoint=True, dtype=None, axis=0):
    return jnp.geomspace(start, stop, num, endpoint=endpoint, dtype=_dt(dtype), axis=axis)


def empty(shape, dtype=None):
    return jnp.empty(tuple(shape), dtype=to_jax_dtype(dtype))


def full_like(x, fill_value, dtype=None):
    return jnp.full_like(_t(x), fill_value, dtype=_dt(dtype))


def empty_like(x, dtype=None):
    return jnp.empty_like(_t(x), dtype=_dt(dtype))


def meshgrid(*xs, indexing="xy"):
    return jnp.meshgrid(*[_t(x) for x in xs], indexing=indexing)


def indices(dimensions, dtype="int32"):
    return jnp.indices(tuple(dimensions), dtype=to_jax_dtype(dtype))
