"""Seed S19 (lines 1617-1802): custom callbacks through fit/evaluate.

The note's three programs: a callback printing the loss from batch and epoch hooks, an
early-stopping callback that restores the weights of the minimum-loss epoch, and a
learning-rate scheduler that reads and writes the rate through ``model.optimizer``.
``get_model`` is the one of the Keras callbacks guide the note follows (a linear model on
784 features, RMSprop(0.1), MSE, mean absolute error); MNIST is replaced by random pixels.
Ported: ``np.Inf`` -> ``np.inf`` (NumPy 2), ``tf.keras.backend.get_value`` -> ``float(...)``,
``set_value(optimizer.lr, v)`` -> ``optimizer.lr.assign(v)``.
"""

import re

import numpy as np
import pytest

import lamina as keras


def get_model():
    model = keras.Sequential()
    model.add(keras.layers.Dense(1, input_dim=784))
    model.compile(optimizer=keras.optimizers.RMSprop(learning_rate=0.1), loss="mean_squared_error",
                  metrics=["mean_absolute_error"])
    return model


def _data():
    rng = np.random.default_rng(19)
    x_train = rng.random((1000, 784)).astype("float32")
    y_train = rng.integers(0, 10, size=1000).astype("float32")
    x_test = rng.random((300, 784)).astype("float32")
    y_test = rng.integers(0, 10, size=300).astype("float32")
    return x_train, y_train, x_test, y_test


class LossAndErrorPrintingCallback(keras.callbacks.Callback):
    def on_train_batch_end(self, batch, logs=None):
        print("For batch {}, loss is {:7.2f}.".format(batch, logs["loss"]))

    def on_test_batch_end(self, batch, logs=None):
        print("For batch {}, loss is {:7.2f}.".format(batch, logs["loss"]))

    def on_epoch_end(self, epoch, logs=None):
        print(
            "The average loss for epoch {} is {:7.2f} "
            "and mean absolute error is {:7.2f}.".format(epoch, logs["loss"], logs["mean_absolute_error"])
        )


class EarlyStoppingAtMinLoss(keras.callbacks.Callback):
    """Stop training when the loss is at its min, i.e. the loss stops decreasing."""

    def __init__(self, patience=0):
        super(EarlyStoppingAtMinLoss, self).__init__()
        self.patience = patience
        self.best_weights = None

    def on_train_begin(self, logs=None):
        self.wait = 0
        self.stopped_epoch = 0
        self.best = np.inf
        self.losses = []

    def on_epoch_end(self, epoch, logs=None):
        current = logs.get("loss")
        self.losses.append(current)
        if np.less(current, self.best):
            self.best = current
            self.wait = 0
            self.best_weights = self.model.get_weights()
        else:
            self.wait += 1
            if self.wait >= self.patience:
                self.stopped_epoch = epoch
                self.model.stop_training = True
                print("Restoring model weights from the end of the best epoch.")
                self.model.set_weights(self.best_weights)

    def on_train_end(self, logs=None):
        if self.stopped_epoch > 0:
            print("Epoch %05d: early stopping" % (self.stopped_epoch + 1))


class CustomLearningRateScheduler(keras.callbacks.Callback):
    def __init__(self, schedule):
        super(CustomLearningRateScheduler, self).__init__()
        self.schedule = schedule
        self.rates = []

    def on_epoch_begin(self, epoch, logs=None):
        if not hasattr(self.model.optimizer, "lr"):
            raise ValueError('Optimizer must have a "lr" attribute.')
        lr = float(self.model.optimizer.learning_rate)
        scheduled_lr = self.schedule(epoch, lr)
        self.model.optimizer.lr.assign(scheduled_lr)
        self.rates.append(float(keras.ops.convert_to_numpy(self.model.optimizer.learning_rate)))
        print("\nEpoch %05d: Learning rate is %6.4f." % (epoch, scheduled_lr))


LR_SCHEDULE = [(3, 0.05), (6, 0.01), (9, 0.005), (12, 0.001)]


def lr_schedule(epoch, lr):
    if epoch < LR_SCHEDULE[0][0] or epoch > LR_SCHEDULE[-1][0]:
        return lr
    for i in range(len(LR_SCHEDULE)):
        if epoch == LR_SCHEDULE[i][0]:
            return LR_SCHEDULE[i][1]
    return lr


def test_s19_logs_in_every_hook(capsys):
    x_train, y_train, x_test, y_test = _data()
    model = get_model()
    model.fit(x_train, y_train, batch_size=128, epochs=2, verbose=0, callbacks=[LossAndErrorPrintingCallback()])
    out = capsys.readouterr().out
    batch_lines = re.findall(r"For batch (\d+), loss is +([\d.]+)\.", out)
    assert [int(b) for b, _ in batch_lines] == list(range(8)) * 2  # 1000 / 128 -> 8 batches, 2 epochs
    epoch_lines = re.findall(r"The average loss for epoch (\d) is +([\d.]+) and mean absolute error is +([\d.]+)\.",
                             out)
    assert [e for e, _, _ in epoch_lines] == ["0", "1"]

    res = model.evaluate(x_test, y_test, batch_size=128, verbose=0, callbacks=[LossAndErrorPrintingCallback()])
    out = capsys.readouterr().out
    assert [int(b) for b in re.findall(r"For batch (\d+),", out)] == [0, 1, 2]  # 300 / 128 -> 3 batches
    # the last batch's logs hold the running loss over all batches: evaluate's result, as printed
    assert res[0] == pytest.approx(float(re.findall(r"loss is +([\d.]+)\.", out)[-1]), abs=0.006)
    assert len(res) == 2 and all(np.isfinite(res))


def test_s19_early_stopping_at_min_loss_restores_best_weights(capsys):
    x_train, y_train, _, _ = _data()
    model = get_model()
    stopper = EarlyStoppingAtMinLoss()
    model.fit(x_train, y_train, batch_size=64, steps_per_epoch=5, epochs=30, verbose=0,
              callbacks=[LossAndErrorPrintingCallback(), stopper])
    out = capsys.readouterr().out
    assert 0 < stopper.stopped_epoch < 29
    assert len(stopper.losses) == stopper.stopped_epoch + 1  # training ended at the stopping epoch
    assert stopper.losses[-1] >= min(stopper.losses[:-1]) and stopper.best == min(stopper.losses)
    assert "Restoring model weights from the end of the best epoch." in out
    assert "Epoch %05d: early stopping" % (stopper.stopped_epoch + 1) in out
    for restored, best in zip(model.get_weights(), stopper.best_weights):
        np.testing.assert_array_equal(restored, best)


def test_s19_learning_rate_schedule_through_the_optimizer(capsys):
    x_train, y_train, _, _ = _data()
    model = get_model()
    scheduler = CustomLearningRateScheduler(lr_schedule)
    model.fit(x_train, y_train, batch_size=64, steps_per_epoch=5, epochs=15, verbose=0,
              callbacks=[LossAndErrorPrintingCallback(), scheduler])
    expected = [0.1] * 3 + [0.05] * 3 + [0.01] * 3 + [0.005] * 3 + [0.001] * 3
    assert scheduler.rates == pytest.approx(expected)
    out = capsys.readouterr().out
    assert "Epoch 00003: Learning rate is 0.0500." in out and "Epoch 00014: Learning rate is 0.0010." in out
    assert float(model.optimizer.learning_rate) == pytest.approx(0.001)
    assert int(model.optimizer.iterations) == 75  # 15 epochs x 5 steps, at the rates above
