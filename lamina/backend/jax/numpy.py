"""JAX implementations of the NumPy-like ops (``lamina.ops.numpy``)."""

import jax.numpy as jnp

from lamina.backend.jax.core import convert_to_tensor, to_jax_dtype
from lamina.backend.jax.numpy_helpers import _dt


add = jnp.add
subtract = jnp.subtract
multiply = jnp.multiply
true_divide = jnp.true_divide
divide = jnp.true_divide
floor_divide = jnp.floor_divide
mod = jnp.mod
power = jnp.power
negative = jnp.negative
absolute = jnp.abs
square = jnp.square
sqrt = jnp.sqrt
exp = jnp.exp
log = jnp.log
tanh = jnp.tanh
maximum = jnp.maximum
minimum = jnp.minimum
equal = jnp.equal
not_equal = jnp.not_equal
less = jnp.less
less_equal = jnp.less_equal
greater = jnp.greater
greater_equal = jnp.greater_equal
logical_and = jnp.logical_and
logical_or = jnp.logical_or
logical_xor = jnp.logical_xor
logical_not = jnp.logical_not
where = jnp.where
matmul = jnp.matmul
einsum = jnp.einsum
transpose = jnp.transpose
expand_dims = jnp.expand_dims
squeeze = jnp.squeeze


def reshape(x, newshape):
    return jnp.reshape(x, tuple(-1 if d is None else d for d in newshape))


def concatenate(xs, axis=0):
    return jnp.concatenate(xs, axis=axis)


def stack(x, axis=0):
    return jnp.stack(x, axis=axis)


def sum(x, axis=None, keepdims=False):
    return jnp.sum(x, axis=axis, keepdims=keepdims)


def mean(x, axis=None, keepdims=False):
    x = convert_to_tensor(x)
    if jnp.issubdtype(x.dtype, jnp.integer) or x.dtype == jnp.bool_:
        x = x.astype(to_jax_dtype(None))
    return jnp.mean(x, axis=axis, keepdims=keepdims)


def max(x, axis=None, keepdims=False, initial=None):
    return jnp.max(x, axis=axis, keepdims=keepdims, initial=initial)


def min(x, axis=None, keepdims=False, initial=None):
    return jnp.min(x, axis=axis, keepdims=keepdims, initial=initial)


def argmax(x, axis=None, keepdims=False):
    return jnp.argmax(x, axis=axis, keepdims=keepdims).astype("int32")


def zeros(shape, dtype=None):
    return jnp.zeros(shape, dtype=to_jax_dtype(dtype))


def ones(shape, dtype=None):
    return jnp.ones(shape, dtype=to_jax_dtype(dtype))


def full(shape, fill_value, dtype=None):
    return jnp.full(shape, fill_value, dtype=_dt(dtype))


def zeros_like(x, dtype=None):
    return jnp.zeros_like(x, dtype=_dt(dtype))


def ones_like(x, dtype=None):
    return jnp.ones_like(x, dtype=_dt(dtype))


def arange(start, stop=None, step=1, dtype=None):
    return jnp.arange(start, stop, step, dtype=_dt(dtype))


def clip(x, x_min, x_max):
    return jnp.clip(x, x_min, x_max)


def take(x, indices, axis=None):
    return jnp.take(x, convert_to_tensor(indices), axis=axis)


def get_item(x, key):
    return convert_to_tensor(x)[key]


def broadcast_to(x, shape):
    return jnp.broadcast_to(x, tuple(shape))


def tile(x, repeats):
    return jnp.tile(x, repeats)


def prod(x, axis=None, keepdims=False, dtype=None):
    return jnp.prod(x, axis=axis, keepdims=keepdims, dtype=_dt(dtype))


def any(x, axis=None, keepdims=False):
    return jnp.any(x, axis=axis, keepdims=keepdims)


def all(x, axis=None, keepdims=False):
    return jnp.all(x, axis=axis, keepdims=keepdims)


def dot(x1, x2):
    return jnp.dot(x1, x2)


# The other families live in their own modules, as in ``lamina.ops``; this namespace exposes them all.
from lamina.backend.jax.numpy_math import *  # noqa: E402,F401,F403
from lamina.backend.jax.numpy_linalg import *  # noqa: E402,F401,F403
from lamina.backend.jax.numpy_shape import *  # noqa: E402,F401,F403
from lamina.backend.jax.numpy_reduce import *  # noqa: E402,F401,F403
from lamina.backend.jax.numpy_index import *  # noqa: E402,F401,F403
from lamina.backend.jax.numpy_create import *  # noqa: E402,F401,F403
from lamina.backend.jax.numpy_extra import *  # noqa: E402,F401,F403
