"""NumPy-like ops. Each runs on the active backend and accepts KerasTensors.

Example:
    >>> from lamina import ops
    >>> ops.convert_to_numpy(ops.add(ops.ones((2,)), 1.0))  # a backend tensor [2., 2.]
    array([2., 2.], dtype=float32)
"""

from lamina import backend
from lamina.backend import numpy as _np
from lamina.ops._dispatch import symbolic


@symbolic
def add(x1, x2):
    """Element-wise ``x1 + x2`` with broadcasting."""
    return _np.add(x1, x2)


@symbolic
def subtract(x1, x2):
    """Element-wise ``x1 - x2``."""
    return _np.subtract(x1, x2)


@symbolic
def multiply(x1, x2):
    """Element-wise ``x1 * x2``."""
    return _np.multiply(x1, x2)


@symbolic
def true_divide(x1, x2):
    """Element-wise ``x1 / x2`` (float result)."""
    return _np.true_divide(x1, x2)


@symbolic
def divide(x1, x2):
    """Element-wise ``x1 / x2`` (float result)."""
    return _np.divide(x1, x2)


@symbolic
def floor_divide(x1, x2):
    """Element-wise ``x1 // x2``."""
    return _np.floor_divide(x1, x2)


@symbolic
def mod(x1, x2):
    """Element-wise remainder with the sign of the divisor."""
    return _np.mod(x1, x2)


@symbolic
def power(x1, x2):
    """Element-wise ``x1 ** x2``."""
    return _np.power(x1, x2)


@symbolic
def negative(x):
    """Element-wise ``-x``."""
    return _np.negative(x)


@symbolic
def absolute(x):
    """Element-wise absolute value."""
    return _np.absolute(x)


abs = absolute


@symbolic
def square(x):
    """Element-wise ``x * x``."""
    return _np.square(x)


@symbolic
def sqrt(x):
    """Element-wise square root (float result)."""
    return _np.sqrt(x)


@symbolic
def exp(x):
    """Element-wise ``e ** x``."""
    return _np.exp(x)


@symbolic
def log(x):
    """Element-wise natural logarithm."""
    return _np.log(x)


@symbolic
def tanh(x):
    """Element-wise hyperbolic tangent."""
    return _np.tanh(x)


@symbolic
def maximum(x1, x2):
    """Element-wise maximum."""
    return _np.maximum(x1, x2)


@symbolic
def minimum(x1, x2):
    """Element-wise minimum."""
    return _np.minimum(x1, x2)


@symbolic
def equal(x1, x2):
    """Element-wise ``x1 == x2``."""
    return _np.equal(x1, x2)


@symbolic
def not_equal(x1, x2):
    """Element-wise ``x1 != x2``."""
    return _np.not_equal(x1, x2)


@symbolic
def less(x1, x2):
    """Element-wise ``x1 < x2``."""
    return _np.less(x1, x2)


@symbolic
def less_equal(x1, x2):
    """Element-wise ``x1 <= x2``."""
    return _np.less_equal(x1, x2)


@symbolic
def greater(x1, x2):
    """Element-wise ``x1 > x2``."""
    return _np.greater(x1, x2)


@symbolic
def greater_equal(x1, x2):
    """Element-wise ``x1 >= x2``."""
    return _np.greater_equal(x1, x2)


@symbolic
def logical_and(x1, x2):
    """Element-wise logical and."""
    return _np.logical_and(x1, x2)


@symbolic
def logical_or(x1, x2):
    """Element-wise logical or."""
    return _np.logical_or(x1, x2)


@symbolic
def logical_xor(x1, x2):
    """Element-wise logical xor."""
    return _np.logical_xor(x1, x2)


@symbolic
def logical_not(x):
    """Element-wise logical not."""
    return _np.logical_not(x)


@symbolic
def where(condition, x1=None, x2=None):
    """Elements of ``x1`` where ``condition`` holds, else of ``x2``."""
    return _np.where(condition, x1, x2)


@symbolic
def matmul(x1, x2):
    """Matrix product with NumPy's broadcasting rules."""
    return _np.matmul(x1, x2)


@symbolic
def dot(x1, x2):
    """``numpy.dot``: inner product of the last axis of x1 and second-to-last of x2."""
    return _np.dot(x1, x2)


@symbolic
def einsum(subscripts, *operands):
    """Einstein summation, e.g. ``einsum("bij,bjk->bik", a, b)``."""
    return _np.einsum(subscripts, *operands)


@symbolic
def transpose(x, axes=None):
    """Permutes the axes (reverses them when ``axes`` is None)."""
    return _np.transpose(x, axes)


@symbolic
def expand_dims(x, axis):
    """Inserts a new axis of size 1 at ``axis``."""
    return _np.expand_dims(x, axis)


@symbolic
def squeeze(x, axis=None):
    """Removes axes of size 1."""
    return _np.squeeze(x, axis)


@symbolic
def reshape(x, newshape):
    """Gives ``x`` a new shape (one dimension may be -1 or None)."""
    return _np.reshape(x, newshape)


@symbolic
def concatenate(xs, axis=0):
    """Joins tensors along an existing axis."""
    return _np.concatenate(xs, axis=axis)


@symbolic
def stack(x, axis=0):
    """Joins tensors along a new axis."""
    return _np.stack(x, axis=axis)


@symbolic
def sum(x, axis=None, keepdims=False):
    """Sum over ``axis`` (all axes when None)."""
    return _np.sum(x, axis=axis, keepdims=keepdims)


@symbolic
def mean(x, axis=None, keepdims=False):
    """Mean over ``axis`` (float result)."""
    return _np.mean(x, axis=axis, keepdims=keepdims)


@symbolic
def max(x, axis=None, keepdims=False, initial=None):
    """Maximum over ``axis``."""
    return _np.max(x, axis=axis, keepdims=keepdims, initial=initial)


amax = max


@symbolic
def min(x, axis=None, keepdims=False, initial=None):
    """Minimum over ``axis``."""
    return _np.min(x, axis=axis, keepdims=keepdims, initial=initial)


amin = min


@symbolic
def argmax(x, axis=None, keepdims=False):
    """Index of the maximum along ``axis`` (int32)."""
    return _np.argmax(x, axis=axis, keepdims=keepdims)


@symbolic
def prod(x, axis=None, keepdims=False, dtype=None):
    """Product over ``axis``."""
    return _np.prod(x, axis=axis, keepdims=keepdims, dtype=dtype)


@symbolic
def any(x, axis=None, keepdims=False):
    """Whether any element along ``axis`` is true."""
    return _np.any(x, axis=axis, keepdims=keepdims)


@symbolic
def all(x, axis=None, keepdims=False):
    """Whether all elements along ``axis`` are true."""
    return _np.all(x, axis=axis, keepdims=keepdims)


def zeros(shape, dtype=None):
    """A tensor of zeros (``floatx()`` by default)."""
    return _np.zeros(shape, dtype=dtype)


def ones(shape, dtype=None):
    """A tensor of ones (``floatx()`` by default)."""
    return _np.ones(shape, dtype=dtype)


def full(shape, fill_value, dtype=None):
    """A tensor filled with ``fill_value``."""
    return _np.full(shape, fill_value, dtype=dtype)


@symbolic
def zeros_like(x, dtype=None):
    """Zeros with the shape (and dtype) of ``x``."""
    return _np.zeros_like(x, dtype=dtype)


@symbolic
def ones_like(x, dtype=None):
    """Ones with the shape (and dtype) of ``x``."""
    return _np.ones_like(x, dtype=dtype)


def arange(start, stop=None, step=None, dtype=None):
    """Evenly spaced values in ``[start, stop)``, ``step`` apart (1 when None); int32 for integer arguments."""
    return _np.arange(start, stop, 1 if step is None else step, dtype=dtype)


@symbolic
def clip(x, x_min, x_max):
    """Limits values to ``[x_min, x_max]``."""
    return _np.clip(x, x_min, x_max)


@symbolic
def take(x, indices, axis=None):
    """Gathers ``x[indices]`` along ``axis`` (flattened when None)."""
    return _np.take(x, indices, axis=axis)


@symbolic
def get_item(x, key):
    """``x[key]`` for ints, slices, Ellipsis, None and index tensors."""
    return _np.get_item(x, key)


@symbolic
def broadcast_to(x, shape):
    """Broadcasts ``x`` to ``shape``."""
    return _np.broadcast_to(x, shape)


@symbolic
def tile(x, repeats):
    """Repeats ``x`` ``repeats`` times along each axis."""
    return _np.tile(x, repeats)


def size(x):
    """Number of elements of ``x``."""
    import math

    return math.prod(backend.shape(x)) if not isinstance(x, backend.KerasTensor) else math.prod(x.shape)


from lamina.ops.numpy_math import *  # noqa: E402,F401,F403
from lamina.ops.numpy_linalg import *  # noqa: E402,F401,F403
from lamina.ops.numpy_shape import *  # noqa: E402,F401,F403
from lamina.ops.numpy_reduce import *  # noqa: E402,F401,F403
from lamina.ops.numpy_index import *  # noqa: E402,F401,F403
from lamina.ops.numpy_create import *  # noqa: E402,F401,F403
