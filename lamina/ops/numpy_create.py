"""NumPy-like tensor creation: array, eye, identity, linspace, logspace, tri, meshgrid ...

Example:
    >>> from lamina import ops
    >>> ops.convert_to_numpy(ops.linspace(0.0, 1.0, 5))
    array([0.  , 0.25, 0.5 , 0.75, 1.  ], dtype=float32)
"""

from lamina.backend import numpy as _np
from lamina.ops._dispatch import symbolic

__all__ = [
    "array", "asarray", "eye", "identity", "tri", "linspace", "logspace", "geomspace", "empty", "empty_like",
    "full_like", "meshgrid", "indices",
]


def array(x, dtype=None):
    """A tensor holding ``x`` (Python ints become int32, floats ``floatx()``).

    Args:
        x: a nested list, scalar, NumPy array or tensor.
        dtype: dtype of the result; None infers it from ``x``.

    Example:
        >>> ops.shape(ops.array([[1, 2], [3, 4]]))
        (2, 2)
    """
    return _np.array(x, dtype=dtype)


asarray = array


def eye(N, M=None, k=0, dtype=None):
    """``N x M`` matrix with ones on diagonal ``k``.

    Args:
        N: number of rows.
        M: number of columns; None makes it ``N``.
        k: diagonal offset (positive: above the main diagonal).
        dtype: dtype of the result; None gives ``floatx()``.

    Example:
        >>> ops.convert_to_numpy(ops.eye(2, 3, k=1))
        array([[0., 1., 0.],
               [0., 0., 1.]], dtype=float32)
    """
    return _np.eye(N, M, k=k, dtype=dtype)


def identity(n, dtype=None):
    """The ``n x n`` identity matrix.

    Args:
        n: number of rows and columns.
        dtype: dtype of the result; None gives ``floatx()``.

    Example:
        >>> ops.shape(ops.identity(3))
        (3, 3)
    """
    return _np.eye(n, dtype=dtype)


def tri(N, M=None, k=0, dtype=None):
    """``N x M`` matrix with ones at and below diagonal ``k``.

    Args:
        N: number of rows.
        M: number of columns; None makes it ``N``.
        k: the last diagonal filled with ones (positive: above the main diagonal).
        dtype: dtype of the result; None gives ``floatx()``.

    Example:
        >>> ops.convert_to_numpy(ops.tri(3))
        array([[1., 0., 0.],
               [1., 1., 0.],
               [1., 1., 1.]], dtype=float32)
    """
    return _np.tri(N, M, k=k, dtype=dtype)


@symbolic
def linspace(start, stop, num=50, endpoint=True, retstep=False, dtype=None, axis=0):
    """``num`` evenly spaced values from ``start`` to ``stop``.

    Args:
        start: first value (a scalar, or a tensor: then the values run along ``axis``).
        stop: last value (included when ``endpoint``), broadcast against ``start``.
        num: number of values.
        endpoint: include ``stop``.
        retstep: also return the spacing.
        dtype: output dtype (``floatx()`` by default).
        axis: where the new axis goes for tensor endpoints.

    Example:
        >>> ops.convert_to_numpy(ops.linspace(0, 10, 3))
        array([ 0.,  5., 10.], dtype=float32)
    """
    return _np.linspace(start, stop, num, endpoint=endpoint, retstep=retstep, dtype=dtype, axis=axis)


@symbolic
def logspace(start, stop, num=50, endpoint=True, base=10.0, dtype=None, axis=0):
    """``base ** linspace(start, stop, num)``.

    Args:
        start: exponent of the first value (``base ** start``).
        stop: exponent of the last value (``base ** stop``).
        num: number of values.
        endpoint: include ``base ** stop``.
        base: base of the log scale.
        dtype: output dtype (``floatx()`` by default).
        axis: where the new axis goes for tensor endpoints.

    Example:
        >>> ops.convert_to_numpy(ops.logspace(0, 2, 3))
        array([  1.,  10., 100.], dtype=float32)
    """
    return _np.logspace(start, stop, num, endpoint=endpoint, base=base, dtype=dtype, axis=axis)


def geomspace(start, stop, num=50, endpoint=True, dtype=None, axis=0):
    """Values spaced evenly on a log scale between ``start`` and ``stop`` (positive).

    Args:
        start: first value (non-zero).
        stop: last value (non-zero, the sign of ``start``).
        num: number of values.
        endpoint: include ``stop``.
        dtype: output dtype (``floatx()`` by default).
        axis: where the new axis goes for tensor endpoints.

    Example:
        >>> ops.convert_to_numpy(ops.geomspace(1, 100, 3))
        array([  1.,  10., 100.], dtype=float32)
    """
    return _np.geomspace(start, stop, num, endpoint=endpoint, dtype=dtype, axis=axis)


def empty(shape, dtype=None):
    """An uninitialized tensor (its values are arbitrary).

    Args:
        shape: shape of the result.
        dtype: dtype of the result; None gives ``floatx()``.

    Example:
        >>> ops.shape(ops.empty((2, 3)))
        (2, 3)
    """
    return _np.empty(shape, dtype=dtype)


@symbolic
def empty_like(x, dtype=None):
    """An uninitialized tensor with the shape (and dtype) of ``x``.

    Args:
        x: tensor whose shape (and dtype) to take.
        dtype: dtype of the result; None keeps the dtype of ``x``.

    Example:
        >>> ops.shape(ops.empty_like(ops.ones((2,))))
        (2,)
    """
    return _np.empty_like(x, dtype=dtype)


@symbolic
def full_like(x, fill_value, dtype=None):
    """``fill_value`` in the shape (and dtype) of ``x``.

    Args:
        x: tensor whose shape (and dtype) to take.
        fill_value: scalar, or tensor broadcast to the shape of ``x``.
        dtype: dtype of the result; None keeps the dtype of ``x``.

    Example:
        >>> ops.convert_to_numpy(ops.full_like(ops.ones((2,)), 7.0))
        array([7., 7.], dtype=float32)
    """
    return _np.full_like(x, fill_value, dtype=dtype)


@symbolic
def meshgrid(*x, indexing="xy"):
    """Coordinate grids from 1-D tensors (``indexing``: ``"xy"`` Cartesian or ``"ij"`` matrix).

    Args:
        *x: 1-D tensors, one per grid axis.
        indexing: ``"xy"`` (the first two output axes swapped) or ``"ij"`` (axes in input order).

    Example:
        >>> gx, gy = ops.meshgrid(ops.arange(3), ops.arange(2))  # each of shape (2, 3)
    """
    return _np.meshgrid(*x, indexing=indexing)


def indices(dimensions, dtype="int32"):
    """A ``(len(dimensions), *dimensions)`` tensor of each position's indices.

    Args:
        dimensions: shape of the grid.
        dtype: dtype of the result.

    Example:
        >>> ops.shape(ops.indices((2, 3)))
        (2, 2, 3)
    """
    return _np.indices(dimensions, dtype=dtype)
