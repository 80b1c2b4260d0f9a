"""scikit-learn estimators wrapping lamina models, for pipelines and cross-validation.

Each ``fit`` builds a fresh model (unless ``warm_start``), so ``cross_val_score`` trains one
model per fold. Compiled steps are cached by model structure, so later folds do not compile
again.
"""

import copy

import numpy as np

try:
    from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin, TransformerMixin
except ImportError as e:
    raise ImportError(
        "lamina.wrappers needs scikit-learn. Install it with: pip install 'lamina[sklearn]'"
    ) from e


def _build(model, model_kwargs, X, y):
    from lamina.models.model import Model

    if isinstance(model, Model):
        from lamina.models.cloning import clone_model

        clone = clone_model(model)
        if getattr(model, "compiled", False):
            clone.compile_from_config(model.get_compile_config())
        return clone
    if not callable(model):
        raise TypeError(
            f"The `model` argument must be a lamina Model or a callable returning one. Received: {model!r}"
        )
    built = model(**(model_kwargs or {})) if model_kwargs else model()
    if not isinstance(built, Model):
        raise TypeError(f"The model-building callable must return a lamina Model. It returned {type(built).__name__}.")
    return built


class _SKLearnBase(BaseEstimator):
    def __init__(self, model, warm_start=False, model_kwargs=None, fit_kwargs=None):
        self.model = model
        self.warm_start = warm_start
        self.model_kwargs = model_kwargs
        self.fit_kwargs = fit_kwargs

    def _fit_kwargs(self):
        kwargs = {"verbose": 0}
        kwargs.update(self.fit_kwargs or {})
        return kwargs

    def _check_fitted(self):
        if not hasattr(self, "model_"):
            raise ValueError(f"This {type(self).__name__} instance is not fitted yet. Call `fit` first.")

    def _prepare(self, X, y):
        X = np.asarray(X)
        if X.dtype == np.float64:
            X = X.astype("float32")
        return X, y

    def _fit_model(self, X, y):
        if not (self.warm_start and hasattr(self, "model_")):
            self.model_ = _build(self.model, self.model_kwargs, X, y)
        if not getattr(self.model_, "compiled", False):
            raise ValueError(
                f"{type(self).__name__}: the model must be compiled by the function that builds it "
                "(call model.compile(...) before returning it)."
            )
        self.history_ = self.model_.fit(X, y, **self._fit_kwargs())
        return self

    def __sklearn_clone__(self):
        return type(self)(**copy.deepcopy(self.get_params(deep=False)))


class SKLearnClassifier(ClassifierMixin, _SKLearnBase):
    """A scikit-learn classifier around a lamina model.

    Args:
        model: a callable returning a compiled model (called on each ``fit``), or a model
            to clone.
        warm_start: keep training the same model on later ``fit`` calls.
        model_kwargs: keyword arguments for the model-building callable.
        fit_kwargs: keyword arguments for ``model.fit`` (epochs, batch_size, ...).

    Example:
        >>> from sklearn.model_selection import cross_val_score
        >>> from lamina.wrappers import SKLearnClassifier
        >>> def create_model():
        ...     model = lamina.Sequential([lamina.Input((4,)), lamina.layers.Dense(2, activation="softmax")])
        ...     model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
        ...     return model
        >>> X = np.random.rand(40, 4).astype("float32")
        >>> y = (X[:, 0] > 0.5).astype("int32")
        >>> clf = SKLearnClassifier(create_model, fit_kwargs={"epochs": 2, "batch_size": 10, "verbose": 0})
        >>> scores = cross_val_score(clf, X, y, cv=2)
        >>> scores.shape, bool(np.all((scores >= 0) & (scores <= 1)))
        ((2,), True)
    """

    def fit(self, X, y, **kwargs):
        X, y = self._prepare(X, y)
        y = np.asarray(y)
        self.classes_, encoded = np.unique(y, return_inverse=True)
        self.n_classes_ = len(self.classes_)
        if kwargs:
            self.fit_kwargs = {**(self.fit_kwargs or {}), **kwargs}
        return self._fit_model(X, encoded.reshape(y.shape).astype("int32"))

    def predict_proba(self, X):
        self._check_fitted()
        X, _ = self._prepare(X, None)
        probs = np.asarray(self.model_.predict(X, verbose=0))
        if probs.ndim == 1 or probs.shape[-1] == 1:
            p = probs.reshape(-1)
            return np.stack([1 - p, p], axis=-1)
        return probs

    def predict(self, X):
        probs = self.predict_proba(X)
        return self.classes_[np.argmax(probs, axis=-1)]


class SKLearnRegressor(RegressorMixin, _SKLearnBase):
    """A scikit-learn regressor around a lamina model (same arguments as SKLearnClassifier)."""

    def fit(self, X, y, **kwargs):
        X, y = self._prepare(X, y)
        if kwargs:
            self.fit_kwargs = {**(self.fit_kwargs or {}), **kwargs}
        return self._fit_model(X, np.asarray(y, dtype="float32"))

    def predict(self, X):
        self._check_fitted()
        X, _ = self._prepare(X, None)
        out = np.asarray(self.model_.predict(X, verbose=0))
        return out.reshape(-1) if out.ndim == 2 and out.shape[-1] == 1 else out


class SKLearnTransformer(TransformerMixin, _SKLearnBase):
    """A scikit-learn transformer: ``transform`` returns the model's predictions."""

    def fit(self, X, y=None, **kwargs):
        X, y = self._prepare(X, y)
        if kwargs:
            self.fit_kwargs = {**(self.fit_kwargs or {}), **kwargs}
        return self._fit_model(X, y)

    def transform(self, X):
        self._check_fitted()
        X, _ = self._prepare(X, None)
        return np.asarray(self.model_.predict(X, verbose=0))


class _BuildFnSpelling:
    """The tf.keras 2 constructor: ``build_fn`` plus epochs, batch_size and verbose as arguments."""

    def __init__(self, build_fn=None, epochs=1, batch_size=32, verbose=0, **model_kwargs):
        self.build_fn = build_fn
        self.epochs = epochs
        self.batch_size = batch_size
        self.verbose = verbose
        self.extra_model_kwargs = model_kwargs
        super().__init__(model=build_fn, model_kwargs=model_kwargs or None,
                         fit_kwargs={"epochs": epochs, "batch_size": batch_size, "verbose": verbose})

    def get_params(self, deep=True):
        return {"build_fn": self.build_fn, "epochs": self.epochs, "batch_size": self.batch_size,
                "verbose": self.verbose, **(self.extra_model_kwargs or {})}

    def __sklearn_clone__(self):
        return type(self)(**self.get_params())


class KerasClassifier(_BuildFnSpelling, SKLearnClassifier):
    """The tf.keras 2 spelling: ``KerasClassifier(build_fn=create_model, epochs=10, batch_size=10)``."""


class KerasRegressor(_BuildFnSpelling, SKLearnRegressor):
    """The tf.keras 2 spelling: ``KerasRegressor(build_fn=create_model, epochs=10, batch_size=10)``."""
