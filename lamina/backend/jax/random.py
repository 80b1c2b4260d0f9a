"""JAX random ops; seeds come from ``draw_seed`` (int, SeedGenerator or None)."""

import jax
import jax.numpy as jnp

from lamina.backend.common.random_seed import draw_seed
from lamina.backend.jax.core import to_jax_dtype


def _key(seed):
    pair = jnp.asarray(draw_seed(seed), dtype=jnp.uint32)
    return jax.random.fold_in(jax.random.key(pair[0]), pair[1])


def normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    return jax.random.normal(_key(seed), tuple(shape), dtype=to_jax_dtype(dtype)) * stddev + mean


def uniform(shape, minval=0.0, maxval=1.0, dtype=None, seed=None):
    return jax.random.uniform(_key(seed), tuple(shape), dtype=to_jax_dtype(dtype), minval=minval, maxval=maxval)


def randint(shape, minval, maxval, dtype="int32", seed=None):
    return jax.random.randint(_key(seed), tuple(shape), minval, maxval, dtype=to_jax_dtype(dtype))


def truncated_normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    x = jax.random.truncated_normal(_key(seed), -2.0, 2.0, tuple(shape), dtype=to_jax_dtype(dtype))
    return x * stddev + mean


def dropout(inputs, rate, noise_shape=None, seed=None):
    inputs = jnp.asarray(inputs)
    shape = inputs.shape if noise_shape is None else tuple(
        inputs.shape[i] if d is None else d for i, d in enumerate(noise_shape))
    keep = jax.random.bernoulli(_key(seed), 1.0 - rate, shape)
    return jnp.where(jnp.broadcast_to(keep, inputs.shape), inputs / (1.0 - rate), jnp.zeros_like(inputs))


def shuffle(x, axis=0, seed=None):
    return jax.random.permutation(_key(seed), x, axis=axis, independent=False)


def categorical(logits, num_samples, dtype="int32", seed=None):
    logits = jnp.asarray(logits)
    out = jax.random.categorical(_key(seed), logits[..., None, :], axis=-1,
                                 shape=logits.shape[:-1] + (num_samples,))
    return out.astype(to_jax_dtype(dtype))


def gamma(shape, alpha, dtype=None, seed=None):
    return jax.random.gamma(_key(seed), alpha, tuple(shape), dtype=to_jax_dtype(dtype))


def binomial(shape, counts, probabilities, dtype=None, seed=None):
    return jax.random.binomial(_key(seed), counts, probabilities, tuple(shape), dtype=to_jax_dtype(dtype))


def beta(shape, alpha, beta, dtype=None, seed=None):
    return jax.random.beta(_key(seed), alpha, beta, tuple(shape), dtype=to_jax_dtype(dtype))
