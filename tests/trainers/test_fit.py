"""fit / evaluate / predict on arrays: results, History, steps_per_execution, determinism."""

import numpy as np
import pytest

import lamina
from lamina import layers


def _data(n=96, d=8, classes=3, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, d)).astype("float32")
    w = rng.normal(size=(d, classes))
    y = np.argmax(x @ w, axis=1)
    return x, y


def _model(d=8, classes=3):
    inputs = lamina.Input(shape=(d,))
    h = layers.Dense(16, activation="relu")(inputs)
    out = layers.Dense(classes)(h)
    model = lamina.Model(inputs, out)
    model.compile(optimizer=lamina.optimizers.RMSprop(0.01),
                  loss=lamina.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=["accuracy"])
    return model


def test_fit_returns_history_and_loss_falls():
    x, y = _data()
    model = _model()
    history = model.fit(x, y, batch_size=16, epochs=4, verbose=0, validation_split=0.25)
    assert history is model.history
    assert sorted(history.history) == ["accuracy", "loss", "val_accuracy", "val_loss"]
    assert history.epoch == [0, 1, 2, 3]
    losses = history.history["loss"]
    assert losses[-1] < losses[0]
    assert all(isinstance(v, float) for v in losses)


def test_evaluate_list_dict_and_predict_shapes():
    x, y = _data()
    model = _model()
    model.fit(x, y, batch_size=32, epochs=2, verbose=0)
    loss, acc = model.evaluate(x, y, batch_size=32, verbose=0)
    logs = model.evaluate(x, y, verbose=0, return_dict=True)
    assert set(logs) == {"loss", "accuracy"}
    np.testing.assert_allclose(logs["loss"], loss, rtol=1e-5)
    assert 0.0 <= acc <= 1.0
    assert model.metrics_names == ["loss", "accuracy"]
    preds = model.predict(x, batch_size=10, verbose=0)
    assert preds.shape == (96, 3)
    np.testing.assert_allclose(model.predict(x[:3], verbose=0), preds[:3], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(model.predict_on_batch(x[:5]), preds[:5], rtol=1e-5, atol=1e-6)


def test_evaluate_matches_manual_loss():
    x, y = _data(n=50)
    model = _model()
    model.fit(x, y, batch_size=16, epochs=1, verbose=0)
    logits = model.predict(x, verbose=0)
    shifted = logits - logits.max(axis=1, keepdims=True)
    logp = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    expected = -logp[np.arange(50), y].mean()
    loss, acc = model.evaluate(x, y, batch_size=16, verbose=0)
    np.testing.assert_allclose(loss, expected, rtol=1e-4)
    np.testing.assert_allclose(acc, np.mean(np.argmax(logits, 1) == y), rtol=1e-6)


def _train_weights(spe, epochs=2, n=100, batch_size=8):
    lamina.utils.set_random_seed(3)
    x, y = _data(n=n)
    model = _model()
    model.compile(optimizer=lamina.optimizers.RMSprop(0.01),
                  loss=lamina.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=["accuracy"], steps_per_execution=spe)
    history = model.fit(x, y, batch_size=batch_size, epochs=epochs, verbose=0, shuffle=False)
    return model.get_weights(), history.history


@pytest.mark.parametrize("spe", [3, "auto"])
def test_steps_per_execution_gives_same_result(spe):
    w1, h1 = _train_weights(1)
    wk, hk = _train_weights(spe)
    for a, b in zip(w1, wk):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(h1["loss"], hk["loss"], rtol=1e-4)
    np.testing.assert_allclose(h1["accuracy"], hk["accuracy"], rtol=1e-6)


def test_same_seed_gives_same_history():
    _, h1 = _train_weights("auto", epochs=2)
    _, h2 = _train_weights("auto", epochs=2)
    assert h1 == h2


def test_train_test_on_batch():
    x, y = _data(n=16)
    model = _model()
    before = model.test_on_batch(x, y)
    logs = model.train_on_batch(x, y, return_dict=True)
    assert set(logs) == {"loss", "accuracy"}
    for _ in range(5):
        model.train_on_batch(x, y)
    after = model.test_on_batch(x, y)
    assert after[0] < before[0]


def test_weights_visible_after_fit_and_between_fits():
    x, y = _data()
    model = _model()
    w0 = [w.copy() for w in model.get_weights()]
    model.fit(x, y, epochs=1, verbose=0)
    w1 = model.get_weights()
    assert any(not np.allclose(a, b) for a, b in zip(w0, w1))
    model.set_weights(w0)
    np.testing.assert_allclose(model.get_weights()[0], w0[0])
    # Training resumes from the weights that were set, not from a stale copy.
    preds = model.predict(x[:4], verbose=0)
    model2 = _model()
    model2.set_weights(w0)
    np.testing.assert_allclose(preds, model2.predict(x[:4], verbose=0), rtol=1e-5, atol=1e-6)


def test_initial_epoch_and_steps_per_epoch():
    x, y = _data()
    model = _model()
    history = model.fit(x, y, batch_size=8, epochs=3, initial_epoch=1, steps_per_epoch=2, verbose=0)
    assert history.epoch == [1, 2]


def test_validation_data_tuple_and_freq():
    x, y = _data()
    val_weight = np.linspace(0.5, 2.0, 20).astype("float32")
    val_x, val_y = x[:20], y[:20]
    model = _model()
    initial_weights = model.get_weights()
    history = model.fit(x, y, epochs=4, verbose=0, shuffle=False, validation_data=(val_x, val_y, val_weight),
                        validation_freq=2)
    assert len(history.history["val_loss"]) == 2
    assert len(history.history["loss"]) == 4
    # Validation runs after epochs 2 and 4, on the weighted validation tuple.
    after_four = model.evaluate(val_x, val_y, sample_weight=val_weight, verbose=0, return_dict=True)
    unweighted = model.evaluate(val_x, val_y, verbose=0, return_dict=True)
    assert not np.isclose(after_four["loss"], unweighted["loss"], rtol=1e-3)
    twin = _model()
    twin.set_weights(initial_weights)
    twin.fit(x, y, epochs=2, verbose=0, shuffle=False)
    after_two = twin.evaluate(val_x, val_y, sample_weight=val_weight, verbose=0, return_dict=True)
    np.testing.assert_allclose(history.history["val_loss"], [after_two["loss"], after_four["loss"]], rtol=1e-5)


def test_verbose_modes_print(capsys):
    x, y = _data(n=32)
    model = _model()
    model.fit(x, y, batch_size=8, epochs=2, verbose=2)
    out = capsys.readouterr().out
    assert "Epoch 1/2" in out and "Epoch 2/2" in out
    assert "4/4" in out and "loss:" in out and "/step" in out
    model.fit(x, y, batch_size=8, epochs=1, verbose=0)
    assert capsys.readouterr().out == ""
    model.evaluate(x, y, verbose=1)
    assert "accuracy:" in capsys.readouterr().out


def test_regularization_and_add_loss_are_in_the_loss():
    x, y = _data(n=32)
    inputs = lamina.Input(shape=(8,))
    out = layers.Dense(3, kernel_regularizer=lamina.regularizers.L2(10.0))(inputs)
    model = lamina.Model(inputs, out)
    model.compile(optimizer="sgd", loss=lamina.losses.SparseCategoricalCrossentropy(from_logits=True))
    reg = 10.0 * np.sum(model.get_weights()[0] ** 2)
    logits = model.predict(x, verbose=0)
    shifted = logits - logits.max(axis=1, keepdims=True)
    ce = -(shifted - np.log(np.exp(shifted).sum(1, keepdims=True)))[np.arange(32), y].mean()
    np.testing.assert_allclose(model.evaluate(x, y, batch_size=32, verbose=0), ce + reg, rtol=1e-4)


def test_a_subclass_step_gets_the_logs_of_super_train_step():
    # An overridden step may read what the default step returns, on every backend.
    class Extra(lamina.Sequential):
        def train_step(self, data):
            logs = super().train_step(data)
            logs = dict(logs)
            logs["twice_loss"] = logs["loss"] * 2
            return logs

    model = Extra([layers.Input((3,)), layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    x = np.ones((20, 3), "float32")
    history = model.fit(x, np.zeros((20, 1), "float32"), batch_size=5, epochs=2, verbose=0)
    np.testing.assert_allclose(history.history["twice_loss"], 2 * np.asarray(history.history["loss"]), rtol=1e-5)
