"""JAX shape manipulation for ``lamina.ops.numpy_shape``.

Moving, flipping, rolling, repeating, splitting and padding axes; diagonals; insert and delete.
"""

import numpy as np
import jax.numpy as jnp

from lamina.backend.common import numpy_families
from lamina.backend.jax.numpy_helpers import _axis, _t

__all__ = numpy_families.SHAPE


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
