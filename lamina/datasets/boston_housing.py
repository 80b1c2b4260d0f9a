"""Boston housing prices (regression), downloaded once and cached."""

import numpy as np

from lamina.datasets._remote import load_npz

_HASH = "f553886a1f8d56431e820c5b82552d9d95cfcb96d1e678153f8839538947dff5"


def load_data(path="boston_housing.npz", test_split=0.2, seed=113, origin=None, cache_dir=None):
    """Returns ``(x_train, y_train), (x_test, y_test)`` with 13 features per house."""
    if not 0 <= test_split < 1:
        raise ValueError(f"boston_housing.load_data: test_split must be in [0, 1). Received: {test_split}")
    x, y = load_npz(path, _HASH, ("x", "y"), origin=origin, cache_dir=cache_dir)
    order = np.random.RandomState(seed).permutation(len(x))
    x, y = x[order], y[order]
    n_train = int(len(x) * (1 - test_split))
    return (x[:n_train], y[:n_train]), (x[n_train:], y[n_train:])
