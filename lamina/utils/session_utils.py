"""Session-level helpers: reproducible seeds and resetting the session."""

import random as _pyrandom

import numpy as np

from lamina import backend
from lamina.backend import clear_session  # noqa: F401 (Keras lists it under utils too)


def set_random_seed(seed):
    """Seeds Python, NumPy and lamina's random ops so runs repeat exactly.

    Args:
        seed: a non-negative integer.
    """
    if not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"set_random_seed: expected a non-negative integer. Received: seed={seed!r}")
    _pyrandom.seed(int(seed))
    np.random.seed(int(seed))
    backend.set_global_seed(int(seed))
