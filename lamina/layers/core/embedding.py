"""Embedding: integer ids to dense vectors."""

import warnings

from lamina import backend, constraints, initializers, ops, regularizers
from lamina.layers.core._lora import LoRAMixin
from lamina.layers.core._quantized import EmbeddingQuantization
from lamina.layers.layer import Layer


class Embedding(EmbeddingQuantization, LoRAMixin, Layer):
    """Maps integer ids in ``[0, input_dim)`` to vectors of size ``output_dim``.

    Args:
        input_dim: vocabulary size.
        output_dim: embedding size.
        embeddings_initializer: defaults to ``uniform`` in ±0.05.
        mask_zero: treat id 0 as padding and emit a mask (then id 0 cannot be a real token).
        weights: optional initial value of the embeddings (a list holding one array).
        lora_rank / lora_alpha: LoRA on the embeddings (see ``enable_lora``); the factors are
            ``lora_embeddings_a`` ``(input_dim, rank)`` and ``lora_embeddings_b`` ``(rank, output_dim)``.
        quantization_config: a ``lamina.quantizers.QuantizationConfig`` used when the layer's
            dtype policy is quantized (int8 or int4); see ``quantize``.
        input_length: deprecated, as in Keras 3 (it warns); lamina still checks it against the
            length (axis 1) of the inputs the layer is built for.

    Example:
        >>> emb = lamina.layers.Embedding(1000, 64, mask_zero=True)
        >>> ops.shape(emb(lamina.ops.convert_to_tensor([[1, 2, 0]])))
        (1, 3, 64)
    """

    def __init__(self, input_dim, output_dim, embeddings_initializer="uniform", embeddings_regularizer=None,
                 embeddings_constraint=None, mask_zero=False, weights=None, lora_rank=None, lora_alpha=None,
                 quantization_config=None, input_length=None, **kwargs):
        super().__init__(**kwargs)
        for arg, value in (("input_dim", input_dim), ("output_dim", output_dim)):
            if not isinstance(value, int) or value <= 0:
                raise ValueError(f"Embedding: expected a positive integer for {arg}. Received: {arg}={value!r}")
        self.input_dim = input_dim
        self.output_dim = output_dim
        self.embeddings_initializer = initializers.get(embeddings_initializer)
        self.embeddings_regularizer = regularizers.get(embeddings_regularizer)
        self.embeddings_constraint = constraints.get(embeddings_constraint)
        self.mask_zero = mask_zero
        self.supports_masking = mask_zero
        self._pending_weights = weights
        self._init_lora(lora_rank, lora_alpha)
        self._init_quantization(quantization_config)
        if input_length is not None:
            warnings.warn(f"Embedding layer '{self.name}': the argument input_length is deprecated in Keras 3; "
                          f"remove it. lamina only checks it against the inputs' length. Received: "
                          f"input_length={input_length!r}", stacklevel=2)
        self.input_length = input_length

    _lora_target = "embeddings"
    _lora_constraint = "embeddings_constraint"
    _lora_regularizer = "embeddings_regularizer"

    def build(self, input_shape=None):
        length = input_shape[1] if input_shape is not None and len(input_shape) > 1 else None
        if self.input_length is not None and length is not None and length != self.input_length:
            raise ValueError(f"Embedding layer '{self.name}': inputs of length {self.input_length} (input_length) "
                             f"expected. Received: input_shape={tuple(input_shape)}")
        self._quantized_weight_shape = (self.input_dim, self.output_dim)
        if self.quantization_mode in ("int8", "int4"):
            self._build_quantized(self._quantized_weight_shape, self.quantization_mode, self.quantization_config)
        else:
            self._embeddings = self.add_weight(shape=(self.input_dim, self.output_dim),
                                               initializer=self.embeddings_initializer, name="embeddings",
                                               regularizer=self.embeddings_regularizer,
                                               constraint=self.embeddings_constraint)
        self.built = True
        if self._pending_weights is not None:
            self.set_weights(self._pending_weights)
            self._pending_weights = None
        self._build_lora()

    @property
    def embeddings(self):
        """The embeddings Variable; with LoRA enabled, the effective (merged) table."""
        return self._lora_effective()

    _quantizable_class = True

    def call(self, inputs):
        if self.quantization_mode is not None:
            return self._quantized_output(inputs)
        if not backend.is_int_dtype(inputs.dtype):
            inputs = ops.cast(inputs, "int32")
        return ops.take(self.embeddings, inputs, axis=0)

    def compute_mask(self, inputs, mask=None):
        if not self.mask_zero:
            return None
        return ops.not_equal(inputs, 0)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape) + (self.output_dim,)

    def get_config(self):
        config = super().get_config()
        config.update({
            "input_dim": self.input_dim,
            "output_dim": self.output_dim,
            "embeddings_initializer": initializers.serialize(self.embeddings_initializer),
            "embeddings_regularizer": regularizers.serialize(self.embeddings_regularizer),
            "activity_regularizer": regularizers.serialize(self.activity_regularizer),
            "embeddings_constraint": constraints.serialize(self.embeddings_constraint),
            "mask_zero": self.mask_zero,
            **self._lora_config(),
        })
        return config
