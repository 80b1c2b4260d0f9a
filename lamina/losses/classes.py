"""Loss classes: thin ``LossFunctionWrapper`` subclasses around the functions.

Every class takes ``reduction``, ``name`` and ``dtype`` as ``Loss`` does; its own
arguments are passed to the function and stored for ``get_config``.

Example:
    >>> loss = lamina.losses.BinaryCrossentropy(from_logits=True)
    >>> value = loss([[0.0, 1.0]], [[-2.0, 3.0]], sample_weight=[0.5])
"""

from lamina.losses import functions as F
from lamina.losses.loss import Loss, LossFunctionWrapper

_SUM = "sum_over_batch_size"


class _Wrapper(LossFunctionWrapper):
    """A built-in loss class: its function, its default name and its config keys."""

    _fn = None
    _default_name = None
    _config_keys = ()

    def __init__(self, reduction=_SUM, name=None, dtype=None, **kwargs):
        super().__init__(type(self)._fn, reduction=reduction, name=name or self._default_name,
                         dtype=dtype, **kwargs)
        for key, value in kwargs.items():
            setattr(self, key, value)
        self._dtype_arg = dtype

    def get_config(self):
        config = Loss.get_config(self)
        config.update({key: self._fn_kwargs[key] for key in self._config_keys})
        if self._dtype_arg is not None:
            config["dtype"] = self._dtype_arg if isinstance(self._dtype_arg, str) else self.dtype
        return config

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        config.pop("fn", None)
        return cls(**config)

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name}>"


def _simple(fn, default_name, doc):
    """A loss class with no arguments besides ``reduction``, ``name``, ``dtype``."""

    class _Simple(_Wrapper):
        _fn = staticmethod(fn)

        def __init__(self, reduction=_SUM, name=default_name, dtype=None):
            super().__init__(reduction=reduction, name=name, dtype=dtype)

    _Simple._default_name = default_name
    _Simple.__doc__ = doc
    return _Simple


_ARGS = """
    Args:
        reduction: as for ``lamina.losses.Loss`` (default ``"sum_over_batch_size"``).
        name: the loss's name.
        dtype: the computation dtype (default ``floatx()``).
"""

MeanSquaredError = _simple(F.mean_squared_error, "mean_squared_error", f"""Mean of squared errors.
{_ARGS}
    Example:
        >>> float(lamina.losses.MeanSquaredError()([[0.0, 1.0]], [[1.0, 1.0]]))
        0.5
    """)
MeanAbsoluteError = _simple(F.mean_absolute_error, "mean_absolute_error", f"""Mean of absolute errors.
{_ARGS}
    Example:
        >>> float(lamina.losses.MeanAbsoluteError()([[0.0, 1.0]], [[1.0, 1.0]]))
        0.5
    """)
MeanAbsolutePercentageError = _simple(
    F.mean_absolute_percentage_error, "mean_absolute_percentage_error",
    f"""``100 * mean(|y_true - y_pred| / |y_true|)``.
{_ARGS}
    Example:
        >>> float(lamina.losses.MeanAbsolutePercentageError()([[2.0]], [[1.0]]))
        50.0
    """)
MeanSquaredLogarithmicError = _simple(
    F.mean_squared_logarithmic_error, "mean_squared_logarithmic_error",
    f"""Mean of squared differences of ``log(1 + y)``.
{_ARGS}
    Example:
        >>> float(lamina.losses.MeanSquaredLogarithmicError()([[1.0]], [[0.0]]))
        0.4805
    """)
LogCosh = _simple(F.log_cosh, "log_cosh", f"""Mean of ``log(cosh(y_pred - y_true))``.
{_ARGS}
    Example:
        >>> float(lamina.losses.LogCosh()([[0.0]], [[1.0]]))
        0.4338
    """)
KLDivergence = _simple(F.kl_divergence, "kl_divergence", f"""Kullback-Leibler divergence ``sum(y_true * log(y_true / y_pred))``.
{_ARGS}
    Example:
        >>> float(lamina.losses.KLDivergence()([[0.5, 0.5]], [[0.9, 0.1]]))
        0.5108
    """)
Poisson = _simple(F.poisson, "poisson", f"""Mean of ``y_pred - y_true * log(y_pred)``.
{_ARGS}
    Example:
        >>> float(lamina.losses.Poisson()([[1.0]], [[2.0]]))
        1.3069
    """)
Hinge = _simple(F.hinge, "hinge", f"""Mean of ``maximum(1 - y_true * y_pred, 0)``; 0/1 labels become -1/1.
{_ARGS}
    Example:
        >>> float(lamina.losses.Hinge()([[1.0]], [[0.25]]))
        0.75
    """)
SquaredHinge = _simple(F.squared_hinge, "squared_hinge", f"""Mean of ``square(maximum(1 - y_true * y_pred, 0))``.
{_ARGS}
    Example:
        >>> float(lamina.losses.SquaredHinge()([[1.0]], [[0.5]]))
        0.25
    """)
CategoricalHinge = _simple(F.categorical_hinge, "categorical_hinge", f"""``maximum(neg - pos + 1, 0)`` for one-hot labels.
{_ARGS}
    Example:
        >>> float(lamina.losses.CategoricalHinge()([[0.0, 1.0]], [[0.3, 0.7]]))
        0.6
    """)
for _cls, _name in ((MeanSquaredError, "MeanSquaredError"), (MeanAbsoluteError, "MeanAbsoluteError"),
                    (MeanAbsolutePercentageError, "MeanAbsolutePercentageError"),
                    (MeanSquaredLogarithmicError, "MeanSquaredLogarithmicError"), (LogCosh, "LogCosh"),
                    (KLDivergence, "KLDivergence"), (Poisson, "Poisson"), (Hinge, "Hinge"),
                    (SquaredHinge, "SquaredHinge"), (CategoricalHinge, "CategoricalHinge")):
    _cls.__name__ = _cls.__qualname__ = _name
    _cls.__module__ = __name__


class Huber(_Wrapper):
    """Quadratic loss for small errors, linear for large ones.

    Args:
        delta: the error size where the loss turns linear.
        reduction, name, dtype: as for ``Loss``.

    Example:
        >>> float(lamina.losses.Huber(delta=1.0)([[0.0]], [[3.0]]))
        2.5
    """

    _fn = staticmethod(F.huber)
    _default_name = "huber_loss"
    _config_keys = ("delta",)

    def __init__(self, delta=1.0, reduction=_SUM, name="huber_loss", dtype=None):
        super().__init__(reduction=reduction, name=name, dtype=dtype, delta=delta)


class CosineSimilarity(_Wrapper):
    """Negative cosine similarity between ``y_true`` and ``y_pred`` (-1 is best).

    Args:
        axis: the axis along which similarity is computed.
        reduction, name, dtype: as for ``Loss``.

    Example:
        >>> float(lamina.losses.CosineSimilarity()([[1.0, 0.0]], [[2.0, 0.0]]))
        -1.0
    """

    _fn = staticmethod(F.cosine_similarity)
    _default_name = "cosine_similarity"
    _config_keys = ("axis",)

    def __init__(self, axis=-1, reduction=_SUM, name="cosine_similarity", dtype=None):
        super().__init__(reduction=reduction, name=name, dtype=dtype, axis=axis)


class BinaryCrossentropy(_Wrapper):
    """Cross-entropy for binary (0/1) labels.

    Args:
        from_logits: whether ``y_pred`` holds logits (no sigmoid applied yet).
        label_smoothing: in ``[0, 1]``; labels move towards 0.5 by this fraction.
        axis: the axis the per-element values are averaged over.
        reduction, name, dtype: as for ``Loss``.

    Example:
        >>> loss = lamina.losses.BinaryCrossentropy(from_logits=True)
        >>> float(loss([[0.0, 1.0]], [[-18.6, 0.51]]))
        0.2352
    """

    _fn = staticmethod(F.binary_crossentropy)
    _config_keys = ("from_logits", "label_smoothing", "axis")

    def __init__(self, from_logits=False, label_smoothing=0.0, axis=-1, reduction=_SUM,
                 name="binary_crossentropy", dtype=None):
        super().__init__(reduction=reduction, name=name, dtype=dtype, from_logits=from_logits,
                         label_smoothing=label_smoothing, axis=axis)


class BinaryFocalCrossentropy(_Wrapper):
    """Binary cross-entropy down-weighting easy examples by ``(1 - p_t) ** gamma``.

    Args:
        apply_class_balancing: weight positives by ``alpha`` and negatives by ``1 - alpha``.
        alpha: the balancing weight.
        gamma: the focusing exponent.
        from_logits, label_smoothing, axis: as for ``BinaryCrossentropy``.
        reduction, name, dtype: as for ``Loss``.

    Example:
        >>> float(lamina.losses.BinaryFocalCrossentropy(gamma=2.0)([[0.0, 1.0]], [[0.4, 0.6]]))
        0.0817
    """

    _fn = staticmethod(F.binary_focal_crossentropy)
    _config_keys = ("from_logits", "label_smoothing", "axis", "apply_class_balancing", "alpha", "gamma")

    def __init__(self, apply_class_balancing=False, alpha=0.25, gamma=2.0, from_logits=False,
                 label_smoothing=0.0, axis=-1, reduction=_SUM, name="binary_focal_crossentropy",
                 dtype=None):
        super().__init__(reduction=reduction, name=name, dtype=dtype,
                         apply_class_balancing=apply_class_balancing, alpha=alpha, gamma=gamma,
                         from_logits=from_logits, label_smoothing=label_smoothing, axis=axis)


class CategoricalCrossentropy(_Wrapper):
    """Cross-entropy for one-hot labels.

    Args:
        from_logits: whether ``y_pred`` holds logits (no softmax applied yet).
        label_smoothing: in ``[0, 1]``; labels move towards uniform by this fraction.
        axis: the class axis.
        reduction, name, dtype: as for ``Loss``.

    Example:
        >>> float(lamina.losses.CategoricalCrossentropy()([[0, 1, 0]], [[0.05, 0.95, 0.0]]))
        0.0513
    """

    _fn = staticmethod(F.categorical_crossentropy)
    _config_keys = ("from_logits", "label_smoothing", "axis")

    def __init__(self, from_logits=False, label_smoothing=0.0, axis=-1, reduction=_SUM,
                 name="categorical_crossentropy", dtype=None):
        super().__init__(reduction=reduction, name=name, dtype=dtype, from_logits=from_logits,
                         label_smoothing=label_smoothing, axis=axis)


class CategoricalFocalCrossentropy(_Wrapper):
    """Categorical cross-entropy scaled by ``alpha * (1 - p) ** gamma``.

    Args:
        alpha: the weighting factor.
        gamma: the focusing exponent.
        from_logits, label_smoothing, axis: as for ``CategoricalCrossentropy``.
        reduction, name, dtype: as for ``Loss``.

    Example:
        >>> float(lamina.losses.CategoricalFocalCrossentropy()([[0, 1, 0]], [[0.05, 0.95, 0.0]]))
        0.0
    """

    _fn = staticmethod(F.categorical_focal_crossentropy)
    _config_keys = ("from_logits", "label_smoothing", "axis", "alpha", "gamma")

    def __init__(self, alpha=0.25, gamma=2.0, from_logits=False, label_smoothing=0.0, axis=-1,
                 reduction=_SUM, name="categorical_focal_crossentropy", dtype=None):
        super().__init__(reduction=reduction, name=name, dtype=dtype, alpha=alpha, gamma=gamma,
                         from_logits=from_logits, label_smoothing=label_smoothing, axis=axis)


class SparseCategoricalCrossentropy(_Wrapper):
    """Cross-entropy for integer class labels.

    Args:
        from_logits: whether ``y_pred`` holds logits.
        ignore_class: a label value to ignore (its entries give 0 loss and are left out of
            the average), e.g. a padding or "void" class in segmentation.
        axis: the class axis of ``y_pred``.
        reduction, name, dtype: as for ``Loss``.

    Example:
        >>> loss = lamina.losses.SparseCategoricalCrossentropy(from_logits=True)
        >>> float(loss([1, 0], [[0.1, 2.0], [1.5, -0.3]]))
        0.1462
    """

    _fn = staticmethod(F.sparse_categorical_crossentropy)
    _config_keys = ("from_logits", "ignore_class")

    def __init__(self, from_logits=False, ignore_class=None, axis=-1, reduction=_SUM,
                 name="sparse_categorical_crossentropy", dtype=None):
        super().__init__(reduction=reduction, name=name, dtype=dtype, from_logits=from_logits,
                         ignore_class=ignore_class, axis=axis)

    def call(self, y_true, y_pred):
        # Labels keep their own rank: (b,) or (b, 1) against (b, classes).
        return F.sparse_categorical_crossentropy(y_true, y_pred, **self._fn_kwargs)

    def get_config(self):
        config = super().get_config()
        if self._fn_kwargs["axis"] != -1:
            config["axis"] = self._fn_kwargs["axis"]
        return config


class Dice(_Wrapper):
    """Dice loss ``1 - 2|A∩B| / (|A| + |B|)`` for segmentation.

    Args:
        axis: the axes summed over; None sums over everything.
        reduction, name, dtype: as for ``Loss``.

    Example:
        >>> float(lamina.losses.Dice()([[1.0, 0.0]], [[0.8, 0.1]]))
        0.1579
    """

    _fn = staticmethod(F.dice)
    _config_keys = ("axis",)

    def __init__(self, reduction=_SUM, name="dice", axis=None, dtype=None):
        super().__init__(reduction=reduction, name=name, dtype=dtype, axis=axis)


class Tversky(_Wrapper):
    """Tversky loss: Dice with separate weights for the two kinds of error.

    Args:
        alpha: weight of ``sum(y_true * (1 - y_pred))``.
        beta: weight of ``sum((1 - y_true) * y_pred)``.
        axis: the axes summed over; None sums over everything.
        reduction, name, dtype: as for ``Loss``.

    Example:
        >>> float(lamina.losses.Tversky(alpha=0.7, beta=0.3)([[1.0, 0.0]], [[0.8, 0.1]]))
        0.1753
    """

    _fn = staticmethod(F.tversky)
    _config_keys = ("alpha", "beta", "axis")

    def __init__(self, alpha=0.5, beta=0.5, reduction=_SUM, name="tversky", axis=None, dtype=None):
        super().__init__(reduction=reduction, name=name, dtype=dtype, alpha=alpha, beta=beta, axis=axis)


class CTC(_Wrapper):
    """Connectionist Temporal Classification loss (``lamina.losses.ctc``), blank class 0.

    Args:
        reduction, name, dtype: as for ``Loss``.

    Example:
        >>> float(lamina.losses.CTC()([[1, 2]], ops.zeros((1, 3, 3))))
        1.6864
    """

    _fn = staticmethod(F.ctc)
    _default_name = "ctc"

    def __init__(self, reduction=_SUM, name="ctc", dtype=None):
        super().__init__(reduction=reduction, name=name, dtype=dtype)
