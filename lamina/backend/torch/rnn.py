"""PyTorch: the time loop of recurrent layers, and torch's fused LSTM/GRU kernels.

``rnn`` runs any step function (a cell) in a Python loop. ``fused_lstm`` / ``fused_gru``
run the default LSTM / GRU through ``torch._VF`` (the kernels behind ``torch.nn.LSTM``),
with the weights converted from Keras's layout on the fly so gradients reach the
layer's own variables.
"""

import torch

from lamina.backend.common import tree


def _keep_like(keep, like):
    return keep.reshape(keep.shape + (1,) * (like.dim() - keep.dim()))


def _first_state(states):
    first = states[0]
    if tree.is_nested(first):
        first = tree.flatten(states[-1])[0]
    return first


def rnn(step_function, inputs, initial_states, go_backwards=False, mask=None, unroll=False,
        zero_output_for_mask=False, return_all_outputs=True):
    """Runs ``output_t, states = step_function(inputs_t, states)`` over axis 1 of ``inputs``.

    Same contract as the JAX version: returns ``(last_output, outputs, final_states)`` with
    ``outputs`` in processing order; masked steps keep the previous states and output.
    """
    flat_inputs = tree.flatten(inputs)
    n = int(flat_inputs[0].shape[1])
    states = list(initial_states)
    if mask is not None:
        mask = torch.as_tensor(mask).to(torch.bool)
    order = range(n - 1, -1, -1) if go_backwards else range(n)
    prev, outputs = None, []
    for t in order:
        x_t = tree.pack_sequence_as(inputs, [x[:, t] for x in flat_inputs])
        out, new_states = step_function(x_t, states)
        if not tree.is_nested(new_states):
            new_states = [new_states]
        new_states = tree.pack_sequence_as(states, tree.flatten(new_states))
        if mask is not None:
            keep = mask[:, t]
            new_states = tree.map_structure(
                lambda a, b: torch.where(_keep_like(keep, a), a, b.to(a.dtype)), new_states, states)
            if zero_output_for_mask:
                out = tree.map_structure(lambda o: torch.where(_keep_like(keep, o), o, torch.zeros_like(o)), out)
            else:
                if prev is None:
                    first = _first_state(states)
                    if not tree.is_nested(out) and tuple(first.shape) == tuple(out.shape):
                        prev = first.to(out.dtype)
                    else:
                        prev = tree.map_structure(torch.zeros_like, out)
                out = tree.map_structure(lambda o, p: torch.where(_keep_like(keep, o), o, p), out, prev)
            prev = out
        states = new_states
        if return_all_outputs:
            outputs.append(out)
        last = out
    if return_all_outputs:
        outputs = tree.map_structure(lambda *leaves: torch.stack(leaves, dim=1), *outputs)
    else:
        outputs = None
    return last, outputs, states


def _lengths_if_right_padded(mask):
    """Per-sample lengths when ``mask`` is True then False along time (and no length is 0)."""
    mask = torch.as_tensor(mask).to(torch.bool)
    lengths = mask.sum(dim=1)
    steps = torch.arange(mask.shape[1], device=mask.device)
    if bool((lengths == 0).any()) or not bool((mask == (steps[None, :] < lengths[:, None])).all()):
        return None
    return lengths


def _run_fused(kind, inputs, hx, params, has_biases, mask, go_backwards, return_sequences, state_count,
               zero_output_for_mask):
    x = inputs
    lengths = None
    if mask is not None:
        if go_backwards:
            return None
        lengths = _lengths_if_right_padded(mask)
        if lengths is None:
            return None
        if bool((lengths == x.shape[1]).all()):
            lengths = None
    if go_backwards:
        x = torch.flip(x, dims=(1,))
    fn = torch._VF.lstm if kind == "lstm" else torch._VF.gru
    if lengths is None:
        result = fn(x, hx, params, has_biases, 1, 0.0, False, False, True)
        outputs = result[0]
    else:
        packed = torch.nn.utils.rnn.pack_padded_sequence(x, lengths.cpu(), batch_first=True, enforce_sorted=False)
        hx_sorted = tuple(h.index_select(1, packed.sorted_indices) for h in hx) if kind == "lstm" else \
            hx.index_select(1, packed.sorted_indices)
        result = fn(packed.data, packed.batch_sizes, hx_sorted, params, has_biases, 1, 0.0, False, False)
        data = result[0]
        padded, _ = torch.nn.utils.rnn.pad_packed_sequence(
            torch.nn.utils.rnn.PackedSequence(data, packed.batch_sizes, packed.sorted_indices,
                                              packed.unsorted_indices),
            batch_first=True, total_length=x.shape[1])
        if zero_output_for_mask:
            outputs = padded
        else:  # Keras repeats the last valid output over padded steps.
            index = torch.minimum(torch.arange(x.shape[1], device=x.device)[None, :], (lengths - 1)[:, None])
            outputs = torch.gather(padded, 1, index[:, :, None].expand(-1, -1, padded.shape[2]))
        finals = [s.index_select(1, packed.unsorted_indices) for s in result[1:1 + state_count]]
        result = (outputs,) + tuple(finals)
    states = [s[0] for s in result[1:1 + state_count]]
    last = outputs[:, -1]
    return last, (outputs if return_sequences else None), states


def fused_lstm(inputs, initial_h, initial_c, mask, kernel, recurrent_kernel, bias, go_backwards,
               return_sequences, zero_output_for_mask=False):
    """LSTM with tanh/sigmoid through torch's kernel, or None where it does not apply.

    Keras's gate order (i, f, c, o) is torch's (i, f, g, o); torch wants ``(4u, in)`` weights
    and two biases, so the kernels are transposed and the recurrent bias is zero. Masks are
    supported when they are right-padded (lengths); otherwise None sends the caller to the
    step-by-step loop.
    """
    params = [kernel.t(), recurrent_kernel.t()]
    if bias is not None:
        params += [bias, torch.zeros_like(bias)]
    hx = (initial_h[None], initial_c[None])
    out = _run_fused("lstm", inputs, hx, params, bias is not None, mask, go_backwards, return_sequences, 2,
                     zero_output_for_mask)
    if out is None:
        return None
    last, outputs, (h, c) = out
    return last, outputs, [h, c]


def _gru_gates_to_torch(w, units):
    z, r, h = w[..., :units], w[..., units:2 * units], w[..., 2 * units:]
    return torch.cat([r, z, h], dim=-1)


def fused_gru(inputs, initial_h, mask, kernel, recurrent_kernel, bias, go_backwards, return_sequences,
              zero_output_for_mask=False):
    """GRU (``reset_after=True``, tanh/sigmoid) through torch's kernel, or None where it does not apply.

    Keras orders the gates (z, r, h), torch (r, z, n); torch's reset-after candidate
    ``tanh(W x + b + r * (U h + b_h))`` is Keras's ``reset_after=True`` formulation, with
    ``bias[0]`` as the input bias and ``bias[1]`` as the recurrent bias.
    """
    units = recurrent_kernel.shape[0]
    params = [_gru_gates_to_torch(kernel, units).t(), _gru_gates_to_torch(recurrent_kernel, units).t()]
    if bias is not None:
        params += [_gru_gates_to_torch(bias[0], units), _gru_gates_to_torch(bias[1], units)]
    out = _run_fused("gru", inputs, initial_h[None], params, bias is not None, mask, go_backwards,
                     return_sequences, 1, zero_output_for_mask)
    if out is None:
        return None
    last, outputs, (h,) = out
    return last, outputs, [h]
