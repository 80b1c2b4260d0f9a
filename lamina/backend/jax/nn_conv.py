"""JAX implementations of ``lamina.ops.nn_conv``: convolutions and pooling.

Kernels are in Keras layout: ``(*spatial, in_channels // groups, out_channels)`` for
convolutions, ``(*spatial, out_channels, in_channels)`` for transposed convolutions and
``(*spatial, in_channels, depth_multiplier)`` for depthwise convolutions.
"""

import jax
import jax.numpy as jnp
import numpy as np

from lamina.backend import _conv_utils as _cu
from lamina.backend.jax.core import convert_to_tensor

_SPATIAL = "DHW"


def _dimension_numbers(rank, data_format):
    spatial = _SPATIAL[-rank:]
    io = "N" + spatial + "C" if data_format == "channels_last" else "NC" + spatial
    return jax.lax.ConvDimensionNumbers(*jax.lax.conv_dimension_numbers(
        (1,) * (rank + 2), (1,) * (rank + 2), (io, spatial + "IO", io)))


def _spatial_shape(x, rank, data_format):
    return tuple(x.shape[1:-1]) if data_format == "channels_last" else tuple(x.shape[2:])


def _as_float(x):
    x = convert_to_tensor(x)
    return x if jnp.issubdtype(x.dtype, jnp.inexact) else x.astype(jnp.float32)


def _conv_pads(x, kernel_spatial, strides, dilation, padding, data_format):
    rank = len(kernel_spatial)
    return _cu.conv_pads(_spatial_shape(x, rank, data_format), kernel_spatial, strides, dilation, padding)


def conv(inputs, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1):
    inputs, kernel = _as_float(inputs), convert_to_tensor(kernel)
    rank = inputs.ndim - 2
    data_format = _cu.standardize_format(data_format)
    strides, dilation = _cu.tuplify(strides, rank, "strides"), _cu.tuplify(dilation_rate, rank, "dilation_rate")
    channels = inputs.shape[-1] if data_format == "channels_last" else inputs.shape[1]
    groups = channels // kernel.shape[-2]
    pads = _conv_pads(inputs, kernel.shape[:-2], strides, dilation, padding, data_format)
    kernel = kernel.astype(inputs.dtype)
    return jax.lax.conv_general_dilated(
        inputs, kernel, strides, pads, rhs_dilation=dilation,
        dimension_numbers=_dimension_numbers(rank, data_format), feature_group_count=groups)


def depthwise_conv(inputs, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1):
    kernel = convert_to_tensor(kernel)
    spatial, in_channels, multiplier = kernel.shape[:-2], kernel.shape[-2], kernel.shape[-1]
    kernel = jnp.reshape(kernel, tuple(spatial) + (1, in_channels * multiplier))
    return conv(inputs, kernel, strides, padding, data_format, dilation_rate)


def separable_conv(inputs, depthwise_kernel, pointwise_kernel, strides=1, padding="valid", data_format=None,
                   dilation_rate=1):
    x = depthwise_conv(inputs, depthwise_kernel, strides, padding, data_format, dilation_rate)
    return conv(x, pointwise_kernel, 1, "valid", data_format, 1)


def conv_transpose(inputs, kernel, strides=1, padding="valid", output_padding=None, data_format=None,
                   dilation_rate=1):
    inputs, kernel = _as_float(inputs), convert_to_tensor(kernel)
    rank = inputs.ndim - 2
    data_format = _cu.standardize_format(data_format)
    strides, dilation = _cu.tuplify(strides, rank, "strides"), _cu.tuplify(dilation_rate, rank, "dilation_rate")
    out_pad = _cu.tuplify_optional(output_padding, rank)
    pads = [_cu.transpose_pads(k, s, d, padding, op)
            for k, s, d, op in zip(kernel.shape[:-2], strides, dilation, out_pad)]
    return jax.lax.conv_transpose(
        inputs, kernel.astype(inputs.dtype), strides, pads, rhs_dilation=dilation,
        dimension_numbers=_dimension_numbers(rank, data_format), transpose_kernel=True)


def _window(rank, pool_size, strides, data_format):
    if data_format == "channels_last":
        return (1,) + pool_size + (1,), (1,) + strides + (1,)
    return (1, 1) + pool_size, (1, 1) + strides


def _pool_pads(inputs, pool_size, strides, padding, data_format):
    rank = len(pool_size)
    pads = _conv_pads(inputs, pool_size, strides, (1,) * rank, padding, data_format)
    return [(0, 0)] + pads + [(0, 0)] if data_format == "channels_last" else [(0, 0), (0, 0)] + pads


def max_pool(inputs, pool_size, strides=None, padding="valid", data_format=None):
    inputs = convert_to_tensor(inputs)
    rank = inputs.ndim - 2
    data_format = _cu.standardize_format(data_format)
    pool_size = _cu.tuplify(pool_size, rank, "pool_size")
    strides = pool_size if strides is None else _cu.tuplify(strides, rank, "strides")
    window, step = _window(rank, pool_size, strides, data_format)
    pads = _pool_pads(inputs, pool_size, strides, padding, data_format)
    # A concrete NumPy init value lets JAX pick its differentiable max-pool reduction.
    if jnp.issubdtype(inputs.dtype, jnp.floating):
        init = np.array(-np.inf, inputs.dtype)
    else:
        init = np.array(np.iinfo(inputs.dtype).min, inputs.dtype)
    return jax.lax.reduce_window(inputs, init, jax.lax.max, window, step, pads)


def average_pool(inputs, pool_size, strides=None, padding="valid", data_format=None):
    inputs = _as_float(inputs)
    rank = inputs.ndim - 2
    data_format = _cu.standardize_format(data_format)
    pool_size = _cu.tuplify(pool_size, rank, "pool_size")
    strides = pool_size if strides is None else _cu.tuplify(strides, rank, "strides")
    window, step = _window(rank, pool_size, strides, data_format)
    pads = _pool_pads(inputs, pool_size, strides, padding, data_format)
    zero = np.array(0, inputs.dtype)
    total = jax.lax.reduce_window(inputs, zero, jax.lax.add, window, step, pads)
    if all(p == (0, 0) for p in pads):
        return total / jnp.array(float(_cu.prod(pool_size)), inputs.dtype)
    # Padded positions do not count towards the average (Keras/TF semantics).
    ones_shape = tuple(1 if i in (0,) else d for i, d in enumerate(inputs.shape))
    count = jax.lax.reduce_window(jnp.ones(ones_shape, inputs.dtype), zero, jax.lax.add, window, step, pads)
    return total / count
