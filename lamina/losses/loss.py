"""The ``Loss`` base class and the reductions every loss shares.

A loss is a plain function ``fn(y_true, y_pred) -> per-sample values`` plus a thin class
that converts its inputs, applies ``sample_weight`` and a prediction mask, and reduces.
"""

from lamina import backend, dtype_policies, ops
from lamina.backend.common import naming

_REDUCTIONS = ("sum_over_batch_size", "sum", "mean", "mean_with_sample_weight", "none", None)


def standardize_reduction(reduction):
    """Checks ``reduction`` against the names Keras accepts and returns it."""
    if reduction not in _REDUCTIONS:
        raise ValueError(
            f"Invalid value for argument `reduction`. Expected one of {list(_REDUCTIONS)}. "
            f"Received: reduction={reduction!r}"
        )
    return reduction


class Loss:
    """Base class of losses: subclasses implement ``call(y_true, y_pred)``.

    ``call`` returns per-sample (or per-element) loss values; ``__call__`` converts the
    inputs to ``dtype``, weights the values by ``sample_weight`` (and by a mask carried on
    ``y_pred``) and reduces them.

    Args:
        name: the loss's name; defaults to the snake-case class name.
        reduction: ``"sum_over_batch_size"`` (default) and ``"mean"`` sum the weighted
            values and divide by their number; ``"sum"`` sums them;
            ``"mean_with_sample_weight"`` divides the sum by the sum of the weights;
            ``"none"`` or ``None`` return the values unreduced.
        dtype: the computation dtype (a name or a ``DTypePolicy``); defaults to ``floatx()``.

    Example:
        >>> class MyMSE(lamina.losses.Loss):
        ...     def call(self, y_true, y_pred):
        ...         return lamina.ops.mean(lamina.ops.square(y_pred - y_true), axis=-1)
        >>> float(MyMSE()([[0.0, 1.0]], [[1.0, 1.0]]))
        0.5
    """

    def __init__(self, name=None, reduction="sum_over_batch_size", dtype=None):
        self.name = name or naming.auto_name(type(self).__name__)
        self.reduction = standardize_reduction(reduction)
        self._dtype_policy = dtype_policies.get(dtype or backend.floatx())
        self._dtype = self._dtype_policy.compute_dtype

    @property
    def dtype(self):
        return self._dtype

    def __call__(self, y_true, y_pred, sample_weight=None):
        in_mask = _get_mask(y_pred)
        y_pred = _convert_structure(y_pred, self.dtype)
        y_true = _convert_structure(y_true, self.dtype)
        values = self.call(y_true, y_pred)
        out_mask = _get_mask(values)
        if in_mask is not None and out_mask is not None:
            mask = ops.logical_and(ops.cast(in_mask, "bool"), ops.cast(out_mask, "bool"))
        else:
            mask = in_mask if in_mask is not None else out_mask
        return reduce_weighted_values(values, sample_weight=sample_weight, mask=mask,
                                      reduction=self.reduction, dtype=self.dtype)

    def call(self, y_true, y_pred):
        """Per-sample loss values; subclasses override it."""
        raise TypeError(
            f"{type(self).__name__} must implement `call(self, y_true, y_pred)` returning the "
            "per-sample loss values."
        )

    def get_config(self):
        return {"name": self.name, "reduction": self.reduction}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name}>"


def _get_mask(x):
    return getattr(x, "_keras_mask", None)


def _convert_structure(x, dtype):
    if isinstance(x, (list, tuple)) and x and not isinstance(x[0], (int, float, list, tuple)):
        return type(x)(_convert_structure(v, dtype) for v in x)
    if isinstance(x, dict):
        return {k: _convert_structure(v, dtype) for k, v in x.items()}
    return ops.convert_to_tensor(x, dtype=dtype)


def set_mask(x, mask):
    """Attaches ``mask`` to tensor ``x`` where the backend's tensors take attributes."""
    try:
        x._keras_mask = mask
    except (AttributeError, TypeError):
        pass
    return x


def squeeze_or_expand_to_same_rank(x1, x2, expand_rank_1=True):
    """Makes ranks equal when they differ by one and the longer one ends in a size-1 axis.

    A rank-1 partner is expanded (``(b,)`` with ``(b, 1)`` gives two ``(b, 1)``) unless
    ``expand_rank_1`` is False, in which case the size-1 axis is squeezed.
    """
    r1, r2 = len(x1.shape), len(x2.shape)
    if r1 == r2 + 1 and x1.shape[-1] == 1:
        if r2 == 1 and expand_rank_1:
            x2 = ops.expand_dims(x2, -1)
        else:
            x1 = ops.squeeze(x1, -1)
    elif r2 == r1 + 1 and x2.shape[-1] == 1:
        if r1 == 1 and expand_rank_1:
            x1 = ops.expand_dims(x1, -1)
        else:
            x2 = ops.squeeze(x2, -1)
    return x1, x2


def divide_no_nan(x, y):
    """``x / y``, with 0 where ``y == 0``."""
    zero = ops.equal(y, 0)
    quotient = x / ops.where(zero, ops.ones_like(y), y)
    return ops.where(zero, ops.zeros_like(quotient), quotient)


def _num_elements(x, dtype):
    count = 1
    for d in x.shape:
        count *= int(d)
    return ops.cast(count, dtype)


def reduce_values(values, sample_weight=None, reduction="sum_over_batch_size"):
    """Reduces already-weighted loss values as ``reduction`` says."""
    if reduction in (None, "none") or tuple(values.shape) in ((), (0,)):
        return values
    total = ops.sum(values)
    if reduction == "sum":
        return total
    if reduction == "mean_with_sample_weight" and sample_weight is not None:
        return divide_no_nan(total, ops.cast(ops.sum(sample_weight), total.dtype))
    count = 1
    for d in values.shape:
        count *= int(d)
    return total / count if count else ops.zeros_like(total)


def apply_mask(sample_weight, mask, dtype, reduction):
    """Folds a boolean mask into the sample weights.

    For averaging reductions the valid entries are scaled up by ``total / valid`` so the
    average runs over the unmasked entries only.
    """
    if mask is None:
        return sample_weight
    mask = ops.cast(mask, "bool")
    if reduction in ("mean", "sum_over_batch_size"):
        total = _num_elements(mask, dtype)
        valid = ops.sum(ops.cast(mask, dtype))
        float_mask = ops.where(mask, divide_no_nan(total, valid), ops.cast(0, dtype))
    else:
        float_mask = ops.cast(mask, dtype)
    if sample_weight is None:
        return float_mask
    sample_weight = ops.cast(sample_weight, dtype)
    float_mask, sample_weight = squeeze_or_expand_to_same_rank(float_mask, sample_weight)
    return sample_weight * float_mask


def reduce_weighted_values(values, sample_weight=None, mask=None,
                           reduction="sum_over_batch_size", dtype=None):
    """Weights ``values`` by ``sample_weight`` and ``mask``, then reduces them.

    Args:
        values: per-sample loss values.
        sample_weight: weights broadcastable to ``values`` after a rank adjustment of one.
        mask: boolean mask of ``values``' shape (or one fewer trailing axis), or None.
        reduction: one of the ``Loss`` reductions.
        dtype: the computation dtype.
    """
    reduction = standardize_reduction(reduction)
    values = ops.convert_to_tensor(values, dtype=dtype)
    if sample_weight is not None:
        sample_weight = ops.convert_to_tensor(sample_weight, dtype=values.dtype)
    sample_weight = apply_mask(sample_weight, mask, values.dtype, reduction)
    if sample_weight is not None:
        sample_weight = ops.cast(sample_weight, values.dtype)
        values, sample_weight = squeeze_or_expand_to_same_rank(values, sample_weight)
        values = values * sample_weight
    return reduce_values(values, sample_weight, reduction)


class LossFunctionWrapper(Loss):
    """A ``Loss`` around a plain function ``fn(y_true, y_pred, **kwargs)``.

    Args:
        fn: the loss function, returning per-sample values.
        reduction, name, dtype: as for ``Loss``.
        **kwargs: extra keyword arguments passed to ``fn`` on every call.

    Example:
        >>> loss = LossFunctionWrapper(lamina.losses.huber, delta=2.0)
        >>> float(loss([[0.0]], [[3.0]]))
        4.0
    """

    def __init__(self, fn, reduction="sum_over_batch_size", name=None, dtype=None, **kwargs):
        super().__init__(name=name, reduction=reduction, dtype=dtype)
        if not callable(fn):
            raise ValueError(
                f"LossFunctionWrapper expects a callable `fn`. Received: fn={fn!r}"
            )
        self.fn = fn
        self._fn_kwargs = kwargs

    def call(self, y_true, y_pred):
        if ops.is_tensor(y_true) and ops.is_tensor(y_pred):
            y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
        return self.fn(y_true, y_pred, **self._fn_kwargs)

    def get_config(self):
        from lamina.saving.serialization_lib import serialize_keras_object

        config = super().get_config()
        config["fn"] = serialize_keras_object(self.fn)
        config.update(serialize_keras_object(self._fn_kwargs))
        return config

    @classmethod
    def from_config(cls, config):
        from lamina.saving.serialization_lib import deserialize_keras_object

        config = dict(config)
        if "fn" in config:
            config["fn"] = deserialize_keras_object(config["fn"])
        return cls(**config)

    def __repr__(self):
        name = getattr(self.fn, "__name__", repr(self.fn))
        return f"<LossFunctionWrapper({name}, kwargs={self._fn_kwargs})>"
