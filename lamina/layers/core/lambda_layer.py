"""Lambda: wraps a Python function as a layer."""

import inspect

from lamina.layers.layer import Layer


class Lambda(Layer):
    """Applies ``function(inputs)`` as a layer.

    Args:
        function: the function; it receives the inputs (and ``mask`` / any ``arguments``).
        output_shape: optional output shape (or a function of the input shape).
        mask: optional mask, or a function ``(inputs, mask) -> mask``.
        arguments: extra keyword arguments passed to ``function``.

    Saving a Lambda stores its Python bytecode, which loads only with ``safe_mode=False``.

    Example:
        >>> double = lamina.layers.Lambda(lambda x: x * 2)
    """

    def __init__(self, function, output_shape=None, mask=None, arguments=None, **kwargs):
        super().__init__(**kwargs)
        if not callable(function):
            raise ValueError(f"Lambda: `function` must be callable. Received: function={function!r}")
        self.function = function
        self.arguments = arguments or {}
        self._output_shape = output_shape
        self.mask = mask
        self.supports_masking = mask is not None
        self._fn_takes_mask = "mask" in inspect.signature(function).parameters
        self._fn_takes_training = "training" in inspect.signature(function).parameters
        self.built = True

    def call(self, inputs, mask=None, training=None):
        kwargs = dict(self.arguments)
        if self._fn_takes_mask:
            kwargs["mask"] = mask
        if self._fn_takes_training:
            kwargs["training"] = training
        return self.function(inputs, **kwargs)

    def compute_mask(self, inputs, mask=None):
        if callable(self.mask):
            return self.mask(inputs, mask)
        return self.mask

    def compute_output_spec(self, *args, **kwargs):
        if self._output_shape is None:
            return super().compute_output_spec(*args, **kwargs)
        from lamina.backend import KerasTensor

        inputs = args[0]
        in_shape = inputs.shape if hasattr(inputs, "shape") else None
        shape = self._output_shape(in_shape) if callable(self._output_shape) else (
            (in_shape[0],) + tuple(self._output_shape) if in_shape is not None else tuple(self._output_shape))
        return KerasTensor(shape, dtype=self.compute_dtype)

    def get_config(self):
        from lamina.saving.serialization_lib import serialize_function

        config = super().get_config()
        config["function"] = serialize_function(self.function)
        config["arguments"] = self.arguments
        if self._output_shape is not None and not callable(self._output_shape):
            config["output_shape"] = list(self._output_shape)
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None, safe_mode=None):
        from lamina.saving.serialization_lib import deserialize_function

        config = dict(config)
        config["function"] = deserialize_function(config["function"], custom_objects=custom_objects, safe_mode=safe_mode)
        return super().from_config(config)
