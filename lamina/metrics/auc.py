"""``AUC``: area under the ROC or precision-recall curve from thresholded counts."""

import numpy as np

from lamina import backend, ops
from lamina.losses.loss import divide_no_nan
from lamina.metrics import _confusion as C
from lamina.metrics.metric import Metric

_CURVES = ("ROC", "PR")
_SUMMATIONS = ("interpolation", "minoring", "majoring")


class AUC(Metric):
    """Approximate area under the ROC or PR curve, from counts at fixed thresholds.

    Args:
        num_thresholds: how many evenly spaced thresholds (more than 1) to count at.
        curve: ``"ROC"`` or ``"PR"``.
        summation_method: ``"interpolation"`` (trapezoids; for PR the interpolation of
            Davis & Goadrich), ``"minoring"`` or ``"majoring"`` (left/right Riemann sums).
        name, dtype: as for ``Metric``.
        thresholds: explicit thresholds in ``[0, 1]``; overrides ``num_thresholds``.
        multi_label: treat the last axis as independent labels and average their AUCs.
        num_labels: the number of labels when ``multi_label``; if None the state is
            created on the first ``update_state`` (or by ``build``).
        label_weights: weights of the labels in the average (or in the counts when not
            ``multi_label``).
        from_logits: apply a sigmoid to ``y_pred`` first.

    Example:
        >>> m = lamina.metrics.AUC(num_thresholds=3)
        >>> m.update_state([0, 0, 1, 1], [0, 0.5, 0.3, 0.9])
        >>> float(m.result())
        0.75
    """

    def __init__(self, num_thresholds=200, curve="ROC", summation_method="interpolation", name=None,
                 dtype=None, thresholds=None, multi_label=False, num_labels=None, label_weights=None,
                 from_logits=False):
        super().__init__(name=name, dtype=dtype)
        if str(curve).upper() not in _CURVES:
            raise ValueError(f"AUC: `curve` must be one of {_CURVES}. Received: curve={curve!r}")
        if str(summation_method).lower() not in _SUMMATIONS:
            raise ValueError(f"AUC: `summation_method` must be one of {_SUMMATIONS}. "
                             f"Received: summation_method={summation_method!r}")
        self.curve = str(curve).upper()
        self.summation_method = str(summation_method).lower()
        self._init_from_thresholds = thresholds is not None
        if thresholds is not None:
            inner = sorted(C.parse_thresholds(thresholds, 0.5, "AUC"))
            self.num_thresholds = len(inner) + 2
            eps = backend.epsilon()
            self.thresholds = [0.0 - eps] + inner + [1.0 + eps]
        else:
            if num_thresholds <= 1:
                raise ValueError(f"AUC: `num_thresholds` must be > 1. Received: num_thresholds={num_thresholds}")
            self.num_thresholds = num_thresholds
            self.thresholds = C.evenly_spaced_thresholds(num_thresholds)
        self.multi_label = multi_label
        self.num_labels = num_labels
        self.label_weights = None if label_weights is None else ops.convert_to_tensor(
            np.asarray(label_weights, dtype="float32"))
        self._label_weights_list = None if label_weights is None else [float(w) for w in np.ravel(label_weights)]
        self._from_logits = from_logits
        self.built = False
        if not multi_label or num_labels is not None:
            self._create_state(num_labels if multi_label else None)

    def _create_state(self, num_labels):
        shape = (self.num_thresholds,) if num_labels is None else (self.num_thresholds, num_labels)
        self.true_positives = self.add_variable(shape=shape, initializer="zeros", name="true_positives")
        self.false_positives = self.add_variable(shape=shape, initializer="zeros", name="false_positives")
        self.true_negatives = self.add_variable(shape=shape, initializer="zeros", name="true_negatives")
        self.false_negatives = self.add_variable(shape=shape, initializer="zeros", name="false_negatives")
        self.num_labels = num_labels if self.multi_label else self.num_labels
        self.built = True

    def build(self, y_true_shape, y_pred_shape):
        """Creates the state; needed ahead of compiled steps only for ``multi_label`` without ``num_labels``."""
        if self.built:
            return
        if len(y_pred_shape) != 2 or y_pred_shape[-1] is None:
            raise ValueError("AUC(multi_label=True) expects y_pred of shape (batch, num_labels). "
                             f"Received: y_pred.shape={tuple(y_pred_shape)}")
        self._create_state(int(y_pred_shape[-1]))

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_pred = ops.convert_to_tensor(y_pred)
        if not self.built:
            self.build(ops.shape(y_true), y_pred.shape)
        if self._from_logits:
            y_pred = ops.sigmoid(y_pred)
        C.update_confusion_variables(
            {C.TRUE_POSITIVES: self.true_positives, C.FALSE_POSITIVES: self.false_positives,
             C.TRUE_NEGATIVES: self.true_negatives, C.FALSE_NEGATIVES: self.false_negatives},
            y_true, y_pred, self.thresholds, sample_weight=sample_weight, multi_label=self.multi_label,
            label_weights=None if self.multi_label else self.label_weights)

    def _average_labels(self, by_label):
        if self.label_weights is None:
            return ops.mean(by_label)
        return divide_no_nan(ops.sum(by_label * self.label_weights), ops.sum(self.label_weights))

    def _interpolate_pr_auc(self):
        # Precision is interpolated linearly in the number of predicted positives between
        # neighbouring thresholds and integrated in closed form (Davis & Goadrich, 2006).
        n = self.num_thresholds
        tp, fp, fn = self.true_positives.value, self.false_positives.value, self.false_negatives.value
        dtp = tp[: n - 1] - tp[1:]
        p = tp + fp
        dp = p[: n - 1] - p[1:]
        slope = divide_no_nan(dtp, ops.maximum(dp, 0.0))
        intercept = tp[1:] - slope * p[1:]
        both_positive = ops.logical_and(ops.greater(p[: n - 1], 0), ops.greater(p[1:], 0))
        ratio = ops.where(both_positive, divide_no_nan(p[: n - 1], ops.maximum(p[1:], 0.0)), ops.ones_like(p[1:]))
        increment = divide_no_nan(slope * (dtp + intercept * ops.log(ratio)), ops.maximum(tp[1:] + fn[1:], 0.0))
        if self.multi_label:
            return self._average_labels(ops.sum(increment, axis=0))
        return ops.sum(increment)

    def result(self):
        if self.curve == "PR" and self.summation_method == "interpolation":
            return self._interpolate_pr_auc()
        tp, fp = self.true_positives.value, self.false_positives.value
        tn, fn = self.true_negatives.value, self.false_negatives.value
        recall = divide_no_nan(tp, tp + fn)
        if self.curve == "ROC":
            x, y = divide_no_nan(fp, fp + tn), recall
        else:
            x, y = recall, divide_no_nan(tp, tp + fp)
        n = self.num_thresholds
        if self.summation_method == "interpolation":
            heights = (y[: n - 1] + y[1:]) / 2.0
        elif self.summation_method == "minoring":
            heights = ops.minimum(y[: n - 1], y[1:])
        else:
            heights = ops.maximum(y[: n - 1], y[1:])
        terms = (x[: n - 1] - x[1:]) * heights
        if self.multi_label:
            return self._average_labels(ops.sum(terms, axis=0))
        return ops.sum(terms)

    def get_config(self):
        config = super().get_config()
        config.update({
            "num_thresholds": self.num_thresholds, "curve": self.curve,
            "summation_method": self.summation_method, "multi_label": self.multi_label,
            "num_labels": self.num_labels, "label_weights": self._label_weights_list,
            "from_logits": self._from_logits,
        })
        if self._init_from_thresholds:
            config["thresholds"] = self.thresholds[1:-1]
        return config
