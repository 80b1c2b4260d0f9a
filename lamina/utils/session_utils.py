"""Session-level helpers: reproducible seeds and resetting automatic names."""

import random as _pyrandom

import numpy as np

from lamina import backend
from lamina.backend.common import naming


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


def clear_session(free_memory=True):
    """Resets automatic names (``dense``, ``dense_1`` ... start again); with ``free_memory``, collects garbage."""
    naming.reset_names()
    import gc

    if free_memory:
        gc.collect()
