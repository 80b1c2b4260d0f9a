"""CIFAR-100: 60,000 32x32 colour images in 100 fine (20 coarse) classes, downloaded once and cached."""

import os

import numpy as np

from lamina import backend
from lamina.datasets._safe_pickle import load_pickle
from lamina.utils.file_utils import get_file

_URL = "https://www.cs.toronto.edu/~kriz/cifar-100-python.tar.gz"
_HASH = "85cd44d02ba6437773c5bbd22e183051d648de2e7d6b014e1ef29b855ba677a7"


def _load(path, label_key):
    batch = load_pickle(path)
    images = np.asarray(batch[b"data"]).reshape(-1, 3, 32, 32)
    labels = np.asarray(batch[label_key.encode()], dtype="int64").reshape(-1, 1)
    if backend.image_data_format() == "channels_last":
        images = images.transpose(0, 2, 3, 1)
    return images, labels


def load_data(label_mode="fine", origin=None, cache_dir=None):
    """Returns ``(x_train, y_train), (x_test, y_test)``: uint8 images (50,000 and 10,000, laid out
    by ``image_data_format()``) and labels of shape ``(N, 1)``.

    Args:
        label_mode: ``"fine"`` (100 classes) or ``"coarse"`` (20 super-classes).
        origin: alternative URL (e.g. a local mirror); defaults to the official archive.
        cache_dir: root of the cache (default ``~/.lamina``).
    """
    if label_mode not in ("fine", "coarse"):
        raise ValueError(f"cifar100.load_data: expected label_mode 'fine' or 'coarse'. Received: "
                         f"label_mode={label_mode!r}")
    folder = get_file("cifar-100-python.tar.gz", origin=origin or _URL, file_hash=_HASH, extract=True,
                      cache_dir=cache_dir)
    root = os.path.join(folder, "cifar-100-python")
    train = _load(os.path.join(root, "train"), f"{label_mode}_labels")
    test = _load(os.path.join(root, "test"), f"{label_mode}_labels")
    return train, test
