"""``BackupAndRestore``: resume an interrupted ``fit`` from its last backup."""

import json
import os
import shutil

from lamina.callbacks.callback import Callback


class BackupAndRestore(Callback):
    """Backs up the weights (and optimizer state) during ``fit`` and restores them when ``fit`` restarts.

    If a run is interrupted (an exception, a killed job), calling ``fit`` again with the same
    callback loads ``backup_dir/latest.weights.h5`` and continues from the epoch after the last
    backup. When a run completes, the backup is deleted (unless ``delete_checkpoint=False``).

    Args:
        backup_dir: the folder for the backup files.
        save_freq: ``"epoch"`` or an integer number of batches between backups.
        double_checkpoint: also keep the previous backup (``*.bkp``), used if the latest is unreadable.
        delete_checkpoint: delete the backup when training finishes.

    Example:
        >>> x, y = np.ones((8, 3)), np.ones((8, 1))
        >>> model = lamina.Sequential([lamina.Input((3,)), lamina.layers.Dense(1)])
        >>> model.compile(optimizer="sgd", loss="mse")
        >>> import os, tempfile
        >>> tmp = tempfile.mkdtemp()
        >>> backup = lamina.callbacks.BackupAndRestore(backup_dir=os.path.join(tmp, "backup"))
        >>> history = model.fit(x, y, epochs=2, callbacks=[backup], verbose=0)
        >>> history.epoch  # had it been interrupted, a second fit would resume where it stopped
        [0, 1]
    """

    def __init__(self, backup_dir, save_freq="epoch", double_checkpoint=False, delete_checkpoint=True):
        super().__init__()
        if not backup_dir:
            raise ValueError(f"BackupAndRestore: `backup_dir` must be a folder path. Received: {backup_dir!r}")
        if save_freq != "epoch" and not (isinstance(save_freq, int) and save_freq > 0):
            raise ValueError(f"BackupAndRestore: invalid save_freq {save_freq!r}; expected 'epoch' or a "
                             "positive integer number of batches.")
        self.backup_dir = os.fspath(backup_dir)
        self.save_freq = save_freq
        self.double_checkpoint = double_checkpoint
        self.delete_checkpoint = delete_checkpoint
        self._weights_path = os.path.join(self.backup_dir, "latest.weights.h5")
        self._metadata_path = os.path.join(self.backup_dir, "training_metadata.json")
        self._fusion_safe = save_freq == "epoch"
        self._batches_seen_since_last_saving = 0
        self._last_batch_seen = 0
        self._current_epoch = 0

    def on_train_begin(self, logs=None):
        try:
            self._load()
        except OSError:
            previous = self._weights_path + ".bkp"
            if not os.path.exists(previous):
                raise
            shutil.copy(previous, self._weights_path)
            if os.path.exists(self._metadata_path + ".bkp"):
                shutil.copy(self._metadata_path + ".bkp", self._metadata_path)
            self._load()

    def _load(self):
        model = self.model
        if not getattr(model, "built", True):
            raise ValueError("BackupAndRestore: the model must be built before `fit()` (call it on a batch of "
                             f"data or build it). Model '{model.name}' is not built.")
        if os.path.exists(self._weights_path):
            optimizer = getattr(model, "optimizer", None)
            if optimizer is not None and not getattr(optimizer, "built", True):
                optimizer.build(model.trainable_variables)
            model.load_weights(self._weights_path)
        if os.path.exists(self._metadata_path):
            with open(self._metadata_path) as f:
                metadata = json.load(f)
            # fit() starts its epoch loop from here (the Keras convention).
            model._initial_epoch = metadata["epoch"]
            self._current_epoch = metadata["epoch"]

    def on_epoch_end(self, epoch, logs=None):
        self._current_epoch = epoch + 1
        self._last_batch_seen = 0
        if self.save_freq == "epoch":
            self._save()

    def on_train_batch_end(self, batch, logs=None):
        if self.save_freq == "epoch":
            return
        added = batch + 1 if batch <= self._last_batch_seen else batch - self._last_batch_seen
        self._batches_seen_since_last_saving += added
        self._last_batch_seen = batch
        if self._batches_seen_since_last_saving >= self.save_freq:
            self._batches_seen_since_last_saving = 0
            self._save()

    def _save(self):
        os.makedirs(self.backup_dir, exist_ok=True)
        if self.double_checkpoint:
            for path in (self._weights_path, self._metadata_path):
                if os.path.exists(path):
                    shutil.copy(path, path + ".bkp")
        self.model.save_weights(self._weights_path, overwrite=True)
        tmp = self._metadata_path + ".tmp"
        with open(tmp, "w") as f:
            json.dump({"epoch": self._current_epoch, "batch": self._last_batch_seen}, f)
        os.replace(tmp, self._metadata_path)

    def on_train_end(self, logs=None):
        if self.delete_checkpoint and os.path.exists(self.backup_dir):
            shutil.rmtree(self.backup_dir)
        if self._model is not None:
            self._model._initial_epoch = None
