"""Masking: marks timesteps whose features all equal ``mask_value`` as padding."""

from lamina import ops
from lamina.layers.layer import Layer


class Masking(Layer):
    """Masks timesteps where every feature equals ``mask_value`` (zeroing them in the output).

    Example:
        >>> x = lamina.ops.convert_to_tensor([[[1.0], [0.0]]])
        >>> masking = lamina.layers.Masking(0.0)
        >>> ops.convert_to_numpy(masking.compute_mask(x, None))
        array([[ True, False]])
    """

    supports_masking = True

    def __init__(self, mask_value=0.0, **kwargs):
        super().__init__(**kwargs)
        self.mask_value = mask_value
        self.built = True

    def compute_mask(self, inputs, mask=None):
        return ops.any(ops.not_equal(inputs, self.mask_value), axis=-1)

    def call(self, inputs):
        keep = ops.any(ops.not_equal(inputs, self.mask_value), axis=-1, keepdims=True)
        return ops.multiply(inputs, ops.cast(keep, inputs.dtype))

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config["mask_value"] = self.mask_value
        return config
