"""NumPy-like indexing, searching, sorting and signal helpers.

Index results are int32. ``nonzero``, ``argwhere``, ``unique``, ``compress`` and
``extract`` have data-dependent shapes: call them eagerly, not inside a compiled step.

Example:
    >>> from lamina import ops
    >>> int(ops.searchsorted(ops.convert_to_tensor([1, 3, 5]), 4))
    2
"""

from lamina.backend import numpy as _np
from lamina.ops._dispatch import symbolic

__all__ = [
    "take_along_axis", "put_along_axis", "nonzero", "argwhere", "flatnonzero", "searchsorted", "digitize",
    "bincount", "unique", "select", "choose", "compress", "extract", "sort", "argsort", "partition",
    "argpartition", "isin", "histogram", "diff", "ediff1d", "correlate", "convolve", "trapezoid", "interp",
]


@symbolic
def take_along_axis(x, indices, axis=None):
    """Gathers ``x`` at ``indices`` matched element-wise along ``axis``.

    Args:
        x: input tensor.
        indices: integer indices, broadcastable with ``x`` except along ``axis``.
        axis: the axis to gather along; None uses the flattened ``x``.

    Example:
        >>> x = ops.convert_to_tensor([[3, 1], [2, 4]])
        >>> ops.convert_to_numpy(ops.take_along_axis(x, ops.argsort(x, axis=1), axis=1))  # sorted rows
        array([[1, 3],
               [2, 4]], dtype=int32)
    """
    return _np.take_along_axis(x, indices, axis=axis)


@symbolic
def put_along_axis(x, indices, values, axis):
    """Returns ``x`` with ``values`` written at ``indices`` along ``axis`` (no in-place change).

    Args:
        x: input tensor.
        indices: integer indices with the rank of ``x``.
        values: values to write, broadcast to the shape of ``indices``.
        axis: the axis to write along.

    Example:
        >>> ops.convert_to_numpy(ops.put_along_axis(ops.zeros((2, 2)), [[1], [0]], 5.0, axis=1))
        array([[0., 5.],
               [5., 0.]], dtype=float32)
    """
    return _np.put_along_axis(x, indices, values, axis)


@symbolic
def nonzero(x):
    """A tuple with the indices of the non-zero elements, one tensor per axis.

    Args:
        x: input tensor.

    Example:
        >>> [ops.convert_to_numpy(i) for i in ops.nonzero(ops.convert_to_tensor([0, 2, 3]))]
        [array([1, 2], dtype=int32)]
    """
    return _np.nonzero(x)


@symbolic
def argwhere(x):
    """``(count, ndim)`` indices of the non-zero elements.

    Args:
        x: input tensor.

    Example:
        >>> ops.convert_to_numpy(ops.argwhere(ops.eye(2)))
        array([[0, 0],
               [1, 1]], dtype=int32)
    """
    return _np.argwhere(x)


@symbolic
def flatnonzero(x):
    """Indices of the non-zero elements of the flattened ``x``.

    Args:
        x: input tensor.

    Example:
        >>> ops.convert_to_numpy(ops.flatnonzero(ops.eye(2)))
        array([0, 3], dtype=int32)
    """
    return _np.flatnonzero(x)


@symbolic
def searchsorted(sorted_sequence, values, side="left"):
    """Where ``values`` would be inserted into the 1-D ``sorted_sequence`` to keep it sorted.

    Args:
        sorted_sequence: 1-D ascending tensor.
        values: tensor or scalar.
        side: ``"left"`` (first suitable index) or ``"right"`` (last).

    Example:
        >>> int(ops.searchsorted(ops.convert_to_tensor([1, 3, 5]), 3, side="right"))
        2
    """
    return _np.searchsorted(sorted_sequence, values, side=side)


@symbolic
def digitize(x, bins, right=False):
    """Index of the bin each value of ``x`` falls in.

    Args:
        x: values to place in bins.
        bins: 1-D monotonic bin edges.
        right: whether a bin includes its right edge instead of its left.

    Example:
        >>> ops.convert_to_numpy(ops.digitize(ops.convert_to_tensor([0.5, 1.5]), [1.0, 2.0]))
        array([0, 1], dtype=int32)
    """
    return _np.digitize(x, bins, right=right)


@symbolic
def bincount(x, weights=None, minlength=0, sparse=False):
    """Counts occurrences of each non-negative integer (per row for 2-D ``x``).

    Args:
        x: 1-D or 2-D non-negative integers.
        weights: optional weights of the same shape (sums them instead of counting).
        minlength: minimum number of bins.
        sparse: must be False (no sparse tensors on these backends).

    Example:
        >>> ops.convert_to_numpy(ops.bincount(ops.convert_to_tensor([0, 1, 1, 3])))
        array([1, 2, 0, 1], dtype=int32)
    """
    if sparse:
        raise ValueError("bincount: sparse=True is not supported; lamina's backends have no sparse tensors.")
    return _np.bincount(x, weights=weights, minlength=minlength)


@symbolic
def unique(x, return_index=False, return_inverse=False, return_counts=False, axis=None):
    """Sorted unique elements (eager only), optionally with first indices, inverse and counts.

    Args:
        x: input tensor.
        return_index: also return the index of each unique value's first occurrence.
        return_inverse: also return, for each element of ``x``, the index of its unique value.
        return_counts: also return how often each unique value occurs.
        axis: the axis whose slices are compared; None flattens ``x`` first.

    Example:
        >>> values, counts = ops.unique(ops.convert_to_tensor([3, 1, 3]), return_counts=True)
    """
    return _np.unique(x, return_index=return_index, return_inverse=return_inverse,
                      return_counts=return_counts, axis=axis)


@symbolic
def select(condlist, choicelist, default=0):
    """Element-wise: the choice of the first true condition, else ``default``.

    Args:
        condlist: list of bool tensors.
        choicelist: list of tensors, one per condition, broadcast together.
        default: value where no condition is true.

    Example:
        >>> x = ops.arange(4)
        >>> ops.convert_to_numpy(ops.select([x < 1, x > 2], [x, x * 10], default=-1))
        array([ 0, -1, -1, 30], dtype=int32)
    """
    return _np.select(condlist, choicelist, default)


@symbolic
def choose(a, choices, mode="clip"):
    """Element-wise ``choices[a]`` (``a`` indexes the list of tensors).

    Args:
        a: integer tensor.
        choices: list of tensors broadcastable with ``a``.
        mode: ``"clip"`` or ``"wrap"`` for out-of-range indices (``"raise"`` clips).

    Example:
        >>> ops.convert_to_numpy(ops.choose([0, 1], [[1, 2], [10, 20]]))
        array([ 1, 20], dtype=int32)
    """
    return _np.choose(a, choices, mode=mode)


@symbolic
def compress(condition, x, axis=None):
    """The slices of ``x`` along ``axis`` where ``condition`` is true (eager only).

    Args:
        condition: 1-D bool tensor selecting the slices to keep.
        x: input tensor.
        axis: the axis to select along; None flattens ``x`` first.

    Example:
        >>> ops.convert_to_numpy(ops.compress([True, False, True], ops.arange(3)))
        array([0, 2], dtype=int32)
    """
    return _np.compress(condition, x, axis=axis)


@symbolic
def extract(condition, x):
    """The elements of ``x`` where ``condition`` is true, flattened (eager only).

    Args:
        condition: bool tensor with as many elements as ``x``.
        x: input tensor.

    Example:
        >>> ops.convert_to_numpy(ops.extract(ops.arange(4) > 1, ops.arange(4)))
        array([2, 3], dtype=int32)
    """
    return _np.extract(condition, x)


@symbolic
def sort(x, axis=-1, descending=False):
    """Sorted copy of ``x`` along ``axis``.

    Args:
        x: input tensor.
        axis: the axis to sort along; None sorts the flattened tensor.
        descending: sort from largest to smallest.

    Example:
        >>> ops.convert_to_numpy(ops.sort(ops.convert_to_tensor([3, 1, 2])))
        array([1, 2, 3], dtype=int32)
    """
    return _np.sort(x, axis=axis, descending=descending)


@symbolic
def argsort(x, axis=-1, descending=False, stable=True):
    """Indices that sort ``x`` along ``axis`` (int32, stable).

    Args:
        x: input tensor.
        axis: the axis to sort along; None sorts the flattened tensor.
        descending: sort from largest to smallest.
        stable: keep equal elements in their original order (the torch backend always does).

    Example:
        >>> ops.convert_to_numpy(ops.argsort(ops.convert_to_tensor([3, 1, 2])))
        array([1, 2, 0], dtype=int32)
    """
    return _np.argsort(x, axis=axis, descending=descending, stable=stable)


@symbolic
def partition(x, kth, axis=-1):
    """``x`` rearranged so element ``kth`` is in sorted position, smaller ones before it.

    Args:
        x: input tensor.
        kth: position (or positions) whose element ends up where sorting would put it.
        axis: the axis to partition along.

    Example:
        >>> int(ops.partition(ops.convert_to_tensor([3, 1, 2]), 1)[1])
        2
    """
    return _np.partition(x, kth, axis=axis)


@symbolic
def argpartition(x, kth, axis=-1):
    """Indices that ``partition`` ``x`` around position ``kth``.

    Args:
        x: input tensor.
        kth: position (or positions) whose element ends up where sorting would put it.
        axis: the axis to partition along.

    Example:
        >>> int(ops.argpartition(ops.convert_to_tensor([3, 1, 2]), 0)[0])
        1
    """
    return _np.argpartition(x, kth, axis=axis)


@symbolic
def isin(x1, x2, assume_unique=False, invert=False):
    """Element-wise: whether each element of ``x1`` occurs in ``x2``.

    Args:
        x1: tensor whose elements are looked up.
        x2: values to look for (any shape).
        assume_unique: promise that both inputs hold unique values (may be faster).
        invert: return True where an element is *not* in ``x2``.

    Example:
        >>> ops.convert_to_numpy(ops.isin(ops.arange(4), [1, 3]))
        array([False,  True, False,  True])
    """
    return _np.isin(x1, x2, assume_unique=assume_unique, invert=invert)


@symbolic
def histogram(x, bins=10, range=None):
    """Counts of ``x`` in ``bins`` equal-width bins; returns ``(counts, bin_edges)``.

    Args:
        x: input tensor (flattened).
        bins: number of equal-width bins.
        range: ``(lower, upper)`` limits of the bins; None uses the min and max of ``x``.

    Example:
        >>> counts, edges = ops.histogram(ops.convert_to_tensor([0.0, 0.1, 0.9]), bins=2)  # [2, 1]
    """
    return _np.histogram(x, bins=bins, range=range)


@symbolic
def diff(a, n=1, axis=-1):
    """``n``-th discrete difference of ``a`` along ``axis``.

    Args:
        a: input tensor.
        n: number of times to take the difference.
        axis: the axis to difference along.

    Example:
        >>> ops.convert_to_numpy(ops.diff(ops.convert_to_tensor([1, 4, 9])))
        array([3, 5], dtype=int32)
    """
    return _np.diff(a, n=n, axis=axis)


@symbolic
def ediff1d(x):
    """Differences between consecutive elements of the flattened ``x``.

    Args:
        x: input tensor (flattened).

    Example:
        >>> ops.convert_to_numpy(ops.ediff1d(ops.convert_to_tensor([[1, 2], [4, 8]])))
        array([1, 2, 4], dtype=int32)
    """
    return _np.ediff1d(x)


@symbolic
def correlate(x1, x2, mode="valid"):
    """Cross-correlation of two 1-D tensors (``mode``: ``"valid"``, ``"same"``, ``"full"``).

    Args:
        x1: first 1-D tensor.
        x2: second 1-D tensor.
        mode: ``"valid"`` (full overlaps only), ``"same"`` (length of the longer input) or ``"full"``.

    Example:
        >>> ops.convert_to_numpy(ops.correlate([1.0, 2.0, 3.0], [0.0, 1.0]))
        array([2., 3.], dtype=float32)
    """
    return _np.correlate(x1, x2, mode=mode)


@symbolic
def convolve(x1, x2, mode="full"):
    """Discrete linear convolution of two 1-D tensors.

    Args:
        x1: first 1-D tensor.
        x2: second 1-D tensor.
        mode: ``"full"`` (every overlap), ``"same"`` (length of the longer input) or ``"valid"``.

    Example:
        >>> ops.convert_to_numpy(ops.convolve([1.0, 2.0], [1.0, 1.0]))
        array([1., 3., 2.], dtype=float32)
    """
    return _np.convolve(x1, x2, mode=mode)


@symbolic
def trapezoid(y, x=None, dx=1.0, axis=-1):
    """Integral of ``y`` along ``axis`` by the trapezoidal rule.

    Args:
        y: values to integrate.
        x: sample points of ``y`` along ``axis``; None spaces them ``dx`` apart.
        dx: spacing between samples when ``x`` is None.
        axis: the axis to integrate along.

    Example:
        >>> float(ops.trapezoid(ops.convert_to_tensor([1.0, 2.0, 3.0])))
        4.0
    """
    return _np.trapezoid(y, x=x, dx=dx, axis=axis)


@symbolic
def interp(x, xp, fp, left=None, right=None):
    """Piecewise-linear interpolation of the points ``(xp, fp)`` at ``x``.

    Args:
        x: points to evaluate at.
        xp: 1-D increasing x-coordinates of the data points.
        fp: 1-D y-coordinates of the data points, as many as ``xp``.
        left: value for ``x < xp[0]``; None uses ``fp[0]``.
        right: value for ``x > xp[-1]``; None uses ``fp[-1]``.

    Example:
        >>> ops.convert_to_numpy(ops.interp(ops.convert_to_tensor([0.5]), [0.0, 1.0], [0.0, 10.0]))
        array([5.], dtype=float32)
    """
    return _np.interp(x, xp, fp, left=left, right=right)
