"""PearsonCorrelation and ConcordanceCorrelation against Keras 3: values, weights, configs."""

import numpy as np
import pytest

import lamina
from lamina import metrics, ops
from tests.conftest import keras_or_skip

RNG = np.random.default_rng(8)
Y_TRUE = RNG.normal(size=(6, 5)).astype("float32")
Y_PRED = (Y_TRUE * 0.7 + RNG.normal(size=(6, 5)) * 0.5 + 0.3).astype("float32")
WEIGHTS = RNG.uniform(0.2, 2.0, 6).astype("float32")


@pytest.mark.parametrize("name", ["PearsonCorrelation", "ConcordanceCorrelation"])
@pytest.mark.parametrize("axis", [-1, 0])
def test_matches_keras(name, axis):
    keras = keras_or_skip()
    mine, theirs = getattr(metrics, name)(axis=axis), getattr(keras.metrics, name)(axis=axis)
    weights = None if axis == 0 else WEIGHTS
    for lo, hi in ((0, 3), (3, 6)):
        w = None if weights is None else weights[lo:hi]
        mine.update_state(Y_TRUE[lo:hi], Y_PRED[lo:hi], sample_weight=w)
        theirs.update_state(Y_TRUE[lo:hi], Y_PRED[lo:hi], sample_weight=w)
    np.testing.assert_allclose(float(mine.result()), float(theirs.result()), rtol=1e-5)
    function = name[0].lower() + "".join("_" + c.lower() if c.isupper() else c for c in name[1:])
    got = ops.convert_to_numpy(getattr(metrics, function)(Y_TRUE, Y_PRED, axis=axis))
    want = keras.ops.convert_to_numpy(getattr(keras.metrics, function)(Y_TRUE, Y_PRED, axis=axis))
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("name", ["PearsonCorrelation", "ConcordanceCorrelation"])
def test_config_round_trip_and_keras_config(name):
    keras = keras_or_skip()
    metric = getattr(metrics, name)(name="corr", axis=0)
    config = metric.get_config()
    assert config == getattr(keras.metrics, name)(name="corr", axis=0).get_config()
    restored = metrics.deserialize(metrics.serialize(metric))
    assert type(restored) is type(metric) and restored.get_config() == config
    assert isinstance(metrics.get(name), getattr(metrics, name))


def test_in_compile():
    model = lamina.Sequential([lamina.Input((5,)), lamina.layers.Dense(5)])
    model.compile("sgd", "mse", metrics=[metrics.PearsonCorrelation(), metrics.ConcordanceCorrelation()])
    logs = model.evaluate(Y_TRUE, Y_PRED, verbose=0, return_dict=True)
    assert {"pearson_correlation", "concordance_correlation"} <= set(logs)
