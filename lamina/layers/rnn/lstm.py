"""LSTMCell and LSTM, with Keras 3's weight layout (gates i, f, c, o)."""

from lamina import activations, backend, ops
from lamina.layers.rnn._cell_base import CellLayer, RecurrentCell


class LSTMCell(RecurrentCell):
    """One step of a Long Short-Term Memory layer.

    Weights: ``kernel (input_dim, 4 * units)``, ``recurrent_kernel (units, 4 * units)`` and
    ``bias (4 * units,)``, with the gates in the order input, forget, cell, output.

    Args:
        units: size of the output and of both states ``[h, c]``.
        activation: for the cell candidate and output (default ``tanh``).
        recurrent_activation: for the gates (default ``sigmoid``).
        use_bias, kernel_initializer, recurrent_initializer (``orthogonal``), bias_initializer.
        unit_forget_bias: start the forget-gate bias at 1.
        kernel/recurrent/bias_regularizer, kernel/recurrent/bias_constraint.
        dropout / recurrent_dropout: fractions of the inputs / states dropped while training.
        seed: seed for the dropout masks.

    Example:
        >>> cell = lamina.layers.LSTMCell(8)
        >>> ops.shape(lamina.layers.RNN(cell)(lamina.ops.ones((2, 5, 3))))
        (2, 8)
    """

    _gates = 4
    _extra = ("recurrent_activation", "unit_forget_bias")

    def __init__(self, units, activation="tanh", recurrent_activation="sigmoid", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal", bias_initializer="zeros",
                 unit_forget_bias=True, kernel_regularizer=None, recurrent_regularizer=None, bias_regularizer=None,
                 kernel_constraint=None, recurrent_constraint=None, bias_constraint=None, dropout=0.0,
                 recurrent_dropout=0.0, seed=None, **kwargs):
        super().__init__(units, activation=activation, use_bias=use_bias, kernel_initializer=kernel_initializer,
                         recurrent_initializer=recurrent_initializer, bias_initializer=bias_initializer,
                         kernel_regularizer=kernel_regularizer, recurrent_regularizer=recurrent_regularizer,
                         bias_regularizer=bias_regularizer, kernel_constraint=kernel_constraint,
                         recurrent_constraint=recurrent_constraint, bias_constraint=bias_constraint,
                         dropout=dropout, recurrent_dropout=recurrent_dropout, seed=seed, **kwargs)
        self.recurrent_activation = activations.get(recurrent_activation)
        self.unit_forget_bias = unit_forget_bias
        self.state_size = [units, units]

    def build(self, input_shape):
        self._add_kernels(self._check_input(input_shape))
        initializer = self.bias_initializer
        if self.unit_forget_bias:
            base, units = self.bias_initializer, self.units

            def initializer(shape, dtype=None):
                return ops.concatenate([base((units,), dtype=dtype), ops.ones((units,), dtype=dtype),
                                        base((2 * units,), dtype=dtype)])

        self._add_bias((4 * self.units,), initializer)
        self.built = True

    def call(self, inputs, states, training=False):
        dp, rec = self._masks(inputs, states[0], training)
        if dp is not None:
            inputs = inputs * dp
        z = ops.matmul(inputs, self.kernel)
        if self.bias is not None:
            z = z + self.bias
        return self.recurrent_step(z, states, rec)

    def recurrent_step(self, z, states, recurrent_mask=None):
        """The step given the input projection ``z = inputs @ kernel + bias``."""
        h, c = states[0], states[1]
        if recurrent_mask is not None:
            h = h * recurrent_mask
        z = z + ops.matmul(h, self.recurrent_kernel)
        u = self.units
        i = self.recurrent_activation(z[:, :u])
        f = self.recurrent_activation(z[:, u:2 * u])
        g = self.activation(z[:, 2 * u:3 * u])
        o = self.recurrent_activation(z[:, 3 * u:])
        c = f * c + i * g
        h = o * self.activation(c)
        return h, [h, c]


class LSTM(CellLayer):
    """Long Short-Term Memory layer (Hochreiter & Schmidhuber, 1997).

    Takes ``(batch, timesteps, features)``; the cell's weights live under ``lstm/lstm_cell/``.
    With the default activations and no recurrent dropout the torch backend runs torch's
    fused LSTM kernel; otherwise (and on JAX) one scan over time with the input projection
    computed for all steps at once.

    Args:
        units: output size.
        activation, recurrent_activation, use_bias, kernel_initializer, recurrent_initializer,
        bias_initializer, unit_forget_bias, kernel/recurrent/bias_regularizer,
        activity_regularizer, kernel/recurrent/bias_constraint, dropout, recurrent_dropout,
        seed: as in ``LSTMCell``.
        return_sequences, return_state, go_backwards, stateful, unroll: as in ``RNN``.

    Example:
        >>> lstm = lamina.layers.LSTM(4, return_sequences=True, return_state=True)
        >>> out, h, c = lstm(lamina.ops.ones((2, 10, 8)))
        >>> ops.shape(out), ops.shape(h)
        ((2, 10, 4), (2, 4))
    """

    _cell_class = LSTMCell
    _cell_name = "lstm_cell"

    def __init__(self, units, activation="tanh", recurrent_activation="sigmoid", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal", bias_initializer="zeros",
                 unit_forget_bias=True, kernel_regularizer=None, recurrent_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, kernel_constraint=None, recurrent_constraint=None, bias_constraint=None,
                 dropout=0.0, recurrent_dropout=0.0, seed=None, return_sequences=False, return_state=False,
                 go_backwards=False, stateful=False, unroll=False, use_cudnn="auto", **kwargs):
        cell_kwargs = dict(
            units=units, activation=activation, recurrent_activation=recurrent_activation, use_bias=use_bias,
            kernel_initializer=kernel_initializer, recurrent_initializer=recurrent_initializer,
            bias_initializer=bias_initializer, unit_forget_bias=unit_forget_bias,
            kernel_regularizer=kernel_regularizer, recurrent_regularizer=recurrent_regularizer,
            bias_regularizer=bias_regularizer, kernel_constraint=kernel_constraint,
            recurrent_constraint=recurrent_constraint, bias_constraint=bias_constraint, dropout=dropout,
            recurrent_dropout=recurrent_dropout, seed=seed)
        super().__init__(cell_kwargs, return_sequences=return_sequences, return_state=return_state,
                         go_backwards=go_backwards, stateful=stateful, unroll=unroll,
                         activity_regularizer=activity_regularizer, use_cudnn=use_cudnn, **kwargs)

    def inner_loop(self, sequences, initial_state, mask, training=False):
        cell = self.cell
        x = self._input_dropout(sequences, training)
        rec = cell.get_recurrent_dropout_mask(initial_state[0]) if training and 0 < cell.recurrent_dropout < 1 else None
        if rec is None and not self.unroll and self._uses_default_activations() and self.use_cudnn is not False:
            fused = backend.rnn.fused_lstm(
                x, initial_state[0], initial_state[1], mask, ops.convert_to_tensor(cell.kernel),
                ops.convert_to_tensor(cell.recurrent_kernel),
                None if cell.bias is None else ops.convert_to_tensor(cell.bias), self.go_backwards,
                self.return_sequences, self.zero_output_for_mask)
            if fused is not None:
                return fused
        z = ops.matmul(x, cell.kernel)
        if cell.bias is not None:
            z = z + cell.bias
        return self._loop(lambda z_t, states: cell.recurrent_step(z_t, states, rec), z, initial_state, mask)

    def call(self, sequences, initial_state=None, mask=None, training=False):
        return super().call(sequences, initial_state=initial_state, mask=mask, training=training)
