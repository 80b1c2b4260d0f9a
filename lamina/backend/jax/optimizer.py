"""JAX side of the optimizer fast-path hook: there is no fast path.

JAX jits the whole training step, so XLA already fuses the per-variable updates that an
optimizer's ``update_step`` emits; a hand-written multi-tensor kernel would buy nothing and
be a second copy of the math. ``fused_update`` therefore always declines.
"""

import contextlib


def update_scope():
    """The context optimizer updates run in (nothing is needed on JAX)."""
    return contextlib.nullcontext()


def fused_update(kernel, variables, grads, learning_rate, slots=None, **hyperparameters):
    """The optimizer fast-path hook (see ``lamina/backend/torch/optimizer.py``); always False on JAX."""
    return False
