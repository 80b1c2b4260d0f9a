"""clear_session, the lamina.config switches (interactive logging, fit limits, unsafe
deserialization) and the Keras utility names lamina exports."""

import json
import logging

import numpy as np
import pytest

import lamina
from lamina.backend.common import config as config_state
from lamina.saving import serialization_lib
from tests.conftest import keras_or_skip


def _model():
    model = lamina.Sequential([lamina.Input((3,)), lamina.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    return model


def test_clear_session_resets_names_compiled_steps_and_step_choices():
    from lamina.trainers import steps_policy

    assert lamina.backend.clear_session is lamina.utils.clear_session
    model = _model()
    model.fit(np.zeros((8, 3)), np.zeros((8, 1)), batch_size=4, epochs=1, verbose=0)
    steps_policy._DECISIONS["marker"] = 1
    step = getattr(lamina.backend, "step")
    shared = getattr(step, "_SHARED", None)
    if shared is not None:
        shared["marker"] = 1
    lamina.backend.clear_session()
    assert "marker" not in steps_policy._DECISIONS
    assert shared is None or "marker" not in shared
    assert lamina.layers.Dense(1).name == "dense"


@pytest.fixture
def limits():
    yield
    lamina.config.set_max_epochs(None)
    lamina.config.set_max_steps_per_epoch(None)


def test_fit_evaluate_predict_honour_the_limits(limits):
    model = _model()
    x, y = np.ones((40, 3), "float32"), np.ones((40, 1), "float32")
    seen = []
    counter = lamina.callbacks.LambdaCallback(on_train_batch_end=lambda batch, logs: seen.append(batch))
    lamina.config.set_max_epochs(2)
    lamina.config.set_max_steps_per_epoch(3)
    assert (lamina.config.max_epochs(), lamina.config.max_steps_per_epoch()) == (2, 3)
    with pytest.warns(UserWarning, match="limiting epochs to 2"):
        history = model.fit(x, y, batch_size=4, epochs=5, verbose=0, callbacks=[counter])
    assert len(history.history["loss"]) == 2 and seen == [0, 1, 2, 0, 1, 2]
    assert model.predict(x, batch_size=4, verbose=0).shape == (12, 1)
    batches = []
    model.evaluate(x, y, batch_size=4, verbose=0,
                   callbacks=[lamina.callbacks.LambdaCallback(on_test_batch_end=lambda b, logs: batches.append(b))])
    assert batches == [0, 1, 2]
    lamina.config.set_max_steps_per_epoch(None)
    assert model.predict(x, batch_size=4, verbose=0).shape == (40, 1)
    with pytest.raises(ValueError, match="set_max_epochs: expected a positive integer or None. Received: 0"):
        lamina.config.set_max_epochs(0)


def test_limits_from_the_environment(monkeypatch):
    monkeypatch.setenv("LAMINA_MAX_EPOCHS", "3")
    assert config_state._limit_from_env("LAMINA_MAX_EPOCHS") == 3
    monkeypatch.setenv("LAMINA_MAX_EPOCHS", "many")
    with pytest.raises(ValueError, match="LAMINA_MAX_EPOCHS must be a positive integer. Received: 'many'"):
        config_state._limit_from_env("LAMINA_MAX_EPOCHS")


@pytest.fixture
def quiet_logging():
    lamina.config.disable_interactive_logging()
    yield
    lamina.config.enable_interactive_logging()


def test_disabled_interactive_logging_sends_progress_and_summary_to_the_logger(quiet_logging, capsys, caplog):
    assert not lamina.config.is_interactive_logging_enabled()
    assert not lamina.utils.is_interactive_logging_enabled()
    model = _model()
    with caplog.at_level(logging.INFO, logger="lamina"):
        model.fit(np.zeros((8, 3)), np.zeros((8, 1)), batch_size=4, epochs=2, verbose=1)
        model.summary()
    assert capsys.readouterr().out == ""
    messages = [r.getMessage() for r in caplog.records if r.name == "lamina"]
    assert "Epoch 1/2" in messages and "Epoch 2/2" in messages
    assert sum(m.startswith("2/2") for m in messages) == 2  # one finished bar line per epoch
    assert any("Total params" in m for m in messages)


def test_progbar_writes_to_stdout_by_default(capsys):
    bar = lamina.utils.Progbar(3, verbose=2, stateful_metrics=["acc"])
    bar.update(1, [("loss", 1.0), ("acc", 0.5)])
    bar.add(2, [("loss", 4.0), ("acc", 0.75)])
    out = capsys.readouterr().out
    assert out.startswith("3/3") and "loss: 3.0000" in out and "acc: 0.7500" in out


def test_unsafe_deserialization_lets_lambdas_load(monkeypatch):
    model = lamina.Sequential([lamina.Input((1,)), lamina.layers.Lambda(lambda x: x + 1)])
    text = model.to_json()
    with pytest.raises(ValueError, match="enable_unsafe_deserialization"):
        lamina.models.model_from_json(text)
    monkeypatch.setitem(serialization_lib._unsafe, "enabled", False)
    lamina.config.enable_unsafe_deserialization()
    loaded = lamina.models.model_from_json(text)
    assert float(loaded.predict(np.array([[1.0]]), verbose=0)[0, 0]) == 2.0
    # an explicit safe_mode=True is overridden too, as in Keras
    config = lamina.saving.serialize_keras_object(model)
    assert lamina.saving.deserialize_keras_object(config, safe_mode=True) is not None


def test_config_container():
    config = lamina.utils.Config(learning_rate=0.1)
    config.momentum = 0.9
    config["seed"] = 1
    assert config.as_dict() == {"learning_rate": 0.1, "momentum": 0.9, "seed": 1}
    assert json.loads(config.to_json()) == config.as_dict() and len(config) == 3 and "seed" in config
    assert list(config) == ["learning_rate", "momentum", "seed"] and config.get("nope", 2) == 2
    with pytest.raises(AttributeError, match="Did you mean 'momentum'"):
        config.momentun
    config.freeze()
    assert config.frozen
    for mutate in (lambda: setattr(config, "a", 1), lambda: config.update(a=1), lambda: config.pop("seed"),
                   lambda: config.__delitem__("seed")):
        with pytest.raises(ValueError, match="frozen"):
            mutate()
    config.unfreeze()
    config.update(a=1)
    assert config.pop("a") == 1


def test_utils_names_are_the_saving_and_data_helpers():
    u = lamina.utils
    assert u.register_keras_serializable is lamina.saving.register_keras_serializable
    assert u.deserialize_keras_object is lamina.saving.deserialize_keras_object
    x, y = np.ones(2), np.zeros(2)
    assert u.unpack_x_y_sample_weight(u.pack_x_y_sample_weight(x, y))[1] is y
    assert u.standardize_dtype("float") == "float32"
    a, b = lamina.Input((2,)), lamina.Input((2,))
    out = lamina.layers.Dense(1)(lamina.layers.Concatenate()([b, lamina.layers.Dense(2)(a)]))
    sources = u.get_source_inputs(out)
    assert len(sources) == 2 and sources[0] is b and sources[1] is a
    assert u.is_keras_tensor(out) and not u.is_keras_tensor(x)
    with pytest.raises(TypeError, match="get_source_inputs: expected a symbolic tensor"):
        u.get_source_inputs(x)


def test_top_level_names():
    keras = keras_or_skip()
    assert lamina.Loss is lamina.losses.Loss and lamina.Metric is lamina.metrics.Metric
    assert lamina.Optimizer is lamina.optimizers.Optimizer
    assert lamina.Initializer is lamina.initializers.Initializer
    assert lamina.Regularizer is lamina.regularizers.Regularizer
    assert lamina.DTypePolicy is lamina.dtype_policies.DTypePolicy
    with lamina.name_scope("outer"):
        with lamina.name_scope("inner"):
            v = lamina.Variable(1.0, name="v")
        with lamina.name_scope("x", override_parent="root"):
            w = lamina.Variable(1.0, name="w")
    with keras.name_scope("outer"):
        with keras.name_scope("inner"):
            kv = keras.Variable(1.0, name="v")
        with keras.name_scope("x", override_parent="root"):
            kw = keras.Variable(1.0, name="w")
    assert (v.path, w.path) == (kv.path, kw.path) == ("outer/inner/v", "root/x/w")
    for name in ("glorot_uniform", "he_normal", "zeros", "orthogonal", "OrthogonalInitializer"):
        ours = getattr(lamina.initializers, name)
        assert ours.__name__ == getattr(keras.initializers, name).__name__
        assert isinstance(ours(), lamina.initializers.Initializer)


def test_legacy_format_matches_keras():
    keras = keras_or_skip()
    legacy = lamina.utils.legacy
    assert lamina.legacy.saving.serialize_keras_object is legacy.serialize_keras_object
    pairs = [(lamina.initializers.Constant(2.0), keras.initializers.Constant(2.0)),
             (lamina.regularizers.L1L2(l1=0.1), keras.regularizers.L1L2(l1=0.1)),
             (lamina.activations.relu, keras.activations.relu), (None, None)]
    for ours, theirs in pairs:
        assert legacy.serialize_keras_object(ours) == keras.utils.legacy.serialize_keras_object(theirs)

    class Holder:  # a nested object is marked and rebuilt
        def __init__(self, init, fn="relu"):
            self.init, self.fn = init, fn

        def get_config(self):
            return {"init": self.init, "fn": self.fn}

    config = legacy.serialize_keras_object(Holder(lamina.initializers.Constant(3.0)))
    assert config["config"]["init"] == {"class_name": "Constant", "config": {"value": 3.0},
                                        "__passive_serialization__": True}
    objects = {"Holder": Holder, "Constant": lamina.initializers.Constant, "relu": lamina.activations.relu}
    rebuilt = legacy.deserialize_keras_object(config, module_objects=objects)
    assert isinstance(rebuilt.init, lamina.initializers.Constant) and rebuilt.init.value == 3.0
    assert rebuilt.fn is lamina.activations.relu
    assert isinstance(legacy.deserialize_keras_object("Constant", module_objects=objects), lamina.initializers.Constant)
    with pytest.raises(ValueError, match="unknown initializer 'Nope'"):
        legacy.deserialize_keras_object("Nope", module_objects=objects, printable_module_name="initializer")
