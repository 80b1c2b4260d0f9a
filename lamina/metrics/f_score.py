"""F-scores: ``FBetaScore`` and ``F1Score`` for multi-class or multi-label outputs."""

from lamina import backend, ops
from lamina.metrics.metric import Metric

_AVERAGES = (None, "micro", "macro", "weighted")


class FBetaScore(Metric):
    """The F-beta score ``(1 + b^2) * P * R / (b^2 * P + R)`` per class, optionally averaged.

    Inputs are 2D: ``y_true`` one-hot or multi-hot of shape ``(batch, classes)`` and
    ``y_pred`` scores of the same shape. The per-class state is created on the first
    ``update_state`` (or by ``build(y_true_shape, y_pred_shape)``).

    Args:
        average: None (one score per class), ``"micro"`` (pooled counts), ``"macro"``
            (mean of class scores) or ``"weighted"`` (mean weighted by class support).
        beta: the weight of recall against precision, a float > 0.
        threshold: predictions above it are positive; if None, each row's arg-max is.
        name, dtype: as for ``Metric``.

    Example:
        >>> m = lamina.metrics.FBetaScore(beta=2.0, threshold=0.5)
        >>> m.update_state([[0, 1], [1, 0]], [[0.2, 0.8], [0.6, 0.4]])
    """

    def __init__(self, average=None, beta=1.0, threshold=None, name="fbeta_score", dtype=None):
        super().__init__(name=name, dtype=dtype)
        if average not in _AVERAGES:
            raise ValueError(f"{type(self).__name__}: `average` must be one of {_AVERAGES}. "
                             f"Received: average={average!r}")
        if not isinstance(beta, float) or beta <= 0.0:
            raise ValueError(f"{type(self).__name__}: `beta` must be a Python float > 0. Received: beta={beta!r}")
        if threshold is not None and (not isinstance(threshold, float) or not 0.0 < threshold <= 1.0):
            raise ValueError(f"{type(self).__name__}: `threshold` must be a Python float in (0, 1]. "
                             f"Received: threshold={threshold!r}")
        self.average = average
        self.beta = beta
        self.threshold = threshold
        self.axis = None if average == "micro" else 0
        self.built = False

    def build(self, y_true_shape, y_pred_shape):
        """Creates the per-class state for inputs of shape ``(batch, classes)``."""
        if len(y_pred_shape) != 2 or len(y_true_shape) != 2 or y_pred_shape[-1] is None:
            raise ValueError(
                f"{type(self).__name__} expects 2D inputs of shape (batch_size, output_dim) with output_dim "
                f"known. Received: y_true.shape={tuple(y_true_shape)}, y_pred.shape={tuple(y_pred_shape)}."
            )
        shape = () if self.average == "micro" else (int(y_pred_shape[-1]),)
        self.true_positives = self.add_variable(shape=shape, initializer="zeros", name="true_positives")
        self.false_positives = self.add_variable(shape=shape, initializer="zeros", name="false_positives")
        self.false_negatives = self.add_variable(shape=shape, initializer="zeros", name="false_negatives")
        self.intermediate_weights = self.add_variable(shape=shape, initializer="zeros",
                                                      name="intermediate_weights")
        self.built = True

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_true = ops.convert_to_tensor(y_true, dtype=self.dtype)
        y_pred = ops.convert_to_tensor(y_pred, dtype=self.dtype)
        if not self.built:
            self.build(y_true.shape, y_pred.shape)
        if self.threshold is None:
            row_max = ops.max(y_pred, axis=-1, keepdims=True)
            y_pred = ops.logical_and(ops.greater_equal(y_pred, row_max), ops.greater(ops.abs(y_pred), 1e-9))
        else:
            y_pred = ops.greater(y_pred, self.threshold)
        y_pred = ops.cast(y_pred, self.dtype)
        weight = None
        if sample_weight is not None:
            weight = ops.expand_dims(ops.convert_to_tensor(sample_weight, dtype=self.dtype), 1)

        def weighted_sum(values):
            if weight is not None:
                values = values * weight
            return ops.sum(values, axis=self.axis)

        self.true_positives.assign_add(weighted_sum(y_pred * y_true))
        self.false_positives.assign_add(weighted_sum(y_pred * (1.0 - y_true)))
        self.false_negatives.assign_add(weighted_sum((1.0 - y_pred) * y_true))
        self.intermediate_weights.assign_add(weighted_sum(y_true))

    def result(self):
        eps = backend.epsilon()
        tp = self.true_positives.value
        precision = tp / (tp + self.false_positives.value + eps)
        recall = tp / (tp + self.false_negatives.value + eps)
        b2 = self.beta ** 2
        score = (1.0 + b2) * (precision * recall) / (b2 * precision + recall + eps)
        if self.average == "weighted":
            weights = self.intermediate_weights.value
            return ops.sum(score * weights / (ops.sum(weights) + eps))
        if self.average is not None:
            return ops.mean(score)
        return score

    def get_config(self):
        config = super().get_config()
        config.update({"average": self.average, "beta": self.beta, "threshold": self.threshold})
        return config


class F1Score(FBetaScore):
    """The F1 score, the harmonic mean of precision and recall (``FBetaScore`` with beta 1).

    Args:
        average, threshold: as for ``FBetaScore``.
        name, dtype: as for ``Metric``.

    Example:
        >>> m = lamina.metrics.F1Score(average="macro", threshold=0.5)
        >>> m.update_state([[0, 1], [1, 0]], [[0.2, 0.8], [0.6, 0.4]])
        >>> round(float(m.result()), 4)
        1.0
    """

    def __init__(self, average=None, threshold=None, name="f1_score", dtype=None):
        super().__init__(average=average, beta=1.0, threshold=threshold, name=name, dtype=dtype)

    def get_config(self):
        config = super().get_config()
        del config["beta"]
        return config
