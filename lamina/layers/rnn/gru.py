"""GRUCell and GRU, with Keras 3's weight layout (gates z, r, h)."""

from lamina import activations, backend, ops
from lamina.layers.rnn._cell_base import CellLayer, RecurrentCell


class GRUCell(RecurrentCell):
    """One step of a Gated Recurrent Unit.

    Weights: ``kernel (input_dim, 3 * units)`` and ``recurrent_kernel (units, 3 * units)``
    with the gates in the order update (z), reset (r), candidate (h); ``bias`` is
    ``(2, 3 * units)`` (input and recurrent biases) when ``reset_after`` else ``(3 * units,)``.

    Args:
        units: output and state size.
        activation (``tanh``), recurrent_activation (``sigmoid``), use_bias, initializers,
        regularizers, constraints, dropout, recurrent_dropout, seed: as in ``LSTMCell``.
        reset_after: apply the reset gate after the recurrent matmul (the default, and
            what cuDNN and torch compute); False applies it before.

    Example:
        >>> cell = lamina.layers.GRUCell(8)
        >>> ops.shape(lamina.layers.RNN(cell)(lamina.ops.ones((2, 5, 3))))
        (2, 8)
    """

    _gates = 3
    _extra = ("recurrent_activation", "reset_after")

    def __init__(self, units, activation="tanh", recurrent_activation="sigmoid", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal", bias_initializer="zeros",
                 kernel_regularizer=None, recurrent_regularizer=None, bias_regularizer=None, kernel_constraint=None,
                 recurrent_constraint=None, bias_constraint=None, dropout=0.0, recurrent_dropout=0.0,
                 reset_after=True, seed=None, **kwargs):
        super().__init__(units, activation=activation, use_bias=use_bias, kernel_initializer=kernel_initializer,
                         recurrent_initializer=recurrent_initializer, bias_initializer=bias_initializer,
                         kernel_regularizer=kernel_regularizer, recurrent_regularizer=recurrent_regularizer,
                         bias_regularizer=bias_regularizer, kernel_constraint=kernel_constraint,
                         recurrent_constraint=recurrent_constraint, bias_constraint=bias_constraint,
                         dropout=dropout, recurrent_dropout=recurrent_dropout, seed=seed, **kwargs)
        self.recurrent_activation = activations.get(recurrent_activation)
        self.reset_after = reset_after

    def build(self, input_shape):
        self._add_kernels(self._check_input(input_shape))
        self._add_bias((2, 3 * self.units) if self.reset_after else (3 * self.units,))
        self.built = True

    def input_projection(self, inputs):
        """``inputs @ kernel`` plus the input bias."""
        x = ops.matmul(inputs, self.kernel)
        if self.bias is not None:
            x = x + (self.bias[0] if self.reset_after else self.bias)
        return x

    def call(self, inputs, states, training=False):
        h = states[0] if isinstance(states, (list, tuple)) else states
        dp, rec = self._masks(inputs, h, training)
        if dp is not None:
            inputs = inputs * dp
        return self.recurrent_step(self.input_projection(inputs), states, rec)

    def recurrent_step(self, x, states, recurrent_mask=None):
        """The step given the input projection ``x`` (see ``input_projection``)."""
        nested = isinstance(states, (list, tuple))
        h_prev = states[0] if nested else states
        h = h_prev * recurrent_mask if recurrent_mask is not None else h_prev
        u = self.units
        if self.reset_after:
            inner = ops.matmul(h, self.recurrent_kernel)
            if self.bias is not None:
                inner = inner + self.bias[1]
            z = self.recurrent_activation(x[:, :u] + inner[:, :u])
            r = self.recurrent_activation(x[:, u:2 * u] + inner[:, u:2 * u])
            candidate = self.activation(x[:, 2 * u:] + r * inner[:, 2 * u:])
        else:
            inner = ops.matmul(h, self.recurrent_kernel[:, :2 * u])
            z = self.recurrent_activation(x[:, :u] + inner[:, :u])
            r = self.recurrent_activation(x[:, u:2 * u] + inner[:, u:])
            candidate = self.activation(x[:, 2 * u:] + ops.matmul(r * h, self.recurrent_kernel[:, 2 * u:]))
        h_new = z * h_prev + (1 - z) * candidate
        return h_new, ([h_new] if nested else h_new)


class GRU(CellLayer):
    """Gated Recurrent Unit layer (Cho et al., 2014).

    With the default activations, ``reset_after=True`` and no recurrent dropout, the torch
    backend runs torch's fused GRU kernel; otherwise one scan over time.

    Args:
        units: output size.
        reset_after: see ``GRUCell`` (default True, as Keras 3).
        the other arguments: as in ``LSTM``.

    Example:
        >>> ops.shape(lamina.layers.GRU(4)(lamina.ops.ones((2, 10, 8))))
        (2, 4)
    """

    _cell_class = GRUCell
    _cell_name = "gru_cell"

    def __init__(self, units, activation="tanh", recurrent_activation="sigmoid", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal", bias_initializer="zeros",
                 kernel_regularizer=None, recurrent_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, kernel_constraint=None, recurrent_constraint=None, bias_constraint=None,
                 dropout=0.0, recurrent_dropout=0.0, seed=None, return_sequences=False, return_state=False,
                 go_backwards=False, stateful=False, unroll=False, reset_after=True, use_cudnn="auto", **kwargs):
        cell_kwargs = dict(
            units=units, activation=activation, recurrent_activation=recurrent_activation, use_bias=use_bias,
            kernel_initializer=kernel_initializer, recurrent_initializer=recurrent_initializer,
            bias_initializer=bias_initializer, kernel_regularizer=kernel_regularizer,
            recurrent_regularizer=recurrent_regularizer, bias_regularizer=bias_regularizer,
            kernel_constraint=kernel_constraint, recurrent_constraint=recurrent_constraint,
            bias_constraint=bias_constraint, dropout=dropout, recurrent_dropout=recurrent_dropout,
            reset_after=reset_after, seed=seed)
        super().__init__(cell_kwargs, return_sequences=return_sequences, return_state=return_state,
                         go_backwards=go_backwards, stateful=stateful, unroll=unroll,
                         activity_regularizer=activity_regularizer, use_cudnn=use_cudnn, **kwargs)

    def inner_loop(self, sequences, initial_state, mask, training=False):
        cell = self.cell
        x = self._input_dropout(sequences, training)
        rec = cell.get_recurrent_dropout_mask(initial_state[0]) if training and 0 < cell.recurrent_dropout < 1 else None
        if (rec is None and not self.unroll and cell.reset_after and self._uses_default_activations()
                and self.use_cudnn is not False):
            fused = backend.rnn.fused_gru(
                x, initial_state[0], mask, ops.convert_to_tensor(cell.kernel),
                ops.convert_to_tensor(cell.recurrent_kernel),
                None if cell.bias is None else ops.convert_to_tensor(cell.bias), self.go_backwards,
                self.return_sequences, self.zero_output_for_mask)
            if fused is not None:
                return fused
        projected = cell.input_projection(x)
        return self._loop(lambda x_t, states: cell.recurrent_step(x_t, states, rec), projected, initial_state, mask)

    def call(self, sequences, initial_state=None, mask=None, training=False):
        return super().call(sequences, initial_state=initial_state, mask=mask, training=training)
