"""California housing prices (regression, 8 features per block group), downloaded once and cached."""

import numpy as np

from lamina.datasets._remote import load_npz

_HASH = "1a2e3a52e0398de6463aebe6f4a8da34fb21fbb6b934cf88c3425e766f2a1a6f"


def load_data(version="large", path="california_housing.npz", test_split=0.2, seed=113, origin=None,
              cache_dir=None):
    """Returns ``(x_train, y_train), (x_test, y_test)``: 20,640 block groups (``"large"``) or
    the first 600 (``"small"``), shuffled, then split; y is the median house value.

    Args:
        version: ``"large"`` (all rows) or ``"small"`` (600 rows).
        path: file name in the cache.
        test_split: share of the data kept for testing, in [0, 1).
        seed: shuffling seed.
        origin: alternative URL (e.g. a local mirror); defaults to the public Keras copy.
        cache_dir: root of the cache (default ``~/.lamina``).
    """
    if version not in ("small", "large"):
        raise ValueError(f"california_housing.load_data: expected version 'small' or 'large'. Received: "
                         f"version={version!r}")
    if not 0 <= test_split < 1:
        raise ValueError(f"california_housing.load_data: expected test_split in [0, 1). Received: "
                         f"test_split={test_split!r}")
    x, y = load_npz(path, _HASH, ("x", "y"), origin=origin, cache_dir=cache_dir)
    if version == "small":
        x, y = x[:600], y[:600]
    order = np.arange(len(x))
    np.random.RandomState(seed).shuffle(order)
    x, y = x[order], y[order]
    n_train = int(len(x) * (1 - test_split))
    return (x[:n_train], y[:n_train]), (x[n_train:], y[n_train:])
