"""Core ops: conversion, casting, shapes, control flow and gradients."""

from lamina import backend
from lamina.backend import KerasTensor
from lamina.ops._dispatch import symbolic


def convert_to_tensor(x, dtype=None, sparse=None):
    """Converts ``x`` (array-like, Variable, tensor) to a backend tensor.

    Args:
        x: array-like, Variable or tensor.
        dtype: dtype of the result (None: inferred from ``x``).
        sparse: accepted for Keras compatibility; lamina tensors are dense.
    """
    return backend.convert_to_tensor(x, dtype=dtype)


def convert_to_numpy(x):
    """Converts a tensor or Variable to a NumPy array.

    Args:
        x: tensor, Variable or array-like.
    """
    return backend.convert_to_numpy(x)


def is_tensor(x):
    """Whether ``x`` is a backend tensor.

    Args:
        x: any object.
    """
    return backend.is_tensor(x)


@symbolic
def cast(x, dtype):
    """Casts ``x`` to ``dtype``.

    Args:
        x: input tensor.
        dtype: the target dtype.
    """
    return backend.cast(x, dtype)


def dtype(x):
    """The standardized dtype name of ``x``.

    Args:
        x: tensor or KerasTensor.
    """
    return backend.standardize_dtype(x.dtype)


def shape(x):
    """The shape of ``x`` as a tuple (``None`` for unknown symbolic dims).

    Args:
        x: tensor or KerasTensor.
    """
    if isinstance(x, KerasTensor):
        return x.shape
    return backend.shape(x)


def cond(pred, true_fn, false_fn):
    """``true_fn()`` if ``pred`` else ``false_fn()``; traced branches on JAX.

    Args:
        pred: boolean scalar choosing the branch.
        true_fn: function of no arguments called when ``pred`` is true.
        false_fn: function of no arguments called when ``pred`` is false; both branches return
            the same structure.
    """
    return backend.cond(pred, true_fn, false_fn)


def scan(f, init, xs=None, length=None, reverse=False, unroll=1):
    """Loops ``carry, y = f(carry, x)`` over the leading axis of ``xs``; returns ``(carry, ys)``.

    Args:
        f: function ``(carry, x) -> (carry, y)``.
        init: the initial carry.
        xs: tensor (or nest of tensors) scanned over its leading axis; None loops ``length``
            times with ``x=None``.
        length: number of iterations when ``xs`` is None.
        reverse: whether to scan from the last slice to the first.
        unroll: how many iterations to unroll (a hint).
    """
    return backend.scan(f, init, xs=xs, length=length, reverse=reverse, unroll=unroll)


def fori_loop(lower, upper, body_fun, init_val):
    """``val = body_fun(i, val)`` for i in ``[lower, upper)``.

    Args:
        lower: first loop index.
        upper: loop index bound (excluded).
        body_fun: function ``(i, val) -> val``.
        init_val: the initial value.
    """
    return backend.fori_loop(lower, upper, body_fun, init_val)


def while_loop(cond, body, loop_vars, maximum_iterations=None):
    """Runs ``loop_vars = body(*loop_vars)`` while ``cond(*loop_vars)``.

    Args:
        cond: function of the loop variables returning a boolean scalar.
        body: function of the loop variables returning new loop variables of the same structure.
        loop_vars: the initial loop variables (a tuple or list).
        maximum_iterations: optional cap on the number of iterations.
    """
    return backend.while_loop(cond, body, loop_vars, maximum_iterations=maximum_iterations)


@symbolic
def stop_gradient(variable):
    """Returns the value with gradients blocked.

    Args:
        variable: tensor or Variable whose gradient is blocked.
    """
    return backend.stop_gradient(variable)


def custom_gradient(f):
    """Decorates ``f(*args) -> (output, grad_fn)`` to use ``grad_fn`` as its gradient.

    Args:
        f: function returning ``(output, grad_fn)``, where ``grad_fn(upstream)`` gives the input
            gradients.
    """
    return backend.custom_gradient(f)


def value_and_grad(fn, variables, has_aux=False):
    """Calls ``fn()`` and returns ``(value, grads)``, grads matching ``variables``.

    Written once for every backend; use it in a custom ``train_step``.

    Args:
        fn: a function of no arguments returning a scalar loss (or ``(loss, aux)`` when
            ``has_aux``).
        variables: the Variables to differentiate with respect to.
        has_aux: whether ``fn`` returns ``(loss, aux)``; the value is then ``(loss, aux)``.

    Example:
        >>> v = lamina.Variable([1.0, 2.0])
        >>> loss, grads = ops.value_and_grad(lambda: ops.sum(v * v), [v])
        >>> float(loss), ops.convert_to_numpy(grads[0]).tolist()
        (5.0, [2.0, 4.0])
    """
    return backend.value_and_grad(fn, variables, has_aux=has_aux)


# -- structural ops ---------------------------------------------------------------------
def _core_ops():
    return backend.core_ops


@symbolic
def slice(inputs, start_indices, shape):
    """The window of size ``shape`` starting at ``start_indices`` (starts may be tensors).

    Starts are clamped so the window stays inside ``inputs``, as in ``lax.dynamic_slice``.

    Args:
        inputs: input tensor.
        start_indices: one start per axis (ints or scalar tensors).
        shape: the window size per axis.

    Example:
        >>> ops.convert_to_numpy(ops.slice(ops.arange(10), [2], [3]))
        array([2, 3, 4], dtype=int32)
    """
    return _core_ops().slice(inputs, start_indices, shape)


@symbolic
def slice_update(inputs, start_indices, updates):
    """``inputs`` with the window at ``start_indices`` replaced by ``updates`` (a new tensor).

    Args:
        inputs: input tensor.
        start_indices: one start per axis (ints or scalar tensors).
        updates: tensor written at ``start_indices``; same rank as ``inputs``.

    Example:
        >>> ops.convert_to_numpy(ops.slice_update(ops.zeros((4,)), [1], ops.ones((2,))))
        array([0., 1., 1., 0.], dtype=float32)
    """
    return _core_ops().slice_update(inputs, start_indices, updates)


@symbolic
def scatter(indices, values, shape):
    """A zero tensor of ``shape`` with ``values`` added at ``indices`` (duplicates sum).

    Args:
        indices: ``(n, k)`` integer coordinates into the first ``k`` axes.
        values: ``(n, *shape[k:])``.
        shape: the output shape.

    Example:
        >>> ops.convert_to_numpy(ops.scatter([[0], [2], [0]], [1.0, 2.0, 3.0], (3,)))
        array([4., 0., 2.], dtype=float32)
    """
    return _core_ops().scatter(indices, values, shape)


@symbolic
def scatter_update(inputs, indices, updates):
    """``inputs`` with the entries at ``indices`` set to ``updates`` (a new tensor).

    Args:
        inputs: input tensor.
        indices: ``(n, k)`` integer coordinates into the first ``k`` axes of ``inputs``.
        updates: ``(n, *inputs.shape[k:])`` new values.

    Example:
        >>> ops.convert_to_numpy(ops.scatter_update(ops.zeros((2, 2)), [[0, 1]], [5.0]))
        array([[0., 5.],
               [0., 0.]], dtype=float32)
    """
    return _core_ops().scatter_update(inputs, indices, updates)


def map(f, xs):
    """Applies ``f`` to each slice of ``xs`` along the leading axis and stacks the results.

    Args:
        f: function applied to each slice.
        xs: tensor (or nest of tensors) mapped over its leading axis.

    Example:
        >>> ops.convert_to_numpy(ops.map(lambda row: ops.sum(row), ops.ones((3, 2))))
        array([2., 2., 2.], dtype=float32)
    """
    return _core_ops().map(f, xs)


def switch(index, branches, *operands):
    """Calls ``branches[index](*operands)``; ``index`` is clamped to the valid range.

    Args:
        index: integer scalar choosing the branch.
        branches: list of functions taking ``*operands``.

    Example:
        >>> ops.convert_to_numpy(ops.switch(1, [lambda x: x + 1, lambda x: x * 2], ops.ones((2,))))
        array([2., 2.], dtype=float32)
    """
    return _core_ops().switch(index, branches, *operands)


def vectorized_map(function, elements):
    """Maps ``function`` over the leading axis of ``elements`` (vectorized on JAX).

    Args:
        function: function applied to each slice.
        elements: tensor (or nest of tensors) mapped over its leading axis.

    Example:
        >>> ops.shape(ops.vectorized_map(lambda v: v * 2, ops.ones((3, 2))))
        (3, 2)
    """
    return _core_ops().vectorized_map(function, elements)


def associative_scan(f, elems, reverse=False, axis=0):
    """Inclusive scan of an associative ``f`` over ``axis`` (parallel on JAX).

    Args:
        f: associative function ``(a, b) -> c`` combining two slices.
        elems: tensor (or nest of tensors) scanned along ``axis``.
        reverse: whether to scan from the end.
        axis: the axis to scan along.

    Example:
        >>> ops.convert_to_numpy(ops.associative_scan(lambda a, b: a + b, ops.arange(4)))
        array([0, 1, 3, 6], dtype=int32)
    """
    return _core_ops().associative_scan(f, elems, reverse=reverse, axis=axis)


@symbolic
def saturate_cast(x, dtype):
    """Casts ``x`` to ``dtype``, clipping values to the target's range first.

    Args:
        x: input tensor.
        dtype: the target dtype.

    Example:
        >>> ops.convert_to_numpy(ops.saturate_cast(ops.convert_to_tensor([-5.0, 300.0]), "uint8"))
        array([  0, 255], dtype=uint8)
    """
    import numpy as np

    dtype = backend.standardize_dtype(dtype)
    x = backend.convert_to_tensor(x)
    source = backend.standardize_dtype(x.dtype)
    if dtype in backend.dtypes.INT_TYPES:
        info = np.iinfo(dtype)
        lo, hi = info.min, info.max
        if backend.is_float_dtype(source):
            # Bounds representable in float32 that do not round past the integer range.
            lo_f, hi_f = np.float32(lo), np.float32(hi)
            lo = float(np.nextafter(lo_f, np.float32(0)) if lo_f < lo else lo_f)
            hi = float(np.nextafter(hi_f, np.float32(0)) if hi_f > hi else hi_f)
        elif source in backend.dtypes.INT_TYPES:
            src = np.iinfo(source)
            lo, hi = max(lo, src.min), min(hi, src.max)
        x = backend.numpy.clip(x, lo, hi)
    elif dtype in backend.dtypes.FLOAT_TYPES and backend.is_float_dtype(source):
        info = np.finfo(dtype if dtype != "bfloat16" else "float32")
        x = backend.numpy.clip(x, float(info.min), float(info.max))
    return backend.cast(x, dtype)


def unstack(x, num=None, axis=0):
    """Splits ``x`` along ``axis`` into a list of tensors without that axis.

    Args:
        x: input tensor.
        num: the length of ``axis`` (None: read from the shape).
        axis: the axis to split along.

    Example:
        >>> len(ops.unstack(ops.ones((3, 2))))
        3
    """
    from lamina.ops.numpy_shape import unstack as _unstack

    return _unstack(x, num=num, axis=axis)
