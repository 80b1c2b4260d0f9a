"""NaN-aware reductions and statistics: each treats NaN as missing, as NumPy's ``nan*`` functions do.

Example:
    >>> from lamina import ops
    >>> float(ops.nanstd(ops.convert_to_tensor([1.0, float("nan"), 3.0])))
    1.0
"""

from lamina.backend import numpy as _np
from lamina.ops._dispatch import symbolic

__all__ = [
    "nanargmax", "nanargmin", "nancumprod", "nancumsum", "nanmedian", "nanpercentile", "nanprod", "nanquantile",
    "nanstd", "nanvar",
]

_METHODS = ("linear", "lower", "higher", "midpoint", "nearest")


def _check_method(fn_name, method):
    if method not in _METHODS:
        raise ValueError(f"ops.{fn_name}: `method` must be one of {_METHODS}. Received: method={method!r}")


@symbolic
def nanargmax(x, axis=None, keepdims=False):
    """Index (int32) of the largest non-NaN entry; -1 where every entry is NaN.

    Args:
        x: input tensor.
        axis: the axis to search along; None searches the flattened tensor.
        keepdims: keep the reduced axis with size 1.

    Example:
        >>> ops.convert_to_numpy(ops.nanargmax(ops.convert_to_tensor([[1.0, float("nan"), 3.0]]), axis=1))
        array([2], dtype=int32)
    """
    return _np.nanargmax(x, axis=axis, keepdims=keepdims)


@symbolic
def nanargmin(x, axis=None, keepdims=False):
    """Index (int32) of the smallest non-NaN entry; -1 where every entry is NaN.

    Args:
        x: input tensor.
        axis: the axis to search along; None searches the flattened tensor.
        keepdims: keep the reduced axis with size 1.

    Example:
        >>> int(ops.nanargmin(ops.convert_to_tensor([float("nan"), 2.0, 0.5])))
        2
    """
    return _np.nanargmin(x, axis=axis, keepdims=keepdims)


@symbolic
def nancumprod(x, axis=None, dtype=None):
    """Cumulative product treating NaN as one.

    Args:
        x: input tensor.
        axis: the axis to accumulate along; None flattens ``x`` first.
        dtype: the output dtype (None: the dtype of ``x``, small integers widened).

    Example:
        >>> ops.convert_to_numpy(ops.nancumprod(ops.convert_to_tensor([2.0, float("nan"), 3.0])))
        array([2., 2., 6.], dtype=float32)
    """
    return _np.nancumprod(x, axis=axis, dtype=dtype)


@symbolic
def nancumsum(x, axis=None, dtype=None):
    """Cumulative sum treating NaN as zero.

    Args:
        x: input tensor.
        axis: the axis to accumulate along; None flattens ``x`` first.
        dtype: the output dtype (None: the dtype of ``x``, small integers widened).

    Example:
        >>> ops.convert_to_numpy(ops.nancumsum(ops.convert_to_tensor([1.0, float("nan"), 3.0])))
        array([1., 1., 4.], dtype=float32)
    """
    return _np.nancumsum(x, axis=axis, dtype=dtype)


@symbolic
def nanmedian(x, axis=None, keepdims=False):
    """Median ignoring NaN.

    Args:
        x: input tensor.
        axis: axis or axes to reduce over; None reduces over all.
        keepdims: keep the reduced axes with size 1.

    Example:
        >>> float(ops.nanmedian(ops.convert_to_tensor([1.0, float("nan"), 3.0, 4.0])))
        3.0
    """
    return _np.nanmedian(x, axis=axis, keepdims=keepdims)


@symbolic
def nanquantile(x, q, axis=None, method="linear", keepdims=False):
    """The ``q``-th quantiles (``q`` in [0, 1]) ignoring NaN.

    Args:
        x: input tensor.
        q: a quantile or a 1-D sequence of quantiles, each in [0, 1]; a sequence adds a leading axis.
        axis: axis or axes to reduce over; None reduces over all.
        method: how to pick between two neighbours: ``"linear"``, ``"lower"``, ``"higher"``,
            ``"midpoint"`` or ``"nearest"``.
        keepdims: keep the reduced axes with size 1.

    Example:
        >>> float(ops.nanquantile(ops.convert_to_tensor([1.0, 2.0, float("nan"), 4.0]), 0.5))
        2.0
    """
    _check_method("nanquantile", method)
    return _np.nanquantile(x, q, axis=axis, method=method, keepdims=keepdims)


@symbolic
def nanpercentile(x, q, axis=None, method="linear", keepdims=False):
    """The ``q``-th percentiles (``q`` in [0, 100]) ignoring NaN.

    Args:
        x: input tensor.
        q: a percentile or a 1-D sequence of percentiles, each in [0, 100]; a sequence adds a leading axis.
        axis: axis or axes to reduce over; None reduces over all.
        method: how to pick between two neighbours: ``"linear"``, ``"lower"``, ``"higher"``,
            ``"midpoint"`` or ``"nearest"``.
        keepdims: keep the reduced axes with size 1.

    Example:
        >>> float(ops.nanpercentile(ops.convert_to_tensor([1.0, 2.0, 3.0, 4.0]), 50))
        2.5
    """
    _check_method("nanpercentile", method)
    return _np.nanpercentile(x, q, axis=axis, method=method, keepdims=keepdims)


@symbolic
def nanprod(x, axis=None, keepdims=False):
    """Product treating NaN as one.

    Args:
        x: input tensor.
        axis: axis or axes to reduce over; None reduces over all.
        keepdims: keep the reduced axes with size 1.

    Example:
        >>> float(ops.nanprod(ops.convert_to_tensor([2.0, float("nan"), 3.0])))
        6.0
    """
    return _np.nanprod(x, axis=axis, keepdims=keepdims)


@symbolic
def nanvar(x, axis=None, keepdims=False):
    """Variance ignoring NaN (float result).

    Args:
        x: input tensor.
        axis: axis or axes to reduce over; None reduces over all.
        keepdims: keep the reduced axes with size 1.

    Example:
        >>> float(ops.nanvar(ops.convert_to_tensor([1.0, float("nan"), 3.0])))
        1.0
    """
    return _np.nanvar(x, axis=axis, keepdims=keepdims)


@symbolic
def nanstd(x, axis=None, keepdims=False):
    """Standard deviation ignoring NaN (float result).

    Args:
        x: input tensor.
        axis: axis or axes to reduce over; None reduces over all.
        keepdims: keep the reduced axes with size 1.

    Example:
        >>> float(ops.nanstd(ops.convert_to_tensor([1.0, float("nan"), 3.0])))
        1.0
    """
    return _np.nanstd(x, axis=axis, keepdims=keepdims)
