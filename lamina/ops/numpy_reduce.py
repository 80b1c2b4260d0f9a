"""NumPy-like reductions and statistics: var, std, median, quantile, cumsum, argmin ...

Statistics of integer tensors are ``floatx()``; index results are int32.

Example:
    >>> from lamina import ops
    >>> float(ops.std(ops.convert_to_tensor([1.0, 3.0])))
    1.0
"""

from lamina.backend import numpy as _np
from lamina.ops._dispatch import symbolic

__all__ = [
    "var", "std", "median", "quantile", "percentile", "cumsum", "cumprod", "cummax", "cummin", "count_nonzero",
    "argmin", "average", "nansum", "nanmean", "nanmax", "nanmin", "ptp",
]


@symbolic
def var(x, axis=None, keepdims=False, ddof=0):
    """Variance over ``axis``.

    Args:
        x: input.
        axis: axis or axes (all when None).
        keepdims: keep reduced axes with size 1.
        ddof: delta degrees of freedom (divide by ``n - ddof``).

    Example:
        >>> float(ops.var(ops.convert_to_tensor([1.0, 3.0])))
        1.0
    """
    return _np.var(x, axis=axis, keepdims=keepdims, ddof=ddof)


@symbolic
def std(x, axis=None, keepdims=False, ddof=0):
    """Standard deviation over ``axis`` (see ``var``).

    Args:
        x: input tensor.
        axis: axis or axes to reduce over; None reduces over all.
        keepdims: keep the reduced axes with size 1.
        ddof: delta degrees of freedom (divide by ``n - ddof``).

    Example:
        >>> float(ops.std(ops.convert_to_tensor([1.0, 3.0])))
        1.0
    """
    return _np.std(x, axis=axis, keepdims=keepdims, ddof=ddof)


@symbolic
def median(x, axis=None, keepdims=False):
    """Median over ``axis`` (mean of the two middle values for even counts).

    Args:
        x: input tensor.
        axis: axis or axes to reduce over; None reduces over all.
        keepdims: keep the reduced axes with size 1.

    Example:
        >>> float(ops.median(ops.convert_to_tensor([1.0, 2.0, 4.0, 9.0])))
        3.0
    """
    return _np.median(x, axis=axis, keepdims=keepdims)


@symbolic
def quantile(x, q, axis=None, method="linear", keepdims=False):
    """The ``q``-th quantiles (``q`` in [0, 1]) over ``axis``.

    Args:
        x: input.
        q: a scalar or 1-D quantiles; their axis comes first in the result.
        axis: axis or axes (all when None).
        method: ``"linear"``, ``"lower"``, ``"higher"``, ``"midpoint"`` or ``"nearest"``.
        keepdims: keep reduced axes with size 1.

    Example:
        >>> float(ops.quantile(ops.arange(5.0), 0.25))
        1.0
    """
    return _np.quantile(x, q, axis=axis, method=method, keepdims=keepdims)


def percentile(x, q, axis=None, method="linear", keepdims=False):
    """Like ``quantile`` with ``q`` in [0, 100].

    Args:
        x: input tensor.
        q: a scalar or 1-D percentiles in [0, 100]; their axis comes first in the result.
        axis: axis or axes to reduce over; None reduces over all.
        method: ``"linear"``, ``"lower"``, ``"higher"``, ``"midpoint"`` or ``"nearest"``.
        keepdims: keep the reduced axes with size 1.

    Example:
        >>> float(ops.percentile(ops.arange(5.0), 25))
        1.0
    """
    from lamina.ops import numpy as ops

    q = ops.divide(q, 100.0) if not isinstance(q, (int, float)) else q / 100.0
    return quantile(x, q, axis=axis, method=method, keepdims=keepdims)


@symbolic
def cumsum(x, axis=None, dtype=None):
    """Cumulative sum along ``axis`` (over the flattened tensor when None).

    Args:
        x: input tensor.
        axis: the axis to accumulate along; None flattens ``x`` first.
        dtype: dtype to accumulate in and return; None keeps the input's (bool and small ints
            become int32).

    Example:
        >>> ops.convert_to_numpy(ops.cumsum(ops.arange(4)))
        array([0, 1, 3, 6], dtype=int32)
    """
    return _np.cumsum(x, axis=axis, dtype=dtype)


@symbolic
def cumprod(x, axis=None, dtype=None):
    """Cumulative product along ``axis`` (over the flattened tensor when None).

    Args:
        x: input tensor.
        axis: the axis to accumulate along; None flattens ``x`` first.
        dtype: dtype to accumulate in and return; None keeps the input's (bool and small ints
            become int32).

    Example:
        >>> ops.convert_to_numpy(ops.cumprod(ops.arange(1, 5)))
        array([ 1,  2,  6, 24], dtype=int32)
    """
    return _np.cumprod(x, axis=axis, dtype=dtype)


@symbolic
def cummax(x, axis=0):
    """Running maximum along ``axis``.

    Args:
        x: input tensor.
        axis: the axis to accumulate along.

    Example:
        >>> ops.convert_to_numpy(ops.cummax(ops.convert_to_tensor([1, 3, 2])))
        array([1, 3, 3], dtype=int32)
    """
    return _np.cummax(x, axis=axis)


@symbolic
def cummin(x, axis=0):
    """Running minimum along ``axis``.

    Args:
        x: input tensor.
        axis: the axis to accumulate along.

    Example:
        >>> ops.convert_to_numpy(ops.cummin(ops.convert_to_tensor([3, 1, 2])))
        array([3, 1, 1], dtype=int32)
    """
    return _np.cummin(x, axis=axis)


@symbolic
def count_nonzero(x, axis=None):
    """Number of non-zero elements over ``axis`` (int32).

    Args:
        x: input tensor.
        axis: axis or axes to count over; None counts over all.

    Example:
        >>> int(ops.count_nonzero(ops.convert_to_tensor([0, 1, 2])))
        2
    """
    return _np.count_nonzero(x, axis=axis)


@symbolic
def argmin(x, axis=None, keepdims=False):
    """Index of the minimum along ``axis`` (int32; flattened when None).

    Args:
        x: input tensor.
        axis: the axis to search along; None searches the flattened tensor.
        keepdims: keep the searched axis with size 1.

    Example:
        >>> int(ops.argmin(ops.convert_to_tensor([3, 1, 2])))
        1
    """
    return _np.argmin(x, axis=axis, keepdims=keepdims)


@symbolic
def average(x, axis=None, weights=None):
    """Weighted mean over ``axis``.

    Args:
        x: input.
        axis: axis or axes (all when None).
        weights: same shape as ``x``, or 1-D along ``axis``.

    Example:
        >>> float(ops.average(ops.convert_to_tensor([1.0, 3.0]), weights=[3.0, 1.0]))
        1.5
    """
    return _np.average(x, axis=axis, weights=weights)


@symbolic
def nansum(x, axis=None, keepdims=False):
    """Sum treating NaN as zero.

    Args:
        x: input tensor.
        axis: axis or axes to reduce over; None reduces over all.
        keepdims: keep the reduced axes with size 1.

    Example:
        >>> float(ops.nansum(ops.convert_to_tensor([1.0, float("nan")])))
        1.0
    """
    return _np.nansum(x, axis=axis, keepdims=keepdims)


@symbolic
def nanmean(x, axis=None, keepdims=False):
    """Mean ignoring NaN.

    Args:
        x: input tensor.
        axis: axis or axes to reduce over; None reduces over all.
        keepdims: keep the reduced axes with size 1.

    Example:
        >>> float(ops.nanmean(ops.convert_to_tensor([1.0, float("nan"), 3.0])))
        2.0
    """
    return _np.nanmean(x, axis=axis, keepdims=keepdims)


@symbolic
def nanmax(x, axis=None, keepdims=False):
    """Maximum ignoring NaN.

    Args:
        x: input tensor.
        axis: axis or axes to reduce over; None reduces over all.
        keepdims: keep the reduced axes with size 1.

    Example:
        >>> float(ops.nanmax(ops.convert_to_tensor([1.0, float("nan")])))
        1.0
    """
    return _np.nanmax(x, axis=axis, keepdims=keepdims)


@symbolic
def nanmin(x, axis=None, keepdims=False):
    """Minimum ignoring NaN.

    Args:
        x: input tensor.
        axis: axis or axes to reduce over; None reduces over all.
        keepdims: keep the reduced axes with size 1.

    Example:
        >>> float(ops.nanmin(ops.convert_to_tensor([1.0, float("nan")])))
        1.0
    """
    return _np.nanmin(x, axis=axis, keepdims=keepdims)


@symbolic
def ptp(x, axis=None, keepdims=False):
    """Range (max - min) over ``axis``.

    Args:
        x: input tensor.
        axis: axis or axes to reduce over; None reduces over all.
        keepdims: keep the reduced axes with size 1.

    Example:
        >>> int(ops.ptp(ops.convert_to_tensor([1, 5, 2])))
        4
    """
    return _np.ptp(x, axis=axis, keepdims=keepdims)
