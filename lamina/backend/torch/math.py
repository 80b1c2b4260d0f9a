"""Torch implementations of ``lamina.ops.math`` (segments, top-k, special functions, FFT)."""

import torch

from lamina.backend.torch.core import convert_to_tensor, to_torch_dtype


def _float(x):
    x = convert_to_tensor(x)
    return x if x.is_floating_point() else x.to(to_torch_dtype(None))


def _segments(data, segment_ids, num_segments, reduce, fill):
    data = convert_to_tensor(data)
    segment_ids = convert_to_tensor(segment_ids).to(torch.int64)
    n = int(segment_ids.max()) + 1 if num_segments is None else int(num_segments)
    valid = (segment_ids >= 0) & (segment_ids < n)
    data, segment_ids = data[valid], segment_ids[valid]
    out = torch.full((n,) + tuple(data.shape[1:]), fill, dtype=data.dtype)
    index = segment_ids.reshape((-1,) + (1,) * (data.ndim - 1)).expand(data.shape)
    return out.scatter_reduce(0, index, data, reduce=reduce, include_self=True)


def segment_sum(data, segment_ids, num_segments=None, sorted=False):
    return _segments(data, segment_ids, num_segments, "sum", 0)


def segment_max(data, segment_ids, num_segments=None, sorted=False):
    data = convert_to_tensor(data)
    if data.is_floating_point():
        fill = float("-inf")
    elif data.dtype == torch.bool:
        fill = False
    else:
        fill = torch.iinfo(data.dtype).min
    return _segments(data, segment_ids, num_segments, "amax", fill)


def top_k(x, k, sorted=True):
    values, indices = torch.topk(convert_to_tensor(x), k, dim=-1, largest=True, sorted=True)
    return values, indices.to(torch.int32)


def logsumexp(x, axis=None, keepdims=False):
    x = _float(x)
    dims = tuple(range(x.ndim)) if axis is None else (tuple(axis) if isinstance(axis, (list, tuple)) else axis)
    return torch.logsumexp(x, dim=dims, keepdim=keepdims)


def erf(x):
    return torch.erf(_float(x))


def erfinv(x):
    return torch.erfinv(_float(x))


def rsqrt(x):
    return torch.rsqrt(_float(x))


def _complex(x):
    real, imag = _float(x[0]), _float(x[1])
    return torch.complex(real, imag.to(real.dtype))


def fft(x):
    out = torch.fft.fft(_complex(x))
    return out.real, out.imag


def ifft(x):
    out = torch.fft.ifft(_complex(x))
    return out.real, out.imag


def fft2(x):
    out = torch.fft.fft2(_complex(x))
    return out.real, out.imag


def ifft2(x):
    out = torch.fft.ifft2(_complex(x))
    return out.real, out.imag


def rfft(x, fft_length=None):
    out = torch.fft.rfft(_float(x), n=fft_length)
    return out.real, out.imag


def irfft(x, fft_length=None):
    return torch.fft.irfft(_complex(x), n=fft_length)
