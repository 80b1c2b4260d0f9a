"""Callbacks end to end through ``Model.fit``: changes they make reach the compiled training step."""

import os

import numpy as np
import pytest

import lamina
from lamina import callbacks, layers
from tests.conftest import keras_or_skip


def _model(learning_rate=0.05):
    model = lamina.Sequential([layers.Input((3,)), layers.Dense(1)])
    model.compile(optimizer=lamina.optimizers.SGD(learning_rate=learning_rate), loss="mse")
    return model


def _data():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(64, 3)).astype("float32")
    return x, x @ np.array([[1.0], [-2.0], [0.5]], "float32")


class Snapshots(callbacks.Callback):
    def on_train_begin(self, logs=None):
        self.epochs, self.weights = [], []

    def on_epoch_end(self, epoch, logs=None):
        self.epochs.append(epoch)
        self.weights.append(self.model.get_weights())


def test_learning_rate_set_by_a_callback_takes_effect_in_the_step():
    x, y = _data()
    model = _model()
    snaps = Snapshots()
    sched = callbacks.LearningRateScheduler(lambda epoch, lr: 0.0 if epoch == 1 else 0.05)
    history = model.fit(x, y, batch_size=16, epochs=3, verbose=0, callbacks=[sched, snaps])
    assert history.history["learning_rate"] == pytest.approx([0.05, 0.0, 0.05])
    for a, b in zip(snaps.weights[0], snaps.weights[1]):  # epoch 1 trained at rate 0: nothing moved
        np.testing.assert_array_equal(a, b)
    assert not np.allclose(snaps.weights[1][0], snaps.weights[2][0])


def test_early_stopping_checkpoint_and_csv_through_fit(tmp_path):
    x, y = _data()
    model = _model(learning_rate=0.5)  # oscillates, so the monitored loss gets worse
    stop = callbacks.EarlyStopping(monitor="loss", patience=1, restore_best_weights=True)
    ckpt = callbacks.ModelCheckpoint(str(tmp_path / "best.weights.h5"), monitor="loss", save_best_only=True,
                                     save_weights_only=True)
    log = str(tmp_path / "log.csv")
    snaps = Snapshots()
    history = model.fit(x, y, batch_size=8, epochs=20, verbose=0,
                        callbacks=[snaps, stop, ckpt, callbacks.CSVLogger(log), callbacks.TerminateOnNaN()])
    losses = history.history["loss"]
    assert stop.stopped_epoch == len(losses) - 1 and len(losses) < 20
    best = int(np.argmin(losses))
    for restored, saved in zip(model.get_weights(), snaps.weights[best]):
        np.testing.assert_allclose(restored, saved)
    fresh = _model()
    fresh.load_weights(str(tmp_path / "best.weights.h5"))
    for loaded, saved in zip(fresh.get_weights(), snaps.weights[best]):
        np.testing.assert_allclose(loaded, saved)
    lines = open(log).read().splitlines()
    assert lines[0] == "epoch,loss" and len(lines) == len(losses) + 1


def test_backup_and_restore_resumes_an_interrupted_fit(tmp_path):
    x, y = _data()
    backup_dir = str(tmp_path / "backup")

    class Interrupt(callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            if epoch == 1:
                raise RuntimeError("interrupted")

    model = _model()
    with pytest.raises(RuntimeError, match="interrupted"):
        model.fit(x, y, batch_size=16, epochs=4, verbose=0,
                  callbacks=[callbacks.BackupAndRestore(backup_dir), Interrupt()])
    assert os.path.exists(os.path.join(backup_dir, "latest.weights.h5"))
    saved = model.get_weights()
    model2 = _model()
    model2.build((None, 3))
    snaps = Snapshots()
    loader = callbacks.LambdaCallback(on_train_begin=lambda logs: snaps.__dict__.update(start=model2.get_weights()))
    model2.fit(x, y, batch_size=16, epochs=4, verbose=0,
               callbacks=[callbacks.BackupAndRestore(backup_dir), loader, snaps])
    assert snaps.epochs == [2, 3]  # the backup was written at the end of epoch 1
    for a, b in zip(snaps.start, saved):
        np.testing.assert_allclose(a, b)
    assert not os.path.exists(backup_dir)


class _Ends(callbacks.Callback):
    def on_train_begin(self, logs=None):
        self.ended, self.batches = False, 0

    def on_train_batch_end(self, batch, logs=None):
        self.batches += 1

    def on_train_end(self, logs=None):
        self.ended = True


def _nan_from_batch(start):
    x, y = _data()
    y = y.copy()
    y[start * 8:] = np.nan  # batch `start` onwards has a NaN loss
    return x, y


@pytest.mark.parametrize("lib_name", ["lamina", "keras"])
def test_terminate_on_nan_stops_or_raises(lib_name):
    lib = keras_or_skip() if lib_name == "keras" else lamina
    x, y = _nan_from_batch(3)

    def fit(raise_error, ends):
        model = lib.Sequential([lib.layers.Input((3,)), lib.layers.Dense(1)])  # fresh: the NaN batch spoils weights
        model.compile(optimizer=lib.optimizers.SGD(learning_rate=0.05), loss="mse")
        recorder = ends if lib is lamina else _keras_ends(lib, ends)
        model.fit(x, y, batch_size=8, epochs=3, verbose=0, shuffle=False,
                  callbacks=[lib.callbacks.TerminateOnNaN(raise_error=raise_error), recorder])

    ends = _Ends()
    fit(False, ends)
    assert ends.ended and ends.batches == 4  # stopped at the first NaN batch, cleanup ran
    ends = _Ends()
    with pytest.raises(RuntimeError, match="NaN or Inf loss encountered at batch 3"):
        fit(True, ends)
    assert ends.batches == 3 and not ends.ended  # raised at once: on_train_end did not run


def _keras_ends(keras, ends):
    """The same recorder as a Keras callback, writing into ``ends``."""
    class Ends(keras.callbacks.Callback):
        def on_train_begin(self, logs=None):
            ends.on_train_begin(logs)

        def on_train_batch_end(self, batch, logs=None):
            ends.on_train_batch_end(batch, logs)

        def on_train_end(self, logs=None):
            ends.on_train_end(logs)

    return Ends()


def test_terminate_on_nan_checks_raise_error():
    assert callbacks.TerminateOnNaN(raise_error=True).raise_error is True
    with pytest.raises(TypeError, match="raise_error"):
        callbacks.TerminateOnNaN(raise_error="yes")
