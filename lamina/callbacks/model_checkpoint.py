"""``ModelCheckpoint``: save the model or its weights during training."""

import os
import warnings

import numpy as np

from lamina.callbacks.monitor_callback import MonitorCallback, to_float
from lamina.utils.io_utils import print_msg


class ModelCheckpoint(MonitorCallback):
    """Saves the model (``model.save``) or its weights (``model.save_weights``) every epoch or N batches.

    Args:
        filepath: where to save; may hold ``str.format`` fields filled from the epoch (1-based),
            the batch and the logs, e.g. ``"ckpt/{epoch:02d}-{val_loss:.2f}.weights.h5"``.
        monitor: the quantity that decides the best model (with ``save_best_only``).
        verbose: 1 prints a message on each save.
        save_best_only: save only when ``monitor`` improves (a fixed filepath keeps the best).
        save_weights_only: call ``save_weights`` instead of ``save``.
        mode: ``"auto"``, ``"min"`` or ``"max"``.
        save_freq: ``"epoch"``, or an integer number of batches between saves.
        initial_value_threshold: the value ``monitor`` must beat for the first save.

    Example:
        >>> x, y = np.ones((8, 3)), np.ones((8, 1))
        >>> model = lamina.Sequential([lamina.Input((3,)), lamina.layers.Dense(1)])
        >>> model.compile(optimizer="sgd", loss="mse")
        >>> import os, tempfile
        >>> tmp = tempfile.mkdtemp()
        >>> path = os.path.join(tmp, "best.weights.h5")
        >>> ckpt = lamina.callbacks.ModelCheckpoint(path, monitor="val_loss",
        ...                                         save_best_only=True, save_weights_only=True)
        >>> _ = model.fit(x, y, validation_split=0.25, epochs=2, callbacks=[ckpt], verbose=0)
        >>> os.path.exists(path)
        True
    """

    def __init__(self, filepath, monitor="val_loss", verbose=0, save_best_only=False, save_weights_only=False,
                 mode="auto", save_freq="epoch", initial_value_threshold=None):
        super().__init__(monitor, mode, baseline=initial_value_threshold)
        self.filepath = os.fspath(filepath)
        self.verbose = verbose
        self.save_best_only = save_best_only
        self.save_weights_only = save_weights_only
        if save_freq != "epoch" and not (isinstance(save_freq, int) and save_freq > 0):
            raise ValueError(f"ModelCheckpoint: unrecognized save_freq {save_freq!r}; expected 'epoch' or a "
                             "positive integer number of batches.")
        self.save_freq = save_freq
        # Saving at epoch ends needs no per-batch view, so fused training steps stay on.
        self._fusion_safe = save_freq == "epoch"
        self._batches_seen_since_last_saving = 0
        self._last_batch_seen = None
        self._current_epoch = 0

    def on_epoch_begin(self, epoch, logs=None):
        self._current_epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        if self.save_freq == "epoch":
            return
        # Fused steps report only every k-th batch: count the batches between calls.
        if self._last_batch_seen is None or batch <= self._last_batch_seen:
            added = batch + 1
        else:
            added = batch - self._last_batch_seen
        self._last_batch_seen = batch
        self._batches_seen_since_last_saving += added
        if self._batches_seen_since_last_saving >= self.save_freq:
            self._batches_seen_since_last_saving = 0
            self._save_model(self._current_epoch, batch, logs)

    def on_epoch_end(self, epoch, logs=None):
        if self.monitor_op is None:
            self._set_monitor_op()
        if self.save_freq == "epoch":
            self._save_model(epoch, None, logs)

    def _file_path(self, epoch, batch, logs):
        fields = {k: (to_float(v) if _is_scalar(v) else v) for k, v in (logs or {}).items()}
        if batch is not None and "batch" not in fields:
            fields["batch"] = batch + 1
        try:
            return self.filepath.format(epoch=epoch + 1, **fields)
        except KeyError as e:
            raise KeyError(f'ModelCheckpoint: failed to format the filepath "{self.filepath}": no value for {e}. '
                           f"Available fields: epoch, {', '.join(sorted(fields))}") from None

    def _should_save(self, epoch, logs, filepath):
        if not self.save_best_only:
            if self.verbose > 0:
                print_msg(f"\nEpoch {epoch + 1}: saving model to {filepath}")
            return True
        if self.monitor_op is None:
            self._set_monitor_op()
        current = (logs or {}).get(self.monitor)
        if current is None:
            warnings.warn(f"Can save best model only with {self.monitor} available.", stacklevel=2)
            return True
        if not _is_scalar(current):
            warnings.warn(f"Can save best model only when `monitor` is a scalar value. Received: {current}. "
                          "Falling back to `save_best_only=False`.", stacklevel=2)
            return True
        current = to_float(current)
        best = "None" if self.best is None else f"{self.best:.5f}"
        if self._is_improvement(current, self.best):
            if self.verbose > 0:
                print_msg(f"\nEpoch {epoch + 1}: {self.monitor} improved from {best} to {current:.5f}, saving model "
                          f"to {filepath}")
            self.best = current
            return True
        if self.verbose > 0:
            print_msg(f"\nEpoch {epoch + 1}: {self.monitor} did not improve from {best}")
        return False

    def _save_model(self, epoch, batch, logs):
        filepath = self._file_path(epoch, batch, logs)
        if os.path.isdir(filepath):
            raise IOError(f"ModelCheckpoint: the filepath must name a file, not an existing directory. "
                          f"Received: {filepath}")
        if not self._should_save(epoch, logs, filepath):
            return
        dirname = os.path.dirname(filepath)
        if dirname:
            os.makedirs(dirname, exist_ok=True)
        if self.save_weights_only:
            self.model.save_weights(filepath, overwrite=True)
        else:
            self.model.save(filepath, overwrite=True)


def _is_scalar(value):
    if isinstance(value, (str, bytes)):
        return False
    shape = getattr(value, "shape", None)
    return len(tuple(shape)) == 0 if shape is not None else np.ndim(value) == 0
