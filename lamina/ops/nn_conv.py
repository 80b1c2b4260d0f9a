"""Convolution and pooling ops, for 1-D, 2-D and 3-D inputs with a batch and a channel axis.

Kernels use Keras layout: ``(*spatial, in_channels // groups, filters)`` for ``conv``,
``(*spatial, filters, in_channels)`` for ``conv_transpose``, ``(*spatial, in_channels,
depth_multiplier)`` for ``depthwise_conv``. ``padding="same"`` pads like Keras/TF (the extra
position goes after), and ``average_pool`` does not count padded positions.
"""

from lamina import backend
from lamina.ops._dispatch import symbolic

__all__ = ["conv", "conv_transpose", "depthwise_conv", "separable_conv", "max_pool", "average_pool"]


def _impl():
    return backend.nn_conv


@symbolic
def conv(inputs, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1):
    """N-D convolution (N = rank of ``inputs`` - 2); grouped when ``kernel``'s input axis is smaller.

    Args:
        inputs: ``(batch, *spatial, channels)`` (or channels first).
        kernel: ``(*kernel_size, channels // groups, filters)``.
        strides: int or tuple of N ints, the step of the window along each spatial axis.
        padding: ``"valid"`` or ``"same"`` (``"causal"`` for 1-D: left padding only).
        data_format: ``"channels_last"`` (default from config) or ``"channels_first"``.
        dilation_rate: int or tuple of N ints, the spacing between kernel taps.

    Example:
        >>> ops.shape(ops.conv(ops.ones((1, 5, 5, 2)), ops.ones((3, 3, 2, 4)), padding="same"))
        (1, 5, 5, 4)
    """
    return _impl().conv(inputs, kernel, strides=strides, padding=padding, data_format=data_format,
                        dilation_rate=dilation_rate)


@symbolic
def depthwise_conv(inputs, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1):
    """Convolves each input channel with its own ``depth_multiplier`` filters.

    Args:
        inputs: ``(batch, *spatial, channels)`` (or channels first).
        kernel: ``(*kernel_size, channels, depth_multiplier)``.
        strides: int or tuple of N ints, the step of the window along each spatial axis.
        padding: ``"valid"`` or ``"same"``.
        data_format: ``"channels_last"`` (default from config) or ``"channels_first"``.
        dilation_rate: int or tuple of N ints, the spacing between kernel taps.

    Example:
        >>> ops.shape(ops.depthwise_conv(ops.ones((1, 5, 5, 2)), ops.ones((3, 3, 2, 2))))
        (1, 3, 3, 4)
    """
    return _impl().depthwise_conv(inputs, kernel, strides=strides, padding=padding, data_format=data_format,
                                  dilation_rate=dilation_rate)


@symbolic
def separable_conv(inputs, depthwise_kernel, pointwise_kernel, strides=1, padding="valid", data_format=None,
                   dilation_rate=1):
    """A depthwise convolution followed by a 1x1 convolution mixing channels.

    Args:
        inputs: ``(batch, *spatial, channels)`` (or channels first).
        depthwise_kernel: ``(*kernel_size, channels, depth_multiplier)``.
        pointwise_kernel: ``(1, ..., 1, channels * depth_multiplier, filters)``.
        strides: int or tuple of N ints, the step of the depthwise window.
        padding: ``"valid"`` or ``"same"``.
        data_format: ``"channels_last"`` (default from config) or ``"channels_first"``.
        dilation_rate: int or tuple of N ints, the spacing between depthwise kernel taps.

    Example:
        >>> ops.shape(ops.separable_conv(ops.ones((1, 5, 5, 2)), ops.ones((3, 3, 2, 1)), ops.ones((1, 1, 2, 3))))
        (1, 3, 3, 3)
    """
    return _impl().separable_conv(inputs, depthwise_kernel, pointwise_kernel, strides=strides, padding=padding,
                                  data_format=data_format, dilation_rate=dilation_rate)


@symbolic
def conv_transpose(inputs, kernel, strides=1, padding="valid", output_padding=None, data_format=None,
                   dilation_rate=1):
    """Transposed convolution (the gradient of ``conv``), used to upsample.

    Args:
        inputs: ``(batch, *spatial, channels)`` (or channels first).
        kernel: ``(*kernel_size, filters, channels)``.
        strides: int or tuple of N ints, the upsampling step along each spatial axis.
        padding: ``"valid"`` or ``"same"``.
        output_padding: int or tuple, extra size added on the far side of each spatial axis.
        data_format: ``"channels_last"`` (default from config) or ``"channels_first"``.
        dilation_rate: int or tuple of N ints, the spacing between kernel taps.

    Example:
        >>> ops.shape(ops.conv_transpose(ops.ones((1, 4, 4, 2)), ops.ones((3, 3, 5, 2)), strides=2, padding="same"))
        (1, 8, 8, 5)
    """
    return _impl().conv_transpose(inputs, kernel, strides=strides, padding=padding, output_padding=output_padding,
                                  data_format=data_format, dilation_rate=dilation_rate)


@symbolic
def max_pool(inputs, pool_size, strides=None, padding="valid", data_format=None):
    """Maximum over windows of ``pool_size`` (strides default to ``pool_size``).

    Args:
        inputs: ``(batch, *spatial, channels)`` (or channels first).
        pool_size: int or tuple of N ints, the window size.
        strides: int or tuple of N ints, the window step (None: ``pool_size``).
        padding: ``"valid"`` or ``"same"``.
        data_format: ``"channels_last"`` (default from config) or ``"channels_first"``.

    Example:
        >>> ops.shape(ops.max_pool(ops.ones((1, 4, 4, 1)), 2))
        (1, 2, 2, 1)
    """
    return _impl().max_pool(inputs, pool_size, strides=strides, padding=padding, data_format=data_format)


@symbolic
def average_pool(inputs, pool_size, strides=None, padding="valid", data_format=None):
    """Mean over windows of ``pool_size``; with ``"same"`` padding, padded positions are not counted.

    Args:
        inputs: ``(batch, *spatial, channels)`` (or channels first).
        pool_size: int or tuple of N ints, the window size.
        strides: int or tuple of N ints, the window step (None: ``pool_size``).
        padding: ``"valid"`` or ``"same"``.
        data_format: ``"channels_last"`` (default from config) or ``"channels_first"``.

    Example:
        >>> ops.shape(ops.average_pool(ops.ones((1, 5, 1)), 2, padding="same"))
        (1, 3, 1)
    """
    return _impl().average_pool(inputs, pool_size, strides=strides, padding=padding, data_format=data_format)
