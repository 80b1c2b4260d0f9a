"""The 8x8 handwritten digits (UCI optical recognition of handwritten digits, test part).

1,797 images of 8x8 pixels with values 0..16, shipped inside lamina so examples run offline.
Source: E. Alpaydin, C. Kaynak, UCI Machine Learning Repository (CC BY 4.0).
"""

import gzip
import os

import numpy as np

_PATH = os.path.join(os.path.dirname(__file__), "data", "digits.csv.gz")


def load_data(test_split=0.2, seed=113):
    """Returns ``(x_train, y_train), (x_test, y_test)``: uint8 images (N, 8, 8) and int labels.

    Args:
        test_split: fraction of samples held out for the test set.
        seed: seed of the shuffle before the split.

    Example:
        >>> (x_train, y_train), (x_test, y_test) = lamina.datasets.digits.load_data()
        >>> ops.shape(x_train)
        (1438, 8, 8)
    """
    if not 0 < test_split < 1:
        raise ValueError(f"digits.load_data: test_split must be in (0, 1). Received: test_split={test_split}")
    with gzip.open(_PATH, "rt") as f:
        data = np.loadtxt(f, delimiter=",", dtype="int64")
    images = data[:, :-1].reshape(-1, 8, 8).astype("uint8")
    labels = data[:, -1].astype("int64")
    order = np.random.RandomState(seed).permutation(len(labels))
    images, labels = images[order], labels[order]
    n_test = int(round(len(labels) * test_split))
    return (images[n_test:], labels[n_test:]), (images[:n_test], labels[:n_test])
