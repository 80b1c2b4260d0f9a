"""Regression metrics: running means of error functions, RMSE and R2."""

from lamina import ops
from lamina.losses import functions as F
from lamina.losses.loss import divide_no_nan, squeeze_or_expand_to_same_rank
from lamina.metrics.metric import Metric
from lamina.metrics.reduction import Mean, MeanMetricWrapper


def cosine_similarity(y_true, y_pred, axis=-1):
    """Cosine similarity along ``axis`` (1 for identical directions)."""
    return -F.cosine_similarity(y_true, y_pred, axis=axis)


class MeanSquaredError(MeanMetricWrapper):
    """Running mean of ``mean(square(y_true - y_pred), axis=-1)``.

    Example:
        >>> m = lamina.metrics.MeanSquaredError()
        >>> m.update_state([[0.0, 1.0]], [[1.0, 1.0]])
        >>> float(m.result())
        0.5
    """

    def __init__(self, name="mean_squared_error", dtype=None):
        super().__init__(F.mean_squared_error, name=name, dtype=dtype)


class MeanAbsoluteError(MeanMetricWrapper):
    """Running mean of ``mean(abs(y_true - y_pred), axis=-1)``.

    Example:
        >>> m = lamina.metrics.MeanAbsoluteError()
        >>> m.update_state([[0.0, 1.0]], [[1.0, 1.0]])
        >>> float(m.result())
        0.5
    """

    def __init__(self, name="mean_absolute_error", dtype=None):
        super().__init__(F.mean_absolute_error, name=name, dtype=dtype)


class MeanAbsolutePercentageError(MeanMetricWrapper):
    """Running mean of the absolute percentage error.

    Example:
        >>> m = lamina.metrics.MeanAbsolutePercentageError()
        >>> m.update_state([[2.0]], [[1.0]])
        >>> float(m.result())
        50.0
    """

    def __init__(self, name="mean_absolute_percentage_error", dtype=None):
        super().__init__(F.mean_absolute_percentage_error, name=name, dtype=dtype)


class MeanSquaredLogarithmicError(MeanMetricWrapper):
    """Running mean of the squared difference of ``log(1 + y)``.

    Example:
        >>> m = lamina.metrics.MeanSquaredLogarithmicError()
        >>> m.update_state([[1.0]], [[0.0]])
    """

    def __init__(self, name="mean_squared_logarithmic_error", dtype=None):
        super().__init__(F.mean_squared_logarithmic_error, name=name, dtype=dtype)


class LogCoshError(MeanMetricWrapper):
    """Running mean of ``log(cosh(y_pred - y_true))``.

    Example:
        >>> m = lamina.metrics.LogCoshError()
        >>> m.update_state([[0.0]], [[1.0]])
    """

    def __init__(self, name="logcosh", dtype=None):
        super().__init__(F.log_cosh, name=name, dtype=dtype)


class CosineSimilarity(MeanMetricWrapper):
    """Running mean of the cosine similarity between labels and predictions.

    Args:
        axis: the axis along which similarity is computed.
        name, dtype: as for ``Metric``.

    Example:
        >>> m = lamina.metrics.CosineSimilarity()
        >>> m.update_state([[0.0, 1.0], [1.0, 1.0]], [[1.0, 0.0], [1.0, 1.0]])
        >>> round(float(m.result()), 4)
        0.5
    """

    def __init__(self, name="cosine_similarity", dtype=None, axis=-1):
        super().__init__(cosine_similarity, name=name, dtype=dtype, axis=axis)


class RootMeanSquaredError(Mean):
    """``sqrt`` of the running (weighted) mean of squared errors.

    Example:
        >>> m = lamina.metrics.RootMeanSquaredError()
        >>> m.update_state([[0.0, 1.0]], [[1.0, 1.0]])
        >>> round(float(m.result()), 4)
        0.7071
    """

    def __init__(self, name="root_mean_squared_error", dtype=None):
        super().__init__(name=name, dtype=dtype)

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_true = ops.convert_to_tensor(y_true, dtype=self.dtype)
        y_pred = ops.convert_to_tensor(y_pred, dtype=self.dtype)
        y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
        return super().update_state(ops.square(y_pred - y_true), sample_weight=sample_weight)

    def result(self):
        return ops.sqrt(divide_no_nan(self.total.value, self.count.value))


class R2Score(Metric):
    """Coefficient of determination, per output column, then aggregated.

    Variables for the per-column sums are created on the first ``update_state`` (or by
    ``build(y_true_shape, y_pred_shape)``), since they depend on the number of outputs.

    Args:
        class_aggregation: ``"uniform_average"`` (default), ``"variance_weighted_average"``
            or None (one score per output).
        num_regressors: for the adjusted R2; 0 gives the plain R2.
        name, dtype: as for ``Metric``.

    Example:
        >>> m = lamina.metrics.R2Score()
        >>> m.update_state([[1.0], [4.0], [3.0]], [[2.0], [4.0], [4.0]])
        >>> round(float(m.result()), 4)
        0.5714
    """

    def __init__(self, class_aggregation="uniform_average", num_regressors=0, name="r2_score", dtype=None):
        super().__init__(name=name, dtype=dtype)
        if class_aggregation not in (None, "uniform_average", "variance_weighted_average"):
            raise ValueError(
                "R2Score: `class_aggregation` must be one of None, 'uniform_average', "
                f"'variance_weighted_average'. Received: class_aggregation={class_aggregation!r}"
            )
        if num_regressors < 0:
            raise ValueError(f"R2Score: `num_regressors` must be >= 0. Received: num_regressors={num_regressors}")
        self.class_aggregation = class_aggregation
        self.num_regressors = num_regressors
        self.num_samples = self.add_variable(shape=(), initializer="zeros", name="num_samples")
        self.built = False

    def build(self, y_true_shape, y_pred_shape):
        """Creates the per-output state for 2D inputs ``(batch, outputs)``."""
        if len(y_pred_shape) != 2 or len(y_true_shape) != 2 or y_pred_shape[-1] is None:
            raise ValueError(
                "R2Score expects 2D inputs of shape (batch_size, output_dim) with output_dim known. "
                f"Received: y_true.shape={tuple(y_true_shape)}, y_pred.shape={tuple(y_pred_shape)}."
            )
        n = int(y_pred_shape[-1])
        self.squared_sum = self.add_variable(shape=(n,), initializer="zeros", name="squared_sum")
        self.sum = self.add_variable(shape=(n,), initializer="zeros", name="sum")
        self.total_mse = self.add_variable(shape=(n,), initializer="zeros", name="residual")
        self.count = self.add_variable(shape=(n,), initializer="zeros", name="count")
        self.built = True

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_true = ops.convert_to_tensor(y_true, dtype=self.dtype)
        y_pred = ops.convert_to_tensor(y_pred, dtype=self.dtype)
        y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
        if not self.built:
            self.build(y_true.shape, y_pred.shape)
        weight = ops.convert_to_tensor(1.0 if sample_weight is None else sample_weight, dtype=self.dtype)
        if len(weight.shape) == 1:
            weight = ops.expand_dims(weight, 1)
        weight = ops.broadcast_to(weight, ops.shape(y_true))
        weighted = y_true * weight
        self.sum.assign_add(ops.sum(weighted, axis=0))
        self.squared_sum.assign_add(ops.sum(y_true * weighted, axis=0))
        self.total_mse.assign_add(ops.sum(ops.square(y_true - y_pred) * weight, axis=0))
        self.count.assign_add(ops.sum(weight, axis=0))
        size = 1
        for d in y_true.shape:
            size *= int(d)
        self.num_samples.assign_add(ops.cast(size, self.dtype))

    def result(self):
        mean = self.sum.value / self.count.value
        total = self.squared_sum.value - self.sum.value * mean
        raw = 1.0 - self.total_mse.value / total
        raw = ops.where(ops.less(ops.abs(raw), float("inf")), raw, ops.zeros_like(raw))
        if self.class_aggregation == "uniform_average":
            score = ops.mean(raw)
        elif self.class_aggregation == "variance_weighted_average":
            score = ops.sum(total * raw) / ops.sum(total)
        else:
            score = raw
        if self.num_regressors:
            # With too few samples the adjusted score is undefined; fall back to the plain one.
            n = ops.cast(self.num_samples.value, "float32")
            p = float(self.num_regressors)
            adjusted = 1.0 - (1.0 - score) * (n - 1.0) / ops.maximum(n - p - 1.0, 1.0)
            score = ops.where(ops.less(p, n - 1.0), adjusted, score)
        return score

    def get_config(self):
        config = super().get_config()
        config.update({"class_aggregation": self.class_aggregation, "num_regressors": self.num_regressors})
        return config
