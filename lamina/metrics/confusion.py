"""Threshold-based confusion metrics: counts, Precision, Recall and the "X at Y" family."""

from lamina import ops
from lamina.losses.loss import divide_no_nan
from lamina.metrics import _confusion as C
from lamina.metrics.metric import Metric


class _ConditionCount(Metric):
    """Weighted count of one confusion-matrix cell at each threshold."""

    _condition = None

    def __init__(self, thresholds=None, name=None, dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.init_thresholds = thresholds
        self.thresholds = C.parse_thresholds(thresholds, 0.5, type(self).__name__)
        self.accumulator = self.add_variable(shape=(len(self.thresholds),), initializer="zeros",
                                             name="accumulator")

    def update_state(self, y_true, y_pred, sample_weight=None):
        C.update_confusion_variables({self._condition: self.accumulator}, y_true, y_pred,
                                     self.thresholds, sample_weight=sample_weight)

    def result(self):
        value = self.accumulator.value
        return value[0] if len(self.thresholds) == 1 else value

    def get_config(self):
        config = super().get_config()
        config["thresholds"] = self.init_thresholds
        return config


def _count_class(class_name, condition, description):
    doc = f"""{description} at each threshold (predictions above it are positive).

    Args:
        thresholds: a float or list of floats in ``[0, 1]``; default 0.5. With one
            threshold the result is a scalar, else one value per threshold.
        name, dtype: as for ``Metric``.

    Example:
        >>> m = lamina.metrics.{class_name}()
        >>> m.update_state([0, 1, 1, 1], [1, 0, 1, 1])
    """

    def __init__(self, thresholds=None, name=None, dtype=None):
        _ConditionCount.__init__(self, thresholds=thresholds, name=name, dtype=dtype)

    cls = type(class_name, (_ConditionCount,), {"_condition": condition, "__init__": __init__,
                                                 "__doc__": doc, "__module__": __name__})
    return cls


TruePositives = _count_class("TruePositives", C.TRUE_POSITIVES, "Weighted count of true positives")
FalsePositives = _count_class("FalsePositives", C.FALSE_POSITIVES, "Weighted count of false positives")
TrueNegatives = _count_class("TrueNegatives", C.TRUE_NEGATIVES, "Weighted count of true negatives")
FalseNegatives = _count_class("FalseNegatives", C.FALSE_NEGATIVES, "Weighted count of false negatives")


class _PrecisionRecallBase(Metric):
    _second = None

    def __init__(self, thresholds=None, top_k=None, class_id=None, name=None, dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.init_thresholds = thresholds
        self.top_k = top_k
        self.class_id = class_id
        default = 0.5 if top_k is None else C.NEG_INF
        self.thresholds = (C.parse_thresholds(thresholds, 0.5, type(self).__name__) if thresholds is not None
                           else [default])
        n = len(self.thresholds)
        self.true_positives = self.add_variable(shape=(n,), initializer="zeros", name="true_positives")
        second_name = "false_positives" if self._second == C.FALSE_POSITIVES else "false_negatives"
        self._second_variable = self.add_variable(shape=(n,), initializer="zeros", name=second_name)

    def update_state(self, y_true, y_pred, sample_weight=None):
        C.update_confusion_variables(
            {C.TRUE_POSITIVES: self.true_positives, self._second: self._second_variable}, y_true, y_pred,
            self.thresholds, top_k=self.top_k, class_id=self.class_id, sample_weight=sample_weight)

    def result(self):
        tp = self.true_positives.value
        value = divide_no_nan(tp, tp + self._second_variable.value)
        return value[0] if len(self.thresholds) == 1 else value

    def get_config(self):
        config = super().get_config()
        config.update({"thresholds": self.init_thresholds, "top_k": self.top_k, "class_id": self.class_id})
        return config


class Precision(_PrecisionRecallBase):
    """``true_positives / (true_positives + false_positives)``.

    Args:
        thresholds: a float or list of floats in ``[0, 1]``; predictions above a threshold
            are positive (default 0.5, or every top-k prediction when ``top_k`` is set).
        top_k: only the ``top_k`` highest predictions of each row can be positive.
        class_id: compute the metric for this class index only.
        name, dtype: as for ``Metric``.

    Example:
        >>> m = lamina.metrics.Precision()
        >>> m.update_state([0, 1, 1, 1], [1, 0, 1, 1])
        >>> round(float(m.result()), 4)
        0.6667
    """

    _second = C.FALSE_POSITIVES

    def __init__(self, thresholds=None, top_k=None, class_id=None, name=None, dtype=None):
        super().__init__(thresholds, top_k, class_id, name=name, dtype=dtype)
        self.false_positives = self._second_variable


class Recall(_PrecisionRecallBase):
    """``true_positives / (true_positives + false_negatives)``.

    Args:
        thresholds, top_k, class_id: as for ``Precision``.
        name, dtype: as for ``Metric``.

    Example:
        >>> m = lamina.metrics.Recall()
        >>> m.update_state([0, 1, 1, 1], [1, 0, 1, 1])
        >>> round(float(m.result()), 4)
        0.6667
    """

    _second = C.FALSE_NEGATIVES

    def __init__(self, thresholds=None, top_k=None, class_id=None, name=None, dtype=None):
        super().__init__(thresholds, top_k, class_id, name=name, dtype=dtype)
        self.false_negatives = self._second_variable


class _AtConstraintBase(Metric):
    """Counts at ``num_thresholds`` evenly spaced thresholds; subclasses pick the best one."""

    _value_key = None

    def __init__(self, value, num_thresholds=200, class_id=None, name=None, dtype=None):
        super().__init__(name=name, dtype=dtype)
        if not 0.0 <= value <= 1.0:
            raise ValueError(f"{type(self).__name__}: `{self._value_key}` must be in [0, 1]. "
                             f"Received: {self._value_key}={value}")
        if num_thresholds <= 0:
            raise ValueError(f"{type(self).__name__}: `num_thresholds` must be an integer > 0. "
                             f"Received: num_thresholds={num_thresholds}")
        self.value = value
        self.num_thresholds = num_thresholds
        self.class_id = class_id
        self.thresholds = [0.5] if num_thresholds == 1 else C.evenly_spaced_thresholds(num_thresholds, False)
        n = len(self.thresholds)
        self.true_positives = self.add_variable(shape=(n,), initializer="zeros", name="true_positives")
        self.false_positives = self.add_variable(shape=(n,), initializer="zeros", name="false_positives")
        self.true_negatives = self.add_variable(shape=(n,), initializer="zeros", name="true_negatives")
        self.false_negatives = self.add_variable(shape=(n,), initializer="zeros", name="false_negatives")

    def update_state(self, y_true, y_pred, sample_weight=None):
        C.update_confusion_variables(
            {C.TRUE_POSITIVES: self.true_positives, C.FALSE_POSITIVES: self.false_positives,
             C.TRUE_NEGATIVES: self.true_negatives, C.FALSE_NEGATIVES: self.false_negatives},
            y_true, y_pred, self.thresholds, class_id=self.class_id, sample_weight=sample_weight)

    def _rates(self):
        tp, fp = self.true_positives.value, self.false_positives.value
        tn, fn = self.true_negatives.value, self.false_negatives.value
        return {"recall": divide_no_nan(tp, tp + fn), "precision": divide_no_nan(tp, tp + fp),
                "specificity": divide_no_nan(tn, tn + fp)}

    def _max_where_at_least(self, constrained, dependent):
        feasible = ops.greater_equal(constrained, self.value)
        return ops.max(ops.where(feasible, dependent, ops.zeros_like(dependent)), initial=0.0)

    def get_config(self):
        config = super().get_config()
        config.update({"class_id": self.class_id, "num_thresholds": self.num_thresholds,
                       self._value_key: self.value})
        return config


class SensitivityAtSpecificity(_AtConstraintBase):
    """The best sensitivity (recall) over thresholds whose specificity is >= ``specificity``.

    Args:
        specificity: the minimum specificity, in ``[0, 1]``.
        num_thresholds: how many evenly spaced thresholds to evaluate.
        class_id: compute the metric for this class index only.
        name, dtype: as for ``Metric``.

    Example:
        >>> m = lamina.metrics.SensitivityAtSpecificity(0.5)
        >>> m.update_state([0, 0, 0, 1, 1], [0, 0.3, 0.8, 0.3, 0.8])
        >>> float(m.result())
        0.5
    """

    _value_key = "specificity"

    def __init__(self, specificity, num_thresholds=200, class_id=None, name=None, dtype=None):
        super().__init__(specificity, num_thresholds, class_id, name=name, dtype=dtype)
        self.specificity = specificity

    def result(self):
        rates = self._rates()
        return self._max_where_at_least(rates["specificity"], rates["recall"])


class SpecificityAtSensitivity(_AtConstraintBase):
    """The best specificity over thresholds whose sensitivity is >= ``sensitivity``.

    Args:
        sensitivity: the minimum sensitivity, in ``[0, 1]``.
        num_thresholds, class_id, name, dtype: as for ``SensitivityAtSpecificity``.

    Example:
        >>> m = lamina.metrics.SpecificityAtSensitivity(0.5)
        >>> m.update_state([0, 0, 0, 1, 1], [0, 0.3, 0.8, 0.3, 0.8])
        >>> round(float(m.result()), 4)
        0.6667
    """

    _value_key = "sensitivity"

    def __init__(self, sensitivity, num_thresholds=200, class_id=None, name=None, dtype=None):
        super().__init__(sensitivity, num_thresholds, class_id, name=name, dtype=dtype)
        self.sensitivity = sensitivity

    def result(self):
        rates = self._rates()
        return self._max_where_at_least(rates["recall"], rates["specificity"])


class PrecisionAtRecall(_AtConstraintBase):
    """The best precision over thresholds whose recall is >= ``recall``.

    Args:
        recall: the minimum recall, in ``[0, 1]``.
        num_thresholds, class_id, name, dtype: as for ``SensitivityAtSpecificity``.

    Example:
        >>> m = lamina.metrics.PrecisionAtRecall(0.5)
        >>> m.update_state([0, 0, 0, 1, 1], [0, 0.3, 0.8, 0.3, 0.8])
        >>> float(m.result())
        0.5
    """

    _value_key = "recall"

    def __init__(self, recall, num_thresholds=200, class_id=None, name=None, dtype=None):
        super().__init__(recall, num_thresholds, class_id, name=name, dtype=dtype)
        self.recall = recall

    def result(self):
        rates = self._rates()
        return self._max_where_at_least(rates["recall"], rates["precision"])


class RecallAtPrecision(_AtConstraintBase):
    """The best recall over thresholds whose precision is >= ``precision``.

    Args:
        precision: the minimum precision, in ``[0, 1]``.
        num_thresholds, class_id, name, dtype: as for ``SensitivityAtSpecificity``.

    Example:
        >>> m = lamina.metrics.RecallAtPrecision(0.8)
        >>> m.update_state([0, 0, 1, 1], [0, 0.5, 0.3, 0.9])
        >>> float(m.result())
        0.5
    """

    _value_key = "precision"

    def __init__(self, precision, num_thresholds=200, class_id=None, name=None, dtype=None):
        super().__init__(precision, num_thresholds, class_id, name=name, dtype=dtype)
        self.precision = precision

    def result(self):
        rates = self._rates()
        return self._max_where_at_least(rates["precision"], rates["recall"])
