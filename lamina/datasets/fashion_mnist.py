"""Fashion-MNIST: 70,000 28x28 grayscale clothing images, downloaded once and cached."""

import gzip
import os

import numpy as np

from lamina.utils.file_utils import get_file

_BASE = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"
_FILES = ["train-labels-idx1-ubyte.gz", "train-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz",
          "t10k-images-idx3-ubyte.gz"]


def load_data(origin=None, cache_dir=None):
    """Returns ``(x_train, y_train), (x_test, y_test)`` as uint8 arrays."""
    paths = [get_file(f, origin=(origin or _BASE) + f, cache_subdir=os.path.join("datasets", "fashion-mnist"),
                      cache_dir=cache_dir) for f in _FILES]
    with gzip.open(paths[0], "rb") as f:
        y_train = np.frombuffer(f.read(), np.uint8, offset=8)
    with gzip.open(paths[1], "rb") as f:
        x_train = np.frombuffer(f.read(), np.uint8, offset=16).reshape(len(y_train), 28, 28)
    with gzip.open(paths[2], "rb") as f:
        y_test = np.frombuffer(f.read(), np.uint8, offset=8)
    with gzip.open(paths[3], "rb") as f:
        x_test = np.frombuffer(f.read(), np.uint8, offset=16).reshape(len(y_test), 28, 28)
    return (x_train, y_train), (x_test, y_test)
