"""Shared arithmetic of the threshold-based metrics (Precision, Recall, AUC, ...).

Everything here is vectorised over thresholds with ``lamina.ops`` and touches state only
through ``Variable.assign``, so it runs inside compiled steps.
"""

import numpy as np

from lamina import backend, ops
from lamina.losses.loss import squeeze_or_expand_to_same_rank

NEG_INF = -1e10

TRUE_POSITIVES = "tp"
FALSE_POSITIVES = "fp"
TRUE_NEGATIVES = "tn"
FALSE_NEGATIVES = "fn"


def parse_thresholds(thresholds, default, owner):
    """A list of float thresholds, each checked to lie in ``[0, 1]``."""
    if thresholds is None:
        return [float(default)]
    values = list(thresholds) if isinstance(thresholds, (list, tuple, np.ndarray)) else [thresholds]
    for t in values:
        if not 0.0 <= float(t) <= 1.0:
            raise ValueError(f"{owner}: every threshold must be in [0, 1]. Received: thresholds={thresholds!r}")
    return [float(t) for t in values]


def evenly_spaced_thresholds(num_thresholds, epsilon_edges=True):
    """``num_thresholds`` thresholds from 0 to 1; the ends pushed out by epsilon when asked."""
    inner = [(i + 1) * 1.0 / (num_thresholds - 1) for i in range(num_thresholds - 2)]
    eps = backend.epsilon() if epsilon_edges else 0.0
    return [0.0 - eps] + inner + [1.0 + eps]


def filter_top_k(x, k):
    """Keeps the ``k`` largest entries of the last axis (lower index wins ties); the rest -> -1e10."""
    num = x.shape[-1]
    greater = ops.cast(ops.greater(ops.expand_dims(x, -2), ops.expand_dims(x, -1)), "int32")
    earlier = ops.convert_to_tensor(np.tril(np.ones((num, num), dtype=bool), -1))
    ties = ops.cast(ops.logical_and(ops.equal(ops.expand_dims(x, -2), ops.expand_dims(x, -1)), earlier), "int32")
    rank = ops.sum(greater + ties, axis=-1)
    return ops.where(ops.less(rank, k), x, ops.zeros_like(x) + NEG_INF)


def _broadcast_weights(sample_weight, like):
    sample_weight = ops.cast(ops.convert_to_tensor(sample_weight), "float32")
    while len(sample_weight.shape) < len(like.shape):
        sample_weight = ops.expand_dims(sample_weight, -1)
    return ops.broadcast_to(sample_weight, tuple(like.shape))


def update_confusion_variables(variables, y_true, y_pred, thresholds, top_k=None, class_id=None,
                               sample_weight=None, multi_label=False, label_weights=None):
    """Adds this batch's weighted TP/FP/TN/FN counts at each threshold to ``variables``.

    Args:
        variables: dict from ``"tp"``, ``"fp"``, ``"tn"``, ``"fn"`` to Variables of shape
            ``(num_thresholds,)`` (or ``(num_thresholds, num_labels)`` when ``multi_label``).
        y_true, y_pred: labels in {0, 1} and scores; a prediction counts as positive when
            it is strictly greater than the threshold.
        thresholds: a list of floats.
        top_k: keep only the ``top_k`` highest predictions of each row.
        class_id: look only at this class (index into the last axis).
        sample_weight: optional weights broadcastable to ``y_pred``.
        multi_label: count each label (the last axis) separately.
        label_weights: per-label weights used when not ``multi_label``.
    """
    y_true = ops.cast(ops.convert_to_tensor(y_true), "float32")
    y_pred = ops.cast(ops.convert_to_tensor(y_pred), "float32")
    y_pred, y_true = squeeze_or_expand_to_same_rank(y_pred, y_true)
    if top_k is not None:
        y_pred = filter_top_k(y_pred, top_k)
    if class_id is not None:
        y_true = ops.get_item(y_true, (Ellipsis, slice(class_id, class_id + 1)))
        y_pred = ops.get_item(y_pred, (Ellipsis, slice(class_id, class_id + 1)))
    num_thresholds = len(thresholds)
    thresholds = ops.convert_to_tensor(np.asarray(thresholds, dtype="float32"))
    weights = _broadcast_weights(sample_weight, y_pred) if sample_weight is not None else None
    if multi_label:
        preds = ops.expand_dims(y_pred, 0)
        labels = ops.expand_dims(ops.cast(y_true, "bool"), 0)
        pred_is_pos = ops.greater(preds, ops.reshape(thresholds, (num_thresholds, 1, 1)))
        if weights is not None:
            weights = ops.expand_dims(weights, 0)
    else:
        preds = ops.reshape(y_pred, (1, -1))
        labels = ops.reshape(ops.cast(y_true, "bool"), (1, -1))
        pred_is_pos = ops.greater(preds, ops.reshape(thresholds, (num_thresholds, 1)))
        if weights is not None:
            weights = ops.reshape(weights, (1, -1))
        if label_weights is not None:
            lw = ops.broadcast_to(ops.cast(label_weights, "float32"), tuple(y_pred.shape))
            lw = ops.reshape(lw, (1, -1))
            weights = lw if weights is None else weights * lw
    label_is_pos = labels
    conditions = {
        TRUE_POSITIVES: (label_is_pos, pred_is_pos),
        FALSE_NEGATIVES: (label_is_pos, ops.logical_not(pred_is_pos)),
        FALSE_POSITIVES: (ops.logical_not(label_is_pos), pred_is_pos),
        TRUE_NEGATIVES: (ops.logical_not(label_is_pos), ops.logical_not(pred_is_pos)),
    }
    for key, variable in variables.items():
        label, pred = conditions[key]
        counts = ops.cast(ops.logical_and(label, pred), "float32")
        if weights is not None:
            counts = counts * weights
        variable.assign(variable.value + ops.cast(ops.sum(counts, axis=1), variable.dtype))
