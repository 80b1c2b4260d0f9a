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

    Inputs of lower rank are expanded at axis 1 until the ranks agree, as Keras does. When
    every input has a mask, the output mask keeps a step that any input keeps (OR), as in
    Keras 3; otherwise there is none. Subclasses implement ``_merge(inputs)``; those without
    an identity value (``Maximum``, ``Minimum``, ``Multiply``) also ``_merge_masked(inputs,
    masks)``, which merges only the values their inputs' masks keep.
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

    def call(self, inputs, mask=None):
        if self._reshape_required:
            max_ndim = max(len(x.shape) for x in inputs)
            aligned = []
            for x in inputs:
                for _ in range(max_ndim - len(x.shape)):
                    x = ops.expand_dims(x, 1)
                aligned.append(x)
            inputs = aligned
        masks = list(mask) if isinstance(mask, (list, tuple)) else [None] * len(inputs)
        if any(m is not None for m in masks) and type(self)._merge_masked is not Merge._merge_masked:
            return self._merge_masked(list(inputs), masks)
        return self._merge(list(inputs))

    def _merge_masked(self, inputs, masks):
        return self._merge(inputs)

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
        if any(m is None for m in previous_mask):
            return None
        out = ops.cast(previous_mask[0], "bool")
        for m in previous_mask[1:]:
            out = ops.logical_or(out, ops.cast(m, "bool"))
        return out


def step_masks(inputs, masks):
    """Each input's mask (one flag per step) broadcast to the input's shape; None stays None."""
    return [None if m is None else ops.broadcast_to(ops.expand_dims(ops.cast(m, "bool"), -1), ops.shape(x))
            for x, m in zip(inputs, masks)]


def merge_masked(op, inputs, masks):
    """``op`` folded over ``inputs``, where a step one side masks takes the other side's value
    (so a masked zero never wins a maximum or a minimum)."""
    out, out_mask = inputs[0], masks[0]
    for x, m in zip(inputs[1:], masks[1:]):
        if m is not None:
            x = ops.where(m, x, out)
        if out_mask is not None:
            out = ops.where(out_mask, out, x)
        out_mask = None if m is None or out_mask is None else ops.logical_or(out_mask, m)
        out = op(out, x)
    return out
