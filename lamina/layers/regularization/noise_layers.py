"""Regularization layers active only in training: spatial/Gaussian/alpha dropout, Gaussian noise,
and ActivityRegularization (which adds an activity penalty to ``losses``)."""

import math

from lamina import ops, random
from lamina.backend.common.random_seed import SeedGenerator
from lamina.layers.input_spec import InputSpec
from lamina.layers.layer import Layer


def _check_rate(cls, rate):
    if not isinstance(rate, (int, float)) or not 0 <= rate <= 1:
        raise ValueError(f"{cls}: `rate` must be a float in [0, 1]. Received: rate={rate!r}")


class _Noise(Layer):
    supports_masking = True

    def __init__(self, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.seed = seed
        self.seed_generator = SeedGenerator(seed)
        self.built = True

    def compute_output_shape(self, input_shape):
        return input_shape


class GaussianDropout(_Noise):
    """Multiplies inputs by noise ``N(1, rate / (1 - rate))`` while training.

    Args:
        rate: drop probability of the equivalent dropout, in [0, 1).
        seed: integer seed.

    Example:
        >>> y = lamina.layers.GaussianDropout(0.2, seed=1)(lamina.ops.ones((2, 3)), training=True)
    """

    def __init__(self, rate, seed=None, **kwargs):
        super().__init__(seed=seed, **kwargs)
        _check_rate("GaussianDropout", rate)
        self.rate = rate

    def call(self, inputs, training=False):
        if training and 0 < self.rate < 1:
            stddev = math.sqrt(self.rate / (1.0 - self.rate))
            noise = random.normal(ops.shape(inputs), mean=1.0, stddev=stddev, dtype=ops.dtype(inputs),
                                  seed=self.seed_generator)
            return ops.multiply(inputs, noise)
        return inputs

    def get_config(self):
        config = super().get_config()
        config.update({"rate": self.rate, "seed": self.seed})
        return config


class GaussianNoise(_Noise):
    """Adds zero-mean Gaussian noise of ``stddev`` while training.

    Args:
        stddev: standard deviation of the noise.
        seed: integer seed.

    Example:
        >>> y = lamina.layers.GaussianNoise(0.1, seed=1)(lamina.ops.ones((2, 3)), training=True)
    """

    def __init__(self, stddev, seed=None, **kwargs):
        super().__init__(seed=seed, **kwargs)
        if not isinstance(stddev, (int, float)) or stddev < 0:
            raise ValueError(f"GaussianNoise: `stddev` must be a non-negative float. Received: stddev={stddev!r}")
        self.stddev = stddev

    def call(self, inputs, training=False):
        if training and self.stddev > 0:
            noise = random.normal(ops.shape(inputs), stddev=self.stddev, dtype=ops.dtype(inputs),
                                  seed=self.seed_generator)
            return ops.add(inputs, noise)
        return inputs

    def get_config(self):
        config = super().get_config()
        config.update({"stddev": self.stddev, "seed": self.seed})
        return config


class AlphaDropout(_Noise):
    """Dropout for SELU networks: dropped units take SELU's negative saturation value and the
    result is rescaled so mean and variance are kept.

    Args:
        rate: drop probability in [0, 1].
        noise_shape: shape of the keep mask (None entries follow the input).
        seed: integer seed.

    Example:
        >>> y = lamina.layers.AlphaDropout(0.2, seed=1)(lamina.ops.ones((2, 3)), training=True)
    """

    _SELU_ALPHA = 1.6732632423543772848170429916717
    _SELU_SCALE = 1.0507009873554804934193349852946

    def __init__(self, rate, noise_shape=None, seed=None, **kwargs):
        super().__init__(seed=seed, **kwargs)
        _check_rate("AlphaDropout", rate)
        self.rate = rate
        self.noise_shape = noise_shape

    def call(self, inputs, training=False):
        if not (training and self.rate > 0):
            return inputs
        shape = ops.shape(inputs)
        if self.noise_shape is not None:
            shape = tuple(s if n is None else n for s, n in zip(shape, self.noise_shape))
        saturation = -self._SELU_ALPHA * self._SELU_SCALE
        keep = ops.cast(ops.greater_equal(random.uniform(shape, seed=self.seed_generator), self.rate),
                        ops.dtype(inputs))
        a = ((1 - self.rate) * (1 + self.rate * saturation ** 2)) ** -0.5
        b = -a * saturation * self.rate
        x = ops.add(ops.multiply(inputs, keep), ops.multiply(saturation, ops.subtract(1.0, keep)))
        return ops.add(ops.multiply(a, x), b)

    def get_config(self):
        config = super().get_config()
        config.update({"rate": self.rate, "seed": self.seed, "noise_shape": self.noise_shape})
        return config


class _SpatialDropout(_Noise):
    rank = None

    def __init__(self, rate, seed=None, data_format=None, **kwargs):
        super().__init__(seed=seed, **kwargs)
        _check_rate(type(self).__name__, rate)
        from lamina.backend import standardize_data_format

        self.rate = rate
        self.data_format = standardize_data_format(data_format)
        self.input_spec = InputSpec(ndim=self.rank + 2)

    def call(self, inputs, training=False):
        if not (training and self.rate > 0):
            return inputs
        shape = ops.shape(inputs)
        if self.data_format == "channels_last":
            noise_shape = (shape[0],) + (1,) * self.rank + (shape[-1],)
        else:
            noise_shape = (shape[0], shape[1]) + (1,) * self.rank
        return random.dropout(inputs, self.rate, noise_shape=noise_shape, seed=self.seed_generator)

    def get_config(self):
        config = super().get_config()
        config.update({"rate": self.rate, "seed": self.seed, "data_format": self.data_format})
        config.pop("trainable")  # as Keras writes it: its SpatialDropout takes no `trainable` (no weights)
        config["dtype"] = self.dtype_policy.name  # a name, as Keras writes it
        return config


class SpatialDropout1D(_SpatialDropout):
    """Drops whole feature maps of ``(batch, steps, channels)`` inputs while training.

    Args:
        rate: fraction of channels to drop.
        seed: integer seed.

    Example:
        >>> y = lamina.layers.SpatialDropout1D(0.5, seed=1)(lamina.ops.ones((2, 4, 3)), training=True)
    """

    rank = 1

    def __init__(self, rate, seed=None, **kwargs):
        super().__init__(rate, seed=seed, data_format="channels_last", **kwargs)

    def get_config(self):
        config = super().get_config()
        config.pop("data_format")
        return config


class SpatialDropout2D(_SpatialDropout):
    """Drops whole 2-D feature maps (channels) while training.

    Args:
        rate: fraction of channels to drop.
        data_format: ``"channels_last"`` (default) or ``"channels_first"``.
        seed: integer seed.

    Example:
        >>> y = lamina.layers.SpatialDropout2D(0.5, seed=1)(lamina.ops.ones((2, 4, 4, 3)), training=True)
    """

    rank = 2


class SpatialDropout3D(_SpatialDropout):
    """Drops whole 3-D feature maps (channels) while training. Args: as ``SpatialDropout2D``.

    Example:
        >>> y = lamina.layers.SpatialDropout3D(0.5, seed=1)(lamina.ops.ones((1, 2, 2, 2, 3)), training=True)
    """

    rank = 3


class ActivityRegularization(Layer):
    """Identity that adds ``l1 * sum(|x|) + l2 * sum(x**2)`` of its input to ``losses``.

    Args:
        l1 / l2: penalty factors.

    Example:
        >>> layer = lamina.layers.ActivityRegularization(l2=0.01)
        >>> _ = layer(lamina.ops.ones((2, 3)))
        >>> len(layer.losses)
        1
    """

    supports_masking = True

    def __init__(self, l1=0.0, l2=0.0, **kwargs):
        from lamina import regularizers

        super().__init__(activity_regularizer=regularizers.L1L2(l1=l1, l2=l2), **kwargs)
        self.l1 = l1
        self.l2 = l2
        self.built = True

    def call(self, inputs):
        return inputs

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config.pop("activity_regularizer", None)  # made from l1 and l2, as Keras rebuilds it
        config.update({"l1": self.l1, "l2": self.l2})
        return config
