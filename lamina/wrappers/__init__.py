"""``lamina.wrappers``: scikit-learn estimators around lamina models."""

from lamina.wrappers.sklearn_wrapper import (  # noqa: F401
    KerasClassifier,
    KerasRegressor,
    SKLearnClassifier,
    SKLearnRegressor,
    SKLearnTransformer,
)
