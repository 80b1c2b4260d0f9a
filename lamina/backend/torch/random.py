"""Torch random ops; each call seeds a private generator from ``draw_seed``."""

import numpy as np
import torch

from lamina.backend.common.random_seed import draw_seed
from lamina.backend.torch.core import convert_to_tensor, to_torch_dtype


def _generator(seed):
    pair = draw_seed(seed)
    if torch.is_tensor(pair):
        pair = pair.detach().cpu().numpy()
    pair = np.asarray(pair).astype("uint64")
    gen = torch.Generator()
    gen.manual_seed(int(pair[0]) * 1_000_003 + int(pair[1]))
    return gen


def normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    x = torch.randn(tuple(shape), generator=_generator(seed), dtype=torch.float32)
    return (x * stddev + mean).to(to_torch_dtype(dtype))


def uniform(shape, minval=0.0, maxval=1.0, dtype=None, seed=None):
    x = torch.rand(tuple(shape), generator=_generator(seed), dtype=torch.float32)
    return (x * (maxval - minval) + minval).to(to_torch_dtype(dtype))


def randint(shape, minval, maxval, dtype="int32", seed=None):
    x = torch.randint(int(minval), int(maxval), tuple(shape), generator=_generator(seed))
    return x.to(to_torch_dtype(dtype))


def truncated_normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    x = torch.empty(tuple(shape), dtype=torch.float32)
    torch.nn.init.trunc_normal_(x, mean=0.0, std=1.0, a=-2.0, b=2.0, generator=_generator(seed))
    return (x * stddev + mean).to(to_torch_dtype(dtype))


def dropout(inputs, rate, noise_shape=None, seed=None):
    inputs = convert_to_tensor(inputs)
    shape = inputs.shape if noise_shape is None else tuple(
        inputs.shape[i] if d is None else d for i, d in enumerate(noise_shape))
    keep = torch.rand(tuple(shape), generator=_generator(seed)) >= rate
    return torch.where(keep.to(inputs.device), inputs / (1.0 - rate), torch.zeros_like(inputs))


def shuffle(x, axis=0, seed=None):
    x = convert_to_tensor(x)
    perm = torch.randperm(x.shape[axis], generator=_generator(seed))
    return torch.index_select(x, axis, perm.to(x.device))


def categorical(logits, num_samples, dtype="int32", seed=None):
    logits = convert_to_tensor(logits)
    probs = torch.softmax(logits, dim=-1)
    out = torch.multinomial(probs, num_samples, replacement=True, generator=_generator(seed))
    return out.to(to_torch_dtype(dtype))


def gamma(shape, alpha, dtype=None, seed=None):
    torch.manual_seed(int(np.asarray(draw_seed(seed))[0]))
    dist = torch.distributions.Gamma(torch.as_tensor(float(alpha)), torch.as_tensor(1.0))
    return dist.sample(tuple(shape)).to(to_torch_dtype(dtype))


def binomial(shape, counts, probabilities, dtype=None, seed=None):
    torch.manual_seed(int(np.asarray(draw_seed(seed))[0]))
    dist = torch.distributions.Binomial(torch.as_tensor(float(counts)), torch.as_tensor(float(probabilities)))
    return dist.sample(tuple(shape)).to(to_torch_dtype(dtype))


def beta(shape, alpha, beta, dtype=None, seed=None):
    torch.manual_seed(int(np.asarray(draw_seed(seed))[0]))
    dist = torch.distributions.Beta(torch.as_tensor(float(alpha)), torch.as_tensor(float(beta)))
    return dist.sample(tuple(shape)).to(to_torch_dtype(dtype))
