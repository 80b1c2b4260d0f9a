"""Core ops: conversion, casting, shapes, control flow and gradients."""

from lamina import backend
from lamina.backend import KerasTensor
from lamina.ops._dispatch import symbolic


def convert_to_tensor(x, dtype=None, sparse=None):
    """Converts ``x`` (array-like, Variable, tensor) to a backend tensor."""
    return backend.convert_to_tensor(x, dtype=dtype)


def convert_to_numpy(x):
    """Converts a tensor or Variable to a NumPy array."""
    return backend.convert_to_numpy(x)


def is_tensor(x):
    """Whether ``x`` is a backend tensor."""
    return backend.is_tensor(x)


@symbolic
def cast(x, dtype):
    """Casts ``x`` to ``dtype``."""
    return backend.cast(x, dtype)


def dtype(x):
    """The standardized dtype name of ``x``."""
    return backend.standardize_dtype(x.dtype)


def shape(x):
    """The shape of ``x`` as a tuple (``None`` for unknown symbolic dims)."""
    if isinstance(x, KerasTensor):
        return x.shape
    return backend.shape(x)


def cond(pred, true_fn, false_fn):
    """``true_fn()`` if ``pred`` else ``false_fn()``; traced branches on JAX."""
    return backend.cond(pred, true_fn, false_fn)


def scan(f, init, xs=None, length=None, reverse=False, unroll=1):
    """Loops ``carry, y = f(carry, x)`` over the leading axis of ``xs``; returns ``(carry, ys)``."""
    return backend.scan(f, init, xs=xs, length=length, reverse=reverse, unroll=unroll)


def fori_loop(lower, upper, body_fun, init_val):
    """``val = body_fun(i, val)`` for i in ``[lower, upper)``."""
    return backend.fori_loop(lower, upper, body_fun, init_val)


def while_loop(cond, body, loop_vars, maximum_iterations=None):
    """Runs ``loop_vars = body(*loop_vars)`` while ``cond(*loop_vars)``."""
    return backend.while_loop(cond, body, loop_vars, maximum_iterations=maximum_iterations)


@symbolic
def stop_gradient(variable):
    """Returns the value with gradients blocked."""
    return backend.stop_gradient(variable)


def custom_gradient(f):
    """Decorates ``f(*args) -> (output, grad_fn)`` to use ``grad_fn`` as its gradient."""
    return backend.custom_gradient(f)


def value_and_grad(fn, variables, has_aux=False):
    """Calls ``fn()`` and returns ``(value, grads)``, grads matching ``variables``.

    Written once for every backend; use it in a custom ``train_step``.

    Args:
        fn: a function of no arguments returning a scalar loss (or ``(loss, aux)`` when
            ``has_aux``).
        variables: the Variables to differentiate with respect to.

    Example:
        >>> loss, grads = ops.value_and_grad(lambda: ops.sum(v * v), [v])
    """
    return backend.value_and_grad(fn, variables, has_aux=has_aux)
