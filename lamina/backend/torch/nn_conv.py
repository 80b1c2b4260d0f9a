"""Torch implementations of ``lamina.ops.nn_conv``: convolutions and pooling.

Kernels arrive in Keras layout and are permuted to torch's ``(out, in // groups, *spatial)``.
Torch computes channels-first; channels-last inputs are transposed in and out. Asymmetric
``"same"`` padding is applied with ``F.pad`` so results match Keras/TF exactly.
"""

import torch
import torch.nn.functional as F

from lamina.backend import _conv_utils as _cu
from lamina.backend.torch.core import convert_to_tensor, to_torch_dtype

_CONV = {1: F.conv1d, 2: F.conv2d, 3: F.conv3d}
_CONV_T = {1: F.conv_transpose1d, 2: F.conv_transpose2d, 3: F.conv_transpose3d}
_MAX_POOL = {1: F.max_pool1d, 2: F.max_pool2d, 3: F.max_pool3d}
_AVG_POOL = {1: F.avg_pool1d, 2: F.avg_pool2d, 3: F.avg_pool3d}


def _as_float(x):
    x = convert_to_tensor(x)
    return x if x.is_floating_point() or x.is_complex() else x.to(to_torch_dtype(None))


def _to_first(x, data_format):
    if data_format == "channels_last":
        return x.permute(0, x.ndim - 1, *range(1, x.ndim - 1))
    return x


def _from_first(x, data_format):
    if data_format == "channels_last":
        return x.permute(0, *range(2, x.ndim), 1)
    return x


def _pad_spatial(x, pads, value=0.0):
    """Pads the trailing spatial axes of a channels-first tensor by ``[(before, after), ...]``."""
    if all(p == (0, 0) for p in pads):
        return x
    flat = []
    for before, after in reversed(pads):
        flat.extend((before, after))
    return F.pad(x, flat, value=value)


def _torch_kernel(kernel):
    rank = kernel.ndim - 2
    return kernel.permute(rank + 1, rank, *range(rank))


def _prepare(inputs, strides, dilation_rate, data_format):
    inputs = _as_float(inputs)
    rank = inputs.ndim - 2
    data_format = _cu.standardize_format(data_format)
    strides = _cu.tuplify(strides, rank, "strides")
    dilation = _cu.tuplify(dilation_rate, rank, "dilation_rate")
    return _to_first(inputs, data_format), rank, data_format, strides, dilation


def _conv_first(x, kernel, strides, padding, dilation, rank):
    """Convolution of a channels-first tensor with a Keras-layout kernel."""
    groups = x.shape[1] // kernel.shape[-2]
    pads = _cu.conv_pads(tuple(x.shape[2:]), tuple(kernel.shape[:-2]), strides, dilation, padding)
    x = _pad_spatial(x, pads)
    return _CONV[rank](x, _torch_kernel(kernel).to(x.dtype), None, strides, 0, dilation, groups)


def conv(inputs, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1):
    x, rank, data_format, strides, dilation = _prepare(inputs, strides, dilation_rate, data_format)
    y = _conv_first(x, convert_to_tensor(kernel), strides, padding, dilation, rank)
    return _from_first(y, data_format)


def _depthwise_as_conv(kernel):
    kernel = convert_to_tensor(kernel)
    spatial, in_channels, multiplier = tuple(kernel.shape[:-2]), kernel.shape[-2], kernel.shape[-1]
    return kernel.reshape(spatial + (1, in_channels * multiplier))


def depthwise_conv(inputs, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1):
    return conv(inputs, _depthwise_as_conv(kernel), strides, padding, data_format, dilation_rate)


def separable_conv(inputs, depthwise_kernel, pointwise_kernel, strides=1, padding="valid", data_format=None,
                   dilation_rate=1):
    x, rank, data_format, strides, dilation = _prepare(inputs, strides, dilation_rate, data_format)
    x = _conv_first(x, _depthwise_as_conv(depthwise_kernel), strides, padding, dilation, rank)
    x = _conv_first(x, convert_to_tensor(pointwise_kernel), (1,) * rank, "valid", (1,) * rank, rank)
    return _from_first(x, data_format)


def conv_transpose(inputs, kernel, strides=1, padding="valid", output_padding=None, data_format=None,
                   dilation_rate=1):
    x, rank, data_format, strides, dilation = _prepare(inputs, strides, dilation_rate, data_format)
    kernel = convert_to_tensor(kernel)
    out_pad = _cu.tuplify_optional(output_padding, rank)
    # Torch's padding-free transposed convolution gives the "full" result; crop or zero-extend it
    # to the Keras padding of each axis.
    weight = kernel.permute(rank + 1, rank, *range(rank)).to(x.dtype)
    y = _CONV_T[rank](x, weight, None, strides, 0, 0, 1, dilation)
    crops = []
    for k, s, d, op in zip(kernel.shape[:-2], strides, dilation, out_pad):
        before, after = _cu.transpose_pads(k, s, d, padding, op)
        full = (k - 1) * d
        crops.append((before - full, after - full))
    y = _crop_and_pad(y, crops)
    return _from_first(y, data_format)


def _crop_and_pad(y, adjust):
    index = [slice(None), slice(None)]
    pads = []
    for axis, (before, after) in enumerate(adjust):
        size = y.shape[2 + axis]
        start = -before if before < 0 else 0
        stop = size + after if after < 0 else size
        index.append(slice(start, stop))
        pads.append((max(before, 0), max(after, 0)))
    return _pad_spatial(y[tuple(index)], pads)


def _pool_setup(inputs, pool_size, strides, data_format, as_float):
    inputs = _as_float(inputs) if as_float else convert_to_tensor(inputs)
    rank = inputs.ndim - 2
    data_format = _cu.standardize_format(data_format)
    pool_size = _cu.tuplify(pool_size, rank, "pool_size")
    strides = pool_size if strides is None else _cu.tuplify(strides, rank, "strides")
    return _to_first(inputs, data_format), rank, data_format, pool_size, strides


def max_pool(inputs, pool_size, strides=None, padding="valid", data_format=None):
    x, rank, data_format, pool_size, strides = _pool_setup(inputs, pool_size, strides, data_format, False)
    pads = _cu.conv_pads(tuple(x.shape[2:]), pool_size, strides, (1,) * rank, padding)
    fill = float("-inf") if x.is_floating_point() else torch.iinfo(x.dtype).min
    x = _pad_spatial(x, pads, value=fill)
    return _from_first(_MAX_POOL[rank](x, pool_size, strides), data_format)


def average_pool(inputs, pool_size, strides=None, padding="valid", data_format=None):
    x, rank, data_format, pool_size, strides = _pool_setup(inputs, pool_size, strides, data_format, True)
    pads = _cu.conv_pads(tuple(x.shape[2:]), pool_size, strides, (1,) * rank, padding)
    if all(p == (0, 0) for p in pads):
        return _from_first(_AVG_POOL[rank](x, pool_size, strides), data_format)
    # Padded positions do not count towards the average (Keras/TF semantics).
    total = _AVG_POOL[rank](_pad_spatial(x, pads), pool_size, strides)
    ones = torch.ones((1, 1) + tuple(x.shape[2:]), dtype=x.dtype, device=x.device)
    count = _AVG_POOL[rank](_pad_spatial(ones, pads), pool_size, strides)
    return _from_first(total / count, data_format)
