"""``Input`` and ``InputLayer``: where a Functional model's data enters."""

from lamina import backend
from lamina.backend import KerasTensor
from lamina.layers.layer import Layer
from lamina.layers.node import Node


class InputLayer(Layer):
    """The layer behind ``lamina.Input``; it holds the placeholder tensor.

    Args:
        shape: shape without the batch dimension, e.g. ``(784,)``.
        batch_size: optional fixed batch size.
        dtype: the input dtype (``floatx()`` by default; ``"string"`` for raw text).
        batch_shape: the full shape including the batch dimension (instead of shape).
        name: the layer's name (``input_layer``, ``input_layer_1``, ... by default).
    """

    def __init__(self, shape=None, batch_size=None, dtype=None, sparse=None, batch_shape=None,
                 input_tensor=None, optional=False, name=None, ragged=None, **kwargs):
        if "input_shape" in kwargs:
            shape = kwargs.pop("input_shape")
        if "batch_input_shape" in kwargs:
            batch_shape = kwargs.pop("batch_input_shape")
        super().__init__(name=name, dtype=None if dtype == "string" else dtype, **kwargs)
        if shape is not None and batch_shape is not None:
            raise ValueError(
                "InputLayer: give only one of `shape` and `batch_shape`. "
                f"Received: shape={shape}, batch_shape={batch_shape}"
            )
        if input_tensor is not None:
            batch_shape = input_tensor.shape
        elif batch_shape is None:
            if shape is None:
                raise ValueError("InputLayer needs `shape` or `batch_shape`. Received neither.")
            if isinstance(shape, int):
                shape = (shape,)
            batch_shape = (batch_size,) + tuple(shape)
        for d in batch_shape:
            if d is not None and (not isinstance(d, int) or d < 0):
                raise ValueError(f"InputLayer '{self.name}': invalid dimension {d!r} in shape {tuple(batch_shape)}.")
        self.batch_shape = tuple(batch_shape)
        self._input_dtype = backend.standardize_dtype(dtype or backend.floatx())
        self.sparse = bool(sparse)
        self.optional = optional
        self.built = True
        tensor = input_tensor if input_tensor is not None else KerasTensor(
            self.batch_shape, dtype=self._input_dtype, sparse=self.sparse, name=self.name)
        self._input_tensor = tensor
        Node(self, (), {}, tensor)

    @property
    def dtype(self):
        return self._input_dtype

    def call(self, inputs=None):
        return inputs

    def get_config(self):
        return {"batch_shape": list(self.batch_shape), "dtype": self._input_dtype, "sparse": self.sparse,
                "ragged": False, "name": self.name, "optional": self.optional}

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        config.pop("ragged", None)
        if "batch_input_shape" in config:
            config["batch_shape"] = config.pop("batch_input_shape")
        return cls(**config)


def Input(shape=None, batch_size=None, dtype=None, sparse=None, batch_shape=None, name=None, tensor=None,
          optional=False, ragged=None):
    """Makes a symbolic input tensor for a Functional model.

    Args:
        shape: shape without the batch axis, e.g. ``(784,)``; ``None`` entries are free.
        batch_size: optional fixed batch size.
        dtype: input dtype; ``"int32"`` for token ids, ``"string"`` for raw text.
        batch_shape: full shape including the batch axis.
        name: the input's name, used as a key for dict inputs in ``fit``.

    Example:
        >>> inputs = lamina.Input(shape=(784,), name="digits")
        >>> ops.shape(inputs)
        (None, 784)
    """
    layer = InputLayer(shape=shape, batch_size=batch_size, dtype=dtype, sparse=sparse, batch_shape=batch_shape,
                       name=name, input_tensor=tensor, optional=optional)
    return layer.output
