"""Correlation metrics: Pearson's and Lin's concordance coefficient, per sample along an axis.

Example:
    >>> m = lamina.metrics.PearsonCorrelation()
    >>> m.update_state([[1.0, 2.0, 3.0]], [[2.0, 4.0, 7.0]])
    >>> round(float(m.result()), 4)
    0.9934
"""

from lamina import backend, ops
from lamina.losses.loss import squeeze_or_expand_to_same_rank
from lamina.metrics.reduction import MeanMetricWrapper


def _pair(y_true, y_pred):
    y_pred = ops.convert_to_tensor(y_pred)
    y_true = ops.convert_to_tensor(y_true, dtype=y_pred.dtype)
    return squeeze_or_expand_to_same_rank(y_true, y_pred)


def pearson_correlation(y_true, y_pred, axis=-1):
    """Pearson's correlation coefficient of ``y_true`` and ``y_pred`` along ``axis``.

    Args:
        y_true: true values.
        y_pred: predicted values, the shape of ``y_true``.
        axis: the axis (or axes) the coefficient is computed along.

    Example:
        >>> round(float(lamina.metrics.pearson_correlation([1.0, 2.0, 3.0], [2.0, 4.0, 7.0])), 4)
        0.9934
    """
    y_true, y_pred = _pair(y_true, y_pred)
    true_centered = y_true - ops.mean(y_true, axis=axis, keepdims=True)
    pred_centered = y_pred - ops.mean(y_pred, axis=axis, keepdims=True)
    true_scaled = true_centered / ops.std(true_centered, axis=axis, keepdims=True)
    pred_scaled = pred_centered / ops.std(pred_centered, axis=axis, keepdims=True)
    return ops.mean(true_scaled * pred_scaled, axis=axis)


def concordance_correlation(y_true, y_pred, axis=-1):
    """Lin's concordance correlation coefficient along ``axis``, written as Keras 3 computes it.

    ``mean(2 * (y_true - mean(y_pred)) * (y_pred - mean(y_pred)) / (var(y_true) + var(y_pred)
    + (mean(y_true) - mean(y_pred)) ** 2 + epsilon))``. Keras 3.15 centers ``y_true`` on the
    mean of ``y_pred`` in the cross term (the textbook form uses the mean of ``y_true``); lamina
    keeps Keras's form so that the two report the same numbers.

    Args:
        y_true: true values.
        y_pred: predicted values, the shape of ``y_true``.
        axis: the axis (or axes) the coefficient is computed along.

    Example:
        >>> round(float(lamina.metrics.concordance_correlation([1.0, 2.0, 3.0], [1.0, 2.0, 3.0])), 4)
        1.0
    """
    y_true, y_pred = _pair(y_true, y_pred)
    true_mean = ops.mean(y_true, axis=axis, keepdims=True)
    pred_mean = ops.mean(y_pred, axis=axis, keepdims=True)
    true_var = ops.var(y_true - true_mean, axis=axis, keepdims=True)
    pred_var = ops.var(y_pred - pred_mean, axis=axis, keepdims=True)
    cross = (y_true - pred_mean) * (y_pred - pred_mean)
    norm = true_var + pred_var + ops.square(true_mean - pred_mean)
    return ops.mean(2.0 * cross / (norm + backend.epsilon()), axis=axis)


class PearsonCorrelation(MeanMetricWrapper):
    """Running mean over samples of Pearson's correlation coefficient (1: perfectly linear).

    Args:
        name: the metric's name.
        dtype: the state's dtype.
        axis: the axis (or axes) each sample's coefficient is computed along.

    Example:
        >>> m = lamina.metrics.PearsonCorrelation()
        >>> m.update_state([[1.0, 2.0, 3.0]], [[3.0, 2.0, 1.0]])
        >>> round(float(m.result()), 4)
        -1.0
    """

    def __init__(self, name="pearson_correlation", dtype=None, axis=-1):
        super().__init__(pearson_correlation, name=name, dtype=dtype, axis=axis)
        self.axis = axis


class ConcordanceCorrelation(MeanMetricWrapper):
    """Running mean over samples of the concordance correlation coefficient (1: equal values).

    Args:
        name: the metric's name.
        dtype: the state's dtype.
        axis: the axis (or axes) each sample's coefficient is computed along.

    Example:
        >>> m = lamina.metrics.ConcordanceCorrelation()
        >>> m.update_state([[1.0, 2.0, 3.0]], [[1.0, 2.0, 3.0]])
        >>> round(float(m.result()), 4)
        1.0
    """

    def __init__(self, name="concordance_correlation", dtype=None, axis=-1):
        super().__init__(concordance_correlation, name=name, dtype=dtype, axis=axis)
        self.axis = axis
