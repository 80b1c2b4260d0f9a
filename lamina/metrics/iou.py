"""Intersection-over-union metrics from an accumulated confusion matrix."""

import numpy as np

from lamina import backend, ops
from lamina.metrics.metric import Metric


class _IoUBase(Metric):
    """Accumulates a ``(num_classes, num_classes)`` confusion matrix (rows: true, cols: predicted)."""

    def __init__(self, num_classes, name=None, dtype=None, ignore_class=None, sparse_y_true=True,
                 sparse_y_pred=True, axis=-1):
        super().__init__(name=name, dtype=dtype)
        if not isinstance(num_classes, int) or num_classes < 1:
            raise ValueError(f"{type(self).__name__}: `num_classes` must be a positive int. "
                             f"Received: num_classes={num_classes!r}")
        self.num_classes = num_classes
        self.ignore_class = ignore_class
        self.sparse_y_true = sparse_y_true
        self.sparse_y_pred = sparse_y_pred
        self.axis = axis
        self.total_cm = self.add_variable(shape=(num_classes, num_classes), initializer="zeros",
                                          name="total_confusion_matrix")

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_true = ops.convert_to_tensor(y_true)
        y_pred = ops.convert_to_tensor(y_pred)
        if not self.sparse_y_true:
            y_true = ops.argmax(y_true, axis=self.axis)
        if not self.sparse_y_pred:
            y_pred = ops.argmax(y_pred, axis=self.axis)
        y_true = ops.reshape(ops.cast(y_true, "int32"), (-1,))
        y_pred = ops.reshape(ops.cast(y_pred, "int32"), (-1,))
        weight = ops.convert_to_tensor(1.0 if sample_weight is None else sample_weight, dtype=self.dtype)
        if len(weight.shape) > 1:
            weight = ops.reshape(weight, (-1,))
        weight = ops.broadcast_to(weight, tuple(y_true.shape))
        n = self.num_classes
        valid = ops.logical_and(
            ops.logical_and(ops.greater_equal(y_true, 0), ops.less(y_true, n)),
            ops.logical_and(ops.greater_equal(y_pred, 0), ops.less(y_pred, n)))
        if self.ignore_class is not None:
            valid = ops.logical_and(valid, ops.not_equal(y_true, self.ignore_class))
        weight = ops.where(valid, weight, ops.zeros_like(weight))
        # Out-of-range labels one-hot to all zeros, so they add nothing.
        true_hot = ops.one_hot(y_true, n, dtype=self.dtype) * ops.expand_dims(weight, 1)
        pred_hot = ops.one_hot(y_pred, n, dtype=self.dtype)
        self.total_cm.assign_add(ops.matmul(ops.transpose(true_hot), pred_hot))

    def _per_class(self):
        cm = self.total_cm.value
        tp = ops.sum(cm * ops.convert_to_tensor(np.eye(self.num_classes, dtype=self.dtype)), axis=1)
        denominator = ops.sum(cm, axis=0) + ops.sum(cm, axis=1) - tp
        return tp, denominator

    def _mean_iou(self, class_ids):
        tp, denominator = self._per_class()
        ids = ops.convert_to_tensor(np.asarray(class_ids, dtype="int32"))
        tp = ops.cast(ops.take(tp, ids), "float32")
        denominator = ops.cast(ops.take(denominator, ids), "float32")
        valid = ops.greater(denominator, 1e-9)
        iou = ops.where(valid, tp / (denominator + backend.epsilon()), ops.zeros_like(tp))
        num_valid = ops.sum(ops.cast(valid, "float32"))
        return ops.sum(iou) / (num_valid + backend.epsilon())


class IoU(_IoUBase):
    """Mean intersection-over-union over the classes in ``target_class_ids``.

    ``IoU = TP / (TP + FP + FN)`` per class, from the confusion matrix accumulated over
    all updates; classes that never appear are left out of the mean.

    Args:
        num_classes: the number of classes.
        target_class_ids: the class indices averaged over.
        name, dtype: as for ``Metric``.
        ignore_class: a label value whose entries are ignored.
        sparse_y_true, sparse_y_pred: whether labels / predictions are class indices
            (True) or per-class scores whose arg-max over ``axis`` is taken (False).
        axis: the class axis for non-sparse inputs.

    Example:
        >>> m = lamina.metrics.IoU(num_classes=2, target_class_ids=[0])
        >>> m.update_state([0, 0, 1, 1], [0, 1, 0, 1])
        >>> round(float(m.result()), 4)
        0.3333
    """

    def __init__(self, num_classes, target_class_ids, name=None, dtype=None, ignore_class=None,
                 sparse_y_true=True, sparse_y_pred=True, axis=-1):
        super().__init__(num_classes, name=name, dtype=dtype, ignore_class=ignore_class,
                         sparse_y_true=sparse_y_true, sparse_y_pred=sparse_y_pred, axis=axis)
        target_class_ids = list(target_class_ids)
        if not target_class_ids or max(target_class_ids) >= num_classes or min(target_class_ids) < 0:
            raise ValueError(f"IoU: every target class id must be in [0, {num_classes}). "
                             f"Received: target_class_ids={target_class_ids}")
        self.target_class_ids = target_class_ids

    def result(self):
        return self._mean_iou(self.target_class_ids)

    def get_config(self):
        config = super().get_config()
        config.update({"num_classes": self.num_classes, "target_class_ids": self.target_class_ids,
                       "ignore_class": self.ignore_class, "sparse_y_true": self.sparse_y_true,
                       "sparse_y_pred": self.sparse_y_pred, "axis": self.axis})
        return config


class MeanIoU(IoU):
    """Intersection-over-union averaged over all ``num_classes`` classes.

    Args:
        num_classes: the number of classes.
        name, dtype, ignore_class, sparse_y_true, sparse_y_pred, axis: as for ``IoU``.

    Example:
        >>> m = lamina.metrics.MeanIoU(num_classes=2)
        >>> m.update_state([0, 0, 1, 1], [0, 1, 0, 1])
        >>> round(float(m.result()), 4)
        0.3333
    """

    def __init__(self, num_classes, name=None, dtype=None, ignore_class=None, sparse_y_true=True,
                 sparse_y_pred=True, axis=-1):
        super().__init__(num_classes, list(range(num_classes)), name=name, dtype=dtype,
                         ignore_class=ignore_class, sparse_y_true=sparse_y_true,
                         sparse_y_pred=sparse_y_pred, axis=axis)

    def get_config(self):
        config = super().get_config()
        del config["target_class_ids"]
        return config


class BinaryIoU(IoU):
    """IoU for binary labels, predictions thresholded at ``threshold``.

    Args:
        target_class_ids: which of the classes 0 and 1 to average over.
        threshold: predictions at or above it count as class 1.
        name, dtype: as for ``Metric``.

    Example:
        >>> m = lamina.metrics.BinaryIoU(target_class_ids=[0, 1], threshold=0.3)
        >>> m.update_state([0, 1, 0, 1], [0.1, 0.2, 0.4, 0.7])
        >>> round(float(m.result()), 4)
        0.3333
    """

    def __init__(self, target_class_ids=(0, 1), threshold=0.5, name=None, dtype=None):
        super().__init__(2, list(target_class_ids), name=name, dtype=dtype)
        self.threshold = threshold

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_pred = ops.cast(ops.greater_equal(ops.cast(y_pred, "float32"), self.threshold), "int32")
        return super().update_state(y_true, y_pred, sample_weight)

    def get_config(self):
        return {"target_class_ids": self.target_class_ids, "threshold": self.threshold,
                "name": self.name, "dtype": self.dtype}


class OneHotIoU(IoU):
    """``IoU`` for one-hot labels and per-class scores (arg-max taken over ``axis``).

    Example:
        >>> m = lamina.metrics.OneHotIoU(num_classes=2, target_class_ids=[1])
        >>> m.update_state([[1, 0], [0, 1]], [[0.8, 0.2], [0.3, 0.7]])
        >>> float(m.result())
        1.0
    """

    def __init__(self, num_classes, target_class_ids, name=None, dtype=None, ignore_class=None,
                 sparse_y_pred=False, axis=-1):
        super().__init__(num_classes, target_class_ids, name=name, dtype=dtype, ignore_class=ignore_class,
                         sparse_y_true=False, sparse_y_pred=sparse_y_pred, axis=axis)

    def get_config(self):
        config = super().get_config()
        del config["sparse_y_true"]
        return config


class OneHotMeanIoU(MeanIoU):
    """``MeanIoU`` for one-hot labels and per-class scores (arg-max taken over ``axis``).

    Example:
        >>> m = lamina.metrics.OneHotMeanIoU(num_classes=2)
        >>> m.update_state([[1, 0], [0, 1]], [[0.8, 0.2], [0.3, 0.7]])
        >>> float(m.result())
        1.0
    """

    def __init__(self, num_classes, name=None, dtype=None, ignore_class=None, sparse_y_pred=False, axis=-1):
        super().__init__(num_classes, name=name, dtype=dtype, ignore_class=ignore_class,
                         sparse_y_true=False, sparse_y_pred=sparse_y_pred, axis=axis)

    def get_config(self):
        config = super().get_config()
        del config["sparse_y_true"]
        return config
