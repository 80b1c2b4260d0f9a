"""Accuracy metrics: per-sample match functions and their running-mean classes."""

from lamina import backend, ops
from lamina.losses.loss import squeeze_or_expand_to_same_rank
from lamina.metrics.reduction import MeanMetricWrapper


def _as_float(x):
    x = ops.convert_to_tensor(x)
    return x if ops.dtype(x).startswith(("float", "bfloat")) else ops.cast(x, backend.floatx())


def accuracy(y_true, y_pred):
    """1.0 where ``y_true == y_pred`` exactly, else 0.0 (element-wise)."""
    y_pred = ops.convert_to_tensor(y_pred)
    y_true = ops.cast(ops.convert_to_tensor(y_true), ops.dtype(y_pred))
    y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    return ops.cast(ops.equal(y_true, y_pred), backend.floatx())


def binary_accuracy(y_true, y_pred, threshold=0.5):
    """Mean over the last axis of ``y_true == (y_pred > threshold)``.

    Args:
        threshold: predictions above it count as 1.
    """
    y_pred = _as_float(y_pred)
    y_true = ops.cast(ops.convert_to_tensor(y_true), ops.dtype(y_pred))
    y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    y_pred = ops.cast(ops.greater(y_pred, threshold), ops.dtype(y_true))
    return ops.mean(ops.cast(ops.equal(y_true, y_pred), backend.floatx()), axis=-1)


def _sparse_matches(y_true, y_pred):
    """1.0 where the arg-max of ``y_pred`` equals the integer label ``y_true``."""
    y_pred = ops.convert_to_tensor(y_pred)
    y_true = ops.convert_to_tensor(y_true)
    original_shape = tuple(y_true.shape)
    reshape = False
    if len(y_true.shape) == len(y_pred.shape) and y_true.shape[-1] == 1:
        y_true = ops.squeeze(y_true, -1)
        reshape = True
    predicted = ops.argmax(y_pred, axis=-1)
    matches = ops.cast(ops.equal(ops.cast(y_true, "int32"), ops.cast(predicted, "int32")), backend.floatx())
    if reshape:
        matches = ops.reshape(matches, original_shape)
    if len(matches.shape) > 1 and matches.shape[-1] == 1:
        matches = ops.squeeze(matches, -1)
    return matches


def sparse_categorical_accuracy(y_true, y_pred):
    """1.0 where ``argmax(y_pred)`` equals the integer label, per sample."""
    return _sparse_matches(y_true, y_pred)


def categorical_accuracy(y_true, y_pred):
    """1.0 where ``argmax(y_pred) == argmax(y_true)`` (one-hot labels), per sample."""
    return _sparse_matches(ops.argmax(ops.convert_to_tensor(y_true), axis=-1), y_pred)


def in_top_k(targets, predictions, k):
    """Whether each target's score is among the ``k`` largest of its row (ties count as in).

    Args:
        targets: integer labels of shape ``(batch,)``.
        predictions: scores of shape ``(batch, classes)``.
        k: how many top scores count.
    """
    predictions = _as_float(predictions)
    num_classes = predictions.shape[-1]
    one_hot = ops.one_hot(ops.cast(targets, "int32"), num_classes, dtype=ops.dtype(predictions))
    target_score = ops.sum(one_hot * predictions, axis=-1, keepdims=True)
    higher = ops.sum(ops.cast(ops.greater(predictions, target_score), "int32"), axis=-1)
    return ops.less(higher, k)


def sparse_top_k_categorical_accuracy(y_true, y_pred, k=5):
    """1.0 where the integer label is among the ``k`` highest-scored classes.

    Args:
        k: how many top predictions count as correct.
    """
    y_pred = ops.convert_to_tensor(y_pred)
    y_true = ops.convert_to_tensor(y_true)
    original_shape = tuple(y_true.shape)
    if len(y_pred.shape) > 2:
        y_pred = ops.reshape(y_pred, (-1, y_pred.shape[-1]))
    reshape = len(y_true.shape) > 1
    if reshape:
        y_true = ops.reshape(y_true, (-1,))
    matches = ops.cast(in_top_k(y_true, y_pred, k), backend.floatx())
    if reshape:
        matches = ops.reshape(matches, original_shape)
    return matches


def top_k_categorical_accuracy(y_true, y_pred, k=5):
    """1.0 where the one-hot label's class is among the ``k`` highest-scored classes.

    Args:
        k: how many top predictions count as correct.
    """
    return sparse_top_k_categorical_accuracy(ops.argmax(ops.convert_to_tensor(y_true), axis=-1), y_pred, k=k)


class Accuracy(MeanMetricWrapper):
    """How often predictions equal labels exactly.

    Args:
        name: the metric's name.
        dtype: the state's dtype.

    Example:
        >>> m = lamina.metrics.Accuracy()
        >>> m.update_state([[1], [2], [3], [4]], [[0], [2], [3], [4]])
        >>> float(m.result())
        0.75
    """

    def __init__(self, name="accuracy", dtype=None):
        super().__init__(accuracy, name=name, dtype=dtype)


class BinaryAccuracy(MeanMetricWrapper):
    """How often ``y_pred > threshold`` matches binary labels.

    Args:
        name: the metric's name.
        dtype: the state's dtype.
        threshold: the decision threshold on ``y_pred``.

    Example:
        >>> m = lamina.metrics.BinaryAccuracy()
        >>> m.update_state([[1], [1], [0], [0]], [[0.98], [1], [0], [0.6]])
        >>> float(m.result())
        0.75
    """

    def __init__(self, name="binary_accuracy", dtype=None, threshold=0.5):
        super().__init__(binary_accuracy, name=name, dtype=dtype, threshold=threshold)
        self.threshold = threshold


class CategoricalAccuracy(MeanMetricWrapper):
    """How often the arg-max of ``y_pred`` matches the arg-max of one-hot ``y_true``.

    Example:
        >>> m = lamina.metrics.CategoricalAccuracy()
        >>> m.update_state([[0, 0, 1], [0, 1, 0]], [[0.1, 0.9, 0.8], [0.05, 0.95, 0]])
        >>> float(m.result())
        0.5
    """

    def __init__(self, name="categorical_accuracy", dtype=None):
        super().__init__(categorical_accuracy, name=name, dtype=dtype)


class SparseCategoricalAccuracy(MeanMetricWrapper):
    """How often the arg-max of ``y_pred`` equals the integer label.

    Example:
        >>> m = lamina.metrics.SparseCategoricalAccuracy()
        >>> m.update_state([[2], [1]], [[0.1, 0.6, 0.3], [0.05, 0.95, 0]])
        >>> float(m.result())
        0.5
    """

    def __init__(self, name="sparse_categorical_accuracy", dtype=None):
        super().__init__(sparse_categorical_accuracy, name=name, dtype=dtype)


class TopKCategoricalAccuracy(MeanMetricWrapper):
    """How often the one-hot label is among the ``k`` top predictions.

    Args:
        k: how many top predictions count.
        name, dtype: as for ``Metric``.

    Example:
        >>> m = lamina.metrics.TopKCategoricalAccuracy(k=1)
        >>> m.update_state([[0, 0, 1], [0, 1, 0]], [[0.1, 0.9, 0.8], [0.05, 0.95, 0]])
        >>> float(m.result())
        0.5
    """

    def __init__(self, k=5, name="top_k_categorical_accuracy", dtype=None):
        super().__init__(top_k_categorical_accuracy, name=name, dtype=dtype, k=k)
        self.k = k


class SparseTopKCategoricalAccuracy(MeanMetricWrapper):
    """How often the integer label is among the ``k`` top predictions.

    Args:
        k: how many top predictions count.
        name, dtype: as for ``Metric``.

    Example:
        >>> m = lamina.metrics.SparseTopKCategoricalAccuracy(k=1)
        >>> m.update_state([2, 1], [[0.1, 0.9, 0.8], [0.05, 0.95, 0]])
        >>> float(m.result())
        0.5
    """

    def __init__(self, k=5, name="sparse_top_k_categorical_accuracy", dtype=None):
        super().__init__(sparse_top_k_categorical_accuracy, name=name, dtype=dtype, k=k)
        self.k = k
