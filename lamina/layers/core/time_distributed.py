"""TimeDistributed: applies a layer to every temporal slice of an input."""

from lamina import ops
from lamina.layers.core.wrapper import Wrapper
from lamina.layers.layer import _call_signature


class TimeDistributed(Wrapper):
    """Applies ``layer`` to each step of ``(batch, time, ...)`` inputs with shared weights.

    The batch and time axes are merged into one, so the wrapped layer is called once per batch;
    a layer whose rows depend on each other while training (BatchNormalization) is instead
    called once per step in training, as Keras does, so each step gets its own statistics.

    Args:
        layer: the layer to apply to each step.

    Example:
        >>> td = lamina.layers.TimeDistributed(lamina.layers.Dense(8))
        >>> ops.shape(td(lamina.ops.ones((2, 10, 16))))
        (2, 10, 8)
    """

    def __init__(self, layer, **kwargs):
        super().__init__(layer, **kwargs)

    def _check(self, input_shape):
        if not isinstance(input_shape, (list, tuple)) or len(input_shape) < 3:
            raise ValueError(
                f"TimeDistributed layer '{self.name}' expects inputs of rank >= 3 (batch, time, ...). "
                f"Received shape {input_shape}"
            )

    def build(self, input_shape):
        self._check(input_shape)
        self._build_inner((input_shape[0],) + tuple(input_shape[2:]))
        self.built = True

    def compute_output_shape(self, input_shape):
        self._check(input_shape)
        inner = self.layer.compute_output_shape((input_shape[0],) + tuple(input_shape[2:]))
        return (input_shape[0], input_shape[1]) + tuple(inner[1:])

    def call(self, inputs, training=None, mask=None):
        shape = tuple(inputs.shape)
        steps = shape[1]
        signature = _call_signature(type(self.layer))
        kwargs = {"training": training} if signature["training"] else {}
        use_mask = signature["mask"] and mask is not None
        if training and steps is not None and self._mixes_rows():
            outputs = []
            for t in range(steps):
                if use_mask:
                    kwargs["mask"] = mask[:, t]
                outputs.append(self.layer(inputs[:, t], **kwargs))
            return ops.stack(outputs, axis=1)
        merged = ops.reshape(inputs, (-1,) + shape[2:])
        if use_mask:
            kwargs["mask"] = ops.reshape(mask, (-1,) + tuple(mask.shape[2:]))
        out = self.layer(merged, **kwargs)
        return ops.reshape(out, (-1, steps) + tuple(out.shape[1:]))

    def _mixes_rows(self):
        return any(getattr(layer, "_mixes_batch_rows", False) for layer in self.layer._flatten_layers())

    def compute_mask(self, inputs, previous_mask):
        return previous_mask
