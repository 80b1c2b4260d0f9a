"""Argument helpers shared by the JAX NumPy-like op modules (``numpy`` and its families).

They import nothing from those modules, so every family can import them.
"""

import jax.numpy as jnp

from lamina.backend.jax.core import convert_to_tensor, to_jax_dtype


def _t(x):
    return convert_to_tensor(x)


def _dt(dtype):
    """A JAX dtype, or None to let JAX infer one."""
    return None if dtype is None else to_jax_dtype(dtype)


def _float(x):
    """``x`` as a tensor; integers and bools become ``floatx()``."""
    x = _t(x)
    return x if jnp.issubdtype(x.dtype, jnp.inexact) else x.astype(to_jax_dtype(None))


def _axis(axis):
    return tuple(axis) if isinstance(axis, list) else axis


def _i32(x):
    return x.astype(jnp.int32)


def _float_input(fn):
    """``fn(x, ...)`` with ``x`` converted by ``_float``."""

    def op(x, *args, **kwargs):
        return fn(_float(x), *args, **kwargs)

    op.__name__ = getattr(fn, "__name__", "op")
    return op
