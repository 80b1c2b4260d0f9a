"""SimpleRNNCell and SimpleRNN: ``h = activation(x @ kernel + h_prev @ recurrent_kernel + bias)``."""

from lamina import ops
from lamina.layers.rnn._cell_base import CellLayer, RecurrentCell


class SimpleRNNCell(RecurrentCell):
    """One step of a fully connected RNN.

    Weights: ``kernel (input_dim, units)``, ``recurrent_kernel (units, units)``, ``bias (units,)``.

    Args:
        units: output and state size.
        activation (``tanh``), use_bias, initializers, regularizers, constraints,
        dropout, recurrent_dropout, seed: as in ``LSTMCell``.

    Example:
        >>> cell = lamina.layers.SimpleRNNCell(8)
        >>> ops.shape(lamina.layers.RNN(cell)(lamina.ops.ones((2, 5, 3))))
        (2, 8)
    """

    def build(self, input_shape):
        self._add_kernels(self._check_input(input_shape))
        self._add_bias((self.units,))
        self.built = True

    def input_projection(self, inputs):
        x = ops.matmul(inputs, self.kernel)
        return x + self.bias if self.bias is not None else x

    def call(self, sequence, states, training=False):
        h = states[0] if isinstance(states, (list, tuple)) else states
        dp, rec = self._masks(sequence, h, training)
        if dp is not None:
            sequence = sequence * dp
        return self.recurrent_step(self.input_projection(sequence), states, rec)

    def recurrent_step(self, x, states, recurrent_mask=None):
        nested = isinstance(states, (list, tuple))
        h = states[0] if nested else states
        if recurrent_mask is not None:
            h = h * recurrent_mask
        out = self.activation(x + ops.matmul(h, self.recurrent_kernel))
        return out, ([out] if nested else out)


class SimpleRNN(CellLayer):
    """Fully connected RNN whose output is fed back as its state.

    Args:
        units: output size; the other arguments as in ``LSTM``.

    Example:
        >>> ops.shape(lamina.layers.SimpleRNN(4)(lamina.ops.ones((2, 10, 8))))
        (2, 4)
    """

    _cell_class = SimpleRNNCell
    _cell_name = "simple_rnn_cell"

    def __init__(self, units, activation="tanh", use_bias=True, kernel_initializer="glorot_uniform",
                 recurrent_initializer="orthogonal", bias_initializer="zeros", kernel_regularizer=None,
                 recurrent_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, recurrent_constraint=None, bias_constraint=None, dropout=0.0,
                 recurrent_dropout=0.0, return_sequences=False, return_state=False, go_backwards=False,
                 stateful=False, unroll=False, seed=None, **kwargs):
        cell_kwargs = dict(
            units=units, activation=activation, use_bias=use_bias, kernel_initializer=kernel_initializer,
            recurrent_initializer=recurrent_initializer, bias_initializer=bias_initializer,
            kernel_regularizer=kernel_regularizer, recurrent_regularizer=recurrent_regularizer,
            bias_regularizer=bias_regularizer, kernel_constraint=kernel_constraint,
            recurrent_constraint=recurrent_constraint, bias_constraint=bias_constraint, dropout=dropout,
            recurrent_dropout=recurrent_dropout, seed=seed)
        super().__init__(cell_kwargs, return_sequences=return_sequences, return_state=return_state,
                         go_backwards=go_backwards, stateful=stateful, unroll=unroll,
                         activity_regularizer=activity_regularizer, **kwargs)

    def inner_loop(self, sequences, initial_state, mask, training=False):
        cell = self.cell
        x = self._input_dropout(sequences, training)
        rec = cell.get_recurrent_dropout_mask(initial_state[0]) if training and 0 < cell.recurrent_dropout < 1 else None
        return self._loop(lambda x_t, states: cell.recurrent_step(x_t, states, rec), cell.input_projection(x),
                          initial_state, mask)

    def call(self, sequences, initial_state=None, mask=None, training=False):
        return super().call(sequences, initial_state=initial_state, mask=mask, training=training)
