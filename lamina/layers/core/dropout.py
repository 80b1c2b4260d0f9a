"""Dropout: randomly zeroes inputs while training."""

from lamina.backend import random as _random
from lamina.backend.common.random_seed import SeedGenerator
from lamina.layers.layer import Layer


class Dropout(Layer):
    """Sets a fraction ``rate`` of inputs to 0 during training and scales the rest by ``1/(1-rate)``.

    It is the identity at inference (``training=False`` or unset).

    Args:
        rate: float in [0, 1), the fraction to drop.
        noise_shape: shape of the keep mask, broadcast over the input (None entries follow it).
        seed: integer seed.

    Example:
        >>> layer = lamina.layers.Dropout(0.5, seed=1)
        >>> y = layer(lamina.ops.ones((2, 4)), training=True)   # about half zeros, rest 2.0
    """

    supports_masking = True

    def __init__(self, rate, noise_shape=None, seed=None, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(rate, (int, float)) or not 0 <= rate <= 1:
            raise ValueError(f"Invalid value for argument `rate` of Dropout: expected a float in [0, 1]. Received: rate={rate!r}")
        self.rate = rate
        self.noise_shape = noise_shape
        self.seed = seed
        if rate > 0:
            self.seed_generator = SeedGenerator(seed)
        self.built = True

    def call(self, inputs, training=False):
        if training and self.rate > 0:
            if self.rate >= 1:
                return inputs * 0
            return _random.dropout(inputs, self.rate, noise_shape=self.noise_shape, seed=self.seed_generator)
        return inputs

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config.update({"rate": self.rate, "noise_shape": self.noise_shape, "seed": self.seed})
        return config


