"""CIFAR-10: 60,000 32x32 colour images in 10 classes, downloaded once and cached."""

import os
import pickle

import numpy as np

from lamina.utils.file_utils import get_file

_URL = "https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz"
_HASH = "6d958be074577803d12ecdefd02955f39262c83c16fe9348329d7fe0b5c001ce"


def _load_batch(path):
    # The official archive stores NumPy batches with pickle; only the file downloaded here and
    # verified against its sha256 is read this way.
    with open(path, "rb") as f:
        data = pickle.load(f, encoding="bytes")
    return data[b"data"].reshape(-1, 3, 32, 32), np.array(data[b"labels"], dtype="uint8")


def load_data(origin=None, cache_dir=None):
    """Returns ``(x_train, y_train), (x_test, y_test)``; images are uint8 (N, 32, 32, 3)."""
    folder = get_file("cifar-10-python.tar.gz", origin=origin or _URL, file_hash=_HASH, extract=True,
                      cache_dir=cache_dir)
    root = os.path.join(folder, "cifar-10-batches-py")
    parts = [_load_batch(os.path.join(root, f"data_batch_{i}")) for i in range(1, 6)]
    x_train = np.concatenate([p[0] for p in parts]).transpose(0, 2, 3, 1)
    y_train = np.concatenate([p[1] for p in parts]).reshape(-1, 1)
    x_test, y_test = _load_batch(os.path.join(root, "test_batch"))
    return (x_train, y_train), (x_test.transpose(0, 2, 3, 1), y_test.reshape(-1, 1))
