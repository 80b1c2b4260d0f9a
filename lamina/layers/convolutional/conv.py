"""Conv1D, Conv2D, Conv3D: ``activation(conv(inputs, kernel) + bias)``."""

from lamina.layers.convolutional.base_conv import BaseForwardConv


class Conv1D(BaseForwardConv):
    """1-D convolution over ``(batch, steps, channels)`` (or channels first).

    Args:
        filters: number of output channels.
        kernel_size: int or tuple of 1 int.
        strides / dilation_rate: int or tuple (strides > 1 and dilation > 1 cannot be combined).
        padding: ``"valid"``, ``"same"`` or ``"causal"`` (output at t sees inputs up to t only).
        data_format: ``"channels_last"`` (default) or ``"channels_first"``.
        groups: split the channels into this many independent convolutions.
        activation, use_bias, kernel_*/bias_* initializers, regularizers, constraints: as in Dense.

    Example:
        >>> ops.shape(lamina.layers.Conv1D(4, 3, padding="causal")(lamina.ops.ones((2, 10, 3))))
        (2, 10, 4)
    """

    rank = 1
    _allow_causal = True


class Conv2D(BaseForwardConv):
    """2-D convolution over images ``(batch, rows, cols, channels)`` (or channels first).

    Args:
        filters: number of output channels.
        kernel_size: int or tuple of 2 ints.
        strides / dilation_rate: int or tuple of 2 ints.
        padding: ``"valid"`` or ``"same"``.
        data_format: ``"channels_last"`` (default) or ``"channels_first"``.
        groups: split the channels into this many independent convolutions.
        activation, use_bias, kernel_*/bias_* initializers, regularizers, constraints: as in Dense.

    Example:
        >>> ops.shape(lamina.layers.Conv2D(8, 3, padding="same")(lamina.ops.ones((2, 28, 28, 1))))
        (2, 28, 28, 8)
    """

    rank = 2


class Conv3D(BaseForwardConv):
    """3-D convolution over volumes ``(batch, d1, d2, d3, channels)`` (or channels first).

    Args: as ``Conv2D``, with tuples of 3 ints.

    Example:
        >>> ops.shape(lamina.layers.Conv3D(2, 3)(lamina.ops.ones((1, 5, 5, 5, 1))))
        (1, 3, 3, 3, 2)
    """

    rank = 3


Convolution1D = Conv1D
Convolution2D = Conv2D
Convolution3D = Conv3D
