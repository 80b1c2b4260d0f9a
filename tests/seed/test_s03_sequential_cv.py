"""Seed S3 (lines 92-110): a Sequential built with .add(), string loss and optimizer, and
10-fold cross-validation with scikit-learn's StratifiedKFold."""

import numpy as np
import pytest

import lamina
from lamina.layers import Dense


def create_model():
    model = lamina.Sequential()
    model.add(Dense(12, activation="relu"))
    model.add(Dense(8, activation="relu"))
    model.add(Dense(1, activation="sigmoid"))
    model.compile(loss="binary_crossentropy", optimizer="adam", metrics=["accuracy"])
    return model


def test_s03_stratified_kfold_cross_validation():
    model_selection = pytest.importorskip("sklearn.model_selection")
    rng = np.random.default_rng(7)
    X = rng.normal(size=(200, 8)).astype("float32")
    Y = (X[:, 0] + 0.5 * X[:, 1] - X[:, 2] > 0).astype("float32")

    kfold = model_selection.StratifiedKFold(n_splits=10, shuffle=True, random_state=44)
    scores = []
    for train, test in kfold.split(X, Y):
        model = create_model()
        model.fit(X[train], Y[train], epochs=25, batch_size=10, verbose=0)
        loss, acc = model.evaluate(X[test], Y[test], verbose=0)
        scores.append(acc)
    assert len(scores) == 10
    assert np.mean(scores) > 0.75
    assert model.metrics_names == ["loss", "accuracy"]
