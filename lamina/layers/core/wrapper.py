"""Wrapper: the base of layers that wrap another layer (TimeDistributed, Bidirectional)."""

from lamina import backend
from lamina.layers.layer import Layer


class Wrapper(Layer):
    """A layer holding another layer in ``self.layer``.

    Subclasses implement ``call`` (and ``compute_output_shape``); ``build`` builds the inner
    layer on the given shape, ``get_config`` stores it serialized under ``"layer"``, and
    ``from_config`` rebuilds it.

    Args:
        layer: the wrapped ``Layer`` instance.

    Example:
        >>> class Twice(lamina.layers.Wrapper):
        ...     def call(self, x):
        ...         return self.layer(self.layer(x))
        >>> ops.shape(Twice(lamina.layers.Dense(4))(lamina.ops.ones((2, 4))))
        (2, 4)
    """

    def __init__(self, layer, **kwargs):
        if not isinstance(layer, Layer):
            raise ValueError(
                f"{type(self).__name__}: `layer` must be a Layer instance. Received: layer={layer!r} "
                f"(of type {type(layer).__name__})"
            )
        super().__init__(**kwargs)
        self.layer = layer

    @property
    def supports_masking(self):
        return bool(getattr(self.layer, "supports_masking", False))

    def build(self, input_shape=None):
        self._build_inner(input_shape)
        self.built = True

    def _build_inner(self, input_shape):
        if not self.layer.built:
            with backend.name_scope(self.layer.name, caller=self.layer):
                if type(self.layer).build is not Layer.build:
                    self.layer.build(input_shape)
            self.layer._build_shapes = input_shape
            self.layer.built = True

    def get_config(self):
        from lamina.saving.serialization_lib import serialize_keras_object

        config = super().get_config()
        config["layer"] = serialize_keras_object(self.layer)
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from lamina.saving.serialization_lib import deserialize_keras_object

        config = dict(config)
        config["layer"] = deserialize_keras_object(config["layer"], custom_objects=custom_objects)
        return super().from_config(config)
