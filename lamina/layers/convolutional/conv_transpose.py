"""Conv1DTranspose, Conv2DTranspose, Conv3DTranspose: learned upsampling."""

from lamina import ops
from lamina.backend import _conv_utils as _cu
from lamina.layers.convolutional.base_conv import BaseConv


class BaseConvTranspose(BaseConv):
    """Transposed convolution; kernel ``(*kernel_size, filters, channels)`` as in Keras."""

    def __init__(self, filters, kernel_size, strides=1, padding="valid", output_padding=None, data_format=None,
                 dilation_rate=1, activation=None, use_bias=True, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, kernel_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(filters, kernel_size, strides=strides, padding=padding, data_format=data_format,
                         dilation_rate=dilation_rate, activation=activation, use_bias=use_bias,
                         kernel_initializer=kernel_initializer, bias_initializer=bias_initializer,
                         kernel_regularizer=kernel_regularizer, bias_regularizer=bias_regularizer,
                         activity_regularizer=activity_regularizer, kernel_constraint=kernel_constraint,
                         bias_constraint=bias_constraint, **kwargs)
        if output_padding is not None:
            output_padding = _cu.tuplify_optional(output_padding, self.rank)
            if len(output_padding) != self.rank or any(
                    not isinstance(p, int) or p < 0 or p >= s for p, s in zip(output_padding, self.strides)):
                raise ValueError(
                    f"{type(self).__name__}: `output_padding` must be {self.rank} non-negative ints, each smaller "
                    f"than the stride. Received: output_padding={output_padding}, strides={self.strides}"
                )
        self.output_padding = output_padding

    def _kernel_shape(self, channels):
        return self.kernel_size + (self.filters, channels)

    def _convolve(self, inputs):
        return ops.conv_transpose(inputs, self.kernel, self.strides, self.padding, self.output_padding,
                                  self.data_format, self.dilation_rate)

    def _spatial_output(self, spatial):
        pads = _cu.tuplify_optional(self.output_padding, self.rank)
        return tuple(_cu.transpose_output_length(n, k, self.padding, p, s, d) for n, k, p, s, d in
                     zip(spatial, self.kernel_size, pads, self.strides, self.dilation_rate))

    def get_config(self):
        config = super().get_config()
        config.pop("groups")
        config["output_padding"] = self.output_padding
        return config


class Conv1DTranspose(BaseConvTranspose):
    """1-D transposed convolution.

    Args:
        filters, kernel_size, strides, padding (``"valid"``/``"same"``), data_format, dilation_rate,
        activation, use_bias, initializers, regularizers, constraints: as in ``Conv1D``.
        output_padding: int or tuple, extra length on the far side (each smaller than the stride).

    Example:
        >>> ops.shape(lamina.layers.Conv1DTranspose(2, 3, strides=2, padding="same")(lamina.ops.ones((1, 5, 3))))
        (1, 10, 2)
    """

    rank = 1


class Conv2DTranspose(BaseConvTranspose):
    """2-D transposed convolution ("deconvolution"), e.g. to upsample feature maps.

    Args: as ``Conv1DTranspose`` with tuples of 2 ints.

    Example:
        >>> ops.shape(lamina.layers.Conv2DTranspose(4, 3, strides=2, padding="same")(lamina.ops.ones((1, 7, 7, 8))))
        (1, 14, 14, 4)
    """

    rank = 2


class Conv3DTranspose(BaseConvTranspose):
    """3-D transposed convolution.

    Args: as ``Conv1DTranspose`` with tuples of 3 ints.

    Example:
        >>> ops.shape(lamina.layers.Conv3DTranspose(1, 2, strides=2)(lamina.ops.ones((1, 2, 2, 2, 3))))
        (1, 4, 4, 4, 1)
    """

    rank = 3


Convolution1DTranspose = Conv1DTranspose
Convolution2DTranspose = Conv2DTranspose
Convolution3DTranspose = Conv3DTranspose
