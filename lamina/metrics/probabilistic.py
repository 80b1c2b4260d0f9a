"""Probabilistic and hinge metrics: running means of the matching loss functions."""

from lamina.losses import functions as F
from lamina.metrics.reduction import MeanMetricWrapper


class BinaryCrossentropy(MeanMetricWrapper):
    """Running mean of the binary cross-entropy.

    Args:
        from_logits: whether ``y_pred`` holds logits.
        label_smoothing: in ``[0, 1]``; labels move towards 0.5.
        name, dtype: as for ``Metric``.

    Example:
        >>> m = lamina.metrics.BinaryCrossentropy()
        >>> m.update_state([[0, 1], [0, 0]], [[0.6, 0.4], [0.4, 0.6]])
        >>> round(float(m.result()), 4)
        0.8149
    """

    def __init__(self, name="binary_crossentropy", dtype=None, from_logits=False, label_smoothing=0):
        super().__init__(F.binary_crossentropy, name=name, dtype=dtype, from_logits=from_logits,
                         label_smoothing=label_smoothing)


class CategoricalCrossentropy(MeanMetricWrapper):
    """Running mean of the categorical cross-entropy (one-hot labels).

    Args:
        from_logits: whether ``y_pred`` holds logits.
        label_smoothing: in ``[0, 1]``.
        axis: the class axis.
        name, dtype: as for ``Metric``.

    Example:
        >>> m = lamina.metrics.CategoricalCrossentropy()
        >>> m.update_state([[0, 1, 0], [0, 0, 1]], [[0.05, 0.95, 0], [0.1, 0.8, 0.1]])
        >>> round(float(m.result()), 4)
        1.1769
    """

    def __init__(self, name="categorical_crossentropy", dtype=None, from_logits=False, label_smoothing=0,
                 axis=-1):
        super().__init__(F.categorical_crossentropy, name=name, dtype=dtype, from_logits=from_logits,
                         label_smoothing=label_smoothing, axis=axis)


class SparseCategoricalCrossentropy(MeanMetricWrapper):
    """Running mean of the sparse categorical cross-entropy (integer labels).

    Args:
        from_logits: whether ``y_pred`` holds logits.
        ignore_class: a label value left out of the mean.
        axis: the class axis.
        name, dtype: as for ``Metric``.

    Example:
        >>> m = lamina.metrics.SparseCategoricalCrossentropy()
        >>> m.update_state([1, 2], [[0.05, 0.95, 0], [0.1, 0.8, 0.1]])
        >>> round(float(m.result()), 4)
        1.1769
    """

    def __init__(self, name="sparse_categorical_crossentropy", dtype=None, from_logits=False,
                 ignore_class=None, axis=-1):
        super().__init__(F.sparse_categorical_crossentropy, name=name, dtype=dtype,
                         from_logits=from_logits, ignore_class=ignore_class, axis=axis)


class KLDivergence(MeanMetricWrapper):
    """Running mean of the Kullback-Leibler divergence.

    Example:
        >>> m = lamina.metrics.KLDivergence()
        >>> m.update_state([[0, 1], [0, 0]], [[0.6, 0.4], [0.4, 0.6]])
    """

    def __init__(self, name="kl_divergence", dtype=None):
        super().__init__(F.kl_divergence, name=name, dtype=dtype)


class Poisson(MeanMetricWrapper):
    """Running mean of the Poisson loss ``y_pred - y_true * log(y_pred)``.

    Example:
        >>> m = lamina.metrics.Poisson()
        >>> m.update_state([[0, 1], [0, 0]], [[1, 1], [0, 0]])
    """

    def __init__(self, name="poisson", dtype=None):
        super().__init__(F.poisson, name=name, dtype=dtype)


class Hinge(MeanMetricWrapper):
    """Running mean of the hinge loss (0/1 labels become -1/1).

    Example:
        >>> m = lamina.metrics.Hinge()
        >>> m.update_state([[0, 1], [0, 0]], [[0.6, 0.4], [0.4, 0.6]])
        >>> round(float(m.result()), 4)
        1.3
    """

    def __init__(self, name="hinge", dtype=None):
        super().__init__(F.hinge, name=name, dtype=dtype)


class SquaredHinge(MeanMetricWrapper):
    """Running mean of the squared hinge loss.

    Example:
        >>> m = lamina.metrics.SquaredHinge()
        >>> m.update_state([[0, 1], [0, 0]], [[0.6, 0.4], [0.4, 0.6]])
        >>> round(float(m.result()), 4)
        1.86
    """

    def __init__(self, name="squared_hinge", dtype=None):
        super().__init__(F.squared_hinge, name=name, dtype=dtype)


class CategoricalHinge(MeanMetricWrapper):
    """Running mean of the categorical hinge loss.

    Example:
        >>> m = lamina.metrics.CategoricalHinge()
        >>> m.update_state([[0, 1], [0, 0]], [[0.6, 0.4], [0.4, 0.6]])
        >>> round(float(m.result()), 4)
        1.4
    """

    def __init__(self, name="categorical_hinge", dtype=None):
        super().__init__(F.categorical_hinge, name=name, dtype=dtype)
