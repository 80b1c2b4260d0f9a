"""lamina.metrics API: state variables, reset, StatelessScope, configs, get(), resolve_accuracy."""

import numpy as np
import pytest

import lamina
from lamina import metrics, ops

RNG = np.random.default_rng(3)
Y_BIN = (RNG.random((6, 3)) > 0.5).astype("float32")
Y_PROB = RNG.random((6, 3)).astype("float32")
LABELS = RNG.integers(0, 3, 6)


def _np(x):
    return np.asarray(ops.convert_to_numpy(x))


def test_state_lives_in_non_trainable_variables():
    m = metrics.Mean(name="avg")
    assert [v.name for v in m.variables] == ["total", "count"]
    assert all(isinstance(v, lamina.Variable) and not v.trainable for v in m.variables)
    assert [v.path for v in m.variables] == ["avg/total", "avg/count"]
    auc = metrics.AUC(num_thresholds=10)
    assert [tuple(v.shape) for v in auc.variables] == [(10,)] * 4


def test_reset_state_restores_initial_values():
    m = metrics.Precision()
    m.update_state(Y_BIN, Y_PROB)
    assert _np(m.true_positives.value).sum() > 0
    m.reset_state()
    assert all(np.all(_np(v.value) == 0) for v in m.variables)
    assert float(_np(m.result())) == 0.0

    class StartsAtOne(metrics.Metric):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.v = self.add_weight(shape=(2,), initializer="ones", name="v")

        def update_state(self, x):
            self.v.assign_add(ops.convert_to_tensor(x, dtype="float32"))

        def result(self):
            return self.v.value

    s = StartsAtOne()
    s.update_state([1.0, 2.0])
    np.testing.assert_allclose(_np(s.result()), [2.0, 3.0])
    s.reset_state()
    np.testing.assert_allclose(_np(s.result()), [1.0, 1.0])


@pytest.mark.parametrize("factory", [
    lambda: metrics.Mean(),
    lambda: metrics.SparseCategoricalAccuracy(),
    lambda: metrics.AUC(num_thresholds=20),
    lambda: metrics.Recall(top_k=1),
    lambda: metrics.MeanIoU(num_classes=3),
], ids=["mean", "sparse_acc", "auc", "recall", "mean_iou"])
def test_update_inside_stateless_scope_is_recorded_not_applied(factory):
    m = factory()
    args = (Y_PROB,) if isinstance(m, metrics.Mean) and type(m) is metrics.Mean else None
    if args is None:
        args = (LABELS, RNG.integers(0, 3, 6)) if isinstance(m, metrics.MeanIoU) else (
            (LABELS, Y_PROB) if isinstance(m, metrics.SparseCategoricalAccuracy) else (Y_BIN, Y_PROB))
    before = [_np(v.value).copy() for v in m.variables]
    with lamina.StatelessScope() as scope:
        m.update_state(*args)
        inside = m.result()
    new_values = [scope.get_current_value(v) for v in m.variables]
    assert all(v is not None for v in new_values)
    for v, old in zip(m.variables, before):
        np.testing.assert_array_equal(_np(v.value), old)
    # Applying the recorded values gives the same state as an eager update.
    reference = factory()
    reference.update_state(*args)
    for value, ref_var in zip(new_values, reference.variables):
        np.testing.assert_allclose(_np(value), _np(ref_var.value), rtol=1e-6)
    np.testing.assert_allclose(_np(inside), _np(reference.result()), rtol=1e-6)


def test_stateless_helpers():
    m = metrics.Mean()
    state = [ops.zeros(()), ops.zeros(())]
    state = m.stateless_update_state(state, [1.0, 3.0])
    state = m.stateless_update_state(state, [5.0])
    np.testing.assert_allclose(_np(m.stateless_result(state)), 3.0)
    assert all(np.all(_np(v.value) == 0) for v in m.variables)
    np.testing.assert_allclose([_np(v) for v in m.stateless_reset_state()], [0.0, 0.0])
    with pytest.raises(ValueError, match="expected 2 variable values"):
        m.stateless_result([ops.zeros(())])


def test_call_updates_then_returns_result():
    m = metrics.Sum()
    np.testing.assert_allclose(_np(m([1.0, 2.0])), 3.0)
    np.testing.assert_allclose(_np(m([4.0])), 7.0)


def test_sub_metrics_are_tracked():
    class Pair(metrics.Metric):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.a = metrics.Mean(name="a")
            self.b = metrics.Sum(name="b")

        def update_state(self, x):
            self.a.update_state(x)
            self.b.update_state(x)

        def result(self):
            return self.a.result() + self.b.result()

    p = Pair()
    assert len(p.variables) == 3
    p.update_state([1.0, 3.0])
    np.testing.assert_allclose(_np(p.result()), 6.0)
    p.reset_state()
    np.testing.assert_allclose(_np(p.result()), 0.0)


def test_lazily_built_metrics_and_build():
    f1 = metrics.F1Score()
    assert f1.variables == []
    f1.build((None, 3), (None, 3))
    assert [tuple(v.shape) for v in f1.variables] == [(3,)] * 4
    auc = metrics.AUC(multi_label=True)
    auc.update_state(Y_BIN, Y_PROB)
    assert tuple(auc.true_positives.shape) == (200, 3)
    with pytest.raises(ValueError, match="2D inputs"):
        metrics.R2Score().update_state(np.zeros((2, 2, 2)), np.zeros((2, 2, 2)))


CONFIG_CASES = [
    metrics.Mean(name="m"), metrics.Sum(), metrics.Accuracy(), metrics.BinaryAccuracy(threshold=0.3),
    metrics.CategoricalAccuracy(), metrics.SparseCategoricalAccuracy(), metrics.TopKCategoricalAccuracy(k=3),
    metrics.SparseTopKCategoricalAccuracy(k=2), metrics.MeanSquaredError(), metrics.MeanAbsoluteError(),
    metrics.MeanAbsolutePercentageError(), metrics.MeanSquaredLogarithmicError(), metrics.RootMeanSquaredError(),
    metrics.LogCoshError(), metrics.CosineSimilarity(axis=-1), metrics.R2Score(class_aggregation=None),
    metrics.Hinge(), metrics.SquaredHinge(), metrics.CategoricalHinge(), metrics.KLDivergence(), metrics.Poisson(),
    metrics.BinaryCrossentropy(from_logits=True), metrics.CategoricalCrossentropy(label_smoothing=0.1),
    metrics.SparseCategoricalCrossentropy(ignore_class=0), metrics.AUC(curve="PR", num_thresholds=50),
    metrics.AUC(thresholds=[0.3, 0.6], multi_label=True, num_labels=3), metrics.Precision(thresholds=[0.2, 0.4]),
    metrics.Recall(top_k=2, class_id=1), metrics.TruePositives(thresholds=0.3), metrics.TrueNegatives(),
    metrics.FalsePositives(), metrics.FalseNegatives(), metrics.PrecisionAtRecall(0.4, num_thresholds=30),
    metrics.RecallAtPrecision(0.7), metrics.SensitivityAtSpecificity(0.5, class_id=1),
    metrics.SpecificityAtSensitivity(0.6), metrics.F1Score(average="macro", threshold=0.5),
    metrics.FBetaScore(beta=2.0, average="weighted"), metrics.MeanIoU(num_classes=3, ignore_class=0),
    metrics.IoU(num_classes=3, target_class_ids=[1]), metrics.BinaryIoU(target_class_ids=[1], threshold=0.4),
    metrics.OneHotIoU(num_classes=3, target_class_ids=[0, 2]), metrics.OneHotMeanIoU(num_classes=3),
    metrics.MeanMetricWrapper(lamina.losses.huber, name="hub", delta=2.0),
]


@pytest.mark.parametrize("metric", CONFIG_CASES, ids=[type(m).__name__ + str(i) for i, m in enumerate(CONFIG_CASES)])
def test_config_round_trip(metric):
    config = metric.get_config()
    clone = type(metric).from_config(config)
    assert clone.get_config() == config
    restored = metrics.deserialize(metrics.serialize(metric))
    assert type(restored) is type(metric)
    assert restored.get_config() == config
    assert metrics.serialize(metric)["module"] == "keras.metrics"


def test_configs_load_in_keras():
    keras = pytest.importorskip("keras")
    for metric in (metrics.AUC(curve="PR", num_thresholds=50), metrics.Precision(thresholds=[0.2, 0.4]),
                   metrics.BinaryAccuracy(threshold=0.3), metrics.F1Score(average="macro", threshold=0.5)):
        theirs = keras.metrics.deserialize(metrics.serialize(metric))
        assert type(theirs).__name__ == type(metric).__name__
        ours_cfg, their_cfg = metric.get_config(), theirs.get_config()
        assert {k: ours_cfg[k] for k in ours_cfg if k != "name"} == {k: their_cfg[k] for k in ours_cfg if k != "name"}
    back = metrics.deserialize(keras.metrics.serialize(keras.metrics.AUC(num_thresholds=33, curve="PR")))
    assert isinstance(back, metrics.AUC) and back.num_thresholds == 33 and back.curve == "PR"


def test_get_identifiers():
    assert isinstance(metrics.get("accuracy"), metrics.Accuracy)
    assert isinstance(metrics.get("acc"), metrics.Accuracy)
    assert isinstance(metrics.get("mse"), metrics.MeanSquaredError)
    assert isinstance(metrics.get("mae"), metrics.MeanAbsoluteError)
    assert isinstance(metrics.get("AUC"), metrics.AUC)
    assert isinstance(metrics.get("auc"), metrics.AUC)
    assert isinstance(metrics.get("MeanSquaredError"), metrics.MeanSquaredError)
    assert isinstance(metrics.get("sparse_categorical_accuracy"), metrics.SparseCategoricalAccuracy)
    assert isinstance(metrics.get("binary_crossentropy"), metrics.BinaryCrossentropy)
    assert isinstance(metrics.get({"class_name": "Precision", "config": {"thresholds": 0.7}}), metrics.Precision)
    m = metrics.Recall()
    assert metrics.get(m) is m
    assert metrics.get(lamina.losses.mae) is lamina.losses.mae
    with pytest.raises(ValueError, match="metric identifier"):
        metrics.get("not_a_metric")


def test_resolve_accuracy_follows_keras_shapes_rule():
    ra = metrics.resolve_accuracy
    assert isinstance(ra("accuracy", y_true_shape=(8, 1), y_pred_shape=(8, 1)), metrics.BinaryAccuracy)
    assert isinstance(ra("accuracy", y_true_shape=(8,), y_pred_shape=(8, 5)), metrics.SparseCategoricalAccuracy)
    assert isinstance(ra("accuracy", y_true_shape=(8, 1), y_pred_shape=(8, 5)), metrics.SparseCategoricalAccuracy)
    assert isinstance(ra("accuracy", y_true_shape=(8, 5), y_pred_shape=(8, 5)), metrics.CategoricalAccuracy)
    assert isinstance(ra("acc", loss="binary_crossentropy"), metrics.BinaryAccuracy)
    assert isinstance(ra("acc", loss=lamina.losses.SparseCategoricalCrossentropy()),
                      metrics.SparseCategoricalAccuracy)
    assert isinstance(ra("acc", loss="categorical_crossentropy"), metrics.CategoricalAccuracy)
    assert ra("acc", y_true_shape=(4,), y_pred_shape=(4, 3)).name == "acc"


def test_get_metric_names_and_wraps():
    m = metrics.get_metric("mse")
    assert isinstance(m, metrics.MeanSquaredError) and m.name == "mse"

    def my_metric(y_true, y_pred):
        return ops.mean(ops.abs(y_true - y_pred), axis=-1)

    w = metrics.get_metric(my_metric)
    assert isinstance(w, metrics.MeanMetricWrapper) and w.name == "my_metric"
    w.update_state(np.zeros((2, 2), "float32"), np.ones((2, 2), "float32"))
    np.testing.assert_allclose(_np(w.result()), 1.0)
    assert isinstance(metrics.get_metric("accuracy", (4,), (4, 3)), metrics.SparseCategoricalAccuracy)


def test_invalid_arguments():
    with pytest.raises(ValueError, match="curve"):
        metrics.AUC(curve="XYZ")
    with pytest.raises(ValueError, match="num_thresholds"):
        metrics.AUC(num_thresholds=1)
    with pytest.raises(ValueError, match="threshold"):
        metrics.Precision(thresholds=1.5)
    with pytest.raises(ValueError, match="average"):
        metrics.F1Score(average="mean")
    with pytest.raises(ValueError, match="beta"):
        metrics.FBetaScore(beta=2)
    with pytest.raises(ValueError, match="target class id"):
        metrics.IoU(num_classes=2, target_class_ids=[3])
    with pytest.raises(ValueError, match="callable"):
        metrics.MeanMetricWrapper("mse")


def test_result_returning_a_variable_is_read_in_the_current_scope():
    class Counter(metrics.Metric):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.n = self.add_weight(name="n", initializer="zeros")

        def update_state(self, values):
            self.n.assign_add(ops.cast(ops.sum(ops.ones_like(ops.convert_to_tensor(values))), "float32"))

        def result(self):
            return self.n  # a Variable, as in the Keras guide's custom metrics

    c = Counter()
    with lamina.StatelessScope():
        c.update_state([1.0, 2.0, 3.0])
        inside = c.result()
    assert not isinstance(inside, lamina.Variable)
    np.testing.assert_allclose(_np(inside), 3.0)
    np.testing.assert_allclose(_np(c.result()), 0.0)


def test_base_classes_name_the_missing_method():
    with pytest.raises(TypeError, match="update_state"):
        metrics.Metric(name="bare").update_state([1.0])
    with pytest.raises(TypeError, match="call"):
        lamina.losses.Loss()([1.0], [1.0])
