"""Neural-network ops: activations, softmax, one-hot."""

from lamina.backend import nn as _nn
from lamina.ops._dispatch import symbolic


@symbolic
def relu(x):
    """``max(x, 0)``."""
    return _nn.relu(x)


@symbolic
def relu6(x):
    """``min(max(x, 0), 6)``."""
    return _nn.relu6(x)


@symbolic
def sigmoid(x):
    """``1 / (1 + exp(-x))``."""
    return _nn.sigmoid(x)


@symbolic
def softplus(x):
    """``log(1 + exp(x))``."""
    return _nn.softplus(x)


@symbolic
def softsign(x):
    """``x / (1 + |x|)``."""
    return _nn.softsign(x)


@symbolic
def silu(x):
    """``x * sigmoid(x)`` (also called swish)."""
    return _nn.silu(x)


swish = silu


@symbolic
def gelu(x, approximate=True):
    """Gaussian error linear unit; the tanh approximation when ``approximate``."""
    return _nn.gelu(x, approximate=approximate)


@symbolic
def elu(x, alpha=1.0):
    """``x`` for x > 0, else ``alpha * (exp(x) - 1)``."""
    return _nn.elu(x, alpha=alpha)


@symbolic
def selu(x):
    """Scaled exponential linear unit."""
    return _nn.selu(x)


@symbolic
def leaky_relu(x, negative_slope=0.2):
    """``x`` for x > 0, else ``negative_slope * x``."""
    return _nn.leaky_relu(x, negative_slope=negative_slope)


@symbolic
def hard_sigmoid(x):
    """Piecewise-linear sigmoid: ``clip(x / 6 + 0.5, 0, 1)``."""
    return _nn.hard_sigmoid(x)


@symbolic
def hard_silu(x):
    """``x * hard_sigmoid(x)``."""
    return _nn.hard_silu(x)


hard_swish = hard_silu


@symbolic
def softmax(x, axis=-1):
    """Normalized exponentials along ``axis``."""
    return _nn.softmax(x, axis=axis)


@symbolic
def log_softmax(x, axis=-1):
    """``log(softmax(x))``, computed stably."""
    return _nn.log_softmax(x, axis=axis)


@symbolic
def one_hot(x, num_classes, axis=-1, dtype=None):
    """One-hot encodes integer ``x``; out-of-range values give all zeros."""
    return _nn.one_hot(x, num_classes, axis=axis, dtype=dtype)


from lamina.ops.nn_conv import *  # noqa: E402,F401,F403
