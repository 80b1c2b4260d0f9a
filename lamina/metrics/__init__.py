"""``lamina.metrics``: stateful metrics with Keras 3 names and semantics.

Example:
    >>> import lamina
    >>> m = lamina.metrics.get("sparse_categorical_accuracy")
    >>> m.update_state([1, 0], [[0.2, 0.8], [0.3, 0.7]])
    >>> float(m.result())
    0.5
"""

from lamina.backend.common.naming import to_snake_case
from lamina.losses.functions import (
    binary_crossentropy,
    binary_focal_crossentropy,
    categorical_crossentropy,
    categorical_focal_crossentropy,
    categorical_hinge,
    hinge,
    huber,
    kl_divergence,
    log_cosh,
    mean_absolute_error,
    mean_absolute_percentage_error,
    mean_squared_error,
    mean_squared_logarithmic_error,
    poisson,
    sparse_categorical_crossentropy,
    squared_hinge,
)
from lamina.metrics.accuracy import (
    Accuracy,
    BinaryAccuracy,
    CategoricalAccuracy,
    SparseCategoricalAccuracy,
    SparseTopKCategoricalAccuracy,
    TopKCategoricalAccuracy,
    accuracy,
    binary_accuracy,
    categorical_accuracy,
    sparse_categorical_accuracy,
    sparse_top_k_categorical_accuracy,
    top_k_categorical_accuracy,
)
from lamina.metrics.auc import AUC
from lamina.metrics.confusion import (
    FalseNegatives,
    FalsePositives,
    Precision,
    PrecisionAtRecall,
    Recall,
    RecallAtPrecision,
    SensitivityAtSpecificity,
    SpecificityAtSensitivity,
    TrueNegatives,
    TruePositives,
)
from lamina.metrics.correlation import (
    ConcordanceCorrelation,
    PearsonCorrelation,
    concordance_correlation,
    pearson_correlation,
)
from lamina.metrics.f_score import F1Score, FBetaScore
from lamina.metrics.iou import BinaryIoU, IoU, MeanIoU, OneHotIoU, OneHotMeanIoU
from lamina.metrics.metric import Metric
from lamina.metrics.probabilistic import (
    BinaryCrossentropy,
    CategoricalCrossentropy,
    CategoricalHinge,
    Hinge,
    KLDivergence,
    Poisson,
    SparseCategoricalCrossentropy,
    SquaredHinge,
)
from lamina.metrics.reduction import Mean, MeanMetricWrapper, Sum
from lamina.metrics.regression import (
    CosineSimilarity,
    LogCoshError,
    MeanAbsoluteError,
    MeanAbsolutePercentageError,
    MeanSquaredError,
    MeanSquaredLogarithmicError,
    R2Score,
    RootMeanSquaredError,
)

_CLASSES = (
    Metric, Mean, Sum, MeanMetricWrapper, Accuracy, BinaryAccuracy, CategoricalAccuracy,
    SparseCategoricalAccuracy, TopKCategoricalAccuracy, SparseTopKCategoricalAccuracy, AUC,
    TruePositives, TrueNegatives, FalsePositives, FalseNegatives, Precision, Recall, PrecisionAtRecall,
    RecallAtPrecision, SensitivityAtSpecificity, SpecificityAtSensitivity, F1Score, FBetaScore, IoU,
    MeanIoU, BinaryIoU, OneHotIoU, OneHotMeanIoU, BinaryCrossentropy, CategoricalCrossentropy,
    SparseCategoricalCrossentropy, KLDivergence, Poisson, Hinge, SquaredHinge, CategoricalHinge,
    MeanSquaredError, MeanAbsoluteError, MeanAbsolutePercentageError, MeanSquaredLogarithmicError,
    RootMeanSquaredError, LogCoshError, CosineSimilarity, R2Score, PearsonCorrelation, ConcordanceCorrelation,
)
_FUNCTIONS = (
    accuracy, binary_accuracy, categorical_accuracy, sparse_categorical_accuracy,
    top_k_categorical_accuracy, sparse_top_k_categorical_accuracy, binary_crossentropy,
    binary_focal_crossentropy, categorical_crossentropy, categorical_focal_crossentropy,
    sparse_categorical_crossentropy, categorical_hinge, hinge, squared_hinge, huber, kl_divergence,
    log_cosh, poisson, mean_absolute_error, mean_absolute_percentage_error, mean_squared_error,
    mean_squared_logarithmic_error, pearson_correlation, concordance_correlation,
)

# For deserialization: class names give classes, function names give functions.
ALL_OBJECTS = {cls.__name__: cls for cls in _CLASSES}
ALL_OBJECTS.update({fn.__name__: fn for fn in _FUNCTIONS})

# For `get(name)`: names give metric classes, as in Keras 3 (`"mse"` -> MeanSquaredError()).
_NAMES = {to_snake_case(cls.__name__): cls for cls in _CLASSES if cls not in (Metric, MeanMetricWrapper)}
_NAMES.update({cls.__name__: cls for cls in _CLASSES if cls not in (Metric, MeanMetricWrapper)})
_NAMES.update({
    "acc": Accuracy, "bce": BinaryCrossentropy, "BCE": BinaryCrossentropy, "mse": MeanSquaredError,
    "MSE": MeanSquaredError, "mae": MeanAbsoluteError, "MAE": MeanAbsoluteError,
    "mape": MeanAbsolutePercentageError, "MAPE": MeanAbsolutePercentageError,
    "msle": MeanSquaredLogarithmicError, "MSLE": MeanSquaredLogarithmicError, "auc": AUC,
    "kld": KLDivergence, "kl_divergence": KLDivergence, "logcosh": LogCoshError, "log_cosh": LogCoshError,
    "rmse": RootMeanSquaredError,
})


def serialize(metric):
    """The Keras-3 style config of a metric.

    Example:
        >>> lamina.metrics.serialize(lamina.metrics.AUC())["class_name"]
        'AUC'
    """
    from lamina.saving.serialization_lib import serialize_keras_object

    return serialize_keras_object(metric)


def deserialize(config, custom_objects=None):
    """Rebuilds a metric from ``serialize`` output.

    Example:
        >>> m = lamina.metrics.deserialize(lamina.metrics.serialize(lamina.metrics.Precision()))
    """
    from lamina.saving.serialization_lib import deserialize_keras_object

    return deserialize_keras_object(config, custom_objects=custom_objects, module_objects=ALL_OBJECTS)


def get(identifier):
    """Returns a metric from a name, a config dict, a ``Metric`` or a callable.

    Names (``"mse"``, ``"AUC"``, ``"sparse_categorical_accuracy"``, ``"MeanSquaredError"``)
    give a new metric instance; callables are returned unchanged.

    Example:
        >>> lamina.metrics.get("mae")
        <MeanAbsoluteError name=mean_absolute_error>
    """
    if identifier is None:
        return None
    if isinstance(identifier, Metric):
        return identifier
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if isinstance(identifier, str):
        cls = _NAMES.get(identifier)
        if cls is None:
            obj = deserialize(identifier)
            if isinstance(obj, str):
                raise ValueError(
                    f"Could not interpret metric identifier: {identifier!r}. Known names include "
                    "'accuracy', 'mse', 'mae', 'auc', 'sparse_categorical_accuracy' and the metric class names."
                )
            return obj
        return cls()
    if isinstance(identifier, type) and issubclass(identifier, Metric):
        return identifier()
    if callable(identifier):
        return identifier
    raise ValueError(f"Could not interpret metric identifier: {identifier!r}")


def _loss_name(loss):
    if loss is None:
        return None
    if isinstance(loss, str):
        return to_snake_case(loss) if loss[:1].isupper() else loss
    fn = getattr(loss, "fn", None)
    name = getattr(fn, "__name__", None) or getattr(loss, "__name__", None)
    return name or to_snake_case(type(loss).__name__)


def resolve_accuracy(name="accuracy", loss=None, y_true_shape=None, y_pred_shape=None):
    """The accuracy metric Keras picks for ``metrics=["accuracy"]`` (or ``"acc"``).

    With both shapes known it follows Keras 3: a last prediction axis of size 1 gives
    ``BinaryAccuracy``; integer labels (a lower rank than the predictions, or a last
    label axis of 1 against several classes) give ``SparseCategoricalAccuracy``; anything
    else ``CategoricalAccuracy``. Without shapes the loss decides (binary / sparse /
    categorical cross-entropy), and otherwise it is ``CategoricalAccuracy``. The metric is
    named ``name``.

    Args:
        name: ``"accuracy"`` or ``"acc"``; becomes the metric's name.
        loss: the compiled loss (name, function or ``Loss``), used when shapes are unknown.
        y_true_shape, y_pred_shape: the label and prediction shapes of one output.

    Example:
        >>> lamina.metrics.resolve_accuracy("acc", y_true_shape=(32,), y_pred_shape=(32, 10))
        <SparseCategoricalAccuracy name=acc>
    """
    if y_true_shape is not None and y_pred_shape is not None:
        true_last = y_true_shape[-1] if len(y_true_shape) else None
        pred_last = y_pred_shape[-1] if len(y_pred_shape) else None
        if pred_last == 1:
            return BinaryAccuracy(name=name)
        if len(y_true_shape) < len(y_pred_shape) or (true_last == 1 and pred_last is not None and pred_last > 1):
            return SparseCategoricalAccuracy(name=name)
        return CategoricalAccuracy(name=name)
    loss_name = _loss_name(loss) or ""
    if "sparse_categorical" in loss_name:
        return SparseCategoricalAccuracy(name=name)
    if "binary" in loss_name or loss_name in ("hinge", "squared_hinge", "bce"):
        return BinaryAccuracy(name=name)
    return CategoricalAccuracy(name=name)


def get_metric(identifier, y_true_shape=None, y_pred_shape=None, loss=None):
    """A ``Metric`` for one ``compile(metrics=...)`` entry, named as Keras names it.

    ``"accuracy"``/``"acc"`` go through ``resolve_accuracy``; other strings through
    ``get``; a plain function is wrapped in ``MeanMetricWrapper``. A string identifier
    becomes the metric's name; otherwise the function's or metric's own name is kept.

    Example:
        >>> lamina.metrics.get_metric("mse").name
        'mse'
    """
    if identifier is None:
        raise ValueError("get_metric: expected a metric, received None.")
    if isinstance(identifier, str) and identifier.lower() in ("accuracy", "acc"):
        return resolve_accuracy(identifier, loss, y_true_shape, y_pred_shape)
    metric = get(identifier)
    if not isinstance(metric, Metric):
        metric = MeanMetricWrapper(metric, name=getattr(metric, "__name__", None))
    if isinstance(identifier, str):
        metric.name = identifier
    return metric
