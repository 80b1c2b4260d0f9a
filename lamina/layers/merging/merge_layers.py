"""Add, Subtract, Multiply, Average, Maximum, Minimum, Concatenate, Dot and their functional forms."""

from lamina import ops
from lamina.layers.layer import Layer
from lamina.layers.merging.base_merge import Merge, merge_masked, step_masks


class Add(Merge):
    """Sums a list of inputs element-wise.

    Example:
        >>> ops.convert_to_numpy(lamina.layers.Add()([lamina.ops.ones((2, 3)), lamina.ops.ones((2, 3))]))
        array([[2., 2., 2.],
               [2., 2., 2.]], dtype=float32)
    """

    def _merge(self, inputs):
        out = inputs[0]
        for x in inputs[1:]:
            out = ops.add(out, x)
        return out


class Subtract(Merge):
    """``inputs[0] - inputs[1]`` (exactly two inputs).

    Example:
        >>> ops.convert_to_numpy(lamina.layers.Subtract()([lamina.ops.ones((2, 3)), lamina.ops.ones((2, 3))]))
        array([[0., 0., 0.],
               [0., 0., 0.]], dtype=float32)
    """

    _max_inputs = 2

    def _merge(self, inputs):
        return ops.subtract(inputs[0], inputs[1])


class Multiply(Merge):
    """Multiplies a list of inputs element-wise.

    Example:
        >>> ops.convert_to_numpy(lamina.layers.Multiply()([lamina.ops.ones((2, 3)), lamina.ops.ones((2, 3))]))
        array([[1., 1., 1.],
               [1., 1., 1.]], dtype=float32)
    """

    def _merge_masked(self, inputs, masks):
        masks = step_masks(inputs, masks)
        # Masked steps count as 1; a step every input masks comes out 0 (Keras 3's rule).
        inputs = [x if m is None else ops.where(m, x, ops.ones_like(x)) for x, m in zip(inputs, masks)]
        out = self._merge(inputs)
        if all(m is not None for m in masks):
            kept = masks[0]
            for m in masks[1:]:
                kept = ops.logical_or(kept, m)
            out = ops.where(kept, out, ops.zeros_like(out))
        return out

    def _merge(self, inputs):
        out = inputs[0]
        for x in inputs[1:]:
            out = ops.multiply(out, x)
        return out


class Average(Merge):
    """Element-wise mean of a list of inputs.

    Example:
        >>> ops.convert_to_numpy(lamina.layers.Average()([lamina.ops.ones((2, 3)), lamina.ops.zeros((2, 3))]))
        array([[0.5, 0.5, 0.5],
               [0.5, 0.5, 0.5]], dtype=float32)
    """

    def _merge(self, inputs):
        out = inputs[0]
        for x in inputs[1:]:
            out = ops.add(out, x)
        return ops.divide(out, len(inputs))


class Maximum(Merge):
    """Element-wise maximum of a list of inputs.

    Example:
        >>> ops.convert_to_numpy(lamina.layers.Maximum()([lamina.ops.ones((2, 3)), lamina.ops.zeros((2, 3))]))
        array([[1., 1., 1.],
               [1., 1., 1.]], dtype=float32)
    """

    def _merge_masked(self, inputs, masks):
        return merge_masked(ops.maximum, inputs, step_masks(inputs, masks))

    def _merge(self, inputs):
        out = inputs[0]
        for x in inputs[1:]:
            out = ops.maximum(out, x)
        return out


class Minimum(Merge):
    """Element-wise minimum of a list of inputs.

    Example:
        >>> ops.convert_to_numpy(lamina.layers.Minimum()([lamina.ops.ones((2, 3)), lamina.ops.zeros((2, 3))]))
        array([[0., 0., 0.],
               [0., 0., 0.]], dtype=float32)
    """

    def _merge_masked(self, inputs, masks):
        return merge_masked(ops.minimum, inputs, step_masks(inputs, masks))

    def _merge(self, inputs):
        out = inputs[0]
        for x in inputs[1:]:
            out = ops.minimum(out, x)
        return out


class Concatenate(Layer):
    """Concatenates a list of inputs along ``axis``; the other axes must match.

    Args:
        axis: the concatenation axis (default -1).

    Example:
        >>> ops.shape(lamina.layers.Concatenate()([lamina.ops.ones((2, 3)), lamina.ops.ones((2, 4))]))
        (2, 7)
    """

    supports_masking = True

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        self.axis = axis

    def build(self, input_shape):
        self.compute_output_shape(input_shape)
        self.built = True

    def call(self, inputs):
        return ops.concatenate(list(inputs), axis=self.axis)

    def compute_output_shape(self, input_shape):
        if not isinstance(input_shape, (list, tuple)) or len(input_shape) < 1 or \
                not isinstance(input_shape[0], (list, tuple)):
            raise ValueError(
                f"Concatenate layer '{self.name}' must be called on a list of inputs. Received: input_shape={input_shape}"
            )
        ranks = {len(s) for s in input_shape}
        if len(ranks) != 1:
            raise ValueError(
                f"Concatenate layer '{self.name}' requires inputs of the same rank. Received: input_shape="
                f"{[tuple(s) for s in input_shape]}"
            )
        rank = ranks.pop()
        axis = self.axis % rank
        out = list(input_shape[0])
        for shape in input_shape[1:]:
            for i, (a, b) in enumerate(zip(out, shape)):
                if i == axis:
                    out[i] = None if a is None or b is None else a + b
                elif a is None:
                    out[i] = b
                elif b is not None and a != b:
                    raise ValueError(
                        f"A Concatenate layer ('{self.name}') requires inputs with matching shapes except for the "
                        f"concatenation axis {self.axis}. Received: input_shape={[tuple(s) for s in input_shape]}"
                    )
        return tuple(out)

    def compute_mask(self, inputs, previous_mask):
        if previous_mask is None or all(m is None for m in previous_mask):
            return None
        masks = []
        for x, m in zip(inputs, previous_mask):
            if m is None:
                masks.append(ops.ones_like(x, dtype="bool"))
            elif len(m.shape) < len(x.shape):
                masks.append(ops.logical_and(ops.expand_dims(ops.cast(m, "bool"), -1), ops.ones_like(x, dtype="bool")))
            else:
                masks.append(ops.cast(m, "bool"))
        return ops.any(ops.concatenate(masks, axis=self.axis), axis=-1)

    def get_config(self):
        config = super().get_config()
        config["axis"] = self.axis
        return config


def _l2_normalize(x, axis):
    inv = ops.divide(1.0, ops.sqrt(ops.sum(ops.square(x), axis=axis, keepdims=True)))
    return ops.multiply(x, ops.minimum(inv, 1e7))


class Dot(Layer):
    """Batch dot product of two inputs, contracting ``axes``.

    Args:
        axes: int or pair of ints, the axis of each input to contract (batch axis excluded).
        normalize: L2-normalize both inputs along those axes first (cosine similarity).

    Example:
        >>> ops.shape(lamina.layers.Dot(axes=1)([lamina.ops.ones((2, 3)), lamina.ops.ones((2, 3))]))
        (2, 1)
    """

    def __init__(self, axes, normalize=False, **kwargs):
        super().__init__(**kwargs)
        if isinstance(axes, (list, tuple)):
            if len(axes) != 2 or not all(isinstance(a, int) for a in axes):
                raise ValueError(f"Dot: `axes` must be an int or a pair of ints. Received: axes={axes!r}")
            axes = list(axes)
        elif not isinstance(axes, int):
            raise TypeError(f"Dot: `axes` must be an int or a pair of ints. Received: axes={axes!r}")
        self.axes = axes
        self.normalize = normalize

    def _resolve(self, shape1, shape2):
        if isinstance(self.axes, int):
            if self.axes < 0:
                return self.axes % len(shape1), self.axes % len(shape2)
            return self.axes, self.axes
        return tuple(a % len(s) if a < 0 else a for a, s in zip(self.axes, (shape1, shape2)))

    def compute_output_shape(self, input_shape):
        if not isinstance(input_shape, (list, tuple)) or len(input_shape) != 2:
            raise ValueError(f"Dot layer '{self.name}' must be called on a list of 2 inputs. Received: input_shape={input_shape}")
        shape1, shape2 = tuple(input_shape[0]), tuple(input_shape[1])
        a1, a2 = self._resolve(shape1, shape2)
        if shape1[a1] is not None and shape2[a2] is not None and shape1[a1] != shape2[a2]:
            raise ValueError(
                f"Dot layer '{self.name}': incompatible sizes along the dot axes: {shape1[a1]} (axis {a1} of "
                f"{shape1}) != {shape2[a2]} (axis {a2} of {shape2})."
            )
        out = shape1[:a1] + shape1[a1 + 1:] + shape2[1:a2] + shape2[a2 + 1:]
        return out + (1,) if len(out) == 1 else out

    def build(self, input_shape):
        self.compute_output_shape(input_shape)
        self.built = True

    def call(self, inputs):
        x, y = inputs
        a1, a2 = self._resolve(x.shape, y.shape)
        if self.normalize:
            x, y = _l2_normalize(x, a1), _l2_normalize(y, a2)
        rest_x = [d for i, d in enumerate(x.shape) if i not in (0, a1)]
        rest_y = [d for i, d in enumerate(y.shape) if i not in (0, a2)]
        xt = ops.transpose(x, [0] + [i for i in range(1, len(x.shape)) if i != a1] + [a1])
        yt = ops.transpose(y, [0, a2] + [i for i in range(1, len(y.shape)) if i != a2])
        k = x.shape[a1]
        out = ops.matmul(ops.reshape(xt, (-1, _prod(rest_x), k)), ops.reshape(yt, (-1, k, _prod(rest_y))))
        shape = tuple(rest_x) + tuple(rest_y)
        return ops.reshape(out, (-1,) + (shape if shape else (1,)))

    def get_config(self):
        config = super().get_config()
        config.update({"axes": self.axes, "normalize": self.normalize})
        return config


def _prod(dims):
    out = 1
    for d in dims:
        out *= d
    return out


def add(inputs, **kwargs):
    """Functional form of ``Add``: ``add([x1, x2])``."""
    return Add(**kwargs)(inputs)


def subtract(inputs, **kwargs):
    """Functional form of ``Subtract``: ``subtract([x1, x2])``."""
    return Subtract(**kwargs)(inputs)


def multiply(inputs, **kwargs):
    """Functional form of ``Multiply``."""
    return Multiply(**kwargs)(inputs)


def average(inputs, **kwargs):
    """Functional form of ``Average``."""
    return Average(**kwargs)(inputs)


def maximum(inputs, **kwargs):
    """Functional form of ``Maximum``."""
    return Maximum(**kwargs)(inputs)


def minimum(inputs, **kwargs):
    """Functional form of ``Minimum``."""
    return Minimum(**kwargs)(inputs)


def concatenate(inputs, axis=-1, **kwargs):
    """Functional form of ``Concatenate``: ``concatenate([x1, x2], axis=-1)``."""
    return Concatenate(axis=axis, **kwargs)(inputs)


def dot(inputs, axes=-1, **kwargs):
    """Functional form of ``Dot``: ``dot([x1, x2], axes=1, normalize=False)``."""
    return Dot(axes=axes, **kwargs)(inputs)
