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
        from lamina.saving.serialization_lib import serialize_function, serialize_keras_object

        config = super().get_config()
        config["function"] = serialize_function(self.function)
        if self._output_shape is not None:
            config["output_shape"] = (serialize_function(self._output_shape) if callable(self._output_shape)
                                      else list(self._output_shape))
        if self.mask is not None:
            config["mask"] = serialize_function(self.mask) if callable(self.mask) else serialize_keras_object(self.mask)
        config["arguments"] = serialize_keras_object(self.arguments)
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None, safe_mode=None):
        """Rebuilds the layer; a function stored as bytecode (a lambda) loads only with ``safe_mode=False``."""
        from lamina.saving.serialization_lib import deserialize_function, deserialize_keras_object

        config = dict(config)
        config["function"] = deserialize_function(config["function"], custom_objects=custom_objects, safe_mode=safe_mode)
        shape = config.get("output_shape")
        if _is_function_config(shape):
            config["output_shape"] = deserialize_function(shape, custom_objects=custom_objects, safe_mode=safe_mode)
        elif isinstance(shape, list) and all(d is None or isinstance(d, int) for d in shape):
            config["output_shape"] = tuple(shape)
        mask = config.get("mask")
        if _is_function_config(mask):
            config["mask"] = deserialize_function(mask, custom_objects=custom_objects, safe_mode=safe_mode)
        elif mask is not None:
            config["mask"] = deserialize_keras_object(mask, custom_objects=custom_objects)
        if "arguments" in config:
            config["arguments"] = deserialize_keras_object(config["arguments"], custom_objects=custom_objects)
        return super().from_config(config)


def _is_function_config(config):
    """A serialized function: a lambda's bytecode (Keras 3 dict or Keras 2 list) or a function reference."""
    if isinstance(config, dict):
        return config.get("class_name") in ("__lambda__", "function")
    return isinstance(config, (list, tuple)) and len(config) == 3 and isinstance(config[0], str)
