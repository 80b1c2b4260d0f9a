"""Merge: the base of element-wise layers that combine a list of tensors."""

from lamina import ops
from lamina.layers.layer import Layer


def broadcast_shapes(layer, shape1, shape2):
    """NumPy broadcasting of two shapes (without batch), ``None`` meaning unknown."""
    if len(shape1) < len(shape2):
        shape1, shape2 = shape2, shape1
    out = list(shape1[: len(shape1) - len(shape2)])
    for a, b in zip(shape1[len(shape1) - len(shape2):], shape2):
        if a is None or b is None:
            out.append(None if (a is None or a == 1) and (b is None or b == 1) else (a if b in (None, 1) else b))
        elif a == 1 or b == 1 or a == b:
            out.append(max(a, b) if a != 1 and b != 1 else a * b)
        else:
            raise ValueError(
                f"{type(layer).__name__} layer '{layer.name}' got inputs with incompatible shapes: "
                f"{tuple(shape1)} and {tuple(shape2)} cannot be broadcast together."
            )
    return tuple(out)


class Merge(Layer):
    """Element-wise merge of 2 or more inputs, broadcasting like NumPy.

    Inputs of lower rank are expanded at axis 1 until the ranks agree, as Keras does. The
    output mask is the logical AND of the input masks. Subclasses implement ``_merge(inputs)``.
    """

    supports_masking = True
    _min_inputs = 2
    _max_inputs = None

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._reshape_required = False

    def _check_inputs(self, input_shape):
        if not isinstance(input_shape, (list, tuple)) or not input_shape or not isinstance(input_shape[0], (list, tuple)):
            raise ValueError(
                f"{type(self).__name__} layer '{self.name}' must be called on a list of inputs. "
                f"Received: input_shape={input_shape}"
            )
        n = len(input_shape)
        if n < self._min_inputs or (self._max_inputs is not None and n > self._max_inputs):
            expected = f"exactly {self._max_inputs}" if self._max_inputs == self._min_inputs else f"at least {self._min_inputs}"
            raise ValueError(
                f"{type(self).__name__} layer '{self.name}' expects {expected} inputs. Received {n} inputs "
                f"with shapes {[tuple(s) for s in input_shape]}"
            )

    def build(self, input_shape):
        self._check_inputs(input_shape)
        self.compute_output_shape(input_shape)
        self._reshape_required = len({len(s) for s in input_shape}) > 1
        self.built = True

    def call(self, inputs):
        if self._reshape_required:
            max_ndim = max(len(x.shape) for x in inputs)
            aligned = []
            for x in inputs:
                for _ in range(max_ndim - len(x.shape)):
                    x = ops.expand_dims(x, 1)
                aligned.append(x)
            inputs = aligned
        return self._merge(list(inputs))

    def compute_output_shape(self, input_shape):
        self._check_inputs(input_shape)
        batch = {s[0] for s in input_shape if s and s[0] is not None}
        if len(batch) > 1:
            raise ValueError(
                f"{type(self).__name__} layer '{self.name}' got inputs with different batch sizes: "
                f"{[tuple(s) for s in input_shape]}"
            )
        max_ndim = max(len(s) for s in input_shape)
        shapes = [tuple(s[:1]) + (1,) * (max_ndim - len(s)) + tuple(s[1:]) for s in input_shape]
        out = shapes[0][1:]
        for s in shapes[1:]:
            out = broadcast_shapes(self, out, s[1:])
        return (next(iter(batch)) if batch else None,) + out

    def compute_mask(self, inputs, previous_mask):
        if previous_mask is None:
            return None
        if not isinstance(previous_mask, (list, tuple)):
            raise ValueError(f"{type(self).__name__} layer '{self.name}': `mask` should be a list. Received: {previous_mask}")
        masks = [m for m in previous_mask if m is not None]
        if not masks:
            return None
        out = ops.cast(masks[0], "bool")
        for m in masks[1:]:
            out = ops.logical_and(out, ops.cast(m, "bool"))
        return out
