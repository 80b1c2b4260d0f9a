"""Seeds for random ops: a global seed and ``SeedGenerator`` objects whose state is a Variable."""

import random as _pyrandom

import numpy as np

_global = {"seed": None, "generator": None}


def set_global_seed(seed):
    _global["seed"] = int(seed)
    _global["generator"] = None


def global_seed():
    return _global["seed"]


class SeedGenerator:
    """Makes a stream of seeds for random ops from one starting seed.

    Its state is a Variable, so random layers stay functional under jit: each call to
    ``next()`` returns the current ``(seed, counter)`` pair and advances the counter.

    Args:
        seed: an integer, or None to draw one from the global seed (``set_random_seed``).

    Example:
        >>> gen = lamina.random.SeedGenerator(42)
        >>> a = lamina.random.normal((2,), seed=gen)
        >>> b = lamina.random.normal((2,), seed=gen)
        >>> bool(np.all(ops.convert_to_numpy(a) == ops.convert_to_numpy(b)))
        False
    """

    _tracked_kind = "seed"  # what attribute tracking sees (layers/_tracking.py)

    def __init__(self, seed=None, name=None, **kwargs):
        from lamina.backend import Variable
        from lamina.backend.common.variables import name_scope

        if seed is None:
            base = global_seed()
            seed = _pyrandom.randint(1, 2**30) if base is None else _next_global_int()
        elif not isinstance(seed, (int, np.integer)):
            raise ValueError(f"SeedGenerator: expected an integer seed or None. Received: seed={seed!r}")
        self._initial_seed = int(seed)
        self.name = name or "seed_generator"
        with name_scope(self.name):
            self.state = Variable(np.array([self._initial_seed, 0], dtype="uint32"), dtype="uint32",
                                  trainable=False, name="seed_generator_state")

    def next(self, ordered=True):
        value = self.state.value
        self.state.assign(value + np.array([0, 1], dtype="uint32"))
        return value

    def get_config(self):
        return {"seed": self._initial_seed}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


def _next_global_int():
    if _global["generator"] is None:
        _global["generator"] = np.random.default_rng(_global["seed"])
    return int(_global["generator"].integers(1, 2**30))


def draw_seed(seed):
    """Returns a uint32 pair tensor (or numpy array) for ``seed``: int, SeedGenerator, or None."""
    if isinstance(seed, SeedGenerator):
        return seed.next()
    if seed is None:
        if _global["seed"] is None:
            return np.array([_pyrandom.randint(1, 2**30), 0], dtype="uint32")
        return np.array([_next_global_int(), 0], dtype="uint32")
    if isinstance(seed, (int, np.integer)):
        return np.array([int(seed), 0], dtype="uint32")
    if hasattr(seed, "shape") and tuple(seed.shape) == (2,):
        return seed
    raise ValueError(
        f"Expected `seed` to be an int, a lamina.random.SeedGenerator, or None. Received: seed={seed!r}"
    )
