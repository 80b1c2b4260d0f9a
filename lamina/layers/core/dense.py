"""Dense: ``activation(inputs @ kernel + bias)``."""

from lamina import activations, constraints, initializers, ops, regularizers
from lamina.layers.core._lora import LoRAMixin
from lamina.layers.core._quantized import KernelQuantization
from lamina.layers.input_spec import InputSpec
from lamina.layers.layer import Layer


class Dense(KernelQuantization, LoRAMixin, Layer):
    """A densely connected layer applied to the last axis.

    Args:
        units: positive integer, the output size.
        activation: name or function (default: linear).
        use_bias: whether to add a bias vector.
        kernel_initializer / bias_initializer: initializers (``glorot_uniform`` / ``zeros``).
        kernel_regularizer / bias_regularizer / activity_regularizer: penalties.
        kernel_constraint / bias_constraint: constraints applied after updates.
        lora_rank: if set, LoRA is enabled at build (see ``enable_lora``): the kernel is frozen
            and the layer trains ``kernel + (lora_alpha / lora_rank) * lora_kernel_a @ lora_kernel_b``.
        lora_alpha: the LoRA scale numerator (default: ``lora_rank``).
        quantization_config: a ``lamina.quantizers.QuantizationConfig`` used when the layer's
            dtype policy is quantized (as in a loaded quantized model); see ``quantize``.

    Example:
        >>> layer = lamina.layers.Dense(3)
        >>> ops.shape(layer(lamina.ops.ones((2, 5))))
        (2, 3)
    """

    def __init__(self, units, activation=None, use_bias=True, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, kernel_constraint=None, bias_constraint=None, lora_rank=None,
                 lora_alpha=None, quantization_config=None, **kwargs):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        if not isinstance(units, int) or isinstance(units, bool) or units <= 0:
            raise ValueError(f"Expected a positive integer for units. Received: units={units!r}")
        self.units = units
        self.activation = activations.get(activation)
        self.use_bias = use_bias
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self._init_lora(lora_rank, lora_alpha)
        self._init_quantization(quantization_config)
        self.input_spec = InputSpec(min_ndim=2)
        self.supports_masking = True

    def build(self, input_shape):
        input_dim = input_shape[-1]
        if input_dim is None:
            raise ValueError(
                f"Dense layer '{self.name}' needs a known last dimension. Received input_shape={input_shape}"
            )
        self._quantized_weight_shape = (input_dim, self.units)
        if self.quantization_mode in ("int8", "int4"):
            self._build_quantized((input_dim, self.units), self.quantization_mode, self.quantization_config)
        else:
            self._kernel = self.add_weight(name="kernel", shape=(input_dim, self.units),
                                           initializer=self.kernel_initializer, regularizer=self.kernel_regularizer,
                                           constraint=self.kernel_constraint)
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight(name="bias", shape=(self.units,), initializer=self.bias_initializer,
                                        regularizer=self.bias_regularizer, constraint=self.bias_constraint)
        if self.quantization_mode == "float8":
            self._build_float8()
        self.input_spec = InputSpec(min_ndim=2, axes={-1: input_dim})
        self.built = True
        self._build_lora()

    @property
    def kernel(self):
        """The kernel Variable; with LoRA enabled, the effective (merged) kernel tensor."""
        return self._lora_effective()

    _quantizable_class = True

    def call(self, inputs, training=None):
        if self.quantization_mode is not None:
            x = self._quantized_output(inputs, training)
            if self.bias is not None:
                x = ops.add(x, self._quantized_bias())
            return self.activation(x) if self.activation is not activations.linear else x
        x = ops.matmul(inputs, self.kernel)
        if self.bias is not None:
            x = ops.add(x, self.bias)
        return self.activation(x) if self.activation is not activations.linear else x

    def compute_output_shape(self, input_shape):
        return tuple(input_shape[:-1]) + (self.units,)

    def get_config(self):
        config = super().get_config()
        config.update({
            "units": self.units,
            "activation": activations.serialize(self.activation),
            "use_bias": self.use_bias,
            "kernel_initializer": initializers.serialize(self.kernel_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
            "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
            "bias_regularizer": regularizers.serialize(self.bias_regularizer),
            "activity_regularizer": regularizers.serialize(self.activity_regularizer),
            "kernel_constraint": constraints.serialize(self.kernel_constraint),
            "bias_constraint": constraints.serialize(self.bias_constraint),
            **self._lora_config(),
        })
        return config
