"""Bidirectional: runs a recurrent layer forwards and a copy backwards, and merges the outputs."""

from lamina import ops
from lamina.layers.core.wrapper import Wrapper
from lamina.layers.layer import Layer

_MERGE_MODES = ("concat", "sum", "mul", "ave", None)


def _renamed_copy(layer, prefix, go_backwards=None):
    from lamina.saving.serialization_lib import deserialize_keras_object, serialize_keras_object

    config = serialize_keras_object(layer)
    name = layer.name[len(prefix):] if layer.name.startswith(prefix) else layer.name
    config["config"]["name"] = prefix + name
    if go_backwards is not None:
        config["config"]["go_backwards"] = go_backwards
    return deserialize_keras_object(config)


class Bidirectional(Wrapper):
    """Bidirectional wrapper for RNNs.

    The wrapped layer is copied twice (as ``forward_<name>`` and ``backward_<name>``, the
    latter with ``go_backwards`` flipped), so weights live under
    ``bidirectional/forward_lstm/lstm_cell/kernel`` as in Keras.

    Args:
        layer: a recurrent layer (``RNN``, ``LSTM``, ``GRU``...).
        merge_mode: how to combine the two outputs: ``"concat"`` (default), ``"sum"``,
            ``"mul"``, ``"ave"``, or None for a tuple ``(forward, backward)``.
        backward_layer: an optional layer for the backward direction (it must have
            ``go_backwards=True`` and the same ``return_sequences``/``return_state``/``stateful``).
        weights: initial weights, forward then backward.

    Call arguments: ``sequences``, ``initial_state`` (forward states then backward states),
    ``mask``, ``training``. With ``return_state`` the output is followed by the forward
    states, then the backward states.

    Example:
        >>> layer = lamina.layers.Bidirectional(lamina.layers.LSTM(4, return_sequences=True))
        >>> ops.shape(layer(lamina.ops.ones((2, 5, 3))))
        (2, 5, 8)
    """

    def __init__(self, layer, merge_mode="concat", weights=None, backward_layer=None, **kwargs):
        if not isinstance(layer, Layer):
            raise ValueError(f"Bidirectional: `layer` must be a lamina Layer instance. Received: layer={layer!r}")
        if backward_layer is not None and not isinstance(backward_layer, Layer):
            raise ValueError(
                f"Bidirectional: `backward_layer` must be a Layer instance. Received: backward_layer={backward_layer!r}")
        if merge_mode not in _MERGE_MODES:
            raise ValueError(
                "Bidirectional: merge_mode should be one of 'concat', 'sum', 'mul', 'ave' or None. "
                f"Received: merge_mode={merge_mode!r}")
        super().__init__(_renamed_copy(layer, "forward_"), **kwargs)
        self.forward_layer = self.layer
        self.backward_layer = _renamed_copy(layer, "backward_", go_backwards=True) if backward_layer is None \
            else backward_layer
        for name in ("use_cudnn",):
            if hasattr(layer, name):
                setattr(self.forward_layer, name, getattr(layer, name))
                setattr(self.backward_layer, name, getattr(layer, name))
        if self.forward_layer.go_backwards == self.backward_layer.go_backwards:
            raise ValueError(
                "Bidirectional: the forward and backward layers must have different `go_backwards`. Received: "
                f"forward go_backwards={self.forward_layer.go_backwards}, backward "
                f"go_backwards={self.backward_layer.go_backwards}")
        for attr in ("stateful", "return_sequences", "return_state"):
            f, b = getattr(self.forward_layer, attr), getattr(self.backward_layer, attr)
            if f != b:
                raise ValueError(
                    f"Bidirectional: the forward and backward layers must have the same `{attr}`. "
                    f"Received: forward {attr}={f}, backward {attr}={b}")
        for sub in (self.forward_layer, self.backward_layer):
            if hasattr(sub, "zero_output_for_mask"):
                # The backward outputs are flipped, so padded steps must not carry values across.
                sub.zero_output_for_mask = sub.return_sequences
        self.merge_mode = merge_mode
        self.stateful = layer.stateful
        self.return_sequences = layer.return_sequences
        self.return_state = layer.return_state
        self.input_spec = layer.input_spec
        self._pending = list(weights) if weights else None

    def build(self, sequences_shape, initial_state_shape=None):
        for sub in (self.forward_layer, self.backward_layer):
            if not sub.built:
                sub._maybe_build((_ShapeOnly(sequences_shape),), {})
        if self._pending is not None:
            half = len(self._pending) // 2
            self.forward_layer.set_weights(self._pending[:half])
            self.backward_layer.set_weights(self._pending[half:])
            self._pending = None
        self.built = True

    def call(self, sequences, initial_state=None, mask=None, training=None):
        kwargs = {"training": training, "mask": mask}
        forward_state = backward_state = None
        if initial_state is not None:
            half = len(initial_state) // 2
            forward_state, backward_state = list(initial_state[:half]), list(initial_state[half:])
        y = self.forward_layer(sequences, initial_state=forward_state, **kwargs)
        y_rev = self.backward_layer(sequences, initial_state=backward_state, **kwargs)
        states = ()
        if self.return_state:
            states = tuple(y[1:]) + tuple(y_rev[1:])
            y, y_rev = y[0], y_rev[0]
        if self.return_sequences:
            steps = ops.shape(y_rev)[1]
            y_rev = ops.take(y_rev, ops.arange(steps - 1, -1, -1), axis=1)
        output = self._merge(y, y_rev)
        if self.return_state:
            return (output if isinstance(output, tuple) else (output,)) + states
        return output

    def _merge(self, y, y_rev):
        if self.merge_mode == "concat":
            return ops.concatenate([y, y_rev], axis=-1)
        if self.merge_mode == "sum":
            return y + y_rev
        if self.merge_mode == "ave":
            return (y + y_rev) / 2
        if self.merge_mode == "mul":
            return y * y_rev
        return (y, y_rev)

    def compute_output_shape(self, sequences_shape, initial_state_shape=None):
        forward = self.forward_layer.compute_output_shape(sequences_shape)
        backward = self.backward_layer.compute_output_shape(sequences_shape)
        states = ()
        if self.return_state:
            forward, states = forward[0], tuple(forward[1:]) + tuple(backward[1:])
            backward = backward[0]
        if self.merge_mode == "concat":
            output = tuple(forward[:-1]) + (forward[-1] + backward[-1],)
        elif self.merge_mode is None:
            output = (tuple(forward), tuple(backward))
        else:
            output = tuple(forward)
        if self.return_state:
            return (output if self.merge_mode is None else (output,)) + states
        return output

    def compute_mask(self, inputs, mask):
        if isinstance(mask, (list, tuple)):
            mask = mask[0]
        output_mask = mask if self.return_sequences else None
        if self.merge_mode is None:
            output_mask = [output_mask, output_mask]
        else:
            output_mask = [output_mask]
        if self.return_state:
            n_states = len(self.forward_layer.compute_mask(inputs, mask)) - 1
            return output_mask + [None] * (2 * n_states)
        return output_mask if self.merge_mode is None else output_mask[0]

    def reset_state(self):
        for sub in (self.forward_layer, self.backward_layer):
            sub.reset_state()

    def reset_states(self):
        self.reset_state()

    def get_config(self):
        from lamina.saving.serialization_lib import serialize_keras_object

        config = super().get_config()  # the forward layer is stored as "layer"
        config["merge_mode"] = self.merge_mode
        config["backward_layer"] = serialize_keras_object(self.backward_layer)
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from lamina.saving.serialization_lib import deserialize_keras_object

        config = dict(config)
        config["layer"] = deserialize_keras_object(config["layer"], custom_objects=custom_objects)
        backward = config.pop("backward_layer", None)
        if backward is not None:
            config["backward_layer"] = deserialize_keras_object(backward, custom_objects=custom_objects)
        return Layer.from_config.__func__(cls, config)


class _ShapeOnly:
    """Lets ``Layer._maybe_build`` read a shape as if from a tensor."""

    def __init__(self, shape):
        self.shape = shape
