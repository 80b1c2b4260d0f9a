"""Quantization configs: which mode, and which quantizers, ``quantize`` uses."""

from lamina.dtype_policies import QUANTIZATION_MODES
from lamina.quantizers.quantizers import AbsMaxQuantizer

# The modes lamina implements; GPTQ and AWQ need calibration data and are not built.
SUPPORTED_MODES = ("int8", "float8", "int4")


def _serialize(obj):
    from lamina.saving import serialization_lib

    return serialization_lib.serialize_keras_object(obj)


def _deserialize(config):
    from lamina import quantizers

    return quantizers.deserialize(config) if isinstance(config, dict) else config


class QuantizationConfig:
    """Base class of the quantization configs; a subclass defines the ``mode`` property.

    Args:
        weight_quantizer: quantizer for the weights (None: the layer's default).
        activation_quantizer: quantizer for the inputs (None: inputs stay in floating point).
    """

    def __init__(self, weight_quantizer=None, activation_quantizer=None):
        self.weight_quantizer = weight_quantizer
        self.activation_quantizer = activation_quantizer

    @property
    def mode(self):
        raise NotImplementedError(f"{type(self).__name__} must define `mode`; use Int8QuantizationConfig, "
                                  "Int4QuantizationConfig or Float8QuantizationConfig.")

    def get_config(self):
        return {"weight_quantizer": _serialize(self.weight_quantizer),
                "activation_quantizer": _serialize(self.activation_quantizer)}

    @classmethod
    def from_config(cls, config):
        return cls(weight_quantizer=_deserialize(config.get("weight_quantizer")),
                   activation_quantizer=_deserialize(config.get("activation_quantizer")))

    @staticmethod
    def weight_quantizer_or_default(config, default):
        if config is not None and config.weight_quantizer is not None:
            return config.weight_quantizer
        return default

    @staticmethod
    def activation_quantizer_or_default(config, default):
        return config.activation_quantizer if config is not None else default


class Int8QuantizationConfig(QuantizationConfig):
    """int8 weights (per output channel) and, by default, int8 inputs (per row).

    Args:
        weight_quantizer: a quantizer with ``output_dtype="int8"`` (default: ``AbsMaxQuantizer``).
        activation_quantizer: ``"default"`` (``AbsMaxQuantizer()``), a quantizer, or None for
            weight-only quantization.

    Example:
        >>> model = lamina.Sequential([lamina.Input((4,)), lamina.layers.Dense(2)])
        >>> model.quantize(config=lamina.quantizers.Int8QuantizationConfig(activation_quantizer=None))
        >>> model.layers[0].kernel.dtype, model.layers[0].inputs_quantizer
        ('int8', None)
    """

    def __init__(self, weight_quantizer=None, activation_quantizer="default"):
        if activation_quantizer == "default":
            activation_quantizer = AbsMaxQuantizer()
        super().__init__(weight_quantizer, activation_quantizer)
        if weight_quantizer is not None and weight_quantizer.output_dtype != "int8":
            raise ValueError("Int8QuantizationConfig needs a weight_quantizer with output_dtype='int8'. "
                             f"Received: output_dtype={weight_quantizer.output_dtype!r}")

    @property
    def mode(self):
        return "int8"


class Int4QuantizationConfig(QuantizationConfig):
    """int4 weights, two per byte.

    Args:
        weight_quantizer: for per-channel quantization, a quantizer with ``value_range=(-8, 7)``.
        activation_quantizer: ``"default"`` (None: float inputs) or a quantizer.
        block_size: rows per group for sub-channel (asymmetric, with zero points) quantization;
            None or -1 for one symmetric scale per output channel. Default 128.
    """

    def __init__(self, weight_quantizer=None, activation_quantizer="default", block_size=128):
        if activation_quantizer == "default":
            activation_quantizer = None
        super().__init__(weight_quantizer, activation_quantizer)
        if block_size is not None and (isinstance(block_size, bool) or not isinstance(block_size, int)
                                       or (block_size != -1 and block_size <= 0)):
            raise ValueError("Int4QuantizationConfig: expected block_size None, -1 or a positive integer. "
                             f"Received: block_size={block_size!r}")
        self.block_size = block_size
        if block_size is not None and block_size > 0 and (weight_quantizer is not None
                                                          or activation_quantizer is not None):
            raise ValueError("Int4QuantizationConfig: sub-channel quantization (block_size > 0) takes no custom "
                             "quantizers; set block_size=None (or -1) for per-channel quantization, or drop the "
                             f"quantizers. Received: block_size={block_size}")
        if weight_quantizer is not None:
            if tuple(weight_quantizer.value_range) != (-8, 7):
                raise ValueError("Int4QuantizationConfig needs a weight_quantizer with value_range=(-8, 7). "
                                 f"Received: value_range={weight_quantizer.value_range}")
            if weight_quantizer.output_dtype != "int8":
                raise ValueError("Int4QuantizationConfig needs a weight_quantizer with output_dtype='int8'. "
                                 f"Received: output_dtype={weight_quantizer.output_dtype!r}")

    @property
    def mode(self):
        return "int4"

    def get_config(self):
        return {**super().get_config(), "block_size": self.block_size}

    @classmethod
    def from_config(cls, config):
        return cls(weight_quantizer=_deserialize(config.get("weight_quantizer")),
                   activation_quantizer=_deserialize(config.get("activation_quantizer")),
                   block_size=config.get("block_size"))


class Float8QuantizationConfig(QuantizationConfig):
    """float8 training: inputs and kernel in float8_e4m3fn, output gradients in float8_e5m2,
    scaled by amax histories. Takes no quantizers."""

    def __init__(self):
        super().__init__(None, None)

    @property
    def mode(self):
        return "float8"

    def get_config(self):
        return {}

    @classmethod
    def from_config(cls, config):
        return cls()


def validate_and_resolve_config(mode, config, where="quantize"):
    """The config ``quantize(mode, config)`` uses: the mode's default config when only ``mode``
    is given; checks that the two agree."""
    if isinstance(config, str):
        mode, config = config, None
    if mode is not None and mode not in QUANTIZATION_MODES:
        raise ValueError(f"{where}: invalid quantization mode. Expected one of {SUPPORTED_MODES}. "
                         f"Received: mode={mode!r}")
    if mode in ("gptq", "awq"):
        raise NotImplementedError(f"{where}: mode={mode!r} is not available in lamina (it needs calibration "
                                  f"data); use one of {SUPPORTED_MODES}.")
    if config is None:
        if mode is None:
            raise ValueError(f"{where}: pass a quantization `mode` {SUPPORTED_MODES} or a `config`.")
        config = {"int8": Int8QuantizationConfig, "int4": Int4QuantizationConfig,
                  "float8": Float8QuantizationConfig}[mode]()
    elif not isinstance(config, QuantizationConfig):
        raise ValueError(f"{where}: `config` must be a QuantizationConfig. Received: config={config!r} "
                         f"(of type {type(config).__name__})")
    if mode is not None and config.mode != mode:
        raise ValueError(f"{where}: contradictory arguments: mode={mode!r} but config.mode={config.mode!r}")
    return config
