"""``TensorBoard``: write training curves and weight histograms for the TensorBoard viewer."""

import os
import warnings

import numpy as np

from lamina import backend
from lamina.callbacks._event_file import EventFileWriter
from lamina.callbacks.callback import Callback


class TensorBoard(Callback):
    """Writes event files under ``log_dir/train`` and ``log_dir/validation`` that ``tensorboard`` reads.

    Epoch metrics are scalars named ``epoch_<metric>`` (validation metrics go, without the
    ``val_`` prefix, to the ``validation`` run), with ``epoch_learning_rate`` in ``train``.
    With ``update_freq`` set to ``"batch"`` or N, batch logs are written as ``batch_<metric>``
    every N batches. ``histogram_freq`` N writes a histogram of every weight every N epochs.
    No TensorFlow is needed: the files are written directly.

    Args:
        log_dir: the folder for the event files.
        histogram_freq: epochs between weight histograms (0: none).
        write_graph: accepted for compatibility; no graph is written.
        write_images, write_steps_per_second, profile_batch, embeddings_freq, embeddings_metadata:
            accepted for compatibility; images, profiles and embeddings are not written (a warning
            says so when one is requested).
        update_freq: ``"epoch"``, ``"batch"`` or an integer number of batches.

    Example:
        >>> x, y = np.ones((8, 3)), np.ones((8, 1))
        >>> model = lamina.Sequential([lamina.Input((3,)), lamina.layers.Dense(1)])
        >>> model.compile(optimizer="sgd", loss="mse")
        >>> import os, tempfile
        >>> tmp = tempfile.mkdtemp()
        >>> tb = lamina.callbacks.TensorBoard(log_dir=os.path.join(tmp, "logs"), histogram_freq=1)
        >>> _ = model.fit(x, y, epochs=2, validation_split=0.25, callbacks=[tb], verbose=0)
        >>> sorted(os.listdir(os.path.join(tmp, "logs")))
        ['train', 'validation']

    Then view them with ``tensorboard --logdir logs``.
    """

    _fusion_safe = True

    def __init__(self, log_dir="logs", histogram_freq=0, write_graph=True, write_images=False,
                 write_steps_per_second=False, update_freq="epoch", profile_batch=0, embeddings_freq=0,
                 embeddings_metadata=None):
        super().__init__()
        if update_freq not in ("epoch", "batch") and not (isinstance(update_freq, int) and update_freq > 0):
            raise ValueError(f"TensorBoard: update_freq must be 'epoch', 'batch' or a positive integer. "
                             f"Received: update_freq={update_freq!r}")
        unsupported = {"write_images": write_images, "write_steps_per_second": write_steps_per_second,
                       "profile_batch": profile_batch, "embeddings_freq": embeddings_freq}
        requested = [k for k, v in unsupported.items() if v]
        if requested:
            warnings.warn(f"TensorBoard: {requested} are not written by lamina; scalars and histograms are.",
                          stacklevel=2)
        self.log_dir = os.fspath(log_dir)
        self.histogram_freq = histogram_freq
        self.write_graph = write_graph
        self.write_images = write_images
        self.write_steps_per_second = write_steps_per_second
        self.update_freq = 1 if update_freq == "batch" else update_freq
        self.profile_batch = profile_batch
        self.embeddings_freq = embeddings_freq
        self.embeddings_metadata = embeddings_metadata
        self._writers = {}
        self._global_train_batch = 0
        self._last_batch_seen = None

    def _writer(self, run):
        writer = self._writers.get(run)
        if writer is None:
            writer = self._writers[run] = EventFileWriter(os.path.join(self.log_dir, run))
        return writer

    def on_train_begin(self, logs=None):
        self._global_train_batch = 0
        self._last_batch_seen = None

    def on_epoch_begin(self, epoch, logs=None):
        self._last_batch_seen = None

    def on_train_batch_end(self, batch, logs=None):
        # Fused steps report every k-th batch: advance the global count by the batches between calls.
        if self._last_batch_seen is None or batch <= self._last_batch_seen:
            added = batch + 1
        else:
            added = batch - self._last_batch_seen
        self._last_batch_seen = batch
        previous = self._global_train_batch
        self._global_train_batch += added
        if self.update_freq == "epoch" or previous // self.update_freq == self._global_train_batch // self.update_freq:
            return
        writer = self._writer("train")
        for key, value in _scalars(logs).items():
            writer.add_scalar(f"batch_{key}", value, step=self._global_train_batch)
        writer.flush()

    def on_epoch_end(self, epoch, logs=None):
        scalars = _scalars(logs)
        train = {k: v for k, v in scalars.items() if not k.startswith("val_")}
        validation = {k[4:]: v for k, v in scalars.items() if k.startswith("val_")}
        optimizer = getattr(self._model, "optimizer", None)
        if optimizer is not None and hasattr(optimizer, "learning_rate") and "learning_rate" not in train:
            try:
                train["learning_rate"] = float(np.asarray(backend.convert_to_numpy(optimizer.learning_rate)))
            except (TypeError, ValueError):
                pass
        writer = self._writer("train")
        for key, value in train.items():
            writer.add_scalar(f"epoch_{key}", value, step=epoch)
        if validation:
            val_writer = self._writer("validation")
            for key, value in validation.items():
                val_writer.add_scalar(f"epoch_{key}", value, step=epoch)
            val_writer.flush()
        if self.histogram_freq and epoch % self.histogram_freq == 0:
            for weight in self.model.weights:
                writer.add_histogram(f"{weight.path}/histogram", weight.numpy(), step=epoch)
        writer.flush()

    def on_train_end(self, logs=None):
        for writer in self._writers.values():
            writer.close()
        self._writers = {}


def _scalars(logs):
    out = {}
    for key, value in (logs or {}).items():
        try:
            arr = np.asarray(backend.convert_to_numpy(value), dtype="float64")
        except (TypeError, ValueError):
            continue
        if arr.ndim == 0:
            out[key] = float(arr)
    return out
