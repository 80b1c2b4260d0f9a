"""Shared parts of the convolution layers: argument checks, weights, bias, shapes, config."""

from lamina import activations, constraints, initializers, ops, regularizers
from lamina.backend import _conv_utils as _cu
from lamina.layers.input_spec import InputSpec
from lamina.layers.layer import Layer


def check_rank_and_channels(layer, input_shape, rank, channels=None):
    """Raises a clear error when the input rank or channel count does not fit ``layer``."""
    input_shape = tuple(input_shape)
    if len(input_shape) != rank + 2:
        raise ValueError(
            f"{type(layer).__name__} layer '{layer.name}' expects inputs of rank {rank + 2} "
            f"(batch, {'spatial, ' * rank}channels). Received shape {input_shape}"
        )
    got = input_shape[layer._channel_axis]
    if got is None:
        raise ValueError(
            f"{type(layer).__name__} layer '{layer.name}' needs a known channel dimension "
            f"(data_format={layer.data_format!r}). Received shape {input_shape}"
        )
    if channels is not None and got != channels:
        raise ValueError(
            f"{type(layer).__name__} layer '{layer.name}' expects {channels} input channels "
            f"(data_format={layer.data_format!r}). Received shape {input_shape}"
        )
    return got


class BaseConv(Layer):
    """Base of ``ConvND`` and ``ConvNDTranspose``: subclasses set ``rank`` and implement
    ``_kernel_shape(channels)``, ``_convolve(inputs)`` and ``_spatial_output(input_spatial)``.
    """

    rank = None
    _allow_causal = False

    def __init__(self, filters, kernel_size, strides=1, padding="valid", data_format=None, dilation_rate=1,
                 groups=1, activation=None, use_bias=True, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, kernel_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        cls = type(self).__name__
        if filters is not None and (not isinstance(filters, int) or isinstance(filters, bool) or filters <= 0):
            raise ValueError(f"{cls}: expected a positive integer for `filters`. Received: filters={filters!r}")
        if not isinstance(groups, int) or groups <= 0:
            raise ValueError(f"{cls}: expected a positive integer for `groups`. Received: groups={groups!r}")
        if filters is not None and filters % groups:
            raise ValueError(
                f"{cls}: `filters` must be divisible by `groups`. Received: filters={filters}, groups={groups}"
            )
        self.filters = filters
        self.groups = groups
        self.kernel_size = _cu.tuplify(kernel_size, self.rank, "kernel_size")
        self.strides = _cu.tuplify(strides, self.rank, "strides")
        self.dilation_rate = _cu.tuplify(dilation_rate, self.rank, "dilation_rate")
        if max(self.strides) > 1 and max(self.dilation_rate) > 1:
            raise ValueError(
                f"{cls}: strides > 1 are not supported together with dilation_rate > 1. Received: "
                f"strides={self.strides}, dilation_rate={self.dilation_rate}"
            )
        self.padding = _cu.standardize_padding(padding, allow_causal=self._allow_causal)
        self.data_format = _cu.standardize_format(data_format)
        self._channel_axis = -1 if self.data_format == "channels_last" else 1
        self.activation = activations.get(activation)
        self.use_bias = use_bias
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.input_spec = InputSpec(min_ndim=self.rank + 2)

    # -- weights --------------------------------------------------------------
    def build(self, input_shape):
        channels = check_rank_and_channels(self, input_shape, self.rank)
        self._check_channels(channels)
        self.kernel = self.add_weight(name="kernel", shape=self._kernel_shape(channels),
                                      initializer=self.kernel_initializer, regularizer=self.kernel_regularizer,
                                      constraint=self.kernel_constraint)
        self._build_bias(self._out_channels())
        self.input_spec = InputSpec(ndim=self.rank + 2, axes={self._channel_axis: channels})
        self.built = True

    def _check_channels(self, channels):
        if channels % self.groups:
            raise ValueError(
                f"{type(self).__name__} layer '{self.name}': the number of input channels must be divisible "
                f"by `groups`. Received: groups={self.groups}, input channels={channels}"
            )

    def _out_channels(self):
        return self.filters

    def _build_bias(self, size):
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight(name="bias", shape=(size,), initializer=self.bias_initializer,
                                        regularizer=self.bias_regularizer, constraint=self.bias_constraint)
        self._bias_shape = (size,) if self.data_format == "channels_last" else (size,) + (1,) * self.rank

    # -- call -----------------------------------------------------------------
    def call(self, inputs):
        x = self._convolve(inputs)
        if self.bias is not None:
            bias = self.bias if self.data_format == "channels_last" else ops.reshape(self.bias, self._bias_shape)
            x = ops.add(x, bias)
        return self.activation(x) if self.activation is not activations.linear else x

    def compute_output_shape(self, input_shape):
        input_shape = tuple(input_shape)
        check_rank_and_channels(self, input_shape, self.rank)
        if self.data_format == "channels_last":
            spatial = self._spatial_output(input_shape[1:-1])
            return (input_shape[0],) + spatial + (self._out_channels_for(input_shape),)
        spatial = self._spatial_output(input_shape[2:])
        return (input_shape[0], self._out_channels_for(input_shape)) + spatial

    def _out_channels_for(self, input_shape):
        return self.filters

    def _spatial_output(self, spatial):
        return tuple(_cu.conv_output_length(n, k, self.padding, s, d)
                     for n, k, s, d in zip(spatial, self.kernel_size, self.strides, self.dilation_rate))

    def _base_config(self):
        return {
            "kernel_size": self.kernel_size,
            "strides": self.strides,
            "padding": self.padding,
            "data_format": self.data_format,
            "dilation_rate": self.dilation_rate,
            "activation": activations.serialize(self.activation),
            "use_bias": self.use_bias,
            "bias_initializer": initializers.serialize(self.bias_initializer),
            "bias_regularizer": regularizers.serialize(self.bias_regularizer),
            "activity_regularizer": regularizers.serialize(self.activity_regularizer),
            "bias_constraint": constraints.serialize(self.bias_constraint),
        }

    def get_config(self):
        config = super().get_config()
        config.update({"filters": self.filters, **self._base_config(), "groups": self.groups,
                       "kernel_initializer": initializers.serialize(self.kernel_initializer),
                       "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
                       "kernel_constraint": constraints.serialize(self.kernel_constraint)})
        return config


class BaseForwardConv(BaseConv):
    """A plain (possibly grouped) convolution: kernel ``(*kernel_size, channels // groups, filters)``."""

    def _kernel_shape(self, channels):
        return self.kernel_size + (channels // self.groups, self.filters)

    def _convolve(self, inputs):
        padding = self.padding
        return ops.conv(inputs, self.kernel, self.strides, padding, self.data_format, self.dilation_rate)
