"""``lamina.losses``: loss functions and classes with Keras 3 names and semantics.

Example:
    >>> import lamina
    >>> loss = lamina.losses.get("sparse_categorical_crossentropy")
    >>> mse = lamina.losses.MeanSquaredError(reduction="sum")
"""

from lamina.losses.classes import (
    BinaryCrossentropy,
    BinaryFocalCrossentropy,
    CTC,
    CategoricalCrossentropy,
    CategoricalFocalCrossentropy,
    CategoricalHinge,
    CosineSimilarity,
    Dice,
    Hinge,
    Huber,
    KLDivergence,
    LogCosh,
    MeanAbsoluteError,
    MeanAbsolutePercentageError,
    MeanSquaredError,
    MeanSquaredLogarithmicError,
    Poisson,
    SparseCategoricalCrossentropy,
    SquaredHinge,
    Tversky,
)
from lamina.losses.circle import (
    CategoricalGeneralizedCrossEntropy,
    Circle,
    categorical_generalized_cross_entropy,
    circle,
)
from lamina.losses.functions import (
    KLD,
    MAE,
    MAPE,
    MSE,
    MSLE,
    binary_crossentropy,
    binary_focal_crossentropy,
    categorical_crossentropy,
    categorical_focal_crossentropy,
    categorical_hinge,
    cosine_similarity,
    ctc,
    dice,
    hinge,
    huber,
    kl_divergence,
    kld,
    kullback_leibler_divergence,
    log_cosh,
    logcosh,
    mae,
    mape,
    mean_absolute_error,
    mean_absolute_percentage_error,
    mean_squared_error,
    mean_squared_logarithmic_error,
    mse,
    msle,
    poisson,
    sparse_categorical_crossentropy,
    squared_hinge,
    tversky,
)
from lamina.losses.loss import Loss, LossFunctionWrapper, reduce_weighted_values

_CLASSES = (
    BinaryCrossentropy, BinaryFocalCrossentropy, CategoricalCrossentropy, CategoricalFocalCrossentropy,
    CategoricalHinge, CosineSimilarity, CTC, Dice, Hinge, Huber, KLDivergence, LogCosh, MeanAbsoluteError,
    MeanAbsolutePercentageError, MeanSquaredError, MeanSquaredLogarithmicError, Poisson,
    SparseCategoricalCrossentropy, SquaredHinge, Tversky, Loss, LossFunctionWrapper, Circle,
    CategoricalGeneralizedCrossEntropy,
)
_FUNCTIONS = (
    binary_crossentropy, binary_focal_crossentropy, categorical_crossentropy,
    categorical_focal_crossentropy, categorical_hinge, cosine_similarity, ctc, dice, hinge, huber,
    kl_divergence, log_cosh, mean_absolute_error, mean_absolute_percentage_error, mean_squared_error,
    mean_squared_logarithmic_error, poisson, sparse_categorical_crossentropy, squared_hinge, tversky, circle,
    categorical_generalized_cross_entropy,
)
_ALIASES = {
    "mse": mean_squared_error, "MSE": mean_squared_error, "mae": mean_absolute_error,
    "MAE": mean_absolute_error, "mape": mean_absolute_percentage_error,
    "MAPE": mean_absolute_percentage_error, "msle": mean_squared_logarithmic_error,
    "MSLE": mean_squared_logarithmic_error, "kld": kl_divergence, "KLD": kl_divergence,
    "kullback_leibler_divergence": kl_divergence, "logcosh": log_cosh, "huber_loss": huber,
}
ALL_OBJECTS = {cls.__name__: cls for cls in _CLASSES}
ALL_OBJECTS.update({fn.__name__: fn for fn in _FUNCTIONS})
ALL_OBJECTS.update(_ALIASES)


def serialize(loss):
    """The Keras-3 style config of a loss (class instance or function).

    Example:
        >>> lamina.losses.serialize(lamina.losses.MeanSquaredError())["class_name"]
        'MeanSquaredError'
    """
    from lamina.saving.serialization_lib import serialize_keras_object

    return serialize_keras_object(loss)


def deserialize(name, custom_objects=None):
    """Rebuilds a loss from ``name``: ``serialize`` output or a name (``"mse"``, ``"Huber"``).

    Example:
        >>> lamina.losses.deserialize("mse") is lamina.losses.mean_squared_error
        True
    """
    from lamina.saving.serialization_lib import deserialize_keras_object

    return deserialize_keras_object(name, custom_objects=custom_objects, module_objects=ALL_OBJECTS)


def get(identifier):
    """Returns a loss from a name, a config dict, a ``Loss`` or a callable.

    Names of functions (``"mse"``, ``"binary_crossentropy"``) give the function; class names
    (``"MeanSquaredError"``) give a new instance with default arguments.

    Example:
        >>> lamina.losses.get("binary_crossentropy") is lamina.losses.binary_crossentropy
        True
    """
    if identifier is None:
        return None
    if isinstance(identifier, dict):
        obj = deserialize(identifier)
    elif isinstance(identifier, str):
        obj = ALL_OBJECTS.get(identifier)
        if obj is None:
            obj = deserialize(identifier)
        if isinstance(obj, type):
            obj = obj()
    else:
        obj = identifier
    if isinstance(obj, type) and issubclass(obj, Loss):
        obj = obj()
    if callable(obj) and not isinstance(obj, str):
        return obj
    raise ValueError(
        f"Could not interpret loss identifier: {identifier!r}. Expected a loss name such as 'mse' or "
        "'sparse_categorical_crossentropy', a Loss instance, a config dict or a callable."
    )
