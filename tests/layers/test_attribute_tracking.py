"""Tracking is decided when an attribute is assigned, once, for every reader (issue 12, item 3).

Assigning a layer, variable, seed generator, metric or optimizer (or a list, tuple or dict
holding them, however deep) puts the attribute in the object's state registry; lamina's
bookkeeping (set with ``_set_untracked``) never enters it. Weights, sub-layers, saving paths,
the trainer's metrics and optimizers and the stateless API all read that registry.
"""

import numpy as np
import pytest

import lamina
from lamina import layers, ops
from lamina.layers import _tracking
from lamina.saving import object_walk


def _deep(value, depth):
    for i in range(depth):
        value = [value] if i % 2 else {"k": value}
    return value


class Nested(layers.Layer):
    """Sub-layers six containers deep, and a private attribute."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.deep = _deep(layers.Dense(2, name="deep_dense"), 6)
        self._private = layers.Dense(3, name="private_dense")

    def build(self, input_shape):
        self.deep_layer.build(input_shape)
        self._private.build(input_shape)

    @property
    def deep_layer(self):
        return _tracking.leaves(self.deep)[0]

    def call(self, x):
        return ops.concatenate([self.deep_layer(x), self._private(x)], axis=-1)


def test_nesting_has_no_depth_limit():
    layer = Nested()
    layer.build((None, 4))
    assert [l.name for l in layer._layers] == ["deep_dense", "private_dense"]
    assert len(layer.weights) == 4


def test_nested_and_private_sublayers_survive_a_save_and_load(tmp_path):
    inputs = lamina.Input((4,))
    model = lamina.Model(inputs, Nested(name="nested")(inputs))
    path = str(tmp_path / "m.keras")
    model.save(path)
    loaded = lamina.saving.load_model(path, custom_objects={"Nested": Nested})
    x = np.random.default_rng(0).normal(size=(3, 4)).astype("float32")
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0), rtol=1e-6)
    paths = [p for p, _ in object_walk.walk(model)]
    assert "layers/nested/_private" in paths and "layers/nested/deep/dense" in paths


class Growing(layers.Layer):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.blocks = []
        self.by_name = {}

    def add_block(self, name):
        layer = layers.Dense(1, name=name)
        self.blocks.append(layer)
        self.by_name[name] = layer


def test_containers_filled_after_assignment_are_tracked():
    layer = Growing()
    layer.add_block("a")
    layer.add_block("b")
    assert [l.name for l in layer._layers] == ["a", "b"]


def test_reassigning_or_deleting_an_attribute_untracks_it():
    layer = Growing()
    layer.add_block("a")
    layer.extra = layers.Dense(1, name="extra")
    assert [l.name for l in layer._layers] == ["a", "extra"]
    layer.extra = None
    assert [l.name for l in layer._layers] == ["a"]
    layer.extra = layers.Dense(1, name="extra2")
    del layer.extra
    layer.blocks = "not state"
    layer.by_name = {}
    assert layer._layers == []


def test_bookkeeping_set_untracked_stays_untracked_when_reassigned():
    layer = layers.Layer()
    layer._set_untracked(_cache_of_layers=[layers.Dense(1)])
    layer._cache_of_layers = [layers.Dense(2)]
    layer._cache_of_layers.append(layers.Dense(3))
    assert layer._layers == []
    assert "_cache_of_layers" in _tracking.untracked_names(layer)
    assert "_cache_of_layers" not in dict(_tracking.state_attributes(layer))


def test_registry_keeps_first_assignment_order():
    layer = layers.Layer()
    layer.b = layers.Dense(1, name="b")
    layer.a = layers.Dense(1, name="a")
    layer.b = layers.Dense(1, name="b2")  # keeps its place, as Keras's tracker does
    assert [name for name, _ in _tracking.state_attributes(layer)] == ["b", "a"]
    assert [l.name for l in layer._layers] == ["b2", "a"]


def test_seed_generators_are_found_by_kind_in_any_container():
    layer = layers.Layer()
    layer.seeds = {"noise": [lamina.random.SeedGenerator(1)]}
    assert len(layer._seed_generators) == 1
    assert layer.non_trainable_variables == [layer.seeds["noise"][0].state]


class Trackers(lamina.metrics.Metric):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.parts = {"sum": lamina.metrics.Sum(), "mean": lamina.metrics.Mean()}
        self.count = self.add_variable((), "zeros", name="count")

    def update_state(self, values):
        for metric in self.parts.values():
            metric.update_state(values)
        self.count.assign_add(1.0)

    def result(self):
        return self.parts["sum"].result() + self.parts["mean"].result()


def test_metric_tracks_sub_metrics_in_containers_and_resets_them():
    metric = Trackers()
    assert [v.name for v in metric.variables] == ["count", "total", "total", "count"]
    metric.update_state(np.array([1.0, 3.0]))
    assert float(metric.result()) == 6.0
    metric.reset_state()
    assert all(float(ops.convert_to_numpy(v.value)) == 0.0 for v in metric.variables)


class TwoOptimizers(lamina.Model):
    def __init__(self):
        super().__init__()
        self.dense = layers.Dense(1)
        self.optimizers_by_role = {"generator": lamina.optimizers.SGD(), "discriminator": lamina.optimizers.Adam()}
        self.loss_tracker = lamina.metrics.Mean(name="loss")

    def call(self, x):
        return self.dense(x)


def test_trainer_finds_metrics_and_optimizers_held_in_containers():
    from lamina.trainers import state

    model = TwoOptimizers()
    model(np.ones((1, 2), "float32"))
    found = state.find_optimizers(model)
    assert [type(o).__name__ for o in found] == ["SGD", "Adam"]
    assert state.find_attribute_metrics(model) == [model.loss_tracker]


def test_compiled_loss_trackers_are_bookkeeping_not_attribute_metrics():
    model = lamina.Sequential([lamina.Input((2,)), layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse", metrics=["mae"])
    assert "_loss_tracker" in _tracking.untracked_names(model)
    from lamina.trainers import state

    assert state.find_attribute_metrics(model) == []
    assert model.metrics[0] is model._loss_tracker  # listed once, by the trainer


@pytest.mark.parametrize("kind, make", [
    ("layer", lambda: layers.Dense(1)),
    ("variable", lambda: lamina.Variable(np.zeros(2))),
    ("seed", lambda: lamina.random.SeedGenerator(0)),
    ("metric", lambda: lamina.metrics.Mean()),
    ("optimizer", lambda: lamina.optimizers.SGD()),
])
def test_each_kind_is_declared_by_its_class(kind, make):
    assert _tracking.kind_of(make()) == kind
    assert _tracking.kind_of(object()) is None and _tracking.kind_of(np.zeros(2)) is None
