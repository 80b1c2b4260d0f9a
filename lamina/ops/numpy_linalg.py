"""NumPy-like products: tensordot, inner, outer, vdot, vecdot, cross, kron, trace.

Example:
    >>> from lamina import ops
    >>> ops.shape(ops.outer(ops.arange(3), ops.arange(2)))
    (3, 2)
"""

from lamina.backend import numpy as _np
from lamina.ops._dispatch import symbolic

__all__ = ["tensordot", "inner", "outer", "vdot", "vecdot", "cross", "kron", "trace"]


@symbolic
def tensordot(x1, x2, axes=2):
    """Sums products over the given axes.

    Args:
        x1: first tensor.
        x2: second tensor.
        axes: an int N (last N axes of x1 with the first N of x2) or a pair of axis lists.

    Example:
        >>> ops.shape(ops.tensordot(ops.ones((2, 3)), ops.ones((3, 4)), axes=1))
        (2, 4)
    """
    return _np.tensordot(x1, x2, axes=axes)


@symbolic
def inner(x1, x2):
    """Inner product over the last axes of ``x1`` and ``x2``.

    Args:
        x1: first tensor.
        x2: second tensor; its last dimension matches that of ``x1``.

    Example:
        >>> float(ops.inner(ops.ones((3,)), ops.ones((3,))))
        3.0
    """
    return _np.inner(x1, x2)


@symbolic
def outer(x1, x2):
    """Outer product of the flattened inputs.

    Args:
        x1: first tensor (flattened first); indexes the rows.
        x2: second tensor (flattened first); indexes the columns.

    Example:
        >>> ops.shape(ops.outer(ops.ones((3,)), ops.ones((2,))))
        (3, 2)
    """
    return _np.outer(x1, x2)


@symbolic
def vdot(x1, x2):
    """Dot product of the flattened inputs (conjugating ``x1`` when complex).

    Args:
        x1: first tensor (flattened; conjugated when complex).
        x2: second tensor, with as many elements as ``x1``.

    Example:
        >>> float(ops.vdot(ops.ones((2, 2)), ops.ones((4,))))
        4.0
    """
    return _np.vdot(x1, x2)


@symbolic
def vecdot(x1, x2, axis=-1):
    """Vector dot product along ``axis``, broadcasting the other axes.

    Args:
        x1: first tensor.
        x2: second tensor, broadcast against ``x1``.
        axis: the axis summed over.

    Example:
        >>> ops.shape(ops.vecdot(ops.ones((2, 3)), ops.ones((3,))))
        (2,)
    """
    return _np.vecdot(x1, x2, axis=axis)


@symbolic
def cross(x1, x2, axisa=-1, axisb=-1, axisc=-1, axis=None):
    """Cross product of 3-vectors (or the z-component for 2-vectors).

    Args:
        x1: tensor of 2- or 3-vectors.
        x2: tensor of 2- or 3-vectors, broadcast against ``x1``.
        axisa: the vector axis of ``x1``.
        axisb: the vector axis of ``x2``.
        axisc: the vector axis of the result.
        axis: overrides all three when given.

    Example:
        >>> ops.convert_to_numpy(ops.cross([1.0, 0.0, 0.0], [0.0, 1.0, 0.0]))
        array([0., 0., 1.], dtype=float32)
    """
    return _np.cross(x1, x2, axisa=axisa, axisb=axisb, axisc=axisc, axis=axis)


@symbolic
def kron(x1, x2):
    """Kronecker product.

    Args:
        x1: first tensor.
        x2: second tensor.

    Example:
        >>> ops.shape(ops.kron(ops.eye(2), ops.ones((2, 2))))
        (4, 4)
    """
    return _np.kron(x1, x2)


@symbolic
def trace(x, offset=0, axis1=0, axis2=1):
    """Sum along a diagonal.

    Args:
        x: tensor of rank >= 2.
        offset: diagonal offset (positive: above the main diagonal).
        axis1: first axis of the matrices.
        axis2: second axis of the matrices.

    Example:
        >>> float(ops.trace(ops.eye(3)))
        3.0
    """
    return _np.trace(x, offset=offset, axis1=axis1, axis2=axis2)
