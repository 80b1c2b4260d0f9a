"""RNN: runs a cell over the time axis of a sequence (or of a nested structure of sequences)."""

import inspect

from lamina import backend, ops
from lamina.backend import tree
from lamina.layers.layer import Layer
from lamina.layers.rnn.dropout_rnn_cell import DropoutRNNCell


def _is_shape(x):
    return isinstance(x, (list, tuple)) and all(d is None or isinstance(d, int) for d in x)


def _as_shape(size):
    """A state/output size (int, shape tuple/list, or TensorShape-like) as a tuple."""
    if hasattr(size, "as_list"):
        size = size.as_list()
    if isinstance(size, int):
        return (size,)
    return tuple(size)


def state_shapes(state_size):
    """Per-state shapes (without batch) for a cell's ``state_size``.

    An int is one state of that size; a list or tuple holds one entry per state, each an
    int or a shape (a tuple/list of ints, or anything with ``as_list()``).
    """
    if isinstance(state_size, int) or hasattr(state_size, "as_list"):
        return [_as_shape(state_size)]
    return [_as_shape(size) for size in state_size]


def cell_state_shapes(cell):
    """The state shapes of ``cell``, nested per cell for stacked cells."""
    nested = getattr(cell, "nested_state_shapes", None)
    return nested() if nested is not None else state_shapes(cell.state_size)


class _Hidden:
    """Holds stateful RNN state variables out of the layer's weights (as Keras keeps them)."""

    def __init__(self):
        self.variables = None


class RNN(Layer):
    """Runs an RNN cell over a sequence: the base of SimpleRNN, LSTM and GRU.

    The cell is any layer with ``call(inputs, states) -> (output, new_states)`` and a
    ``state_size`` (an int, or a list with one int or shape per state); ``output_size`` is
    optional. Inputs may be nested (a tuple of ``(batch, time, ...)`` tensors), in which
    case the cell receives the structure of one step.

    Args:
        cell: an RNN cell, or a list of cells (stacked).
        return_sequences: return the output of every step, not only the last.
        return_state: also return the final states: ``output, *states``.
        go_backwards: process the sequence in reverse (outputs in processing order).
        stateful: keep the final states of a batch as the initial states of the next
            (needs a fixed batch size; ``reset_state()`` zeros them).
        unroll: unroll the loop instead of a scan (short sequences only).
        zero_output_for_mask: masked steps output zeros instead of repeating the last output.

    Call arguments: ``sequences``, ``initial_state`` (list of tensors), ``mask``
    (``(batch, time)`` booleans, usually from ``Embedding(mask_zero=True)`` or
    ``Masking``), ``training``.

    Example:
        >>> layer = lamina.layers.RNN(lamina.layers.LSTMCell(4), return_sequences=True)
        >>> ops.shape(layer(lamina.ops.ones((2, 5, 3))))
        (2, 5, 4)
    """

    def __init__(self, cell, return_sequences=False, return_state=False, go_backwards=False, stateful=False,
                 unroll=False, zero_output_for_mask=False, **kwargs):
        if isinstance(cell, (list, tuple)):
            from lamina.layers.rnn.stacked_rnn_cells import StackedRNNCells

            cell = StackedRNNCells(cell)
        if not callable(getattr(cell, "call", None)):
            raise ValueError(
                f"Argument `cell` of {type(self).__name__} should have a `call` method. Received: cell={cell!r}")
        if getattr(cell, "state_size", None) is None:
            raise ValueError(
                f"The RNN cell should have a `state_size` attribute (an int, or a list with one size per "
                f"state). Received: cell={cell!r}")
        super().__init__(**kwargs)
        self.cell = cell
        self.return_sequences = return_sequences
        self.return_state = return_state
        self.go_backwards = go_backwards
        self.stateful = stateful
        self.unroll = unroll
        self.zero_output_for_mask = zero_output_for_mask
        self.supports_masking = True
        self._hidden = _Hidden()
        self._expected_batch_size = None

    # -- states -----------------------------------------------------------------
    @property
    def state_size(self):
        return self.cell.state_size

    @property
    def states(self):
        """The state Variables of a stateful layer (None before it is built or when not stateful)."""
        return self._hidden.variables

    def get_initial_state(self, batch_size):
        """Zero states for ``batch_size`` (from the cell's ``get_initial_state`` if it has one)."""
        fn = getattr(self.cell, "get_initial_state", None)
        if fn is not None:
            states = fn(batch_size=batch_size)
            return list(states) if tree.is_nested(states) else [states]
        dtype = getattr(self.cell, "compute_dtype", None) or backend.floatx()
        return _map_shapes(lambda shape: ops.zeros((batch_size,) + shape, dtype=dtype), cell_state_shapes(self.cell))

    def reset_state(self, states=None):
        """Sets the states of a stateful layer to zeros (or to ``states``)."""
        if self.states is None:
            return
        variables = tree.flatten(self.states)
        values = [None] * len(variables) if states is None else tree.flatten(states)
        if len(values) != len(variables):
            raise ValueError(
                f"Layer '{self.name}' has {len(variables)} states, but reset_state received {len(values)} values.")
        for variable, value in zip(variables, values):
            variable.assign(ops.zeros(variable.shape, variable.dtype) if value is None else value)

    def reset_states(self, states=None):
        """Alias of ``reset_state``."""
        self.reset_state(states)

    # -- build --------------------------------------------------------------------
    def build(self, sequences_shape, initial_state_shape=None):
        shapes = _leaf_shapes(sequences_shape)
        for shape in shapes:
            if len(shape) < 3:
                raise ValueError(
                    f"Layer '{self.name}' ({type(self).__name__}) expects inputs of rank 3 or more "
                    f"(batch, timesteps, features...). Received input with shape {tuple(shape)}")
        step_shape = _step_shapes(sequences_shape)
        if isinstance(self.cell, Layer) and not self.cell.built:
            with backend.name_scope(self.cell.name, caller=self.cell):
                if type(self.cell).build is not Layer.build:
                    self.cell.build(step_shape)
            self.cell._build_shapes = step_shape
            self.cell.built = True
        if self.stateful:
            batch = shapes[0][0]
            if batch is None:
                raise ValueError(
                    f"Layer '{self.name}': a stateful RNN needs a fixed batch size (use "
                    f"`Input(batch_shape=...)` or `batch_size=`). Received input shape {tuple(shapes[0])}")
            self._expected_batch_size = batch
            with backend.name_scope(self.name, caller=self):
                self._hidden.variables = tree.map_structure(
                    lambda value: backend.Variable(value, trainable=False, name="rnn_state"),
                    self.get_initial_state(batch))
        self.built = True

    # -- call ---------------------------------------------------------------------
    def call(self, sequences, initial_state=None, mask=None, training=False):
        first = tree.flatten(sequences)[0]
        if tree.is_nested(mask):
            mask = next((m for m in tree.flatten(mask) if m is not None), None)
        if self.unroll and first.shape[1] is None:
            raise ValueError(f"Layer '{self.name}': cannot unroll an RNN whose time dimension is unknown.")
        batch = ops.shape(first)[0]
        if initial_state is None:
            if self.stateful:
                # A copy, so that assigning the new states does not modify a tensor autograd saved.
                initial_state = tree.map_structure(lambda v: ops.multiply(v.value, 1), self.states)
            else:
                initial_state = self.get_initial_state(batch)
        else:
            if not tree.is_nested(initial_state):
                initial_state = [initial_state]
            initial_state = list(initial_state)
            expected = len(tree.flatten(self.get_initial_state(1)))
            if len(tree.flatten(initial_state)) != expected:
                raise ValueError(
                    f"Layer '{self.name}' expects {expected} initial state tensor(s), but received "
                    f"{len(tree.flatten(initial_state))}.")
        if self.stateful and self._expected_batch_size is not None and batch != self._expected_batch_size:
            raise ValueError(
                f"Layer '{self.name}' is stateful with batch size {self._expected_batch_size}, but received "
                f"a batch of {batch} sequences.")
        dtype = getattr(self.cell, "compute_dtype", None) or self.compute_dtype
        initial_state = tree.map_structure(lambda s: ops.cast(s, dtype), initial_state)
        if training:
            _configure_dropout(self.cell, sequences, batch)
        try:
            last, outputs, states = self.inner_loop(sequences, initial_state, mask, training)
        finally:
            _reset_dropout(self.cell)
        if self.stateful:
            for variable, value in zip(tree.flatten(self.states), tree.flatten(states)):
                variable.assign(value)
        output = outputs if self.return_sequences else last
        if self.return_state:
            return (output, *states)
        return output

    def inner_loop(self, sequences, initial_state, mask, training=False):
        """Runs the cell step by step; subclasses may replace it with a faster equivalent."""
        cell_kwargs = {}
        if "training" in inspect.signature(self.cell.call).parameters:
            cell_kwargs["training"] = training

        def step(inputs, states):
            return self.cell(inputs, states, **cell_kwargs)

        return backend.rnn.rnn(step, sequences, initial_state, go_backwards=self.go_backwards, mask=mask,
                               unroll=self.unroll, zero_output_for_mask=self.zero_output_for_mask,
                               return_all_outputs=self.return_sequences)

    # -- shapes and masks -----------------------------------------------------------
    def compute_output_shape(self, sequences_shape, initial_state_shape=None):
        first = _leaf_shapes(sequences_shape)[0]
        batch, steps = first[0], first[1]
        output_size = getattr(self.cell, "output_size", None)
        if output_size is None:
            output_size = _leaf_shapes(cell_state_shapes(self.cell))[0]
        out = _output_shapes(output_size)
        prefix = (batch, steps) if self.return_sequences else (batch,)
        output_shape = _map_shapes(lambda s: prefix + s, out)
        if not self.return_state:
            return output_shape
        states = _map_shapes(lambda s: (batch,) + s, cell_state_shapes(self.cell))
        return (output_shape, *states)

    def compute_mask(self, inputs, mask):
        if tree.is_nested(mask):
            mask = next((m for m in tree.flatten(mask) if m is not None), None)
        output_mask = mask if self.return_sequences else None
        if self.return_state:
            return [output_mask] + [None] * _count_states(cell_state_shapes(self.cell))
        return output_mask

    # -- config ---------------------------------------------------------------------
    def get_config(self):
        from lamina.saving.serialization_lib import serialize_keras_object

        config = super().get_config()
        config.update({
            "return_sequences": self.return_sequences,
            "return_state": self.return_state,
            "go_backwards": self.go_backwards,
            "stateful": self.stateful,
            "unroll": self.unroll,
            "zero_output_for_mask": self.zero_output_for_mask,
            "cell": serialize_keras_object(self.cell),
        })
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from lamina.saving.serialization_lib import deserialize_keras_object

        config = dict(config)
        cell = deserialize_keras_object(config.pop("cell"), custom_objects=custom_objects)
        return super().from_config({**config, "cell": cell})


# -- helpers --------------------------------------------------------------------------
def _count_states(shapes):
    return 1 if _is_shape(shapes) and isinstance(shapes, tuple) else sum(_count_states(s) for s in shapes)


def _map_shapes(fn, shapes):
    if _is_shape(shapes) and isinstance(shapes, tuple):
        return fn(shapes)
    return [_map_shapes(fn, s) for s in shapes]


def _output_shapes(size):
    if isinstance(size, int) or hasattr(size, "as_list"):
        return _as_shape(size)
    if _is_shape(size):
        return tuple(size)
    return [_output_shapes(s) for s in size]


def _leaf_shapes(shapes):
    if _is_shape(shapes):
        return [tuple(shapes)]
    out = []
    for s in (shapes.values() if isinstance(shapes, dict) else shapes):
        out.extend(_leaf_shapes(s))
    return out


def _step_shapes(shapes):
    if _is_shape(shapes):
        return (shapes[0],) + tuple(shapes[2:])
    if isinstance(shapes, dict):
        return {k: _step_shapes(v) for k, v in shapes.items()}
    return type(shapes)(_step_shapes(s) for s in shapes)


def _configure_dropout(cell, sequences, batch):
    """Draws the dropout masks before the loop, so the loop itself is random-free."""
    from lamina.layers.rnn.stacked_rnn_cells import StackedRNNCells

    if isinstance(cell, StackedRNNCells):
        features = tree.flatten(sequences)[0].shape[-1]
        for inner in cell.cells:
            if isinstance(inner, DropoutRNNCell):
                inner.get_dropout_mask(ops.zeros((batch, features)))
                inner.get_recurrent_dropout_mask(ops.zeros((batch, inner.units)))
            features = _output_width(inner)
    elif isinstance(cell, DropoutRNNCell):
        step_input = tree.map_structure(lambda x: x[:, 0], sequences)
        cell.get_dropout_mask(step_input)
        state = tree.flatten(cell.get_initial_state(batch))[0]
        cell.get_recurrent_dropout_mask(state)


def _output_width(cell):
    size = getattr(cell, "output_size", None)
    if size is None:
        size = cell.state_size if isinstance(cell.state_size, int) else cell.state_size[0]
    return size


def _reset_dropout(cell):
    for inner in getattr(cell, "cells", [cell]):
        if isinstance(inner, DropoutRNNCell):
            inner.reset_dropout_mask()
            inner.reset_recurrent_dropout_mask()
