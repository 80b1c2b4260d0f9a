"""A minimal stand-in for a model, so callback hooks can be driven directly and fast."""

import os

import numpy as np

import lamina


class FakeModel:
    def __init__(self, learning_rate=0.1):
        self.name = "fake"
        self.built = True
        self.stop_training = False
        self.kernel = lamina.Variable(np.zeros((2,), "float32"), name="kernel")
        self.optimizer = lamina.optimizers.SGD(learning_rate=learning_rate)
        self.saved = []
        self.metrics = []

    @property
    def weights(self):
        return [self.kernel]

    @property
    def trainable_variables(self):
        return [self.kernel]

    def get_weights(self):
        return [self.kernel.numpy()]

    def set_weights(self, weights):
        self.kernel.assign(weights[0])

    def save_weights(self, filepath, overwrite=True):
        np.save(filepath + ".npy", self.kernel.numpy())
        os.replace(filepath + ".npy", filepath)
        self.saved.append(("weights", filepath))

    def save(self, filepath, overwrite=True):
        with open(filepath, "w") as f:
            f.write("model")
        self.saved.append(("model", filepath))

    def load_weights(self, filepath):
        with open(filepath, "rb") as f:
            self.kernel.assign(np.load(f))


def run_epochs(callback, model, epoch_logs, batches=0):
    """Drives ``callback`` through a fit: one entry of ``epoch_logs`` per epoch; stops like fit does."""
    callback.set_model(model)
    callback.set_params({"epochs": len(epoch_logs), "steps": batches, "verbose": 0})
    callback.on_train_begin()
    last = -1
    for epoch, logs in enumerate(epoch_logs):
        callback.on_epoch_begin(epoch)
        for batch in range(batches):
            callback.on_train_batch_begin(batch)
            callback.on_train_batch_end(batch, {"loss": logs.get("loss", 0.0)})
        model.kernel.assign(np.full((2,), float(epoch), "float32"))
        callback.on_epoch_end(epoch, dict(logs))
        last = epoch
        if model.stop_training:
            break
    callback.on_train_end()
    return last
