"""Each callback driven through its hooks with a small fake model."""

import csv
import json
import os

import numpy as np
import pytest

import lamina
from lamina import callbacks
from tests.callbacks._fake import FakeModel, run_epochs


class Recorder(callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.calls = []

    def __getattribute__(self, name):
        attr = super().__getattribute__(name)
        if name.startswith("on_") and callable(attr):
            calls = super().__getattribute__("calls")

            def wrapper(*args, **kwargs):
                calls.append(name)
                return attr(*args, **kwargs)
            return wrapper
        return attr


def test_base_hooks_and_callback_list():
    class BatchPrinter(callbacks.Callback):
        def __init__(self):
            super().__init__()
            self.batches = []

        def on_batch_end(self, batch, logs=None):
            self.batches.append((batch, logs["loss"]))

    printer, recorder = BatchPrinter(), Recorder()
    model = FakeModel()
    cbs = callbacks.CallbackList([printer, recorder], add_history=True, add_progbar=True, model=model,
                                 epochs=1, steps=2, verbose=0)
    assert [type(cb).__name__ for cb in cbs.callbacks] == ["ProgbarLogger", "BatchPrinter", "Recorder", "History"]
    assert printer.model is model and printer.params == {"epochs": 1, "steps": 2, "verbose": 0}
    cbs.on_train_batch_end(3, {"loss": 0.5})
    assert printer.batches == [(3, 0.5)]
    assert recorder.calls == ["on_train_batch_end", "on_batch_end"]
    for hook in ("on_test_begin", "on_predict_end", "on_epoch_begin"):
        args = (0,) if "epoch" in hook else ()
        getattr(cbs, hook)(*args)
    assert recorder.calls[-3:] == ["on_test_begin", "on_predict_end", "on_epoch_begin"]
    assert cbs.has_batch_hooks() and cbs.needs_every_batch()
    quiet = callbacks.CallbackList([callbacks.EarlyStopping(), callbacks.CSVLogger(os.devnull)])
    assert not quiet.has_batch_hooks() and not quiet.needs_every_batch()
    assert not callbacks.CallbackList([callbacks.TerminateOnNaN()]).needs_every_batch()
    with pytest.raises(TypeError, match="must be a lamina.callbacks.Callback"):
        callbacks.CallbackList([lambda: None])


def test_early_stopping_patience_restore_and_baseline():
    model = FakeModel()
    stop = callbacks.EarlyStopping(monitor="loss", patience=2, restore_best_weights=True)
    losses = [1.0, 0.5, 0.7, 0.6, 0.4, 0.3]
    last = run_epochs(stop, model, [{"loss": v} for v in losses])
    assert last == 3 and stop.stopped_epoch == 3 and stop.best == 0.5 and stop.best_epoch == 1
    np.testing.assert_allclose(model.kernel.numpy(), [1.0, 1.0])  # weights at the end of epoch 1

    model = FakeModel()
    # Improvements below the baseline do not reset the count: it stops one epoch earlier than without.
    values = [{"val_accuracy": v} for v in (0.5, 0.6, 0.55, 0.58, 0.57)]
    assert run_epochs(callbacks.EarlyStopping(monitor="val_accuracy", patience=2, baseline=0.9), model, values) == 2
    assert run_epochs(callbacks.EarlyStopping(monitor="val_accuracy", patience=2), FakeModel(), values) == 3

    model = FakeModel()
    stop = callbacks.EarlyStopping(monitor="loss", patience=0, min_delta=0.1, start_from_epoch=2)
    assert run_epochs(stop, model, [{"loss": v} for v in (5.0, 6.0, 1.0, 0.95, 0.5)]) == 3

    with pytest.raises(ValueError, match="mode='max'"):
        run_epochs(callbacks.EarlyStopping(monitor="weird"), FakeModel(), [{"weird": 1.0}])
    with pytest.warns(UserWarning, match="not available"):
        run_epochs(callbacks.EarlyStopping(monitor="val_loss"), FakeModel(), [{"loss": 1.0}])


def test_reduce_lr_on_plateau():
    model = FakeModel(learning_rate=1.0)
    reduce = callbacks.ReduceLROnPlateau(monitor="loss", factor=0.5, patience=2, cooldown=1, min_lr=0.2)
    logs = [{"loss": 1.0}] * 6
    run_epochs(reduce, model, logs)
    # reductions at epochs 2 and 4 (the cooldown resets the count at 3); later the floor 0.2 holds
    assert float(model.optimizer.learning_rate) == pytest.approx(0.25)
    run_epochs(reduce, model, logs + logs)
    assert float(model.optimizer.learning_rate) == pytest.approx(0.2)
    with pytest.raises(ValueError, match="factor >= 1.0"):
        callbacks.ReduceLROnPlateau(factor=1.5)


def test_learning_rate_scheduler():
    model = FakeModel(learning_rate=0.1)
    seen = []
    sched = callbacks.LearningRateScheduler(lambda epoch, lr: seen.append(lr) or lr * 0.5)
    run_epochs(sched, model, [{"loss": 1.0}] * 3)
    assert seen == pytest.approx([0.1, 0.05, 0.025])
    assert float(model.optimizer.learning_rate) == pytest.approx(0.0125)
    run_epochs(callbacks.LearningRateScheduler(lambda epoch: 0.01 * (epoch + 1)), model, [{}] * 2)
    assert float(model.optimizer.learning_rate) == pytest.approx(0.02)
    with pytest.raises(ValueError, match="must return a float"):
        run_epochs(callbacks.LearningRateScheduler(lambda epoch, lr: "fast"), model, [{}])


def test_model_checkpoint_formatting_best_only_and_batches(tmp_path):
    model = FakeModel()
    path = str(tmp_path / "ckpt-{epoch:02d}-{val_loss:.2f}.weights.h5")
    run_epochs(callbacks.ModelCheckpoint(path, save_weights_only=True), model,
               [{"val_loss": 0.5}, {"val_loss": 0.25}])
    assert sorted(os.listdir(tmp_path)) == ["ckpt-01-0.50.weights.h5", "ckpt-02-0.25.weights.h5"]

    model = FakeModel()
    best = callbacks.ModelCheckpoint(str(tmp_path / "best.keras"), monitor="val_acc", save_best_only=True,
                                     mode="max")
    run_epochs(best, model, [{"val_acc": v} for v in (0.5, 0.4, 0.7, 0.6)])
    assert [kind for kind, _ in model.saved] == ["model", "model"] and best.best == 0.7

    model = FakeModel()
    every = callbacks.ModelCheckpoint(str(tmp_path / "b{epoch}-{batch}.weights.h5"), save_weights_only=True,
                                      save_freq=3)
    assert every._fusion_safe is False
    run_epochs(every, model, [{"loss": 1.0}] * 2, batches=4)
    assert [os.path.basename(p) for _, p in model.saved] == ["b1-3.weights.h5", "b2-2.weights.h5"]
    with pytest.raises(ValueError, match="save_freq"):
        callbacks.ModelCheckpoint("x.keras", save_freq="sometimes")
    with pytest.raises(KeyError, match="val_loss"):
        run_epochs(callbacks.ModelCheckpoint(str(tmp_path / "{val_loss}.keras")), FakeModel(), [{"loss": 1.0}])


def test_csv_logger_separator_and_append(tmp_path):
    path = str(tmp_path / "log.csv")
    run_epochs(callbacks.CSVLogger(path, separator=";"), FakeModel(), [{"loss": 0.5, "acc": 0.25}] * 2)
    rows = list(csv.reader(open(path), delimiter=";"))
    assert rows == [["epoch", "acc", "loss"], ["0", "0.25", "0.5"], ["1", "0.25", "0.5"]]
    run_epochs(callbacks.CSVLogger(path, separator=";", append=True), FakeModel(), [{"loss": 0.1, "acc": 1.0}])
    rows = list(csv.reader(open(path), delimiter=";"))
    assert len(rows) == 4 and rows[0][0] == "epoch" and rows[-1] == ["0", "1.0", "0.1"]


def test_lambda_callback_and_terminate_on_nan():
    events = []
    cb = callbacks.LambdaCallback(on_epoch_end=lambda epoch, logs: events.append(("epoch", epoch, logs["loss"])),
                                  on_train_begin=lambda logs: events.append(("begin",)),
                                  on_batch_end=lambda batch, logs: events.append(("batch", batch)))
    assert cb._fusion_safe is False
    run_epochs(cb, FakeModel(), [{"loss": 2.0}], batches=2)
    assert events == [("begin",), ("batch", 0), ("batch", 1), ("epoch", 0, 2.0)]
    assert callbacks.LambdaCallback(on_epoch_end=print)._fusion_safe is True
    with pytest.raises(ValueError, match="unknown hook"):
        callbacks.LambdaCallback(on_epoch_finish=print)

    model = FakeModel()
    nan_cb = callbacks.TerminateOnNaN()
    nan_cb.set_model(model)
    nan_cb.on_train_batch_end(0, {"loss": 1.0})
    assert not model.stop_training
    nan_cb.on_train_batch_end(1, {"loss": lamina.ops.convert_to_tensor(float("nan"))})
    assert model.stop_training


def test_backup_and_restore(tmp_path):
    backup_dir = str(tmp_path / "backup")
    model = FakeModel()
    backup = callbacks.BackupAndRestore(backup_dir, delete_checkpoint=True)
    backup.set_model(model)
    backup.on_train_begin()
    for epoch in range(2):
        model.kernel.assign(np.full((2,), epoch + 10.0, "float32"))
        backup.on_epoch_end(epoch)
    # the run is interrupted here: no on_train_end, the backup stays
    assert json.load(open(os.path.join(backup_dir, "training_metadata.json")))["epoch"] == 2
    fresh = FakeModel()
    restarted = callbacks.BackupAndRestore(backup_dir)
    restarted.set_model(fresh)
    restarted.on_train_begin()
    assert fresh._initial_epoch == 2
    np.testing.assert_allclose(fresh.kernel.numpy(), [11.0, 11.0])
    restarted.on_train_end()
    assert not os.path.exists(backup_dir) and fresh._initial_epoch is None
    with pytest.raises(ValueError, match="backup_dir"):
        callbacks.BackupAndRestore("")


def test_swap_ema_weights():
    model = FakeModel()
    model.optimizer = lamina.optimizers.SGD(learning_rate=1.0, use_ema=True, ema_momentum=0.5)
    for _ in range(2):
        model.optimizer.apply([-lamina.ops.ones((2,))], [model.kernel])  # kernel 1, then 2; average 1.5
    swap = callbacks.SwapEMAWeights()
    swap.set_model(model)
    swap.on_test_begin()
    np.testing.assert_allclose(model.kernel.numpy(), [1.5, 1.5])
    swap.on_test_end()
    np.testing.assert_allclose(model.kernel.numpy(), [2.0, 2.0])
    plain = FakeModel()
    swap.set_model(plain)
    with pytest.raises(ValueError, match="use_ema=True"):
        swap.on_test_begin()
