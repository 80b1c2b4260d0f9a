"""NumPy-like shape manipulation: move, flip, roll, repeat, split, stack, pad, diagonals.

Example:
    >>> from lamina import ops
    >>> ops.shape(ops.hstack([ops.ones((2, 1)), ops.zeros((2, 2))]))
    (2, 3)
"""

from lamina.backend import numpy as _np
from lamina.ops._dispatch import symbolic

__all__ = [
    "moveaxis", "swapaxes", "flip", "fliplr", "flipud", "rot90", "roll", "ravel", "repeat", "split",
    "array_split", "hsplit", "vsplit", "dsplit", "vstack", "hstack", "dstack", "column_stack", "row_stack",
    "append", "pad", "atleast_1d", "atleast_2d", "atleast_3d", "broadcast_shapes", "ndim", "diag",
    "diagonal", "diagflat", "tril", "triu", "insert", "delete", "unstack",
]


@symbolic
def moveaxis(x, source, destination):
    """Moves axes ``source`` to positions ``destination``.

    Args:
        x: input tensor.
        source: axis or axes to move.
        destination: their new positions (as many as ``source``).

    Example:
        >>> ops.shape(ops.moveaxis(ops.ones((2, 3, 4)), 0, -1))
        (3, 4, 2)
    """
    return _np.moveaxis(x, source, destination)


@symbolic
def swapaxes(x, axis1, axis2):
    """Exchanges two axes.

    Args:
        x: input tensor.
        axis1: first axis.
        axis2: second axis.

    Example:
        >>> ops.shape(ops.swapaxes(ops.ones((2, 3)), 0, 1))
        (3, 2)
    """
    return _np.swapaxes(x, axis1, axis2)


@symbolic
def flip(x, axis=None):
    """Reverses the order of elements along ``axis`` (every axis when None).

    Args:
        x: input tensor.
        axis: axis or axes to reverse; None reverses all.

    Example:
        >>> ops.convert_to_numpy(ops.flip(ops.arange(3)))
        array([2, 1, 0], dtype=int32)
    """
    return _np.flip(x, axis=axis)


def fliplr(x):
    """Reverses the second axis (columns).

    Args:
        x: input tensor of rank >= 2.

    Example:
        >>> ops.convert_to_numpy(ops.fliplr(ops.eye(2)))
        array([[0., 1.],
               [1., 0.]], dtype=float32)
    """
    return flip(x, axis=1)


def flipud(x):
    """Reverses the first axis (rows).

    Args:
        x: input tensor of rank >= 1.

    Example:
        >>> ops.convert_to_numpy(ops.flipud(ops.eye(2)))
        array([[0., 1.],
               [1., 0.]], dtype=float32)
    """
    return flip(x, axis=0)


@symbolic
def rot90(array, k=1, axes=(0, 1)):
    """Rotates ``array`` by 90 degrees ``k`` times in the plane of ``axes``.

    Args:
        array: input tensor of rank >= 2.
        k: number of quarter turns (negative turns clockwise).
        axes: the two axes that span the plane of rotation.

    Example:
        >>> ops.shape(ops.rot90(ops.ones((2, 3))))
        (3, 2)
    """
    return _np.rot90(array, k=k, axes=axes)


@symbolic
def roll(x, shift, axis=None):
    """Rolls elements by ``shift`` along ``axis`` (over the flattened tensor when None).

    Args:
        x: input tensor.
        shift: number of places to shift (an int, or one per axis in ``axis``).
        axis: axis or axes to roll along; None rolls the flattened tensor and restores the shape.

    Example:
        >>> ops.convert_to_numpy(ops.roll(ops.arange(4), 1))
        array([3, 0, 1, 2], dtype=int32)
    """
    return _np.roll(x, shift, axis=axis)


@symbolic
def ravel(x):
    """Flattens ``x`` to 1-D.

    Args:
        x: input tensor.

    Example:
        >>> ops.shape(ops.ravel(ops.ones((2, 3))))
        (6,)
    """
    return _np.ravel(x)


@symbolic
def repeat(x, repeats, axis=None):
    """Repeats each element ``repeats`` times along ``axis`` (flattened when None).

    Args:
        x: input.
        repeats: an int, or one count per element along ``axis``.
        axis: the axis repeated along.

    Example:
        >>> ops.convert_to_numpy(ops.repeat(ops.arange(2), 2))
        array([0, 0, 1, 1], dtype=int32)
    """
    return _np.repeat(x, repeats, axis=axis)


@symbolic
def split(x, indices_or_sections, axis=0):
    """Splits into equal sections (an int) or at the given indices; returns a list.

    Args:
        x: input tensor.
        indices_or_sections: an int N (N equal sections) or a list of split indices.
        axis: the axis split along.

    Example:
        >>> [ops.shape(t) for t in ops.split(ops.ones((4, 2)), 2)]
        [(2, 2), (2, 2)]
    """
    return _np.split(x, indices_or_sections, axis=axis)


@symbolic
def array_split(x, indices_or_sections, axis=0):
    """Like ``split`` but allows sections of unequal size.

    Args:
        x: input tensor.
        indices_or_sections: an int N (N sections, the first ones one longer when uneven) or a list
            of split indices.
        axis: the axis split along.

    Example:
        >>> [t.shape[0] for t in ops.array_split(ops.ones((5,)), 2)]
        [3, 2]
    """
    return _np.array_split(x, indices_or_sections, axis=axis)


def hsplit(x, indices_or_sections):
    """Splits along the second axis (the first for 1-D tensors).

    Args:
        x: input tensor.
        indices_or_sections: an int N (N equal sections) or a list of split indices.

    Example:
        >>> len(ops.hsplit(ops.ones((2, 4)), 2))
        2
    """
    return split(x, indices_or_sections, axis=1 if len(x.shape) > 1 else 0)


def vsplit(x, indices_or_sections):
    """Splits along the first axis.

    Args:
        x: input tensor.
        indices_or_sections: an int N (N equal sections) or a list of split indices.

    Example:
        >>> len(ops.vsplit(ops.ones((4, 2)), 2))
        2
    """
    return split(x, indices_or_sections, axis=0)


def dsplit(x, indices_or_sections):
    """Splits along the third axis.

    Args:
        x: input tensor of rank >= 3.
        indices_or_sections: an int N (N equal sections) or a list of split indices.

    Example:
        >>> len(ops.dsplit(ops.ones((1, 1, 4)), 2))
        2
    """
    return split(x, indices_or_sections, axis=2)


def _at_least(x, ndim):
    from lamina.ops import core
    from lamina.ops import numpy as ops

    x = core.convert_to_tensor(x) if not hasattr(x, "shape") else x
    rank = len(x.shape)
    if rank >= ndim:
        return x
    if ndim == 1:
        return ops.reshape(x, (1,))
    if ndim == 2:
        return ops.reshape(x, (1, 1)) if rank == 0 else ops.expand_dims(x, 0)
    if rank == 0:
        return ops.reshape(x, (1, 1, 1))
    if rank == 1:
        return ops.expand_dims(ops.expand_dims(x, 0), -1)
    return ops.expand_dims(x, -1)


def atleast_1d(*xs):
    """Views each input with at least one axis (returns one tensor or a list).

    Args:
        *xs: tensors or scalars.

    Example:
        >>> ops.shape(ops.atleast_1d(1.0))
        (1,)
    """
    out = [_at_least(x, 1) for x in xs]
    return out[0] if len(out) == 1 else out


def atleast_2d(*xs):
    """Views each input with at least two axes (1-D becomes ``(1, n)``).

    Args:
        *xs: tensors or scalars.

    Example:
        >>> ops.shape(ops.atleast_2d(ops.ones((3,))))
        (1, 3)
    """
    out = [_at_least(x, 2) for x in xs]
    return out[0] if len(out) == 1 else out


def atleast_3d(*xs):
    """Views each input with at least three axes (1-D becomes ``(1, n, 1)``).

    Args:
        *xs: tensors or scalars.

    Example:
        >>> ops.shape(ops.atleast_3d(ops.ones((3,))))
        (1, 3, 1)
    """
    out = [_at_least(x, 3) for x in xs]
    return out[0] if len(out) == 1 else out


def vstack(xs):
    """Stacks tensors vertically (rows); 1-D tensors become rows.

    Args:
        xs: list of tensors whose shapes match except along the first axis.

    Example:
        >>> ops.shape(ops.vstack([ops.ones((3,)), ops.zeros((3,))]))
        (2, 3)
    """
    from lamina.ops import numpy as ops

    return ops.concatenate([_at_least(x, 2) for x in xs], axis=0)


row_stack = vstack


def hstack(xs):
    """Stacks tensors horizontally (columns; along the only axis of 1-D tensors).

    Args:
        xs: list of tensors whose shapes match except along the second axis (the first for 1-D).

    Example:
        >>> ops.shape(ops.hstack([ops.ones((2,)), ops.zeros((3,))]))
        (5,)
    """
    from lamina.ops import numpy as ops

    xs = [_at_least(x, 1) for x in xs]
    return ops.concatenate(xs, axis=0 if len(xs[0].shape) == 1 else 1)


def dstack(xs):
    """Stacks tensors along the third axis.

    Args:
        xs: list of tensors whose shapes match except along the third axis.

    Example:
        >>> ops.shape(ops.dstack([ops.ones((2, 2)), ops.ones((2, 2))]))
        (2, 2, 2)
    """
    from lamina.ops import numpy as ops

    return ops.concatenate([_at_least(x, 3) for x in xs], axis=2)


def column_stack(xs):
    """Stacks 1-D tensors as columns of a 2-D tensor (2-D tensors as they are).

    Args:
        xs: list of 1-D tensors of one length, or 2-D tensors with as many rows.

    Example:
        >>> ops.shape(ops.column_stack([ops.ones((3,)), ops.zeros((3,))]))
        (3, 2)
    """
    from lamina.ops import numpy as ops

    cols = [ops.reshape(x, (-1, 1)) if len(x.shape) == 1 else x for x in xs]
    return ops.concatenate(cols, axis=1)


def append(x1, x2, axis=None):
    """Appends ``x2`` to ``x1`` along ``axis`` (both flattened when None).

    Args:
        x1: tensor appended to.
        x2: values to append; shaped like ``x1`` except along ``axis`` when ``axis`` is given.
        axis: the axis to append along; None flattens both inputs first.

    Example:
        >>> ops.shape(ops.append(ops.ones((2,)), ops.zeros((1,))))
        (3,)
    """
    from lamina.ops import numpy as ops

    if axis is None:
        return ops.concatenate([ops.reshape(x1, (-1,)), ops.reshape(x2, (-1,))], axis=0)
    return ops.concatenate([x1, x2], axis=axis)


@symbolic
def pad(x, pad_width, mode="constant", constant_values=None):
    """Pads ``x``.

    Args:
        x: input.
        pad_width: ``((before, after),) * ndim``, one pair for all axes, or one int.
        mode: ``"constant"``, ``"edge"``, ``"reflect"``, ``"symmetric"`` or ``"wrap"``.
        constant_values: the fill value for ``"constant"`` (0 by default).

    Example:
        >>> ops.shape(ops.pad(ops.ones((2, 2)), ((1, 1), (0, 2))))
        (4, 4)
    """
    return _np.pad(x, pad_width, mode=mode, constant_values=constant_values)


def broadcast_shapes(*shapes):
    """The shape that ``shapes`` broadcast to (``None`` stays unknown).

    Args:
        *shapes: shape tuples (``None`` for an unknown dimension).

    Example:
        >>> ops.broadcast_shapes((2, 1), (3,))
        (2, 3)
    """
    rank = max(len(s) for s in shapes)
    out = []
    for i in range(rank):
        dims = [s[len(s) - rank + i] for s in shapes if len(s) - rank + i >= 0]
        known = {d for d in dims if d is not None and d != 1}
        if len(known) > 1:
            raise ValueError(f"broadcast_shapes: shapes {shapes} cannot be broadcast together.")
        if known:
            out.append(known.pop())
        elif None in dims:
            out.append(None)
        else:
            out.append(1)
    return tuple(out)


def ndim(x):
    """Number of axes of ``x``.

    Args:
        x: a tensor (or anything with a ``shape``).

    Example:
        >>> ops.ndim(ops.ones((2, 3)))
        2
    """
    return len(x.shape)


@symbolic
def diag(x, k=0):
    """The ``k``-th diagonal of a matrix, or a diagonal matrix from a vector.

    Args:
        x: a 1-D tensor (builds a matrix) or a 2-D tensor (extracts a diagonal).
        k: diagonal offset (positive: above the main diagonal).

    Example:
        >>> ops.shape(ops.diag(ops.ones((3,))))
        (3, 3)
    """
    return _np.diag(x, k=k)


@symbolic
def diagonal(x, offset=0, axis1=0, axis2=1):
    """Diagonals of the matrices in axes ``axis1``/``axis2``, as the last axis.

    Args:
        x: input tensor of rank >= 2.
        offset: diagonal offset (positive: above the main diagonal).
        axis1: first axis of the matrices.
        axis2: second axis of the matrices.

    Example:
        >>> ops.shape(ops.diagonal(ops.ones((2, 3, 3)), axis1=1, axis2=2))
        (2, 3)
    """
    return _np.diagonal(x, offset=offset, axis1=axis1, axis2=axis2)


@symbolic
def diagflat(x, k=0):
    """A 2-D matrix with the flattened ``x`` on diagonal ``k``.

    Args:
        x: input tensor (flattened first).
        k: diagonal offset (positive: above the main diagonal).

    Example:
        >>> ops.shape(ops.diagflat(ops.ones((2, 2))))
        (4, 4)
    """
    return _np.diagflat(x, k=k)


@symbolic
def tril(x, k=0):
    """Zeros the elements above diagonal ``k`` (in the last two axes).

    Args:
        x: input tensor of rank >= 2.
        k: the last diagonal kept (positive: above the main diagonal).

    Example:
        >>> ops.convert_to_numpy(ops.tril(ops.ones((3, 3))))
        array([[1., 0., 0.],
               [1., 1., 0.],
               [1., 1., 1.]], dtype=float32)
    """
    return _np.tril(x, k=k)


@symbolic
def triu(x, k=0):
    """Zeros the elements below diagonal ``k`` (in the last two axes).

    Args:
        x: input tensor of rank >= 2.
        k: the first diagonal kept (positive: above the main diagonal).

    Example:
        >>> ops.convert_to_numpy(ops.triu(ops.ones((3, 3)), k=1))
        array([[0., 1., 1.],
               [0., 0., 1.],
               [0., 0., 0.]], dtype=float32)
    """
    return _np.triu(x, k=k)


@symbolic
def insert(x, index, values, axis=None):
    """Inserts ``values`` before position(s) ``index`` along ``axis`` (flattened when None).

    Args:
        x: input tensor.
        index: position or positions before which to insert.
        values: values to insert, broadcast to the inserted slots.
        axis: the axis to insert along; None flattens ``x`` first.

    Example:
        >>> ops.convert_to_numpy(ops.insert(ops.arange(3), 1, 9))
        array([0, 9, 1, 2], dtype=int32)
    """
    return _np.insert(x, index, values, axis=axis)


@symbolic
def delete(x, index, axis=None):
    """Removes the entries at ``index`` along ``axis`` (flattened when None).

    Args:
        x: input tensor.
        index: position or positions to remove.
        axis: the axis to remove along; None flattens ``x`` first.

    Example:
        >>> ops.convert_to_numpy(ops.delete(ops.arange(4), [0, 2]))
        array([1, 3], dtype=int32)
    """
    return _np.delete(x, index, axis=axis)


def unstack(x, num=None, axis=0):
    """Splits ``x`` along ``axis`` into a list of tensors without that axis.

    Args:
        x: input tensor.
        num: number of tensors to return; needed when the size of ``axis`` is unknown.
        axis: the axis to unstack along.

    Example:
        >>> len(ops.unstack(ops.ones((3, 2))))
        3
    """
    from lamina.ops import numpy as ops

    size = x.shape[axis] if num is None else num
    if size is None:
        raise ValueError(f"unstack: the size of axis {axis} is unknown; pass `num`. Received: x.shape={x.shape}")
    axis = axis % len(x.shape)
    lead = (slice(None),) * axis
    return [ops.get_item(x, lead + (i,)) for i in range(size)]
