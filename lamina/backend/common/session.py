"""``clear_session``: forgets what lamina generated during the session.

It resets automatic names and drops the caches that outlive a model: the engine's shared
compiled steps and whatever a module above the backend registers with ``on_clear_session``
(the fit loop's remembered ``steps_per_execution`` choices). Settings (floatx, dtype
policy, logging, limits) are kept.
"""

import gc
import sys

from lamina.backend.common import config, naming

_CLEARERS = []


def on_clear_session(fn):
    """Registers ``fn()`` to run at every ``clear_session``; returns ``fn`` (a decorator)."""
    _CLEARERS.append(fn)
    return fn


def clear_session(free_memory=True):
    """Resets automatic names (``dense``, ``dense_1`` ... start again) and drops shared
    compiled steps and remembered step-fusion choices.

    Args:
        free_memory: also run Python's garbage collector (slower; skip it in a tight loop).

    Example:
        >>> lamina.layers.Dense(1).name, lamina.layers.Dense(1).name
        ('dense', 'dense_1')
        >>> lamina.backend.clear_session()
        >>> lamina.layers.Dense(1).name
        'dense'
    """
    naming.reset_names()
    step = sys.modules.get(f"lamina.backend.{config.backend()}.step")
    if step is not None:  # nothing is compiled before the step module loads
        step.clear_cache()
    for fn in _CLEARERS:
        fn()
    if free_memory:
        gc.collect()
