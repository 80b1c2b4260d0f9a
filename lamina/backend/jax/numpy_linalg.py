"""JAX products and matrix helpers for ``lamina.ops.numpy_linalg`` (tensordot, outer, kron, trace ...)."""

import jax.numpy as jnp

from lamina.backend.common import numpy_families
from lamina.backend.jax.core import convert_to_tensor

__all__ = numpy_families.LINALG


def _tensors(*xs):
    return [convert_to_tensor(x) for x in xs]


def tensordot(x1, x2, axes=2):
    x1, x2 = _tensors(x1, x2)
    return jnp.tensordot(x1, x2, axes=axes)


def inner(x1, x2):
    return jnp.inner(*_tensors(x1, x2))


def outer(x1, x2):
    return jnp.outer(*_tensors(x1, x2))


def vdot(x1, x2):
    return jnp.vdot(*_tensors(x1, x2))


def vecdot(x1, x2, axis=-1):
    return jnp.vecdot(*_tensors(x1, x2), axis=axis)


def cross(x1, x2, axisa=-1, axisb=-1, axisc=-1, axis=None):
    return jnp.cross(*_tensors(x1, x2), axisa=axisa, axisb=axisb, axisc=axisc, axis=axis)


def kron(x1, x2):
    return jnp.kron(*_tensors(x1, x2))


def trace(x, offset=0, axis1=0, axis2=1):
    x = convert_to_tensor(x)
    dtype = None
    if x.dtype in (jnp.bool_, jnp.int8, jnp.int16):
        dtype = jnp.int32
    elif x.dtype in (jnp.uint8, jnp.uint16):
        dtype = jnp.uint32
    return jnp.trace(x, offset=offset, axis1=axis1, axis2=axis2, dtype=dtype)

