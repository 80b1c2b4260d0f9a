"""DepthwiseConv1D/2D and SeparableConv1D/2D."""

from lamina import constraints, initializers, ops, regularizers
from lamina.layers.convolutional.base_conv import BaseConv, check_rank_and_channels
from lamina.layers.input_spec import InputSpec


class BaseDepthwiseConv(BaseConv):
    """Each input channel convolved with ``depth_multiplier`` filters; kernel ``(*k, channels, multiplier)``."""

    def __init__(self, kernel_size, strides=1, padding="valid", depth_multiplier=1, data_format=None,
                 dilation_rate=1, activation=None, use_bias=True, depthwise_initializer="glorot_uniform",
                 bias_initializer="zeros", depthwise_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, depthwise_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(None, kernel_size, strides=strides, padding=padding, data_format=data_format,
                         dilation_rate=dilation_rate, activation=activation, use_bias=use_bias,
                         kernel_initializer=depthwise_initializer, bias_initializer=bias_initializer,
                         kernel_regularizer=depthwise_regularizer, bias_regularizer=bias_regularizer,
                         activity_regularizer=activity_regularizer, kernel_constraint=depthwise_constraint,
                         bias_constraint=bias_constraint, **kwargs)
        if not isinstance(depth_multiplier, int) or depth_multiplier <= 0:
            raise ValueError(
                f"{type(self).__name__}: expected a positive integer for `depth_multiplier`. "
                f"Received: depth_multiplier={depth_multiplier!r}"
            )
        self.depth_multiplier = depth_multiplier

    def _kernel_shape(self, channels):
        self._in_channels = channels
        return self.kernel_size + (channels, self.depth_multiplier)

    def _out_channels(self):
        return self._in_channels * self.depth_multiplier

    def _out_channels_for(self, input_shape):
        return input_shape[self._channel_axis] * self.depth_multiplier

    def _convolve(self, inputs):
        return ops.depthwise_conv(inputs, self.kernel, self.strides, self.padding, self.data_format,
                                  self.dilation_rate)

    def get_config(self):
        config = super().get_config()
        for key in ("filters", "groups", "kernel_initializer", "kernel_regularizer", "kernel_constraint"):
            config.pop(key)
        config.update({
            "depth_multiplier": self.depth_multiplier,
            "depthwise_initializer": initializers.serialize(self.kernel_initializer),
            "depthwise_regularizer": regularizers.serialize(self.kernel_regularizer),
            "depthwise_constraint": constraints.serialize(self.kernel_constraint),
        })
        return config


class DepthwiseConv1D(BaseDepthwiseConv):
    """1-D depthwise convolution: ``channels * depth_multiplier`` outputs, no mixing across channels.

    Args:
        kernel_size, strides, padding, data_format, dilation_rate, activation, use_bias: as ``Conv1D``.
        depth_multiplier: filters per input channel.
        depthwise_initializer / depthwise_regularizer / depthwise_constraint: for the kernel.

    Example:
        >>> ops.shape(lamina.layers.DepthwiseConv1D(3, depth_multiplier=2)(lamina.ops.ones((1, 8, 4))))
        (1, 6, 8)
    """

    rank = 1


class DepthwiseConv2D(BaseDepthwiseConv):
    """2-D depthwise convolution. Args: as ``DepthwiseConv1D`` with tuples of 2 ints.

    Example:
        >>> ops.shape(lamina.layers.DepthwiseConv2D(3, padding="same")(lamina.ops.ones((1, 8, 8, 4))))
        (1, 8, 8, 4)
    """

    rank = 2


class BaseSeparableConv(BaseConv):
    """A depthwise convolution then a pointwise (1x1) one: weights ``depthwise_kernel``, ``pointwise_kernel``."""

    def __init__(self, filters, kernel_size, strides=1, padding="valid", data_format=None, dilation_rate=1,
                 depth_multiplier=1, activation=None, use_bias=True, depthwise_initializer="glorot_uniform",
                 pointwise_initializer="glorot_uniform", bias_initializer="zeros", depthwise_regularizer=None,
                 pointwise_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 depthwise_constraint=None, pointwise_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(filters, kernel_size, strides=strides, padding=padding, data_format=data_format,
                         dilation_rate=dilation_rate, activation=activation, use_bias=use_bias,
                         kernel_initializer=depthwise_initializer, bias_initializer=bias_initializer,
                         kernel_regularizer=depthwise_regularizer, bias_regularizer=bias_regularizer,
                         activity_regularizer=activity_regularizer, kernel_constraint=depthwise_constraint,
                         bias_constraint=bias_constraint, **kwargs)
        if not isinstance(depth_multiplier, int) or depth_multiplier <= 0:
            raise ValueError(
                f"{type(self).__name__}: expected a positive integer for `depth_multiplier`. "
                f"Received: depth_multiplier={depth_multiplier!r}"
            )
        self.depth_multiplier = depth_multiplier
        self.pointwise_initializer = initializers.get(pointwise_initializer)
        self.pointwise_regularizer = regularizers.get(pointwise_regularizer)
        self.pointwise_constraint = constraints.get(pointwise_constraint)

    def build(self, input_shape):
        channels = check_rank_and_channels(self, input_shape, self.rank)
        self.depthwise_kernel = self.add_weight(
            name="depthwise_kernel", shape=self.kernel_size + (channels, self.depth_multiplier),
            initializer=self.kernel_initializer, regularizer=self.kernel_regularizer,
            constraint=self.kernel_constraint)
        self.pointwise_kernel = self.add_weight(
            name="pointwise_kernel", shape=(1,) * self.rank + (channels * self.depth_multiplier, self.filters),
            initializer=self.pointwise_initializer, regularizer=self.pointwise_regularizer,
            constraint=self.pointwise_constraint)
        self._build_bias(self.filters)
        self.input_spec = InputSpec(ndim=self.rank + 2, axes={self._channel_axis: channels})
        self.built = True

    def _convolve(self, inputs):
        return ops.separable_conv(inputs, self.depthwise_kernel, self.pointwise_kernel, self.strides, self.padding,
                                  self.data_format, self.dilation_rate)

    def get_config(self):
        config = super().get_config()
        for key in ("groups", "kernel_initializer", "kernel_regularizer", "kernel_constraint"):
            config.pop(key)
        config.update({
            "depth_multiplier": self.depth_multiplier,
            "depthwise_initializer": initializers.serialize(self.kernel_initializer),
            "pointwise_initializer": initializers.serialize(self.pointwise_initializer),
            "depthwise_regularizer": regularizers.serialize(self.kernel_regularizer),
            "pointwise_regularizer": regularizers.serialize(self.pointwise_regularizer),
            "depthwise_constraint": constraints.serialize(self.kernel_constraint),
            "pointwise_constraint": constraints.serialize(self.pointwise_constraint),
        })
        return config


class SeparableConv1D(BaseSeparableConv):
    """1-D depthwise-separable convolution.

    Args:
        filters, kernel_size, strides, padding, data_format, dilation_rate, activation, use_bias: as ``Conv1D``.
        depth_multiplier: depthwise filters per input channel.
        depthwise_* / pointwise_*: initializer, regularizer and constraint of each kernel.

    Example:
        >>> ops.shape(lamina.layers.SeparableConv1D(5, 3)(lamina.ops.ones((1, 8, 4))))
        (1, 6, 5)
    """

    rank = 1


class SeparableConv2D(BaseSeparableConv):
    """2-D depthwise-separable convolution. Args: as ``SeparableConv1D`` with tuples of 2 ints.

    Example:
        >>> ops.shape(lamina.layers.SeparableConv2D(5, 3, padding="same")(lamina.ops.ones((1, 8, 8, 4))))
        (1, 8, 8, 5)
    """

    rank = 2


SeparableConvolution1D = SeparableConv1D
SeparableConvolution2D = SeparableConv2D
