"""Torch implementations of the structural ``lamina.ops.core`` ops (slices, scatters, mapping)."""

import builtins

import torch

from lamina.backend.common import tree
from lamina.backend.torch.core import convert_to_tensor


def _int(v):
    return int(v.item()) if torch.is_tensor(v) else int(v)


def slice(inputs, start_indices, shape):
    x = convert_to_tensor(inputs)
    for axis, (start, size) in enumerate(zip(start_indices, shape)):
        # Like lax.dynamic_slice: starts are clamped so the window fits.
        start = builtins.min(builtins.max(_int(start), 0), x.shape[axis] - size)
        x = x.narrow(axis, start, size)
    return x


def slice_update(inputs, start_indices, updates):
    inputs = convert_to_tensor(inputs)
    updates = convert_to_tensor(updates).to(inputs.dtype)
    key = []
    for axis, (start, size) in enumerate(zip(start_indices, updates.shape)):
        start = builtins.min(builtins.max(_int(start), 0), inputs.shape[axis] - size)
        key.append(builtins.slice(start, start + size))
    out = inputs.clone()
    out[tuple(key)] = updates
    return out


def _index_tuple(indices):
    indices = convert_to_tensor(indices).to(torch.int64)
    return tuple(torch.movedim(indices, -1, 0))


def scatter(indices, values, shape):
    values = convert_to_tensor(values)
    out = torch.zeros(tuple(shape), dtype=values.dtype)
    return out.index_put(_index_tuple(indices), values, accumulate=True)


def scatter_update(inputs, indices, updates):
    inputs = convert_to_tensor(inputs)
    return inputs.index_put(_index_tuple(indices), convert_to_tensor(updates).to(inputs.dtype))


def _stack_outputs(outputs):
    return tree.map_structure(lambda *leaves: torch.stack([convert_to_tensor(v) for v in leaves]), *outputs)


def map(f, xs):
    flat = tree.flatten(xs)
    n = flat[0].shape[0]
    return _stack_outputs([f(tree.pack_sequence_as(xs, [x[i] for x in flat])) for i in range(n)])


def switch(index, branches, *operands):
    index = builtins.min(builtins.max(_int(index), 0), len(branches) - 1)
    return branches[index](*operands)


def vectorized_map(function, elements):
    return map(function, elements)


def associative_scan(f, elems, reverse=False, axis=0):
    flat = [convert_to_tensor(e) for e in tree.flatten(elems)]
    n = flat[0].shape[axis]
    order = range(n - 1, -1, -1) if reverse else range(n)
    carry, outs = None, []
    for i in order:
        item = tree.pack_sequence_as(elems, [x.select(axis, i) for x in flat])
        carry = item if carry is None else f(carry, item)
        outs.append(carry)
    if reverse:
        outs.reverse()
    return tree.map_structure(lambda *leaves: torch.stack(leaves, dim=axis), *outs)
