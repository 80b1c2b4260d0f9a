"""Loss functions: ``fn(y_true, y_pred) -> per-sample values`` (the last axis reduced).

Each function converts ``y_true`` to ``y_pred``'s dtype; the classes in ``classes.py``
wrap them with weighting and reduction. Metrics reuse them.
"""

import math

from lamina import backend, ops
from lamina.losses.loss import set_mask, squeeze_or_expand_to_same_rank
from lamina.utils.value_checks import check_index_range


def _pair(y_true, y_pred, dtype=None):
    y_pred = ops.convert_to_tensor(y_pred, dtype=dtype)
    if not ops.dtype(y_pred).startswith(("float", "bfloat")):
        y_pred = ops.cast(y_pred, backend.floatx())
    y_true = ops.cast(ops.convert_to_tensor(y_true), ops.dtype(y_pred))
    return squeeze_or_expand_to_same_rank(y_true, y_pred)


def l2_normalize(x, axis=-1):
    """``x`` divided by its L2 norm along ``axis`` (norms below 1e-6 count as 1e-6)."""
    squared = ops.sum(ops.square(x), axis=axis, keepdims=True)
    return x / ops.sqrt(ops.maximum(squared, 1e-12))


# -- regression -------------------------------------------------------------------------
def mean_squared_error(y_true, y_pred):
    """``mean(square(y_true - y_pred), axis=-1)``.

    Example:
        >>> ops.convert_to_numpy(lamina.losses.mean_squared_error([[0.0, 1.0]], [[1.0, 1.0]]))
        array([0.5], dtype=float32)
    """
    y_true, y_pred = _pair(y_true, y_pred)
    return ops.mean(ops.square(y_true - y_pred), axis=-1)


def mean_absolute_error(y_true, y_pred):
    """``mean(abs(y_true - y_pred), axis=-1)``."""
    y_true, y_pred = _pair(y_true, y_pred)
    return ops.mean(ops.abs(y_true - y_pred), axis=-1)


def mean_absolute_percentage_error(y_true, y_pred):
    """``100 * mean(abs((y_true - y_pred) / y_true), axis=-1)``, ``|y_true|`` floored at epsilon."""
    y_true, y_pred = _pair(y_true, y_pred)
    diff = ops.abs((y_true - y_pred) / ops.maximum(ops.abs(y_true), backend.epsilon()))
    return 100.0 * ops.mean(diff, axis=-1)


def mean_squared_logarithmic_error(y_true, y_pred):
    """``mean(square(log(y_true + 1) - log(y_pred + 1)), axis=-1)`` (inputs floored at epsilon)."""
    y_true, y_pred = _pair(y_true, y_pred)
    eps = backend.epsilon()
    first = ops.log(ops.maximum(y_pred, eps) + 1.0)
    second = ops.log(ops.maximum(y_true, eps) + 1.0)
    return ops.mean(ops.square(first - second), axis=-1)


def huber(y_true, y_pred, delta=1.0):
    """Quadratic for ``|error| <= delta``, linear beyond; averaged over the last axis.

    Args:
        delta: where the loss turns from quadratic to linear.
    """
    y_true, y_pred = _pair(y_true, y_pred)
    error = y_pred - y_true
    abs_error = ops.abs(error)
    quadratic = 0.5 * ops.square(error)
    linear = delta * abs_error - 0.5 * delta * delta
    return ops.mean(ops.where(abs_error <= delta, quadratic, linear), axis=-1)


def log_cosh(y_true, y_pred):
    """``mean(log(cosh(y_pred - y_true)), axis=-1)``, computed without overflow."""
    y_true, y_pred = _pair(y_true, y_pred)
    x = y_pred - y_true
    return ops.mean(x + ops.softplus(-2.0 * x) - math.log(2.0), axis=-1)


def cosine_similarity(y_true, y_pred, axis=-1):
    """Negative cosine similarity along ``axis``: -1 for identical directions.

    Args:
        axis: the axis along which the similarity is computed.
    """
    y_true, y_pred = _pair(y_true, y_pred)
    return -ops.sum(l2_normalize(y_true, axis) * l2_normalize(y_pred, axis), axis=axis)


# -- probabilistic ----------------------------------------------------------------------
def kl_divergence(y_true, y_pred):
    """``sum(y_true * log(y_true / y_pred), axis=-1)``, both clipped to ``[epsilon, 1]``."""
    y_true, y_pred = _pair(y_true, y_pred)
    y_true = ops.clip(y_true, backend.epsilon(), 1.0)
    y_pred = ops.clip(y_pred, backend.epsilon(), 1.0)
    return ops.sum(y_true * ops.log(y_true / y_pred), axis=-1)


def poisson(y_true, y_pred):
    """``mean(y_pred - y_true * log(y_pred + epsilon), axis=-1)``."""
    y_true, y_pred = _pair(y_true, y_pred)
    return ops.mean(y_pred - y_true * ops.log(y_pred + backend.epsilon()), axis=-1)


def _log_sigmoid(x):
    return -ops.softplus(-x)


def _binary_crossentropy_elementwise(target, output, from_logits):
    if from_logits:
        return -(target * _log_sigmoid(output) + (1.0 - target) * _log_sigmoid(-output))
    eps = backend.epsilon()
    output = ops.clip(output, eps, 1.0 - eps)
    return -(target * ops.log(output) + (1.0 - target) * ops.log(1.0 - output))


def binary_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1):
    """Binary cross-entropy averaged over ``axis``.

    Args:
        from_logits: whether ``y_pred`` holds logits rather than probabilities.
        label_smoothing: in ``[0, 1]``; targets move towards 0.5 by this fraction.
        axis: the axis averaged over.

    Example:
        >>> ops.convert_to_numpy(lamina.losses.binary_crossentropy([[0.0, 1.0]], [[0.4, 0.6]]))
        array([0.5108], dtype=float32)
    """
    y_true, y_pred = _pair(y_true, y_pred)
    if label_smoothing:
        y_true = y_true * (1.0 - label_smoothing) + 0.5 * label_smoothing
    return ops.mean(_binary_crossentropy_elementwise(y_true, y_pred, from_logits), axis=axis)


def binary_focal_crossentropy(y_true, y_pred, apply_class_balancing=False, alpha=0.25, gamma=2.0,
                              from_logits=False, label_smoothing=0.0, axis=-1):
    """Binary cross-entropy scaled by ``(1 - p_t) ** gamma`` to focus on hard examples.

    Args:
        apply_class_balancing: weight positives by ``alpha`` and negatives by ``1 - alpha``.
        alpha: the class-balancing weight.
        gamma: the focusing exponent.
        from_logits, label_smoothing, axis: as for ``binary_crossentropy``.
    """
    y_true, y_pred = _pair(y_true, y_pred)
    if label_smoothing:
        y_true = y_true * (1.0 - label_smoothing) + 0.5 * label_smoothing
    if from_logits:
        y_pred = ops.sigmoid(y_pred)
    bce = _binary_crossentropy_elementwise(y_true, y_pred, from_logits=False)
    p_t = y_true * y_pred + (1.0 - y_true) * (1.0 - y_pred)
    focal = ops.power(1.0 - p_t, gamma) * bce
    if apply_class_balancing:
        focal = (y_true * alpha + (1.0 - y_true) * (1.0 - alpha)) * focal
    return ops.mean(focal, axis=axis)


def _check_axis(axis, fn_name):
    if isinstance(axis, bool) or not isinstance(axis, int):
        raise ValueError(f"{fn_name}: `axis` must be an int. Received: axis={axis!r}")


def _log_probabilities(output, from_logits, axis):
    if from_logits:
        return ops.log_softmax(output, axis=axis)
    output = output / ops.sum(output, axis=axis, keepdims=True)
    eps = backend.epsilon()
    return ops.log(ops.clip(output, eps, 1.0 - eps))


def categorical_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1):
    """Cross-entropy between one-hot (or soft) targets and predicted class probabilities.

    Args:
        from_logits: whether ``y_pred`` holds logits.
        label_smoothing: in ``[0, 1]``; targets move towards uniform by this fraction.
        axis: the class axis.

    Example:
        >>> ops.convert_to_numpy(lamina.losses.categorical_crossentropy([[0, 1, 0]], [[0.05, 0.95, 0.0]]))
        array([0.0513], dtype=float32)
    """
    _check_axis(axis, "categorical_crossentropy")
    y_true, y_pred = _pair(y_true, y_pred)
    if tuple(y_true.shape) != tuple(y_pred.shape):
        raise ValueError(
            "categorical_crossentropy: y_true and y_pred must have the same shape (one-hot labels). "
            f"Received: y_true.shape={tuple(y_true.shape)}, y_pred.shape={tuple(y_pred.shape)}. "
            "Use sparse_categorical_crossentropy for integer labels."
        )
    if label_smoothing:
        num_classes = y_true.shape[-1]
        y_true = y_true * (1.0 - label_smoothing) + label_smoothing / num_classes
    return -ops.sum(y_true * _log_probabilities(y_pred, from_logits, axis), axis=axis)


def categorical_focal_crossentropy(y_true, y_pred, alpha=0.25, gamma=2.0, from_logits=False,
                                   label_smoothing=0.0, axis=-1):
    """Categorical cross-entropy scaled by ``alpha * (1 - p) ** gamma``.

    Args:
        alpha: the weighting factor.
        gamma: the focusing exponent.
        from_logits, label_smoothing, axis: as for ``categorical_crossentropy``.
    """
    _check_axis(axis, "categorical_focal_crossentropy")
    y_true, y_pred = _pair(y_true, y_pred)
    if label_smoothing:
        num_classes = y_true.shape[-1]
        y_true = y_true * (1.0 - label_smoothing) + label_smoothing / num_classes
    if from_logits:
        y_pred = ops.softmax(y_pred, axis=axis)
    output = y_pred / ops.sum(y_pred, axis=axis, keepdims=True)
    eps = backend.epsilon()
    output = ops.clip(output, eps, 1.0 - eps)
    cce = -y_true * ops.log(output)
    return ops.sum(alpha * ops.power(1.0 - output, gamma) * cce, axis=axis)


def sparse_categorical_crossentropy(y_true, y_pred, from_logits=False, ignore_class=None, axis=-1):
    """Cross-entropy between integer labels and predicted class probabilities.

    Labels must lie in ``[0, num_classes)`` (``num_classes = y_pred.shape[axis]``), besides
    ``ignore_class``. Eager calls (direct calls, ``run_eagerly=True``, uncompiled torch
    steps) raise a ValueError naming the bad labels. Inside a compiled step (JAX ``jit``,
    which ``fit`` uses on JAX) the labels cannot be checked: the loss of an out-of-range
    label is NaN, never another class's loss.

    Args:
        from_logits: whether ``y_pred`` holds logits.
        ignore_class: a label value whose entries give 0 loss and are masked out of averages.
        axis: the class axis of ``y_pred``.

    Example:
        >>> ops.convert_to_numpy(lamina.losses.sparse_categorical_crossentropy([1, 2], [[0.05, 0.95, 0], [0.1, 0.8, 0.1]]))
        array([0.0513, 2.3026 ], dtype=float32)
    """
    y_pred = ops.convert_to_tensor(y_pred)
    if not ops.dtype(y_pred).startswith(("float", "bfloat")):
        y_pred = ops.cast(y_pred, backend.floatx())
    y_true = ops.convert_to_tensor(y_true)
    rank = len(y_pred.shape)
    class_axis = axis % rank
    if len(y_true.shape) == rank and y_true.shape[axis] == 1:
        y_true = ops.squeeze(y_true, axis)
    if len(y_true.shape) != rank - 1:
        raise ValueError(
            "sparse_categorical_crossentropy: y_true must hold integer labels with one axis fewer than "
            f"y_pred. Received: y_true.shape={tuple(y_true.shape)}, y_pred.shape={tuple(y_pred.shape)}."
        )
    num_classes = y_pred.shape[class_axis]
    if num_classes is not None:
        check_index_range(y_true, num_classes, "sparse_categorical_crossentropy", "y_true",
                          ignore=ignore_class, what="class labels")
    valid = None
    if ignore_class is not None:
        valid = ops.not_equal(y_true, ops.cast(ignore_class, ops.dtype(y_true)))
        y_true = ops.where(valid, y_true, ops.zeros_like(y_true))
        y_pred = ops.where(ops.expand_dims(valid, class_axis), y_pred, ops.zeros_like(y_pred))
    labels = ops.cast(y_true, "int32")
    log_probs = _log_probabilities(y_pred, from_logits, class_axis)
    result = -ops.squeeze(ops.take_along_axis(log_probs, ops.expand_dims(labels, class_axis), axis=class_axis),
                          class_axis)
    if num_classes is not None:  # compiled code cannot raise: a bad label gives NaN, not a wrapped class
        in_range = ops.logical_and(ops.greater_equal(labels, 0), ops.less(labels, num_classes))
        result = ops.where(in_range, result, ops.full_like(result, float("nan")))
    if valid is not None:
        result = ops.where(valid, result, ops.zeros_like(result))
        set_mask(result, valid)
    return result


# -- hinge ------------------------------------------------------------------------------
def _hinge_labels(y_true):
    """Maps 0/1 labels to -1/1; labels already in -1/1 stay as they are."""
    is_binary = ops.all(ops.logical_or(ops.equal(y_true, 0), ops.equal(y_true, 1)))
    return ops.where(is_binary, 2.0 * y_true - 1.0, y_true)


def hinge(y_true, y_pred):
    """``mean(maximum(1 - y_true * y_pred, 0), axis=-1)``; 0/1 labels become -1/1."""
    y_true, y_pred = _pair(y_true, y_pred)
    return ops.mean(ops.maximum(1.0 - _hinge_labels(y_true) * y_pred, 0.0), axis=-1)


def squared_hinge(y_true, y_pred):
    """``mean(square(maximum(1 - y_true * y_pred, 0)), axis=-1)``; 0/1 labels become -1/1."""
    y_true, y_pred = _pair(y_true, y_pred)
    return ops.mean(ops.square(ops.maximum(1.0 - _hinge_labels(y_true) * y_pred, 0.0)), axis=-1)


def categorical_hinge(y_true, y_pred):
    """``maximum(max((1 - y_true) * y_pred) - sum(y_true * y_pred) + 1, 0)`` over the last axis."""
    y_true, y_pred = _pair(y_true, y_pred)
    pos = ops.sum(y_true * y_pred, axis=-1)
    neg = ops.max((1.0 - y_true) * y_pred, axis=-1)
    return ops.maximum(neg - pos + 1.0, 0.0)


# -- segmentation -----------------------------------------------------------------------
def dice(y_true, y_pred, axis=None):
    """``1 - 2 * sum(y_true * y_pred) / (sum(y_true) + sum(y_pred))`` over ``axis``.

    Args:
        axis: the axes summed over; None sums everything (one value for the batch).
    """
    y_pred = ops.convert_to_tensor(y_pred)
    y_true = ops.cast(y_true, ops.dtype(y_pred))
    intersection = ops.sum(y_true * y_pred, axis=axis)
    total = ops.sum(y_true, axis=axis) + ops.sum(y_pred, axis=axis)
    return 1.0 - 2.0 * intersection / (total + backend.epsilon())


def tversky(y_true, y_pred, alpha=0.5, beta=0.5, axis=None):
    """A Dice generalisation weighting the two kinds of error by ``alpha`` and ``beta``.

    ``1 - TP / (TP + alpha * sum(y_true * (1 - y_pred)) + beta * sum((1 - y_true) * y_pred))``,
    the same weighting Keras uses.

    Args:
        alpha, beta: the weights of the two error terms.
        axis: the axes summed over; None sums everything.
    """
    y_pred = ops.convert_to_tensor(y_pred)
    y_true = ops.cast(y_true, ops.dtype(y_pred))
    intersection = ops.sum(y_true * y_pred, axis=axis)
    missed = ops.sum((1.0 - y_pred) * y_true, axis=axis)
    spurious = ops.sum(y_pred * (1.0 - y_true), axis=axis)
    return 1.0 - intersection / (intersection + alpha * missed + beta * spurious + backend.epsilon())


# Short names Keras accepts as identifiers and as module attributes.
mse = MSE = mean_squared_error
mae = MAE = mean_absolute_error
mape = MAPE = mean_absolute_percentage_error
msle = MSLE = mean_squared_logarithmic_error
kld = KLD = kullback_leibler_divergence = kl_divergence
logcosh = log_cosh


# -- sequences --------------------------------------------------------------------------
def ctc(y_true, y_pred):
    """CTC loss of integer label rows against per-frame logits, with class 0 as the blank.

    Every sample uses all ``y_pred.shape[1]`` frames; its label length is the number of
    non-zero entries of its row (0 pads the rows to one width), as in Keras 3.

    Args:
        y_true: integer labels, shape ``(batch, max_label_length)``, padded with 0.
        y_pred: logits, shape ``(batch, max_time, num_classes)``.

    Example:
        >>> ops.convert_to_numpy(lamina.losses.ctc([[1, 2]], ops.zeros((1, 3, 3))))
        array([1.6864], dtype=float32)
    """
    y_pred = ops.convert_to_tensor(y_pred)
    y_true = ops.convert_to_tensor(y_true)
    if len(y_true.shape) != 2:
        raise ValueError(
            "ctc: `y_true` must hold integer labels of shape (batch, max_label_length). "
            f"Received: y_true.shape={tuple(y_true.shape)}"
        )
    if len(y_pred.shape) != 3:
        raise ValueError(
            "ctc: `y_pred` must hold logits of shape (batch, max_time, num_classes). "
            f"Received: y_pred.shape={tuple(y_pred.shape)}"
        )
    y_true = ops.cast(y_true, "int32")
    label_length = ops.sum(ops.cast(ops.not_equal(y_true, 0), "int32"), axis=-1)
    input_length = ops.full_like(label_length, y_pred.shape[1])
    return ops.ctc_loss(y_true, y_pred, label_length, input_length, mask_index=0)
