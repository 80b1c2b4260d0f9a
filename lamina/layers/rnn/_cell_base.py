"""Shared parts of the built-in cells (SimpleRNNCell, LSTMCell, GRUCell) and their layers."""

from lamina import activations, backend, constraints, initializers, ops, regularizers
from lamina.backend.common.random_seed import SeedGenerator
from lamina.layers.input_spec import InputSpec
from lamina.layers.layer import Layer
from lamina.layers.rnn.dropout_rnn_cell import DropoutRNNCell
from lamina.layers.rnn.rnn import RNN

_SERIALIZERS = {
    "activation": activations.serialize, "recurrent_activation": activations.serialize,
    "kernel_initializer": initializers.serialize, "recurrent_initializer": initializers.serialize,
    "bias_initializer": initializers.serialize, "kernel_regularizer": regularizers.serialize,
    "recurrent_regularizer": regularizers.serialize, "bias_regularizer": regularizers.serialize,
    "kernel_constraint": constraints.serialize, "recurrent_constraint": constraints.serialize,
    "bias_constraint": constraints.serialize,
}
_COMMON = ("units", "activation", "use_bias", "kernel_initializer", "recurrent_initializer", "bias_initializer",
           "kernel_regularizer", "recurrent_regularizer", "bias_regularizer", "kernel_constraint",
           "recurrent_constraint", "bias_constraint", "dropout", "recurrent_dropout", "seed")


class RecurrentCell(Layer, DropoutRNNCell):
    """Base of the built-in cells: stores the common arguments and creates the three weights.

    Subclasses set ``_gates`` (how many blocks of ``units`` the kernels hold), ``_extra``
    (their own config keys) and implement ``call(inputs, states, training)``.
    """

    _gates = 1
    _extra = ()

    def __init__(self, units, activation="tanh", use_bias=True, kernel_initializer="glorot_uniform",
                 recurrent_initializer="orthogonal", bias_initializer="zeros", kernel_regularizer=None,
                 recurrent_regularizer=None, bias_regularizer=None, kernel_constraint=None,
                 recurrent_constraint=None, bias_constraint=None, dropout=0.0, recurrent_dropout=0.0, seed=None,
                 **kwargs):
        kwargs.pop("implementation", None)
        if not isinstance(units, int) or isinstance(units, bool) or units <= 0:
            raise ValueError(
                f"{type(self).__name__}: expected a positive integer for units. Received: units={units!r}")
        for arg, value in (("dropout", dropout), ("recurrent_dropout", recurrent_dropout)):
            if not isinstance(value, (int, float)) or not 0 <= value <= 1:
                raise ValueError(
                    f"{type(self).__name__}: expected a float in [0, 1] for {arg}. Received: {arg}={value!r}")
        super().__init__(**kwargs)
        self.units = units
        self.activation = activations.get(activation)
        self.use_bias = use_bias
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.recurrent_initializer = initializers.get(recurrent_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.recurrent_regularizer = regularizers.get(recurrent_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.recurrent_constraint = constraints.get(recurrent_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.dropout = float(dropout)
        self.recurrent_dropout = float(recurrent_dropout)
        self.seed = seed
        self.seed_generator = SeedGenerator(seed)
        self.state_size = units
        self.output_size = units

    def _add_kernels(self, input_dim):
        width = self.units * self._gates
        self.kernel = self.add_weight(shape=(input_dim, width), name="kernel", initializer=self.kernel_initializer,
                                      regularizer=self.kernel_regularizer, constraint=self.kernel_constraint)
        self.recurrent_kernel = self.add_weight(
            shape=(self.units, width), name="recurrent_kernel", initializer=self.recurrent_initializer,
            regularizer=self.recurrent_regularizer, constraint=self.recurrent_constraint)

    def _add_bias(self, shape, initializer=None):
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight(shape=shape, name="bias", initializer=initializer or self.bias_initializer,
                                        regularizer=self.bias_regularizer, constraint=self.bias_constraint)

    def _check_input(self, input_shape):
        if input_shape[-1] is None:
            raise ValueError(
                f"{type(self).__name__} '{self.name}' needs a known feature dimension. "
                f"Received input_shape={tuple(input_shape)}")
        return input_shape[-1]

    def _masks(self, inputs, h, training):
        """The input and recurrent dropout masks for this step (None when off)."""
        dp = self.get_dropout_mask(inputs) if training and 0 < self.dropout < 1 else None
        rec = self.get_recurrent_dropout_mask(h) if training and 0 < self.recurrent_dropout < 1 else None
        return dp, rec

    def get_initial_state(self, batch_size=None):
        count = len(self.state_size) if isinstance(self.state_size, (list, tuple)) else 1
        return [ops.zeros((batch_size, self.units), dtype=self.compute_dtype) for _ in range(count)]

    def get_config(self):
        config = super().get_config()
        for key in _COMMON + self._extra:
            value = getattr(self, key)
            config[key] = _SERIALIZERS[key](value) if key in _SERIALIZERS else value
        return config


def _forwarded(name):
    return property(lambda self: getattr(self.cell, name), doc=f"The cell's ``{name}``.")


class CellLayer(RNN):
    """Base of SimpleRNN, LSTM and GRU: an RNN that builds its own cell from the arguments.

    Subclasses set ``_cell_class`` and ``_cell_name``.
    """

    _cell_class = None
    _cell_name = None

    def __init__(self, cell_kwargs, return_sequences=False, return_state=False, go_backwards=False,
                 stateful=False, unroll=False, activity_regularizer=None, use_cudnn="auto", **kwargs):
        if use_cudnn not in ("auto", True, False):
            raise ValueError(f"{type(self).__name__}: expected use_cudnn in {{'auto', True, False}}. "
                             f"Received: use_cudnn={use_cudnn!r}")
        for legacy in ("cell", "implementation", "time_major"):
            kwargs.pop(legacy, None)
        cell = self._cell_class(**cell_kwargs, dtype=kwargs.get("dtype"), trainable=kwargs.get("trainable", True),
                                name=self._cell_name)
        super().__init__(cell, return_sequences=return_sequences, return_state=return_state,
                         go_backwards=go_backwards, stateful=stateful, unroll=unroll,
                         activity_regularizer=activity_regularizer, **kwargs)
        self.input_spec = InputSpec(ndim=3)
        self.use_cudnn = use_cudnn  # whether the fused library kernel may be used ("auto": where it applies)

    def _uses_default_activations(self):
        return self.cell.activation is activations.tanh and getattr(
            self.cell, "recurrent_activation", activations.sigmoid) is activations.sigmoid

    def _input_dropout(self, sequences, training):
        """Applies the cell's input dropout mask to every step at once."""
        if training and 0 < self.cell.dropout < 1:
            mask = self.cell.get_dropout_mask(sequences[:, 0])
            return ops.multiply(sequences, ops.expand_dims(mask, 1))
        return sequences

    def _loop(self, step, projected, initial_state, mask):
        return backend.rnn.rnn(step, projected, initial_state, go_backwards=self.go_backwards, mask=mask,
                               unroll=self.unroll, zero_output_for_mask=self.zero_output_for_mask,
                               return_all_outputs=self.return_sequences)

    def get_config(self):
        config = super().get_config()
        del config["cell"]
        config.update({k: v for k, v in self.cell.get_config().items()
                       if k not in ("name", "trainable", "dtype")})
        config["activity_regularizer"] = regularizers.serialize(self.activity_regularizer)
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        return Layer.from_config.__func__(cls, config)


for _name in _COMMON + ("recurrent_activation", "unit_forget_bias", "reset_after"):
    setattr(CellLayer, _name, _forwarded(_name))
