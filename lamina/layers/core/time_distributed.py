"""TimeDistributed: applies a layer to every temporal slice of an input."""

from lamina import ops
from lamina.layers.core.wrapper import Wrapper
from lamina.layers.layer import _call_signature


class TimeDistributed(Wrapper):
    """Applies ``layer`` to each step of ``(batch, time, ...)`` inputs with shared weights.

    The batch and time axes are merged into one, so the wrapped layer is called once per batch.

    Args:
        layer: the layer to apply to each step.

    Example:
        >>> td = lamina.layers.TimeDistributed(lamina.layers.Dense(8))
        >>> td(lamina.ops.ones((2, 10, 16))).shape
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
        merged = ops.reshape(inputs, (-1,) + shape[2:])
        kwargs = {}
        signature = _call_signature(type(self.layer))
        if signature["training"]:
            kwargs["training"] = training
        if signature["mask"] and mask is not None:
            kwargs["mask"] = ops.reshape(mask, (-1,) + tuple(mask.shape[2:]))
        out = self.layer(merged, **kwargs)
        return ops.reshape(out, (-1, steps) + tuple(out.shape[1:]))

    def compute_mask(self, inputs, previous_mask):
        return previous_mask
