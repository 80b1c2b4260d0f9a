"""``CSVLogger``: write each epoch's logs as a row of a CSV file."""

import collections.abc
import csv
import os

import numpy as np

from lamina.callbacks.callback import Callback


class CSVLogger(Callback):
    """Streams epoch results to a CSV file: an ``epoch`` column, then the log keys in sorted order.

    Args:
        filename: the CSV file path.
        separator: the column separator.
        append: append to an existing file (its header is kept) instead of overwriting it.

    Example:
        >>> x, y = np.ones((8, 3)), np.ones((8, 1))
        >>> model = lamina.Sequential([lamina.Input((3,)), lamina.layers.Dense(1)])
        >>> model.compile(optimizer="sgd", loss="mse")
        >>> import os, tempfile
        >>> tmp = tempfile.mkdtemp()
        >>> path = os.path.join(tmp, "training.log")
        >>> _ = model.fit(x, y, epochs=3, callbacks=[lamina.callbacks.CSVLogger(path)], verbose=0)
        >>> open(path).readline().strip()
        'epoch,loss'
    """

    _fusion_safe = True

    def __init__(self, filename, separator=",", append=False):
        super().__init__()
        self.filename = os.fspath(filename)
        self.sep = separator
        self.append = append
        self.keys = None
        self.writer = None
        self.csv_file = None
        self.append_header = True

    def on_train_begin(self, logs=None):
        self.append_header = True
        if self.append and os.path.exists(self.filename):
            with open(self.filename, "r") as f:
                self.append_header = not bool(f.readline())
        self.csv_file = open(self.filename, "a" if self.append else "w", newline="")
        self.writer = None
        self.keys = None

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        if self.keys is None:
            self.keys = sorted(logs)
        if self._model is not None and getattr(self._model, "stop_training", False):
            logs = {k: logs.get(k, "NA") for k in self.keys}
        if self.writer is None:
            self.writer = csv.DictWriter(self.csv_file, fieldnames=["epoch"] + self.keys, delimiter=self.sep,
                                         extrasaction="ignore")
            if self.append_header:
                self.writer.writeheader()
        row = {"epoch": epoch}
        row.update({key: _format(logs.get(key, "NA")) for key in self.keys})
        self.writer.writerow(row)
        self.csv_file.flush()

    def on_train_end(self, logs=None):
        if self.csv_file is not None:
            self.csv_file.close()
            self.csv_file = None
        self.writer = None


def _format(value):
    if isinstance(value, str):
        return value
    if hasattr(value, "shape") or isinstance(value, collections.abc.Iterable):
        arr = np.asarray(value)
        if arr.ndim == 0:
            return arr.item()
        return f"[{', '.join(map(str, arr.ravel().tolist()))}]"
    return value
