"""Torch kernels for ops Keras 3 added beside its core families: segment min/prod, erfc, complex
numbers from parts, im2col/col2im (``unfold``/``fold``), ``cholesky_inverse`` and ``jvp``."""

import torch
import torch.nn.functional as F

from lamina.backend.torch.core import convert_to_tensor
from lamina.backend.torch.math import _float, _segments


def segment_min(data, segment_ids, num_segments=None, sorted=False):
    data = convert_to_tensor(data)
    if data.is_floating_point():
        fill = float("inf")
    elif data.dtype == torch.bool:
        fill = True
    else:
        fill = torch.iinfo(data.dtype).max
    return _segments(data, segment_ids, num_segments, "amin", fill)


def segment_prod(data, segment_ids, num_segments=None, sorted=False):
    return _segments(data, segment_ids, num_segments, "prod", 1)


def erfc(x):
    return torch.erfc(_float(x))


def complex_from_parts(real, imag):
    real, imag = _float(real), _float(imag)
    dtype = torch.promote_types(real.dtype, imag.dtype)
    return torch.complex(real.to(dtype), imag.to(dtype))


def unfold(x, kernel_size, dilation, padding, stride):
    return F.unfold(convert_to_tensor(x), kernel_size=kernel_size, dilation=dilation, padding=padding, stride=stride)


def fold(x, output_size, kernel_size, dilation, padding, stride):
    return F.fold(convert_to_tensor(x), output_size=output_size, kernel_size=kernel_size, dilation=dilation,
                  padding=padding, stride=stride)


def cholesky_inverse(x, upper=False):
    return torch.cholesky_inverse(_float(x), upper=upper)


def jvp(fun, primals, tangents, has_aux=False):
    primals = tuple(convert_to_tensor(p) for p in primals)
    tangents = tuple(convert_to_tensor(t) for t in tangents)
    return torch.func.jvp(fun, primals, tangents, has_aux=has_aux)
