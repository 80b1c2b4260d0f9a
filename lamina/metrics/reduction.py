"""Reducing metrics: ``Sum``, ``Mean`` and ``MeanMetricWrapper`` (a function's running mean)."""

from lamina import ops
from lamina.losses.loss import apply_mask, divide_no_nan, squeeze_or_expand_to_same_rank
from lamina.metrics.metric import Metric


def reduce_to_samplewise_values(values, sample_weight, reduce_fn, dtype):
    """Weights ``values`` and reduces them to one value per sample.

    Returns ``(values, sample_weight)``: values of shape ``(batch,)`` (or a scalar) already
    multiplied by the weights, and the weights reduced the same way (None if not given).
    """
    values = ops.cast(ops.convert_to_tensor(values), dtype)
    if sample_weight is not None:
        sample_weight = ops.cast(ops.convert_to_tensor(sample_weight), dtype)
        values, sample_weight = squeeze_or_expand_to_same_rank(values, sample_weight)
        weight_ndim, values_ndim = len(sample_weight.shape), len(values.shape)
        if values_ndim > weight_ndim:
            values = reduce_fn(values, axis=tuple(range(weight_ndim, values_ndim)))
        sample_weight = ops.broadcast_to(sample_weight, ops.shape(values))
        values = values * sample_weight
        if weight_ndim > 1:
            sample_weight = reduce_fn(sample_weight, axis=tuple(range(1, weight_ndim)))
    if len(values.shape) > 1:
        values = reduce_fn(values, axis=tuple(range(1, len(values.shape))))
    return values, sample_weight


class Sum(Metric):
    """The running (weighted) sum of the given values.

    Args:
        name: the metric's name.
        dtype: the state's dtype.

    Example:
        >>> m = lamina.metrics.Sum()
        >>> m.update_state([1.0, 3.0, 5.0])
        >>> float(m.result())
        9.0
    """

    def __init__(self, name="sum", dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.total = self.add_variable(shape=(), initializer="zeros", dtype=self.dtype, name="total")

    def update_state(self, values, sample_weight=None):
        values, _ = reduce_to_samplewise_values(values, sample_weight, ops.sum, self.dtype)
        self.total.assign_add(ops.sum(values))

    def result(self):
        return ops.convert_to_tensor(self.total.value)


class Mean(Metric):
    """The running (weighted) mean of the given values.

    Args:
        name: the metric's name.
        dtype: the state's dtype.

    Example:
        >>> m = lamina.metrics.Mean()
        >>> m.update_state([1.0, 3.0, 5.0, 7.0], sample_weight=[1, 1, 0, 0])
        >>> float(m.result())
        2.0
    """

    def __init__(self, name="mean", dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.total = self.add_variable(shape=(), initializer="zeros", dtype=self.dtype, name="total")
        self.count = self.add_variable(shape=(), initializer="zeros", dtype=self.dtype, name="count")

    def update_state(self, values, sample_weight=None):
        if isinstance(sample_weight, (int, float)) and not isinstance(sample_weight, bool):
            values = ops.cast(ops.convert_to_tensor(values), self.dtype)
            if len(values.shape) == 0:  # one value with a plain weight (the loss of a batch)
                self.total.assign_add(values * sample_weight)
                self.count.assign_add(ops.cast(sample_weight, self.dtype))
                return
        values, sample_weight = reduce_to_samplewise_values(values, sample_weight, ops.mean, self.dtype)
        self.total.assign_add(ops.sum(values))
        if sample_weight is not None:
            count = ops.sum(sample_weight)
        else:
            count = values.shape[0] if len(values.shape) >= 1 else 1
        self.count.assign_add(ops.cast(count, self.dtype))

    def result(self):
        return divide_no_nan(self.total.value, self.count.value)


class MeanMetricWrapper(Mean):
    """The running mean of ``fn(y_true, y_pred, **kwargs)`` over samples.

    Args:
        fn: a function returning per-sample values (a loss function, ``accuracy``, ...).
        name: the metric's name.
        dtype: the state's dtype.
        **kwargs: keyword arguments passed to ``fn`` on every update.

    Example:
        >>> m = lamina.metrics.MeanMetricWrapper(lamina.losses.mean_squared_error, name="mse")
        >>> m.update_state([[0.0, 1.0]], [[1.0, 1.0]])
        >>> float(m.result())
        0.5
    """

    def __init__(self, fn, name=None, dtype=None, **kwargs):
        super().__init__(name=name, dtype=dtype)
        if not callable(fn):
            raise ValueError(f"MeanMetricWrapper expects a callable `fn`. Received: fn={fn!r}")
        self._fn = fn
        self._fn_kwargs = kwargs

    def update_state(self, y_true, y_pred, sample_weight=None):
        mask = getattr(y_pred, "_keras_mask", None)
        values = self._fn(y_true, y_pred, **self._fn_kwargs)
        if sample_weight is not None:
            sample_weight = ops.convert_to_tensor(sample_weight)
        if mask is not None:
            sample_weight = apply_mask(sample_weight, mask, dtype=self.dtype, reduction="sum")
        return super().update_state(values, sample_weight=sample_weight)

    def get_config(self):
        from lamina.saving.serialization_lib import serialize_keras_object

        config = super().get_config()
        if type(self) is MeanMetricWrapper:
            config["fn"] = serialize_keras_object(self._fn)
        config.update(serialize_keras_object(self._fn_kwargs))
        return config

    @classmethod
    def from_config(cls, config):
        from lamina.saving.serialization_lib import deserialize_keras_object

        config = dict(config)
        if "fn" in config:
            fn = deserialize_keras_object(config["fn"])
            if isinstance(fn, str):  # tf.keras 2 configs name the function: "sparse_categorical_accuracy"
                import lamina.losses
                import lamina.metrics

                fn = getattr(lamina.metrics, fn, None) or getattr(lamina.losses, fn, None) or fn
            config["fn"] = fn
        return cls(**config)
