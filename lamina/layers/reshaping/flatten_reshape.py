"""Flatten, Reshape, Permute, RepeatVector."""

import math

from lamina import ops
from lamina.layers.layer import Layer


class Flatten(Layer):
    """Flattens all axes but the batch axis: ``(N, 3, 4) -> (N, 12)``.

    Args:
        data_format: ``"channels_first"`` moves channels last before flattening (Keras order).
    """

    def __init__(self, data_format=None, **kwargs):
        super().__init__(**kwargs)
        from lamina.backend import standardize_data_format

        self.data_format = standardize_data_format(data_format)
        self.built = True

    def call(self, inputs):
        if self.data_format == "channels_first" and len(inputs.shape) > 2:
            inputs = ops.transpose(inputs, (0,) + tuple(range(2, len(inputs.shape))) + (1,))
        shape = ops.shape(inputs)
        rest = shape[1:]
        if all(d is not None for d in rest):
            return ops.reshape(inputs, (-1, math.prod(rest)))
        return ops.reshape(inputs, (shape[0], -1))

    def compute_output_shape(self, input_shape):
        rest = input_shape[1:]
        size = math.prod(rest) if all(d is not None for d in rest) else None
        return (input_shape[0], size)

    def get_config(self):
        config = super().get_config()
        config["data_format"] = self.data_format
        return config


class Reshape(Layer):
    """Reshapes the non-batch axes to ``target_shape`` (one entry may be -1).

    Example:
        >>> ops.shape(lamina.layers.Reshape((28, 28, 1))(lamina.ops.ones((2, 784))))
        (2, 28, 28, 1)
    """

    def __init__(self, target_shape, **kwargs):
        super().__init__(**kwargs)
        target_shape = tuple(target_shape)
        if sum(1 for d in target_shape if d == -1) > 1:
            raise ValueError(f"Reshape: at most one dimension of target_shape may be -1. Received: target_shape={target_shape}")
        self.target_shape = target_shape
        self.built = True

    def _resolve(self, input_shape):
        rest = input_shape[1:]
        if -1 not in self.target_shape:
            if all(d is not None for d in rest) and math.prod(rest) != math.prod(self.target_shape):
                raise ValueError(
                    f"Reshape layer '{self.name}': cannot reshape an input of shape {tuple(input_shape)} "
                    f"({math.prod(rest)} values per sample) to target_shape={self.target_shape}."
                )
            return self.target_shape
        if any(d is None for d in rest):
            return tuple(None if d == -1 else d for d in self.target_shape)
        known = math.prod(d for d in self.target_shape if d != -1)
        total = math.prod(rest)
        if known == 0 or total % known:
            raise ValueError(
                f"Reshape layer '{self.name}': cannot reshape an input of shape {tuple(input_shape)} to "
                f"target_shape={self.target_shape}."
            )
        return tuple(total // known if d == -1 else d for d in self.target_shape)

    def call(self, inputs):
        target = self._resolve(tuple(inputs.shape))
        return ops.reshape(inputs, (-1,) + tuple(-1 if d is None else d for d in target))

    def compute_output_shape(self, input_shape):
        return (input_shape[0],) + self._resolve(tuple(input_shape))

    def get_config(self):
        config = super().get_config()
        config["target_shape"] = list(self.target_shape)
        return config


class Permute(Layer):
    """Permutes the non-batch axes; ``dims`` are 1-based, e.g. ``(2, 1)`` swaps them."""

    def __init__(self, dims, **kwargs):
        super().__init__(**kwargs)
        self.dims = tuple(dims)
        if sorted(self.dims) != list(range(1, len(self.dims) + 1)):
            raise ValueError(f"Permute: dims must be a permutation of 1..{len(self.dims)}. Received: dims={self.dims}")
        self.built = True

    def call(self, inputs):
        return ops.transpose(inputs, (0,) + self.dims)

    def compute_output_shape(self, input_shape):
        return (input_shape[0],) + tuple(input_shape[d] for d in self.dims)

    def get_config(self):
        config = super().get_config()
        config["dims"] = list(self.dims)
        return config


class RepeatVector(Layer):
    """Repeats a ``(N, D)`` input ``n`` times: ``(N, n, D)``."""

    def __init__(self, n, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(n, int) or n <= 0:
            raise ValueError(f"RepeatVector: expected a positive integer n. Received: n={n!r}")
        self.n = n
        self.built = True

    def call(self, inputs):
        if len(inputs.shape) != 2:
            raise ValueError(f"RepeatVector layer '{self.name}' expects a rank-2 input. Received shape {tuple(inputs.shape)}")
        return ops.tile(ops.expand_dims(inputs, 1), (1, self.n, 1))

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.n, input_shape[1])

    def get_config(self):
        config = super().get_config()
        config["n"] = self.n
        return config
