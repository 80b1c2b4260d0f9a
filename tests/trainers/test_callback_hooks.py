"""Callback hooks from the loop: order, logs, fresh weights, stop_training, batch hooks."""

import numpy as np

import lamina
from lamina import layers


def _setup(n=40):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(n, 4)).astype("float32")
    y = x.sum(axis=1, keepdims=True)
    model = lamina.Sequential([lamina.Input((4,)), layers.Dense(1)])
    model.compile(optimizer=lamina.optimizers.SGD(0.05), loss="mse")
    return model, x, y


class Recorder(lamina.callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.calls = []


def _recording_hook(name):
    def hook(self, *args, logs=None):
        self.calls.append((name,) + args)
    return hook


for _name in ['on_train_begin', 'on_train_end', 'on_epoch_begin', 'on_epoch_end', 'on_test_begin', 'on_test_end', 'on_predict_begin', 'on_predict_end', 'on_train_batch_begin', 'on_train_batch_end', 'on_test_batch_begin', 'on_test_batch_end', 'on_predict_batch_begin', 'on_predict_batch_end']:
    setattr(Recorder, _name, _recording_hook(_name))


def test_hook_order_in_fit_with_validation():
    model, x, y = _setup()
    rec = Recorder()
    model.fit(x, y, batch_size=20, epochs=1, validation_data=(x, y), callbacks=[rec], verbose=0)
    names = [c[0] for c in rec.calls]
    assert names == ["on_train_begin", "on_epoch_begin",
                     "on_train_batch_begin", "on_train_batch_end",
                     "on_train_batch_begin", "on_train_batch_end",
                     "on_test_begin", "on_test_batch_begin", "on_test_batch_end",
                     "on_test_batch_begin", "on_test_batch_end", "on_test_end",
                     "on_epoch_end", "on_train_end"]
    assert [c[1] for c in rec.calls if c[0] == "on_train_batch_end"] == [0, 1]


def test_evaluate_and_predict_hooks():
    model, x, y = _setup()
    rec = Recorder()
    model.evaluate(x, y, batch_size=40, callbacks=[rec], verbose=0)
    model.predict(x, batch_size=40, callbacks=[rec], verbose=0)
    assert [c[0] for c in rec.calls] == [
        "on_test_begin", "on_test_batch_begin", "on_test_batch_end", "on_test_end",
        "on_predict_begin", "on_predict_batch_begin", "on_predict_batch_end", "on_predict_end"]


class WeightWatcher(lamina.callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.kernels = []
        self.logs = []

    def on_train_batch_end(self, batch, logs=None):
        self.kernels.append(self.model.get_weights()[0].copy())
        self.logs.append(dict(logs))


def test_batch_callbacks_see_current_weights_and_float_logs():
    model, x, y = _setup()
    watcher = WeightWatcher()
    model.fit(x, y, batch_size=10, epochs=1, callbacks=[watcher], verbose=0, shuffle=False)
    assert len(watcher.kernels) == 4
    assert all(not np.allclose(a, b) for a, b in zip(watcher.kernels, watcher.kernels[1:]))
    np.testing.assert_allclose(watcher.kernels[-1], model.get_weights()[0])
    assert all(isinstance(v, float) for logs in watcher.logs for v in logs.values())


class ResetAtEpochEnd(lamina.callbacks.Callback):
    def __init__(self, weights):
        super().__init__()
        self.weights = weights

    def on_epoch_end(self, epoch, logs=None):
        self.model.set_weights(self.weights)


def test_weights_set_in_a_callback_are_used():
    model, x, y = _setup()
    initial = [w.copy() for w in model.get_weights()]
    model.fit(x, y, batch_size=10, epochs=2, callbacks=[ResetAtEpochEnd(initial)], verbose=0)
    for a, b in zip(model.get_weights(), initial):
        np.testing.assert_allclose(a, b)
    # The second epoch started from the reset weights: its loss equals the first epoch's.
    model2, _, _ = _setup()
    model2.set_weights(initial)
    h = model2.fit(x, y, batch_size=10, epochs=2, callbacks=[ResetAtEpochEnd(initial)], verbose=0,
                   shuffle=False)
    np.testing.assert_allclose(h.history["loss"][0], h.history["loss"][1], rtol=1e-5)


class StopAfter(lamina.callbacks.Callback):
    def on_epoch_end(self, epoch, logs=None):
        if epoch == 1:
            self.model.stop_training = True


def test_stop_training_from_a_callback():
    model, x, y = _setup()
    history = model.fit(x, y, epochs=10, callbacks=[StopAfter()], verbose=0)
    assert history.epoch == [0, 1]


def test_early_stopping_restores_best_weights():
    model, x, y = _setup()
    es = lamina.callbacks.EarlyStopping(monitor="loss", patience=1, restore_best_weights=True)
    model.compile(optimizer=lamina.optimizers.SGD(1.5), loss="mse")  # diverges: loss grows
    history = model.fit(x, y, batch_size=40, epochs=20, callbacks=[es], verbose=0, shuffle=False)
    assert len(history.epoch) < 20
    # Diverging, the best epoch is the first: the restored weights are those it ended with,
    # whose loss is the one the second epoch started from.
    assert np.argmin(history.history["loss"]) == 0
    np.testing.assert_allclose(model.evaluate(x, y, verbose=0), history.history["loss"][1], rtol=1e-5)
