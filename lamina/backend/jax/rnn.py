"""JAX: the time loop of recurrent layers, as one ``jax.lax.scan``.

``rnn`` runs any step function (a cell) over the time axis; masked steps carry the
previous states and output forward, as Keras does.
"""

import contextlib

import jax
import jax.numpy as jnp

from lamina.backend.common import tree
from lamina.backend.common.stateless_scope import StatelessScope, in_stateless_scope


def _time_major(x):
    return jnp.moveaxis(x, 1, 0)


def _batch_major(x):
    return jnp.moveaxis(x, 0, 1)


def _broadcast_keep(keep, like):
    return jnp.reshape(keep, keep.shape + (1,) * (like.ndim - keep.ndim))


def _first_state(states):
    first = states[0]
    if tree.is_nested(first):  # stacked cells: the output is the last cell's first state
        first = tree.flatten(states[-1])[0]
    return first


def _initial_previous_output(out_spec, states):
    """The output a masked first step repeats: the first state when it has the output's shape."""
    first = _first_state(states)
    if not tree.is_nested(out_spec) and tuple(first.shape) == tuple(out_spec.shape):
        return first.astype(out_spec.dtype)
    return tree.map_structure(lambda s: jnp.zeros(s.shape, s.dtype), out_spec)


def rnn(step_function, inputs, initial_states, go_backwards=False, mask=None, unroll=False,
        zero_output_for_mask=False, return_all_outputs=True):
    """Runs ``output_t, states = step_function(inputs_t, states)`` over axis 1 of ``inputs``.

    Args:
        step_function: ``(inputs_t, states) -> (output_t, new_states)``; ``inputs_t`` has the
            structure of ``inputs`` with the time axis removed.
        inputs: a tensor ``(batch, time, ...)`` or a nested structure of them.
        initial_states: a list of state tensors (possibly nested).
        go_backwards: iterate from the last step to the first.
        mask: optional ``(batch, time)`` booleans; False steps keep the previous states and
            repeat the previous output (or give zeros when ``zero_output_for_mask``).
        unroll: unroll the loop in Python instead of a scan.
        return_all_outputs: when False only the last output is kept.

    Returns:
        ``(last_output, outputs, final_states)``; ``outputs`` is ``(batch, time, ...)`` in
        processing order (reversed when ``go_backwards``), or None when not requested.
    """
    xs = tree.map_structure(_time_major, inputs)
    if mask is not None:
        mask = _time_major(jnp.asarray(mask).astype(bool))
    states = list(initial_states)
    first_x = tree.map_structure(lambda x: x[0], xs)

    def step(states, x_t):
        out, new_states = step_function(x_t, states)
        if not tree.is_nested(new_states):
            new_states = [new_states]
        new_states = tree.pack_sequence_as(states, tree.flatten(new_states))
        new_states = tree.map_structure(lambda n, o: jnp.asarray(n).astype(o.dtype), new_states, states)
        return out, new_states

    if in_stateless_scope():
        scope = contextlib.nullcontext()
    else:
        # Tracing must not apply variable assignments made by a cell: that would leak tracers.
        scope = StatelessScope()
    with scope:
        out_spec = jax.eval_shape(lambda x, s: step(s, x)[0], first_x, states)

        def body(carry, inp):
            states, prev = carry
            if mask is None:
                out, new_states = step(states, inp)
                return (new_states, out), (out if return_all_outputs else None)
            x_t, keep = inp
            out, new_states = step(states, x_t)
            new_states = tree.map_structure(
                lambda n, o: jnp.where(_broadcast_keep(keep, n), n, o), new_states, states)
            if zero_output_for_mask:
                out = tree.map_structure(lambda o: jnp.where(_broadcast_keep(keep, o), o, jnp.zeros_like(o)), out)
            else:
                out = tree.map_structure(lambda o, p: jnp.where(_broadcast_keep(keep, o), o, p), out, prev)
            return (new_states, out), (out if return_all_outputs else None)

        prev = _initial_previous_output(out_spec, states)
        scan_xs = xs if mask is None else (xs, mask)
        if unroll:
            n = tree.flatten(xs)[0].shape[0]
            order = range(n - 1, -1, -1) if go_backwards else range(n)
            carry, ys = (states, prev), []
            for t in order:
                carry, y = body(carry, tree.map_structure(lambda a: a[t], scan_xs))
                ys.append(y)
            if return_all_outputs:
                ys = tree.map_structure(lambda *leaves: jnp.stack(leaves), *ys)
            (final_states, last), outputs = carry, (ys if return_all_outputs else None)
        else:
            (final_states, last), outputs = jax.lax.scan(body, (states, prev), scan_xs, reverse=go_backwards)
            if go_backwards and return_all_outputs:
                outputs = tree.map_structure(lambda o: jnp.flip(o, 0), outputs)
    if return_all_outputs:
        outputs = tree.map_structure(_batch_major, outputs)
    else:
        outputs = None
    return last, outputs, final_states


def fused_lstm(inputs, initial_h, initial_c, mask, kernel, recurrent_kernel, bias, go_backwards,
               return_sequences, zero_output_for_mask=False):
    """A library LSTM kernel for the default configuration; JAX has none, so this returns None.

    The layer then runs its own ``lax.scan`` (with the input projection hoisted out of the
    loop), which XLA compiles into one fused loop.
    """
    return None


def fused_gru(inputs, initial_h, mask, kernel, recurrent_kernel, bias, go_backwards, return_sequences,
              zero_output_for_mask=False):
    """A library GRU kernel (reset_after=True); JAX has none, so this returns None."""
    return None
