"""``lamina.random``: random tensors from integer seeds or ``SeedGenerator`` streams."""

from lamina.backend import random as _random
from lamina.backend.common.random_seed import SeedGenerator  # noqa: F401


def normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    """Samples from a normal distribution."""
    return _random.normal(shape, mean=mean, stddev=stddev, dtype=dtype, seed=seed)


def uniform(shape, minval=0.0, maxval=1.0, dtype=None, seed=None):
    """Samples uniformly from ``[minval, maxval)``."""
    return _random.uniform(shape, minval=minval, maxval=maxval, dtype=dtype, seed=seed)


def randint(shape, minval, maxval, dtype="int32", seed=None):
    """Samples integers uniformly from ``[minval, maxval)``."""
    return _random.randint(shape, minval, maxval, dtype=dtype, seed=seed)


def truncated_normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    """Samples a normal distribution truncated at two standard deviations."""
    return _random.truncated_normal(shape, mean=mean, stddev=stddev, dtype=dtype, seed=seed)


def dropout(inputs, rate, noise_shape=None, seed=None):
    """Zeroes a fraction ``rate`` of ``inputs`` and scales the rest by ``1 / (1 - rate)``."""
    return _random.dropout(inputs, rate, noise_shape=noise_shape, seed=seed)


def shuffle(x, axis=0, seed=None):
    """Shuffles ``x`` along ``axis``."""
    return _random.shuffle(x, axis=axis, seed=seed)


def categorical(logits, num_samples, dtype="int32", seed=None):
    """Draws class indices from unnormalized log-probabilities."""
    return _random.categorical(logits, num_samples, dtype=dtype, seed=seed)


def gamma(shape, alpha, dtype=None, seed=None):
    """Samples a gamma distribution with concentration ``alpha``."""
    return _random.gamma(shape, alpha, dtype=dtype, seed=seed)


def binomial(shape, counts, probabilities, dtype=None, seed=None):
    """Samples a binomial distribution."""
    return _random.binomial(shape, counts, probabilities, dtype=dtype, seed=seed)


def beta(shape, alpha, beta, dtype=None, seed=None):
    """Samples a beta distribution."""
    return _random.beta(shape, alpha, beta, dtype=dtype, seed=seed)
