"""``layer.output`` of a Sequential's layers stays usable after the model is rebuilt
(``add``, ``pop``, ``predict``, calls), so the feature-extractor idiom
``Model(model.inputs, [l.output for l in model.layers])`` works as in Keras 3."""

import numpy as np
import pytest

import lamina
from tests.conftest import keras_or_skip


def _grown_model(lib, with_input=True):
    """Input -> d1 -> d2, then ``add(d3)``, ``predict`` and a call: built more than once."""
    layers = [lib.layers.Dense(3, activation="relu", name="d1"), lib.layers.Dense(2, name="d2")]
    model = lib.Sequential(([lib.Input((4,))] if with_input else []) + layers)
    x = np.linspace(-1.0, 1.0, 8, dtype="float32").reshape(2, 4)
    if not with_input:
        model(x)
    model.add(lib.layers.Dense(5, activation="tanh", name="d3"))
    rng = np.random.default_rng(1)
    for layer in model.layers:
        layer.set_weights([rng.normal(size=w.shape).astype("float32") for w in layer.get_weights()])
    model.predict(x, verbose=0)
    model(x)
    return model


def _features(lib, model, x):
    extractor = lib.Model(model.inputs, [layer.output for layer in model.layers])
    return [np.asarray(f) for f in extractor.predict(x, verbose=0)]


@pytest.mark.parametrize("with_input", [True, False])
def test_feature_extractor_after_add_predict_and_call_matches_keras(with_input):
    keras = keras_or_skip()
    x = np.random.default_rng(0).normal(size=(6, 4)).astype("float32")
    ours = _features(lamina, _grown_model(lamina, with_input), x)
    theirs = _features(keras, _grown_model(keras, with_input), x)
    assert [f.shape for f in ours] == [(6, 3), (6, 2), (6, 5)]
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def test_layer_output_belongs_to_the_current_graph_after_pop_and_add():
    model = lamina.Sequential([lamina.Input((4,)), lamina.layers.Dense(3, name="d1"),
                               lamina.layers.Dense(2, name="d2")])
    model.pop()
    model.add(lamina.layers.Dense(5, name="d4"))
    d1, d4 = model.layers
    assert d1.output is d4.input  # the chain the model runs, not a stale copy
    assert model.output is d4.output
    assert d1.input is model.inputs[0]
    x = np.ones((2, 4), "float32")
    first, last = lamina.Model(model.inputs, [d1.output, d4.output]).predict(x, verbose=0)
    np.testing.assert_allclose(last, model.predict(x, verbose=0), rtol=1e-6)
    np.testing.assert_allclose(first, lamina.ops.convert_to_numpy(d1(x)), rtol=1e-6)


def test_rebuilding_after_deferred_adds_keeps_one_node_per_layer():
    model = lamina.Sequential([lamina.layers.Dense(3, name="e1")])
    model.add(lamina.layers.Dense(2, name="e2"), rebuild=False)
    model.build((None, 4))
    model.add(lamina.layers.Dense(6, name="e3"))
    model.compile("sgd", "mse")
    model.fit(np.ones((4, 4), "float32"), np.ones((4, 6), "float32"), epochs=1, verbose=0)
    assert [len(l._inbound_nodes) for l in model.layers] == [1, 1, 1]
    assert [tuple(l.output.shape) for l in model.layers] == [(None, 3), (None, 2), (None, 6)]


def test_layer_shared_by_two_calls_in_a_functional_still_refuses_output():
    shared = lamina.layers.Dense(2, name="shared")
    a, b = lamina.Input((4,)), lamina.Input((4,))
    lamina.Model([a, b], [shared(a), shared(b)])
    with pytest.raises(AttributeError, match=r"'shared' has been called 2 times.*get_output_at"):
        shared.output
    assert shared.get_output_at(1).shape == (None, 2)
    assert shared.get_input_at(0) is a
