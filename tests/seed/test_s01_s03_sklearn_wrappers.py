"""Seeds S1 and S3 with the scikit-learn wrappers: a Pipeline and cross_val_score on lamina models."""

import numpy as np
import pytest

import lamina
from lamina.layers import Dense

sklearn = pytest.importorskip("sklearn")
from sklearn import datasets  # noqa: E402
from sklearn.model_selection import StratifiedKFold, cross_val_score  # noqa: E402
from sklearn.pipeline import Pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402

from lamina.wrappers import KerasClassifier, SKLearnClassifier, SKLearnRegressor  # noqa: E402


def create_model():
    model = lamina.Sequential()
    model.add(Dense(12, activation="relu"))
    model.add(Dense(8, activation="relu"))
    model.add(Dense(1, activation="sigmoid"))
    model.compile(loss="binary_crossentropy", optimizer="adam", metrics=["accuracy"])
    return model


def test_s01_pipeline_with_a_lamina_classifier():
    lamina.utils.set_random_seed(0)
    iris = datasets.load_iris()
    X = iris["data"][:, (2, 3)]
    y = (iris["target"] == 2).astype(np.float64)
    clf = Pipeline((("scaler", StandardScaler()),
                    ("mlp", SKLearnClassifier(create_model, fit_kwargs={"epochs": 60, "batch_size": 16}))))
    clf.fit(X, y)
    assert clf.predict([[5.5, 1.7]]).tolist() == [1.0]  # the note's answer
    assert clf.score(X, y) > 0.9


def test_s03_cross_val_score_with_keras_classifier():
    lamina.utils.set_random_seed(1)
    rng = np.random.default_rng(7)
    X = rng.normal(size=(150, 8)).astype("float32")
    Y = (X[:, 0] + 0.5 * X[:, 1] - X[:, 2] > 0).astype("int64")
    model = KerasClassifier(build_fn=create_model, epochs=20, batch_size=10, verbose=0)
    kfold = StratifiedKFold(n_splits=10, shuffle=True, random_state=44)
    result = cross_val_score(model, X, Y, cv=kfold)
    assert result.shape == (10,)
    assert result.mean() > 0.75


def test_regressor_and_unfitted_errors():
    def build():
        model = lamina.Sequential([lamina.Input((3,)), Dense(1)])
        model.compile(loss="mse", optimizer=lamina.optimizers.Adam(0.05))
        return model

    reg = SKLearnRegressor(build, fit_kwargs={"epochs": 40, "batch_size": 16})
    with pytest.raises(ValueError, match="not fitted yet"):
        reg.predict(np.zeros((1, 3)))
    X = np.random.RandomState(0).rand(64, 3)
    y = X @ np.array([1.0, -2.0, 0.5])
    reg.fit(X, y)
    assert reg.predict(X).shape == (64,)
    assert reg.score(X, y) > 0.8


def test_uncompiled_model_is_reported():
    clf = SKLearnClassifier(lambda: lamina.Sequential([lamina.Input((2,)), Dense(1)]))
    with pytest.raises(ValueError, match="must be compiled"):
        clf.fit(np.zeros((4, 2)), np.array([0, 1, 0, 1]))
