"""ConvLSTM1D/2D/3D: an LSTM whose input and recurrent transforms are convolutions."""

from lamina import activations, constraints, initializers, ops, regularizers
from lamina.backend import _conv_utils as cu
from lamina.backend import random as _random
from lamina.backend.common.random_seed import SeedGenerator
from lamina.layers.layer import Layer
from lamina.layers.rnn.rnn import RNN


class ConvLSTMCell(Layer):
    """One step of a convolutional LSTM over ``rank`` spatial dimensions.

    Weights (Keras layout): ``kernel (*kernel_size, in_channels, 4 * filters)``,
    ``recurrent_kernel (*kernel_size, filters, 4 * filters)``, ``bias (4 * filters,)``, gates in the
    order input, forget, cell, output. The recurrent convolution always uses ``"same"`` padding.

    Args:
        rank: number of spatial dimensions (1, 2 or 3).
        filters, kernel_size, strides, padding, data_format, dilation_rate: as in ``Conv2D``.
        activation / recurrent_activation: for the candidate and output / for the gates.
        unit_forget_bias: start the forget-gate bias at 1.
        dropout / recurrent_dropout: fractions of the inputs / hidden state dropped while training.
    """

    def __init__(self, rank, filters, kernel_size, strides=1, padding="valid", data_format=None, dilation_rate=1,
                 activation="tanh", recurrent_activation="sigmoid", use_bias=True, kernel_initializer="glorot_uniform",
                 recurrent_initializer="orthogonal", bias_initializer="zeros", unit_forget_bias=True,
                 kernel_regularizer=None, recurrent_regularizer=None, bias_regularizer=None, kernel_constraint=None,
                 recurrent_constraint=None, bias_constraint=None, dropout=0.0, recurrent_dropout=0.0, seed=None,
                 **kwargs):
        super().__init__(**kwargs)
        if not isinstance(filters, int) or filters <= 0:
            raise ValueError(f"{type(self).__name__}: expected a positive integer for filters. Received: filters={filters!r}")
        self.rank = rank
        self.filters = filters
        self.kernel_size = cu.tuplify(kernel_size, rank, "kernel_size")
        self.strides = cu.tuplify(strides, rank, "strides")
        self.dilation_rate = cu.tuplify(dilation_rate, rank, "dilation_rate")
        self.padding = cu.standardize_padding(padding)
        self.data_format = cu.standardize_format(data_format)
        self.activation = activations.get(activation)
        self.recurrent_activation = activations.get(recurrent_activation)
        self.use_bias = use_bias
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.recurrent_initializer = initializers.get(recurrent_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.unit_forget_bias = unit_forget_bias
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.recurrent_regularizer = regularizers.get(recurrent_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.recurrent_constraint = constraints.get(recurrent_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.dropout = min(1.0, max(0.0, dropout))
        self.recurrent_dropout = min(1.0, max(0.0, recurrent_dropout))
        self.seed = seed
        if self.dropout or self.recurrent_dropout:
            self.seed_generator = SeedGenerator(seed)
        # The state shapes depend on the input's spatial size; build() sets them.
        self.state_size = [filters, filters]

    def _channel_axis(self):
        return -1 if self.data_format == "channels_last" else 1

    def build(self, input_shape):
        if len(input_shape) != self.rank + 2:
            raise ValueError(
                f"{type(self).__name__} '{self.name}' expects steps of rank {self.rank + 2} (batch, spatial..., "
                f"channels). Received a step of shape {tuple(input_shape)}")
        channels = input_shape[self._channel_axis()]
        if channels is None:
            raise ValueError(f"{type(self).__name__} '{self.name}' needs a known channel dimension. "
                             f"Received step shape {tuple(input_shape)}")
        spatial = input_shape[1:-1] if self.data_format == "channels_last" else input_shape[2:]
        out = tuple(None if s is None else cu.conv_output_length(s, k, self.padding, st, d)
                    for s, k, st, d in zip(spatial, self.kernel_size, self.strides, self.dilation_rate))
        state = out + (self.filters,) if self.data_format == "channels_last" else (self.filters,) + out
        self.state_size = [state, state]
        self.output_size = state
        self.kernel = self.add_weight(shape=self.kernel_size + (channels, 4 * self.filters), name="kernel",
                                      initializer=self.kernel_initializer, regularizer=self.kernel_regularizer,
                                      constraint=self.kernel_constraint)
        self.recurrent_kernel = self.add_weight(
            shape=self.kernel_size + (self.filters, 4 * self.filters), name="recurrent_kernel",
            initializer=self.recurrent_initializer, regularizer=self.recurrent_regularizer,
            constraint=self.recurrent_constraint)
        self.bias = None
        if self.use_bias:
            initializer = self.bias_initializer
            if self.unit_forget_bias:
                base, n = self.bias_initializer, self.filters

                def initializer(shape, dtype=None):
                    return ops.concatenate([base((n,), dtype=dtype), ops.ones((n,), dtype=dtype),
                                            base((2 * n,), dtype=dtype)])

            self.bias = self.add_weight(shape=(4 * self.filters,), name="bias", initializer=initializer,
                                        regularizer=self.bias_regularizer, constraint=self.bias_constraint)
        self.built = True

    def call(self, inputs, states, training=False):
        h, c = states[0], states[1]
        if training and self.dropout:
            inputs = _random.dropout(inputs, self.dropout, seed=self.seed_generator)
        if training and self.recurrent_dropout:
            h = _random.dropout(h, self.recurrent_dropout, seed=self.seed_generator)
        x = ops.conv(inputs, self.kernel, strides=self.strides, padding=self.padding, data_format=self.data_format,
                     dilation_rate=self.dilation_rate)
        if self.bias is not None:
            shape = [1] * (self.rank + 2)
            shape[self._channel_axis()] = 4 * self.filters
            x = x + ops.reshape(self.bias, shape)
        z = x + ops.conv(h, self.recurrent_kernel, strides=1, padding="same", data_format=self.data_format)
        i, f, g, o = ops.split(z, 4, axis=self._channel_axis())
        c = self.recurrent_activation(f) * c + self.recurrent_activation(i) * self.activation(g)
        h = self.recurrent_activation(o) * self.activation(c)
        return h, [h, c]

    def get_config(self):
        config = super().get_config()
        config.update({
            "rank": self.rank, "filters": self.filters, "kernel_size": list(self.kernel_size),
            "strides": list(self.strides), "padding": self.padding, "data_format": self.data_format,
            "dilation_rate": list(self.dilation_rate), "activation": activations.serialize(self.activation),
            "recurrent_activation": activations.serialize(self.recurrent_activation), "use_bias": self.use_bias,
            "kernel_initializer": initializers.serialize(self.kernel_initializer),
            "recurrent_initializer": initializers.serialize(self.recurrent_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
            "unit_forget_bias": self.unit_forget_bias,
            "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
            "recurrent_regularizer": regularizers.serialize(self.recurrent_regularizer),
            "bias_regularizer": regularizers.serialize(self.bias_regularizer),
            "kernel_constraint": constraints.serialize(self.kernel_constraint),
            "recurrent_constraint": constraints.serialize(self.recurrent_constraint),
            "bias_constraint": constraints.serialize(self.bias_constraint),
            "dropout": self.dropout, "recurrent_dropout": self.recurrent_dropout, "seed": self.seed,
        })
        return config


_CELL_ARGS = ("filters", "kernel_size", "strides", "padding", "data_format", "dilation_rate", "activation",
              "recurrent_activation", "use_bias", "kernel_initializer", "recurrent_initializer", "bias_initializer",
              "unit_forget_bias", "kernel_regularizer", "recurrent_regularizer", "bias_regularizer",
              "kernel_constraint", "recurrent_constraint", "bias_constraint", "dropout", "recurrent_dropout", "seed")


class _ConvLSTM(RNN):
    _rank = None

    def __init__(self, filters, kernel_size, strides=1, padding="valid", data_format=None, dilation_rate=1,
                 activation="tanh", recurrent_activation="sigmoid", use_bias=True, kernel_initializer="glorot_uniform",
                 recurrent_initializer="orthogonal", bias_initializer="zeros", unit_forget_bias=True,
                 kernel_regularizer=None, recurrent_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, recurrent_constraint=None, bias_constraint=None, dropout=0.0,
                 recurrent_dropout=0.0, seed=None, return_sequences=False, return_state=False, go_backwards=False,
                 stateful=False, **kwargs):
        values = dict(locals())
        cell_kwargs = {k: values[k] for k in _CELL_ARGS}
        cell = ConvLSTMCell(self._rank, name="conv_lstm_cell", dtype=kwargs.get("dtype"), **cell_kwargs)
        super().__init__(cell, return_sequences=return_sequences, return_state=return_state,
                         go_backwards=go_backwards, stateful=stateful, activity_regularizer=activity_regularizer,
                         **kwargs)

    def build(self, sequences_shape, initial_state_shape=None):
        if len(sequences_shape) != self._rank + 3:
            raise ValueError(
                f"{type(self).__name__} '{self.name}' expects inputs of rank {self._rank + 3} (batch, time, "
                f"spatial..., channels). Received input with shape {tuple(sequences_shape)}")
        super().build(sequences_shape, initial_state_shape)

    def get_config(self):
        config = {k: v for k, v in self.cell.get_config().items() if k in _CELL_ARGS}
        base = super().get_config()
        base.pop("cell", None)
        base.update(config)
        base["activity_regularizer"] = regularizers.serialize(self.activity_regularizer)  # in Keras's config too
        return base

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        config.pop("cell", None)  # rebuilt from the cell arguments; unroll and zero_output_for_mask go to RNN
        return super(RNN, cls).from_config(config)


class ConvLSTM1D(_ConvLSTM):
    """A convolutional LSTM over sequences of 1-D feature maps: inputs ``(batch, time, steps, channels)``.

    Example:
        >>> layer = lamina.layers.ConvLSTM1D(4, 3, padding="same", return_sequences=True)
        >>> ops.shape(layer(lamina.ops.ones((2, 5, 8, 3))))
        (2, 5, 8, 4)
    """

    _rank = 1


class ConvLSTM2D(_ConvLSTM):
    """A convolutional LSTM over sequences of images: inputs ``(batch, time, rows, cols, channels)``.

    Example:
        >>> layer = lamina.layers.ConvLSTM2D(8, (3, 3), padding="same")
        >>> ops.shape(layer(lamina.ops.ones((2, 5, 16, 16, 1))))
        (2, 16, 16, 8)
    """

    _rank = 2


class ConvLSTM3D(_ConvLSTM):
    """A convolutional LSTM over sequences of volumes: inputs ``(batch, time, d1, d2, d3, channels)``."""

    _rank = 3
