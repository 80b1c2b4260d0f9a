"""JAX implementations of ``lamina.ops.nn``."""

import jax
import jax.numpy as jnp
import numpy as np

from lamina.backend.common import ctc_beam
from lamina.backend.jax.core import convert_to_tensor, to_jax_dtype


def _float(x):
    x = convert_to_tensor(x)
    return x if jnp.issubdtype(x.dtype, jnp.floating) else x.astype(to_jax_dtype(None))


def relu(x):
    return jax.nn.relu(_float(x))


def relu6(x):
    return jax.nn.relu6(_float(x))


def sigmoid(x):
    return jax.nn.sigmoid(_float(x))


def tanh(x):
    return jnp.tanh(_float(x))


def softplus(x):
    return jax.nn.softplus(_float(x))


def softsign(x):
    return jax.nn.soft_sign(_float(x))


def silu(x):
    return jax.nn.silu(_float(x))


def gelu(x, approximate=True):
    return jax.nn.gelu(_float(x), approximate=approximate)


def elu(x, alpha=1.0):
    return jax.nn.elu(_float(x), alpha=alpha)


def selu(x):
    return jax.nn.selu(_float(x))


def leaky_relu(x, negative_slope=0.2):
    return jax.nn.leaky_relu(_float(x), negative_slope=negative_slope)


def hard_sigmoid(x):
    x = _float(x)
    return jnp.clip(x / 6.0 + 0.5, 0.0, 1.0)


def hard_silu(x):
    x = _float(x)
    return x * hard_sigmoid(x)


def softmax(x, axis=-1):
    return jax.nn.softmax(_float(x), axis=axis)


def log_softmax(x, axis=-1):
    return jax.nn.log_softmax(_float(x), axis=axis)


def one_hot(x, num_classes, axis=-1, dtype=None):
    return jax.nn.one_hot(convert_to_tensor(x), num_classes, axis=axis, dtype=to_jax_dtype(dtype))


# A finite stand-in for log(0): keeps logaddexp and its gradients free of inf - inf.
_LOG_ZERO = -1e30


def _logsumexp3(a, b, c):
    top = jnp.maximum(jnp.maximum(a, b), c)
    return top + jnp.log(jnp.exp(a - top) + jnp.exp(b - top) + jnp.exp(c - top))


def ctc_loss(target, output, target_length, output_length, mask_index=0):
    output = convert_to_tensor(output)
    output = output.astype(jnp.promote_types(output.dtype, jnp.float32))
    log_probs = jax.nn.log_softmax(output, axis=-1)
    target = convert_to_tensor(target).astype(jnp.int32)
    target_length = convert_to_tensor(target_length).astype(jnp.int32)
    output_length = convert_to_tensor(output_length).astype(jnp.int32)
    batch, max_time, num_classes = log_probs.shape
    num_states = 2 * target.shape[1] + 1

    # The extended sequence: blank, l1, blank, l2, ..., blank (states s = 0 .. 2L).
    labels = jnp.clip(target, 0, num_classes - 1)
    extended = jnp.full((batch, num_states), mask_index, jnp.int32).at[:, 1::2].set(labels)
    # Skipping the blank between two labels is allowed only when the labels differ.
    previous = jnp.pad(extended[:, :-2], ((0, 0), (2, 0)), constant_values=mask_index)
    can_skip = (extended != mask_index) & (extended != previous)

    emissions = jnp.take_along_axis(log_probs, extended[:, None, :], axis=2)  # (batch, time, states)
    log_zero = jnp.asarray(_LOG_ZERO, log_probs.dtype)

    def step(alpha, inputs):
        t, emit = inputs
        stay = alpha
        advance = jnp.pad(alpha[:, :-1], ((0, 0), (1, 0)), constant_values=_LOG_ZERO)
        skip = jnp.pad(alpha[:, :-2], ((0, 0), (2, 0)), constant_values=_LOG_ZERO)
        skip = jnp.where(can_skip, skip, log_zero)
        updated = _logsumexp3(stay, advance, skip) + emit
        return jnp.where((t < output_length)[:, None], updated, alpha), None

    # Before the first frame all mass sits on the leading blank; the first step then
    # reaches states 0 and 1 only, and a zero-length output keeps this start state.
    start = jnp.full((batch, num_states), log_zero).at[:, 0].set(0.0)
    times = jnp.arange(max_time)
    alpha, _ = jax.lax.scan(step, start, (times, jnp.moveaxis(emissions, 1, 0)))

    last = jnp.clip(2 * target_length, 0, num_states - 1)
    end_blank = jnp.take_along_axis(alpha, last[:, None], axis=1)[:, 0]
    end_label = jnp.take_along_axis(alpha, jnp.maximum(last - 1, 0)[:, None], axis=1)[:, 0]
    end_label = jnp.where(target_length > 0, end_label, log_zero)
    return -jnp.logaddexp(end_blank, end_label)


def ctc_beam_search_decode(inputs, sequence_lengths, beam_width, top_paths, mask_index):
    inputs = convert_to_tensor(inputs)
    inputs = inputs.astype(jnp.promote_types(inputs.dtype, jnp.float32))
    sequence_lengths = convert_to_tensor(sequence_lengths).astype(jnp.int32)
    batch, max_time, _ = inputs.shape
    result_shapes = (jax.ShapeDtypeStruct((top_paths, batch, max_time), jnp.int32),
                     jax.ShapeDtypeStruct((batch, top_paths), inputs.dtype))

    def on_host(x, lengths):
        labels, scores = ctc_beam.beam_search(np.asarray(x), np.asarray(lengths), beam_width, top_paths, mask_index)
        return labels, scores.astype(x.dtype)

    # A host callback, so the search also runs inside jax.jit.
    return jax.pure_callback(on_host, result_shapes, inputs, sequence_lengths, vmap_method="sequential")
