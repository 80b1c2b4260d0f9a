"""JAX implementations of the structural ``lamina.ops.core`` ops (slices, scatters, mapping)."""

import jax
import jax.numpy as jnp

from lamina.backend.jax.core import convert_to_tensor


def slice(inputs, start_indices, shape):
    return jax.lax.dynamic_slice(convert_to_tensor(inputs), [convert_to_tensor(s) for s in start_indices],
                                 tuple(shape))


def slice_update(inputs, start_indices, updates):
    inputs = convert_to_tensor(inputs)
    return jax.lax.dynamic_update_slice(inputs, convert_to_tensor(updates).astype(inputs.dtype),
                                        [convert_to_tensor(s) for s in start_indices])


def _index_tuple(indices):
    indices = convert_to_tensor(indices)
    return tuple(jnp.moveaxis(indices, -1, 0))


def scatter(indices, values, shape):
    values = convert_to_tensor(values)
    return jnp.zeros(tuple(shape), values.dtype).at[_index_tuple(indices)].add(values)


def scatter_update(inputs, indices, updates):
    inputs = convert_to_tensor(inputs)
    return inputs.at[_index_tuple(indices)].set(convert_to_tensor(updates).astype(inputs.dtype))


def map(f, xs):
    return jax.lax.map(f, xs)


def switch(index, branches, *operands):
    return jax.lax.switch(jnp.clip(convert_to_tensor(index), 0, len(branches) - 1), branches, *operands)


def vectorized_map(function, elements):
    return jax.vmap(function)(elements)


def associative_scan(f, elems, reverse=False, axis=0):
    return jax.lax.associative_scan(f, elems, reverse=reverse, axis=axis)
