"""``rearrange``: einops-style axis reordering, merging and splitting in one pattern string.

Example:
    >>> from lamina import ops
    >>> ops.shape(ops.rearrange(ops.ones((2, 4, 6, 3)), "b (h1 h) w c -> (b h1) h w c", h1=2))
    (4, 2, 6, 3)
"""

import math
import re

from lamina.ops import core as _core
from lamina.ops import numpy as _np
from lamina.ops._dispatch import symbolic

__all__ = ["rearrange"]

_TOKENS = re.compile(r"\(|\)|\w+|\S")


def _parse(side, text, pattern):
    """One side of a pattern -> a list of groups, each a list of axis names (``"(h w) c"`` -> [[h, w], [c]])."""
    groups, open_group = [], None
    for token in _TOKENS.findall(text):
        if token == "(":
            if open_group is not None:
                raise ValueError(f"ops.rearrange: nested parentheses in the {side} of pattern={pattern!r}")
            open_group = []
        elif token == ")":
            if open_group is None:
                raise ValueError(f"ops.rearrange: unbalanced ')' in the {side} of pattern={pattern!r}")
            groups.append(open_group)
            open_group = None
        elif re.fullmatch(r"\w+", token):
            if open_group is None:
                groups.append([token])
            else:
                open_group.append(token)
        else:
            raise ValueError(f"ops.rearrange: unexpected {token!r} in the {side} of pattern={pattern!r}; expected "
                             "axis names and parentheses")
    if open_group is not None:
        raise ValueError(f"ops.rearrange: unbalanced '(' in the {side} of pattern={pattern!r}")
    names = [n for g in groups for n in g]
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise ValueError(f"ops.rearrange: axes {repeated} appear twice in the {side} of pattern={pattern!r}")
    return groups


def _axis_lengths(groups, shape, axes_lengths, pattern):
    lengths = dict(axes_lengths)
    for group, dim in zip(groups, shape):
        unknown = [n for n in group if n not in lengths]
        known = math.prod(lengths[n] for n in group if n in lengths)
        if len(unknown) > 1:
            raise ValueError(f"ops.rearrange: cannot split an axis of length {dim} into {group}: give the lengths of "
                             f"all but one of {unknown} as keyword arguments. Received: pattern={pattern!r}")
        if unknown:
            if known == 0 or dim % known:
                raise ValueError(f"ops.rearrange: an axis of length {dim} does not split into {group} with "
                                 f"{ {n: lengths[n] for n in group if n in lengths} }. Received: pattern={pattern!r}")
            lengths[unknown[0]] = dim // known
        elif known != dim:
            raise ValueError(f"ops.rearrange: the axis {group} has length {dim}, but the given lengths multiply to "
                             f"{known}. Received: pattern={pattern!r}, axes_lengths={axes_lengths}")
    return lengths


@symbolic
def rearrange(tensor, pattern, **axes_lengths):
    """Reorders, merges and splits the axes of ``tensor`` as an einops pattern says.

    ``"b h w c -> b c h w"`` transposes, ``"b h w c -> b (h w c)"`` merges axes, and
    ``"b (h1 h) w c -> (b h1) h w c"`` with ``h1=2`` splits one; every axis name on the left
    must appear on the right.

    Args:
        tensor: input tensor.
        pattern: ``"<input axes> -> <output axes>"``; a parenthesized group is one axis made of several.
        **axes_lengths: lengths of axes that a split leaves undetermined (``h1=2``).

    Example:
        >>> ops.shape(ops.rearrange(ops.ones((2, 3, 4)), "b h w -> b (w h)"))
        (2, 12)
    """
    if not isinstance(pattern, str) or pattern.count("->") != 1:
        raise ValueError(f"ops.rearrange: `pattern` must be a string 'inputs -> outputs'. Received: pattern={pattern!r}")
    bad = {k: v for k, v in axes_lengths.items() if not isinstance(v, int) or isinstance(v, bool) or v < 1}
    if bad:
        raise ValueError(f"ops.rearrange: axis lengths must be positive ints. Received: {bad}")
    left, right = pattern.split("->")
    inputs, outputs = _parse("input", left, pattern), _parse("output", right, pattern)
    tensor = _core.convert_to_tensor(tensor)
    shape = tuple(tensor.shape)
    if len(inputs) != len(shape):
        raise ValueError(f"ops.rearrange: the input of pattern={pattern!r} names {len(inputs)} axes, but the tensor "
                         f"has {len(shape)}: shape={shape}")
    in_names = [n for g in inputs for n in g]
    out_names = [n for g in outputs for n in g]
    if set(in_names) != set(out_names):
        raise ValueError(f"ops.rearrange: both sides of pattern={pattern!r} must name the same axes. Only in the "
                         f"input: {sorted(set(in_names) - set(out_names))}; only in the output: "
                         f"{sorted(set(out_names) - set(in_names))}")
    unused = sorted(set(axes_lengths) - set(in_names))
    if unused:
        raise ValueError(f"ops.rearrange: axes_lengths names axes that are not in pattern={pattern!r}: {unused}")
    lengths = _axis_lengths(inputs, shape, axes_lengths, pattern)
    split_shape = tuple(lengths[n] for n in in_names)
    if split_shape != shape:
        tensor = _np.reshape(tensor, split_shape)
    order = [in_names.index(n) for n in out_names]
    if order != sorted(order):
        tensor = _np.transpose(tensor, order)
    out_shape = tuple(math.prod(lengths[n] for n in g) for g in outputs)
    return tensor if out_shape == tuple(tensor.shape) else _np.reshape(tensor, out_shape)
