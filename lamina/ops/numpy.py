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
    """Element-wise ``x1 + x2`` with broadcasting.

    Args:
        x1: first input tensor.
        x2: second input tensor, broadcastable with ``x1``.
    """
    return _np.add(x1, x2)


@symbolic
def subtract(x1, x2):
    """Element-wise ``x1 - x2``.

    Args:
        x1: first input tensor.
        x2: second input tensor, broadcastable with ``x1``.
    """
    return _np.subtract(x1, x2)


@symbolic
def multiply(x1, x2):
    """Element-wise ``x1 * x2``.

    Args:
        x1: first input tensor.
        x2: second input tensor, broadcastable with ``x1``.
    """
    return _np.multiply(x1, x2)


@symbolic
def true_divide(x1, x2):
    """Element-wise ``x1 / x2`` (float result).

    Args:
        x1: the numerators.
        x2: the denominators, broadcastable with ``x1``.
    """
    return _np.true_divide(x1, x2)


@symbolic
def divide(x1, x2):
    """Element-wise ``x1 / x2`` (float result).

    Args:
        x1: the numerators.
        x2: the denominators, broadcastable with ``x1``.
    """
    return _np.divide(x1, x2)


@symbolic
def floor_divide(x1, x2):
    """Element-wise ``x1 // x2``.

    Args:
        x1: the numerators.
        x2: the denominators, broadcastable with ``x1``.
    """
    return _np.floor_divide(x1, x2)


@symbolic
def mod(x1, x2):
    """Element-wise remainder with the sign of the divisor.

    Args:
        x1: the dividends.
        x2: the divisors, broadcastable with ``x1``.
    """
    return _np.mod(x1, x2)


@symbolic
def power(x1, x2):
    """Element-wise ``x1 ** x2``.

    Args:
        x1: the bases.
        x2: the exponents, broadcastable with ``x1``.
    """
    return _np.power(x1, x2)


@symbolic
def negative(x):
    """Element-wise ``-x``.

    Args:
        x: input tensor.
    """
    return _np.negative(x)


@symbolic
def absolute(x):
    """Element-wise absolute value.

    Args:
        x: input tensor.
    """
    return _np.absolute(x)


abs = absolute


@symbolic
def square(x):
    """Element-wise ``x * x``.

    Args:
        x: input tensor.
    """
    return _np.square(x)


@symbolic
def sqrt(x):
    """Element-wise square root (float result).

    Args:
        x: input tensor.
    """
    return _np.sqrt(x)


@symbolic
def exp(x):
    """Element-wise ``e ** x``.

    Args:
        x: input tensor.
    """
    return _np.exp(x)


@symbolic
def log(x):
    """Element-wise natural logarithm.

    Args:
        x: input tensor.
    """
    return _np.log(x)


@symbolic
def tanh(x):
    """Element-wise hyperbolic tangent.

    Args:
        x: input tensor.
    """
    return _np.tanh(x)


@symbolic
def maximum(x1, x2):
    """Element-wise maximum.

    Args:
        x1: first input tensor.
        x2: second input tensor, broadcastable with ``x1``.
    """
    return _np.maximum(x1, x2)


@symbolic
def minimum(x1, x2):
    """Element-wise minimum.

    Args:
        x1: first input tensor.
        x2: second input tensor, broadcastable with ``x1``.
    """
    return _np.minimum(x1, x2)


@symbolic
def equal(x1, x2):
    """Element-wise ``x1 == x2``.

    Args:
        x1: first input tensor.
        x2: second input tensor, broadcastable with ``x1``.
    """
    return _np.equal(x1, x2)


@symbolic
def not_equal(x1, x2):
    """Element-wise ``x1 != x2``.

    Args:
        x1: first input tensor.
        x2: second input tensor, broadcastable with ``x1``.
    """
    return _np.not_equal(x1, x2)


@symbolic
def less(x1, x2):
    """Element-wise ``x1 < x2``.

    Args:
        x1: first input tensor.
        x2: second input tensor, broadcastable with ``x1``.
    """
    return _np.less(x1, x2)


@symbolic
def less_equal(x1, x2):
    """Element-wise ``x1 <= x2``.

    Args:
        x1: first input tensor.
        x2: second input tensor, broadcastable with ``x1``.
    """
    return _np.less_equal(x1, x2)


@symbolic
def greater(x1, x2):
    """Element-wise ``x1 > x2``.

    Args:
        x1: first input tensor.
        x2: second input tensor, broadcastable with ``x1``.
    """
    return _np.greater(x1, x2)


@symbolic
def greater_equal(x1, x2):
    """Element-wise ``x1 >= x2``.

    Args:
        x1: first input tensor.
        x2: second input tensor, broadcastable with ``x1``.
    """
    return _np.greater_equal(x1, x2)


@symbolic
def logical_and(x1, x2):
    """Element-wise logical and.

    Args:
        x1: first input tensor.
        x2: second input tensor, broadcastable with ``x1``.
    """
    return _np.logical_and(x1, x2)


@symbolic
def logical_or(x1, x2):
    """Element-wise logical or.

    Args:
        x1: first input tensor.
        x2: second input tensor, broadcastable with ``x1``.
    """
    return _np.logical_or(x1, x2)


@symbolic
def logical_xor(x1, x2):
    """Element-wise logical xor.

    Args:
        x1: first input tensor.
        x2: second input tensor, broadcastable with ``x1``.
    """
    return _np.logical_xor(x1, x2)


@symbolic
def logical_not(x):
    """Element-wise logical not.

    Args:
        x: input tensor.
    """
    return _np.logical_not(x)


@symbolic
def where(condition, x1=None, x2=None):
    """Elements of ``x1`` where ``condition`` holds, else of ``x2``.

    Args:
        condition: boolean tensor choosing between ``x1`` and ``x2``.
        x1: values taken where ``condition`` is true.
        x2: values taken where ``condition`` is false (with ``x1`` None too, the indices
            of the true elements are returned).
    """
    return _np.where(condition, x1, x2)


@symbolic
def matmul(x1, x2):
    """Matrix product with NumPy's broadcasting rules.

    Args:
        x1: first tensor, at least 1-D.
        x2: second tensor, at least 1-D.
    """
    return _np.matmul(x1, x2)


@symbolic
def dot(x1, x2):
    """``numpy.dot``: inner product of the last axis of x1 and second-to-last of x2.

    Args:
        x1: first input tensor.
        x2: second input tensor.
    """
    return _np.dot(x1, x2)


@symbolic
def einsum(subscripts, *operands):
    """Einstein summation, e.g. ``einsum("bij,bjk->bik", a, b)``.

    Args:
        subscripts: the contraction, e.g. ``"ij,jk->ik"``.
        *operands: the input tensors, one per subscript term.
    """
    return _np.einsum(subscripts, *operands)


@symbolic
def transpose(x, axes=None):
    """Permutes the axes (reverses them when ``axes`` is None).

    Args:
        x: input tensor.
        axes: the new order of the axes (None: reversed).
    """
    return _np.transpose(x, axes)


@symbolic
def expand_dims(x, axis):
    """Inserts a new axis of size 1 at ``axis``.

    Args:
        x: input tensor.
        axis: position of the new axis in the output.
    """
    return _np.expand_dims(x, axis)


@symbolic
def squeeze(x, axis=None):
    """Removes axes of size 1.

    Args:
        x: input tensor.
        axis: axis or axes to remove (None: every axis of size 1).
    """
    return _np.squeeze(x, axis)


@symbolic
def reshape(x, newshape):
    """Gives ``x`` a new shape (one dimension may be -1 or None).

    Args:
        x: input tensor.
        newshape: the new shape, with as many elements as ``x``.
    """
    return _np.reshape(x, newshape)


@symbolic
def concatenate(xs, axis=0):
    """Joins tensors along an existing axis.

    Args:
        xs: list of tensors with equal shapes except along ``axis``.
        axis: the axis to join along.
    """
    return _np.concatenate(xs, axis=axis)


@symbolic
def stack(x, axis=0):
    """Joins tensors along a new axis.

    Args:
        x: list of tensors of the same shape.
        axis: position of the new axis in the output.
    """
    return _np.stack(x, axis=axis)


@symbolic
def sum(x, axis=None, keepdims=False):
    """Sum over ``axis`` (all axes when None).

    Args:
        x: input tensor.
        axis: axis or axes to reduce over; None reduces over all axes.
        keepdims: whether to keep the reduced axes with length 1.
    """
    return _np.sum(x, axis=axis, keepdims=keepdims)


@symbolic
def mean(x, axis=None, keepdims=False):
    """Mean over ``axis`` (float result).

    Args:
        x: input tensor.
        axis: axis or axes to reduce over; None reduces over all axes.
        keepdims: whether to keep the reduced axes with length 1.
    """
    return _np.mean(x, axis=axis, keepdims=keepdims)


@symbolic
def max(x, axis=None, keepdims=False, initial=None):
    """Maximum over ``axis``.

    Args:
        x: input tensor.
        axis: axis or axes to reduce over; None reduces over all axes.
        keepdims: whether to keep the reduced axes with length 1.
        initial: lower bound included in the maximum (None: none).
    """
    return _np.max(x, axis=axis, keepdims=keepdims, initial=initial)


amax = max


@symbolic
def min(x, axis=None, keepdims=False, initial=None):
    """Minimum over ``axis``.

    Args:
        x: input tensor.
        axis: axis or axes to reduce over; None reduces over all axes.
        keepdims: whether to keep the reduced axes with length 1.
        initial: upper bound included in the minimum (None: none).
    """
    return _np.min(x, axis=axis, keepdims=keepdims, initial=initial)


amin = min


@symbolic
def argmax(x, axis=None, keepdims=False):
    """Index of the maximum along ``axis`` (int32).

    Args:
        x: input tensor.
        axis: the axis to search (None: the flattened tensor).
        keepdims: whether to keep the reduced axis with length 1.
    """
    return _np.argmax(x, axis=axis, keepdims=keepdims)


@symbolic
def prod(x, axis=None, keepdims=False, dtype=None):
    """Product over ``axis``.

    Args:
        x: input tensor.
        axis: axis or axes to reduce over; None reduces over all axes.
        keepdims: whether to keep the reduced axes with length 1.
        dtype: dtype of the result (None: from ``x``).
    """
    return _np.prod(x, axis=axis, keepdims=keepdims, dtype=dtype)


@symbolic
def any(x, axis=None, keepdims=False):
    """Whether any element along ``axis`` is true.

    Args:
        x: input tensor.
        axis: axis or axes to reduce over; None reduces over all axes.
        keepdims: whether to keep the reduced axes with length 1.
    """
    return _np.any(x, axis=axis, keepdims=keepdims)


@symbolic
def all(x, axis=None, keepdims=False):
    """Whether all elements along ``axis`` are true.

    Args:
        x: input tensor.
        axis: axis or axes to reduce over; None reduces over all axes.
        keepdims: whether to keep the reduced axes with length 1.
    """
    return _np.all(x, axis=axis, keepdims=keepdims)


def zeros(shape, dtype=None):
    """A tensor of zeros (``floatx()`` by default).

    Args:
        shape: the output shape.
        dtype: the output dtype (None: ``floatx()``).
    """
    return _np.zeros(shape, dtype=dtype)


def ones(shape, dtype=None):
    """A tensor of ones (``floatx()`` by default).

    Args:
        shape: the output shape.
        dtype: the output dtype (None: ``floatx()``).
    """
    return _np.ones(shape, dtype=dtype)


def full(shape, fill_value, dtype=None):
    """A tensor filled with ``fill_value``.

    Args:
        shape: the output shape.
        fill_value: the value of every element.
        dtype: the output dtype (None: inferred from ``fill_value``).
    """
    return _np.full(shape, fill_value, dtype=dtype)


@symbolic
def zeros_like(x, dtype=None):
    """Zeros with the shape (and dtype) of ``x``.

    Args:
        x: tensor whose shape is used.
        dtype: the output dtype (None: the dtype of ``x``).
    """
    return _np.zeros_like(x, dtype=dtype)


@symbolic
def ones_like(x, dtype=None):
    """Ones with the shape (and dtype) of ``x``.

    Args:
        x: tensor whose shape is used.
        dtype: the output dtype (None: the dtype of ``x``).
    """
    return _np.ones_like(x, dtype=dtype)


def arange(start, stop=None, step=None, dtype=None):
    """Evenly spaced values in ``[start, stop)``, ``step`` apart (1 when None); int32 for integer arguments.

    Args:
        start: first value, or the end of the range when ``stop`` is None (then starting at 0).
        stop: end of the range (excluded).
        step: spacing between values (None: 1).
        dtype: the output dtype (None: inferred from the arguments).
    """
    return _np.arange(start, stop, 1 if step is None else step, dtype=dtype)


@symbolic
def clip(x, x_min, x_max):
    """Limits values to ``[x_min, x_max]``.

    Args:
        x: input tensor.
        x_min: lower bound.
        x_max: upper bound.
    """
    return _np.clip(x, x_min, x_max)


@symbolic
def take(x, indices, axis=None):
    """Gathers ``x[indices]`` along ``axis`` (flattened when None).

    Args:
        x: input tensor.
        indices: integer tensor of positions to gather.
        axis: the axis to gather along (None: the flattened tensor).
    """
    return _np.take(x, indices, axis=axis)


@symbolic
def get_item(x, key):
    """``x[key]`` for ints, slices, Ellipsis, None and index tensors.

    Args:
        x: input tensor.
        key: an int, slice, Ellipsis, None, index tensor, or a tuple of these.
    """
    return _np.get_item(x, key)


@symbolic
def broadcast_to(x, shape):
    """Broadcasts ``x`` to ``shape``.

    Args:
        x: input tensor.
        shape: the target shape.
    """
    return _np.broadcast_to(x, shape)


@symbolic
def tile(x, repeats):
    """Repeats ``x`` ``repeats`` times along each axis.

    Args:
        x: input tensor.
        repeats: number of repetitions per axis (an int or a sequence).
    """
    return _np.tile(x, repeats)


def size(x):
    """Number of elements of ``x``.

    Args:
        x: tensor or KerasTensor.
    """
    import math

    return math.prod(backend.shape(x)) if not isinstance(x, backend.KerasTensor) else math.prod(x.shape)


from lamina.ops.numpy_math import *  # noqa: E402,F401,F403
from lamina.ops.numpy_linalg import *  # noqa: E402,F401,F403
from lamina.ops.numpy_shape import *  # noqa: E402,F401,F403
from lamina.ops.numpy_reduce import *  # noqa: E402,F401,F403
from lamina.ops.numpy_index import *  # noqa: E402,F401,F403
from lamina.ops.numpy_create import *  # noqa: E402,F401,F403
from lamina.ops.numpy_nan import *  # noqa: E402,F401,F403
from lamina.ops.numpy_extra import *  # noqa: E402,F401,F403
