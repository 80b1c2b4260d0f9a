"""Torch implementations of ``lamina.ops.nn``."""

import torch
import torch.nn.functional as F

from lamina.backend.common import ctc_beam
from lamina.backend.torch.core import convert_to_tensor, to_torch_dtype


def _float(x):
    x = convert_to_tensor(x)
    return x if x.is_floating_point() else x.to(to_torch_dtype(None))


def relu(x):
    return F.relu(_float(x))


def relu6(x):
    return F.relu6(_float(x))


def sigmoid(x):
    return torch.sigmoid(_float(x))


def tanh(x):
    return torch.tanh(_float(x))


def softplus(x):
    return F.softplus(_float(x))


def softsign(x):
    return F.softsign(_float(x))


def silu(x):
    return F.silu(_float(x))


def gelu(x, approximate=True):
    return F.gelu(_float(x), approximate="tanh" if approximate else "none")


def elu(x, alpha=1.0):
    return F.elu(_float(x), alpha=alpha)


def selu(x):
    return F.selu(_float(x))


def leaky_relu(x, negative_slope=0.2):
    return F.leaky_relu(_float(x), negative_slope=negative_slope)


def hard_sigmoid(x):
    return torch.clamp(_float(x) / 6.0 + 0.5, 0.0, 1.0)


def hard_silu(x):
    x = _float(x)
    return x * hard_sigmoid(x)


def softmax(x, axis=-1):
    x = _float(x)
    if isinstance(axis, (tuple, list)):
        m = torch.amax(x, dim=tuple(axis), keepdim=True)
        e = torch.exp(x - m)
        return e / torch.sum(e, dim=tuple(axis), keepdim=True)
    return torch.softmax(x, dim=axis)


def log_softmax(x, axis=-1):
    return torch.log_softmax(_float(x), dim=axis)


def one_hot(x, num_classes, axis=-1, dtype=None):
    x = convert_to_tensor(x).to(torch.int64)
    valid = (x >= 0) & (x < num_classes)
    out = F.one_hot(torch.where(valid, x, torch.zeros_like(x)), num_classes) * valid.unsqueeze(-1)
    out = out.to(to_torch_dtype(dtype))
    if axis != -1:
        out = torch.movedim(out, -1, axis)
    return out


def ctc_loss(target, output, target_length, output_length, mask_index=0):
    output = convert_to_tensor(output)
    output = output.to(torch.promote_types(output.dtype, torch.float32))
    log_probs = torch.log_softmax(output, dim=-1).transpose(0, 1)  # (time, batch, classes)
    target = convert_to_tensor(target).to(torch.int64)
    target_length = convert_to_tensor(target_length).to(torch.int64)
    output_length = convert_to_tensor(output_length).to(torch.int64)
    return F.ctc_loss(log_probs, target, output_length, target_length, blank=mask_index, reduction="none")


def ctc_beam_search_decode(inputs, sequence_lengths, beam_width, top_paths, mask_index):
    inputs = convert_to_tensor(inputs)
    inputs = inputs.to(torch.promote_types(inputs.dtype, torch.float32))
    sequence_lengths = convert_to_tensor(sequence_lengths)
    labels, scores = ctc_beam.beam_search(inputs.detach().cpu().numpy(), sequence_lengths.detach().cpu().numpy(),
                                          beam_width, top_paths, mask_index)
    return (torch.as_tensor(labels, device=inputs.device),
            torch.as_tensor(scores, device=inputs.device).to(inputs.dtype))
