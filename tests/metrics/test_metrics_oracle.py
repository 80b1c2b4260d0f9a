"""lamina.metrics values against real Keras 3 (and a few NumPy formulas), with and without weights."""

import numpy as np
import pytest

from lamina import metrics, ops

RNG = np.random.default_rng(2)
Y_BIN = (RNG.random((8, 4)) > 0.5).astype("float32")
Y_PROB = RNG.random((8, 4)).astype("float32")
Y_PROB2 = RNG.random((8, 4)).astype("float32")
Y_REAL = RNG.normal(size=(8, 4)).astype("float32")
ONE_HOT = np.eye(4, dtype="float32")[RNG.integers(0, 4, 8)]
LABELS = np.argmax(ONE_HOT, -1)
PRED_LABELS = RNG.integers(0, 4, 8)
WEIGHTS = RNG.uniform(0.1, 2.0, 8).astype("float32")
INT_WEIGHTS = RNG.integers(0, 3, 8).astype("float32")

# (class name, constructor kwargs, update arguments)
CASES = [
    ("MeanSquaredError", {}, (Y_REAL, Y_PROB)),
    ("MeanAbsoluteError", {}, (Y_REAL, Y_PROB)),
    ("MeanAbsolutePercentageError", {}, (Y_REAL, Y_PROB)),
    ("MeanSquaredLogarithmicError", {}, (Y_PROB2, Y_PROB)),
    ("RootMeanSquaredError", {}, (Y_REAL, Y_PROB)),
    ("LogCoshError", {}, (Y_REAL, Y_PROB)),
    ("CosineSimilarity", {}, (Y_REAL, Y_PROB)),
    ("R2Score", {"class_aggregation": None}, (Y_REAL, Y_PROB)),
    ("R2Score", {"class_aggregation": "variance_weighted_average", "num_regressors": 2}, (Y_REAL, Y_PROB)),
    ("Hinge", {}, (Y_BIN, Y_REAL)),
    ("SquaredHinge", {}, (Y_BIN, Y_REAL)),
    ("CategoricalHinge", {}, (ONE_HOT, Y_REAL)),
    ("KLDivergence", {}, (Y_PROB2, Y_PROB)),
    ("Poisson", {}, (Y_PROB2, Y_PROB)),
    ("BinaryCrossentropy", {}, (Y_BIN, Y_PROB)),
    ("BinaryCrossentropy", {"from_logits": True, "label_smoothing": 0.1}, (Y_BIN, Y_REAL)),
    ("CategoricalCrossentropy", {}, (ONE_HOT, Y_PROB)),
    ("SparseCategoricalCrossentropy", {"from_logits": True}, (LABELS, Y_REAL)),
    ("Accuracy", {}, (LABELS, PRED_LABELS)),
    ("BinaryAccuracy", {}, (Y_BIN, Y_PROB)),
    ("BinaryAccuracy", {"threshold": 0.3}, (Y_BIN, Y_PROB)),
    ("CategoricalAccuracy", {}, (ONE_HOT, Y_PROB)),
    ("SparseCategoricalAccuracy", {}, (LABELS[:, None], Y_PROB)),
    ("TopKCategoricalAccuracy", {"k": 2}, (ONE_HOT, Y_PROB)),
    ("SparseTopKCategoricalAccuracy", {"k": 2}, (LABELS, Y_PROB)),
    ("TruePositives", {}, (Y_BIN, Y_PROB)),
    ("TrueNegatives", {"thresholds": [0.2, 0.7]}, (Y_BIN, Y_PROB)),
    ("FalsePositives", {}, (Y_BIN, Y_PROB)),
    ("FalseNegatives", {"thresholds": 0.3}, (Y_BIN, Y_PROB)),
    ("Precision", {}, (Y_BIN, Y_PROB)),
    ("Precision", {"thresholds": [0.3, 0.6]}, (Y_BIN, Y_PROB)),
    ("Precision", {"top_k": 2}, (Y_BIN, Y_PROB)),
    ("Precision", {"top_k": 1, "class_id": 2}, (Y_BIN, Y_PROB)),
    ("Recall", {"class_id": 1}, (Y_BIN, Y_PROB)),
    ("Recall", {"top_k": 2, "thresholds": 0.4}, (Y_BIN, Y_PROB)),
    ("PrecisionAtRecall", {"recall": 0.5}, (Y_BIN, Y_PROB)),
    ("RecallAtPrecision", {"precision": 0.6, "num_thresholds": 50}, (Y_BIN, Y_PROB)),
    ("SensitivityAtSpecificity", {"specificity": 0.5, "class_id": 1}, (Y_BIN, Y_PROB)),
    ("SpecificityAtSensitivity", {"sensitivity": 0.4}, (Y_BIN, Y_PROB)),
    ("AUC", {}, (Y_BIN, Y_PROB)),
    ("AUC", {"curve": "PR"}, (Y_BIN, Y_PROB)),
    ("AUC", {"summation_method": "minoring", "num_thresholds": 7}, (Y_BIN, Y_PROB)),
    ("AUC", {"summation_method": "majoring", "curve": "PR", "thresholds": [0.2, 0.5, 0.7]}, (Y_BIN, Y_PROB)),
    ("AUC", {"multi_label": True}, (Y_BIN, Y_PROB)),
    ("AUC", {"multi_label": True, "curve": "PR", "num_labels": 4, "label_weights": [1, 2, 3, 4]}, (Y_BIN, Y_PROB)),
    ("AUC", {"label_weights": [1.0, 0.5, 2.0, 1.0]}, (Y_BIN, Y_PROB)),
    ("AUC", {"from_logits": True}, (Y_BIN, Y_REAL)),
    ("F1Score", {}, (Y_BIN, Y_PROB)),
    ("F1Score", {"average": "micro", "threshold": 0.5}, (Y_BIN, Y_PROB)),
    ("F1Score", {"average": "macro"}, (Y_BIN, Y_PROB)),
    ("FBetaScore", {"beta": 2.0, "average": "weighted", "threshold": 0.4}, (Y_BIN, Y_PROB)),
    ("MeanIoU", {"num_classes": 4}, (LABELS, PRED_LABELS)),
    ("IoU", {"num_classes": 4, "target_class_ids": [0, 2]}, (LABELS, PRED_LABELS)),
    ("BinaryIoU", {"threshold": 0.4}, (Y_BIN[:, 0], Y_PROB[:, 0])),
    ("OneHotMeanIoU", {"num_classes": 4}, (ONE_HOT, Y_PROB)),
    ("OneHotIoU", {"num_classes": 4, "target_class_ids": [1, 3]}, (ONE_HOT, Y_PROB)),
    ("Mean", {}, (Y_PROB,)),
    ("Sum", {}, (Y_PROB,)),
]


def _np(x):
    return np.asarray(ops.convert_to_numpy(x))


def _ids():
    return [f"{c[0]}-{i}" for i, c in enumerate(CASES)]


@pytest.mark.parametrize("name,kwargs,args", CASES, ids=_ids())
def test_metric_matches_keras(name, kwargs, args):
    keras = pytest.importorskip("keras")
    # Keras keeps IoU counts as integers, so compare with whole-number weights there.
    weight_options = (None, INT_WEIGHTS) if "IoU" in name else (None, WEIGHTS)
    for weights in weight_options:
        ours = getattr(metrics, name)(**kwargs)
        ref = getattr(keras.metrics, name)(**kwargs)
        for half in (slice(0, 4), slice(4, 8)):  # two updates accumulate
            batch = tuple(a[half] for a in args)
            sw = None if weights is None else weights[half]
            ours.update_state(*batch, sample_weight=sw)
            ref.update_state(*batch, sample_weight=sw)
        np.testing.assert_allclose(_np(ours.result()), keras.ops.convert_to_numpy(ref.result()), rtol=1e-4,
                                   atol=1e-5, err_msg=f"{name} {kwargs} weighted={weights is not None}")


def test_numpy_formulas():
    m = metrics.Mean()
    m.update_state(Y_PROB, sample_weight=WEIGHTS)
    np.testing.assert_allclose(_np(m.result()), (Y_PROB.mean(-1) * WEIGHTS).sum() / WEIGHTS.sum(), rtol=1e-6)
    rmse = metrics.RootMeanSquaredError()
    rmse.update_state(Y_REAL, Y_PROB)
    np.testing.assert_allclose(_np(rmse.result()), np.sqrt(((Y_REAL - Y_PROB) ** 2).mean()), rtol=1e-6)
    acc = metrics.SparseCategoricalAccuracy()
    acc.update_state(LABELS, Y_PROB, sample_weight=WEIGHTS)
    hits = (Y_PROB.argmax(-1) == LABELS).astype("float32")
    np.testing.assert_allclose(_np(acc.result()), (hits * WEIGHTS).sum() / WEIGHTS.sum(), rtol=1e-6)
    prec = metrics.Precision(thresholds=0.5)
    prec.update_state(Y_BIN, Y_PROB)
    pred = Y_PROB > 0.5
    np.testing.assert_allclose(_np(prec.result()), (pred & (Y_BIN > 0)).sum() / pred.sum(), rtol=1e-6)
    iou = metrics.MeanIoU(num_classes=4)
    iou.update_state(LABELS, PRED_LABELS)
    scores = []
    for c in range(4):
        inter = np.sum((LABELS == c) & (PRED_LABELS == c))
        union = np.sum((LABELS == c) | (PRED_LABELS == c))
        if union:
            scores.append(inter / union)
    np.testing.assert_allclose(_np(iou.result()), np.mean(scores), rtol=1e-5)


def test_top_k_counts_ties_as_hits():
    m = metrics.SparseTopKCategoricalAccuracy(k=1)
    m.update_state([0, 1], [[0.5, 0.5, 0.0], [0.2, 0.3, 0.5]])
    np.testing.assert_allclose(_np(m.result()), 0.5)


def test_auc_perfect_and_random_rankings():
    m = metrics.AUC(num_thresholds=1000)
    m.update_state([0, 0, 1, 1], [0.1, 0.2, 0.8, 0.9])
    np.testing.assert_allclose(_np(m.result()), 1.0, atol=1e-3)
    m.reset_state()
    m.update_state([0, 1, 0, 1], [0.3, 0.3, 0.7, 0.7])
    np.testing.assert_allclose(_np(m.result()), 0.5, atol=1e-3)
