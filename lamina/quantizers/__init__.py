"""``lamina.quantizers``: Keras 3's quantization functions, quantizers and configs.

Example:
    >>> model = lamina.Sequential([lamina.Input((8,)), lamina.layers.Dense(4)])
    >>> model.quantize("int8")
    >>> [(w.name, w.dtype) for w in model.layers[0].weights]
    [('bias', 'float32'), ('kernel', 'int8'), ('kernel_scale', 'float32')]
"""

from lamina.quantizers.quantization_config import (Float8QuantizationConfig, Int4QuantizationConfig,  # noqa: F401
                                                   Int8QuantizationConfig, QuantizationConfig)
from lamina.quantizers.quantizers import (AbsMaxQuantizer, Quantizer, abs_max_quantize,  # noqa: F401
                                          abs_max_quantize_grouped_with_zero_point, compute_float8_amax_history,
                                          compute_float8_scale, dequantize_with_sz_map, fake_quant_with_min_max_vars,
                                          pack_int4, quantize_and_dequantize, unpack_int4)

_ALL_OBJECTS = (Quantizer, AbsMaxQuantizer, QuantizationConfig, Int8QuantizationConfig, Int4QuantizationConfig,
                Float8QuantizationConfig)


def _snake(name):
    return "".join("_" + c.lower() if c.isupper() and i else c.lower() for i, c in enumerate(name))


_BY_NAME = {**{cls.__name__: cls for cls in _ALL_OBJECTS}, **{_snake(cls.__name__): cls for cls in _ALL_OBJECTS}}


def serialize(quantizer):
    """The config dict of a quantizer or quantization config (as ``keras.quantizers.serialize``)."""
    from lamina.saving import serialization_lib

    return serialization_lib.serialize_keras_object(quantizer)


def deserialize(config, custom_objects=None):
    """Rebuilds a quantizer or quantization config from ``serialize`` output.

    Example:
        >>> q = lamina.quantizers.deserialize(lamina.quantizers.serialize(lamina.quantizers.AbsMaxQuantizer()))
        >>> type(q).__name__, q.value_range
        ('AbsMaxQuantizer', (-127, 127))
    """
    from lamina.saving import serialization_lib

    return serialization_lib.deserialize_keras_object(config, module_objects=_BY_NAME, custom_objects=custom_objects)


def get(identifier, **kwargs):
    """A quantizer from a name (``"abs_max_quantizer"``), a config dict or an instance.

    Args:
        identifier: None, a name, a config dict, or a quantizer.
        **kwargs: keyword arguments for a class given by name.
    """
    if identifier is None:
        return None
    if isinstance(identifier, dict):
        return deserialize(identifier)
    obj = _BY_NAME.get(identifier) if isinstance(identifier, str) else identifier
    if isinstance(obj, type):
        return obj(**kwargs)
    if obj is None or not callable(obj):
        raise ValueError(f"Could not interpret quantizer identifier: {identifier!r}. Expected one of "
                         f"{sorted(_BY_NAME)}, a config dict or a Quantizer.")
    return obj
