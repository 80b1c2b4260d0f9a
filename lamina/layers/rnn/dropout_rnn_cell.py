"""DropoutRNNCell: the dropout masks a cell reuses at every step of one sequence."""

from lamina import ops
from lamina.backend import random as _random


class DropoutRNNCell:
    """Mixin for cells with ``dropout`` / ``recurrent_dropout`` and a ``seed_generator``.

    The RNN layer asks for the masks once per call, before its time loop (so the loop
    draws no random numbers and stays a pure function under ``jax.lax.scan``), and
    clears them afterwards. The same mask is used at every step, as in Keras.

    Example:
        >>> from lamina.layers.rnn.dropout_rnn_cell import DropoutRNNCell
        >>> class MyCell(lamina.layers.Layer, DropoutRNNCell):
        ...     def __init__(self, dropout=0.5, recurrent_dropout=0.0, **kwargs):
        ...         super().__init__(**kwargs)
        ...         self.dropout, self.recurrent_dropout = dropout, recurrent_dropout
        ...         self.seed_generator = lamina.random.SeedGenerator(1)
        >>> cell = MyCell()
        >>> mask = cell.get_dropout_mask(ops.ones((2, 4)))
        >>> ops.shape(mask), cell.get_dropout_mask(ops.ones((2, 4))) is mask
        ((2, 4), True)
        >>> sorted(set(np.round(ops.convert_to_numpy(mask).ravel(), 1).tolist()) - {0.0, 2.0})
        []
        >>> cell.get_recurrent_dropout_mask(ops.ones((2, 4))) is None
        True
    """

    def _make_dropout_mask(self, like, rate):
        return _random.dropout(ops.ones_like(like), rate, seed=self.seed_generator)

    def get_dropout_mask(self, step_input):
        """The (cached) input mask for ``step_input``, or None when ``dropout`` is 0."""
        if getattr(self, "_dropout_mask", None) is None and self.dropout > 0:
            self._dropout_mask = self._make_dropout_mask(step_input, self.dropout)
        return getattr(self, "_dropout_mask", None)

    def get_recurrent_dropout_mask(self, step_state):
        """The (cached) state mask for ``step_state``, or None when ``recurrent_dropout`` is 0."""
        if getattr(self, "_recurrent_dropout_mask", None) is None and self.recurrent_dropout > 0:
            self._recurrent_dropout_mask = self._make_dropout_mask(step_state, self.recurrent_dropout)
        return getattr(self, "_recurrent_dropout_mask", None)

    def reset_dropout_mask(self):
        self._dropout_mask = None

    def reset_recurrent_dropout_mask(self):
        self._recurrent_dropout_mask = None
