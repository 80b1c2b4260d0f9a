"""Errors name what was given and what was expected."""

import numpy as np
import pytest

import lamina
from lamina import layers


def _model():
    inputs = lamina.Input((4,), name="features")
    model = lamina.Model(inputs, layers.Dense(2, name="out")(inputs))
    model.compile(optimizer="sgd", loss="mse")
    return model


def test_mismatched_lengths():
    model = _model()
    with pytest.raises(ValueError, match=r"x sizes: 10.*y sizes: 9"):
        model.fit(np.zeros((10, 4)), np.zeros((9, 2)), verbose=0)


def test_unknown_input_name():
    model = _model()
    with pytest.raises(ValueError, match=r"expects inputs named \['features'\].*unknown: \['feature'\]"):
        model.fit({"feature": np.zeros((4, 4))}, np.zeros((4, 2)), verbose=0)


def test_unknown_output_name_in_loss_dict():
    inputs = lamina.Input((4,))
    model = lamina.Model(inputs, layers.Dense(2, name="out")(inputs))
    model.compile(optimizer="sgd", loss={"outt": "mse"})
    with pytest.raises(ValueError, match=r"\['outt'\].*\['out'\]"):
        model.fit(np.zeros((4, 4)), np.zeros((4, 2)), verbose=0)


def test_string_data_for_numeric_input():
    model = _model()
    with pytest.raises(ValueError, match=r"input 'features' expects dtype float32.*<U"):
        model.fit(np.array([["a", "b", "c", "d"]] * 4), np.zeros((4, 2)), verbose=0)


def test_wrong_feature_shape():
    model = _model()
    with pytest.raises(ValueError, match=r"expects arrays of shape \(None, 4\).*\(4, 5\)"):
        model.evaluate(np.zeros((4, 5)), np.zeros((4, 2)), verbose=0)


def test_not_compiled():
    inputs = lamina.Input((4,))
    model = lamina.Model(inputs, layers.Dense(2)(inputs))
    with pytest.raises(RuntimeError, match="compile"):
        model.fit(np.zeros((4, 4)), np.zeros((4, 2)))


def test_y_with_a_generator():
    model = _model()
    gen = (np.zeros((2, 4)) for _ in range(2))
    with pytest.raises(ValueError, match="`y` argument is not supported"):
        model.fit(gen, np.zeros((4, 2)), verbose=0)


def test_bad_steps_per_execution_and_verbose():
    model = _model()
    with pytest.raises(ValueError, match="steps_per_execution"):
        model.compile(optimizer="sgd", loss="mse", steps_per_execution=0)
    with pytest.raises(ValueError, match="verbose"):
        model.fit(np.zeros((4, 4)), np.zeros((4, 2)), verbose=5)


def test_validation_split_on_generator():
    model = _model()
    gen = ((np.zeros((2, 4)), np.zeros((2, 2))) for _ in range(2))
    with pytest.raises(ValueError, match="validation_split"):
        model.fit(gen, validation_split=0.5, verbose=0)


def test_missing_target_for_output_with_loss():
    model = _model()
    with pytest.raises(ValueError, match="no targets"):
        model.fit(np.zeros((4, 4)), verbose=0)
