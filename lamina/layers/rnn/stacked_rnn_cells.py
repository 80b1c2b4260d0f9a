"""StackedRNNCells: several cells run as one, each feeding the next within a step."""

from lamina import backend
from lamina.backend import tree
from lamina.layers.layer import Layer


class StackedRNNCells(Layer):
    """Wraps a list of RNN cells so that ``RNN`` runs them as one deep cell.

    The states are nested: one list per cell. The output is the last cell's output.

    Args:
        cells: a list of cell instances.

    Example:
        >>> cells = [lamina.layers.LSTMCell(8), lamina.layers.LSTMCell(4)]
        >>> ops.shape(lamina.layers.RNN(lamina.layers.StackedRNNCells(cells))(lamina.ops.ones((2, 5, 3))))
        (2, 4)
    """

    def __init__(self, cells, **kwargs):
        super().__init__(**kwargs)
        cells = list(cells)
        for cell in cells:
            if not callable(getattr(cell, "call", None)) or getattr(cell, "state_size", None) is None:
                raise ValueError(
                    "StackedRNNCells: every cell needs a `call` method and a `state_size`. "
                    f"Received: cell={cell!r}")
        if not cells:
            raise ValueError("StackedRNNCells: expected a non-empty list of cells. Received: cells=[]")
        self.cells = cells

    @property
    def state_size(self):
        return [c.state_size for c in self.cells]

    @property
    def output_size(self):
        last = self.cells[-1]
        size = getattr(last, "output_size", None)
        if size is None:
            size = last.state_size if isinstance(last.state_size, int) else last.state_size[0]
        return size

    def nested_state_shapes(self):
        from lamina.layers.rnn.rnn import cell_state_shapes

        return [cell_state_shapes(c) for c in self.cells]

    def get_initial_state(self, batch_size=None):
        from lamina.layers.rnn.rnn import RNN

        states = []
        for cell in self.cells:
            fn = getattr(cell, "get_initial_state", None)
            if fn is not None:
                s = fn(batch_size=batch_size)
                states.append(list(s) if tree.is_nested(s) else [s])
            else:
                states.append(RNN(cell).get_initial_state(batch_size))
        return states

    def build(self, input_shape):
        shape = input_shape
        for cell in self.cells:
            if isinstance(cell, Layer) and not cell.built:
                with backend.name_scope(cell.name, caller=cell):
                    if type(cell).build is not Layer.build:
                        cell.build(shape)
                cell._build_shapes = shape
                cell.built = True
            size = getattr(cell, "output_size", None)
            if size is None:
                size = cell.state_size if isinstance(cell.state_size, int) else cell.state_size[0]
            shape = tuple(shape[:-1]) + (size,)
        self.built = True

    def call(self, inputs, states, training=False):
        new_states = []
        for cell, cell_states in zip(self.cells, states):
            cell_states = list(cell_states) if tree.is_nested(cell_states) else [cell_states]
            kwargs = {"training": training} if _takes_training(cell) else {}
            inputs, out_states = cell(inputs, cell_states, **kwargs)
            new_states.append(list(out_states) if tree.is_nested(out_states) else [out_states])
        return inputs, new_states

    def get_config(self):
        from lamina.saving.serialization_lib import serialize_keras_object

        config = super().get_config()
        config["cells"] = [serialize_keras_object(c) for c in self.cells]
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from lamina.saving.serialization_lib import deserialize_keras_object

        config = dict(config)
        cells = [deserialize_keras_object(c, custom_objects=custom_objects) for c in config.pop("cells")]
        return cls(cells, **config)


def _takes_training(cell):
    import inspect

    return "training" in inspect.signature(cell.call).parameters
