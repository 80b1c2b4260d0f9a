"""Activation functions, by name (``"relu"``) or as functions (``activations.relu``)."""

from lamina import ops


def relu(x, negative_slope=0.0, max_value=None, threshold=0.0):
    """Rectified linear unit, with optional leak, cap and threshold."""
    if negative_slope == 0.0 and max_value is None and threshold == 0.0:
        return ops.relu(x)
    negative = ops.multiply(negative_slope, ops.subtract(x, threshold)) if negative_slope else 0.0
    y = ops.where(ops.greater_equal(x, threshold), x, negative)
    if max_value is not None:
        y = ops.minimum(y, max_value)
    return y


def relu6(x):
    return ops.relu6(x)


def leaky_relu(x, negative_slope=0.2):
    return ops.leaky_relu(x, negative_slope=negative_slope)


def elu(x, alpha=1.0):
    return ops.elu(x, alpha=alpha)


def selu(x):
    return ops.selu(x)


def gelu(x, approximate=False):
    return ops.gelu(x, approximate=approximate)


def sigmoid(x):
    return ops.sigmoid(x)


def hard_sigmoid(x):
    return ops.hard_sigmoid(x)


def hard_silu(x):
    return ops.hard_silu(x)


hard_swish = hard_silu


def silu(x):
    return ops.silu(x)


swish = silu


def tanh(x):
    return ops.tanh(x)


def softplus(x):
    return ops.softplus(x)


def softsign(x):
    return ops.softsign(x)


def exponential(x):
    return ops.exp(x)


def linear(x):
    """The identity."""
    return x


def softmax(x, axis=-1):
    return ops.softmax(x, axis=axis)


def log_softmax(x, axis=-1):
    return ops.log_softmax(x, axis=axis)


def mish(x):
    """``x * tanh(softplus(x))``."""
    return ops.multiply(x, ops.tanh(ops.softplus(x)))


def celu(x, alpha=1.0):
    return ops.where(ops.greater(x, 0), x, ops.multiply(alpha, ops.subtract(ops.exp(ops.divide(x, alpha)), 1.0)))


def tanh_shrink(x):
    return ops.subtract(x, ops.tanh(x))


def hard_tanh(x):
    return ops.clip(x, -1.0, 1.0)


def soft_shrink(x, threshold=0.5):
    return ops.where(ops.greater(x, threshold), ops.subtract(x, threshold),
                     ops.where(ops.less(x, -threshold), ops.add(x, threshold), ops.zeros_like(x)))


def hard_shrink(x, threshold=0.5):
    return ops.where(ops.greater(ops.abs(x), threshold), x, ops.zeros_like(x))


def squareplus(x, b=4):
    return ops.divide(ops.add(x, ops.sqrt(ops.add(ops.square(x), b))), 2.0)


def sparse_plus(x):
    return ops.where(ops.less_equal(x, -1.0), ops.zeros_like(x),
                     ops.where(ops.greater_equal(x, 1.0), x, ops.multiply(0.25, ops.square(ops.add(x, 1.0)))))


def log_sigmoid(x):
    return ops.negative(ops.softplus(ops.negative(x)))


def glu(x, axis=-1):
    """Gated linear unit: the first half of ``x`` along ``axis`` times the sigmoid of the second half.

    Args:
        x: input tensor; its size along ``axis`` must be even.
        axis: the axis that is split in two.

    Example:
        >>> lamina.ops.convert_to_numpy(glu(lamina.ops.convert_to_tensor([[2.0, 0.0]])))
        array([[1.]], dtype=float32)
    """
    return ops.glu(x, axis=axis)


def sparse_sigmoid(x):
    """0 below -1, 1 above 1, the line ``(x + 1) / 2`` between.

    Args:
        x: input tensor.

    Example:
        >>> lamina.ops.convert_to_numpy(sparse_sigmoid(lamina.ops.convert_to_tensor([-3.0, 0.0, 3.0])))
        array([0. , 0.5, 1. ], dtype=float32)
    """
    return ops.sparse_sigmoid(x)


def sparsemax(x, axis=-1):
    """Projection of ``x`` onto the probability simplex along ``axis`` (a softmax with exact zeros).

    Args:
        x: input tensor.
        axis: the axis along which the output sums to 1.

    Example:
        >>> lamina.ops.convert_to_numpy(sparsemax(lamina.ops.convert_to_tensor([0.5, 0.0, -2.0])))
        array([0.75, 0.25, 0.  ], dtype=float32)
    """
    return ops.sparsemax(x, axis=axis)


def threshold(x, threshold, default_value):
    """``x`` where it is above ``threshold``, else ``default_value``.

    Args:
        x: input tensor.
        threshold: values at or below it are replaced.
        default_value: the replacement value.

    Example:
        >>> lamina.ops.convert_to_numpy(threshold(lamina.ops.convert_to_tensor([0.5, 2.0]), 1.0, -1.0))
        array([-1.,  2.], dtype=float32)
    """
    return ops.threshold(x, threshold, default_value)


_ALL = {f.__name__: f for f in [
    relu, relu6, leaky_relu, elu, selu, gelu, sigmoid, hard_sigmoid, hard_silu, silu, tanh, softplus,
    softsign, exponential, linear, softmax, log_softmax, mish, celu, tanh_shrink, hard_tanh,
    soft_shrink, hard_shrink, squareplus, sparse_plus, log_sigmoid, glu, sparse_sigmoid, sparsemax, threshold]}
_ALL.update({"swish": silu, "hard_swish": hard_silu})


def serialize(activation):
    """The name of a built-in activation, or a serialized object for custom ones."""
    name = getattr(activation, "__name__", None)
    if name in _ALL and _ALL[name] is activation:
        return name
    for key, fn in _ALL.items():
        if fn is activation:
            return key
    from lamina.saving.serialization_lib import serialize_keras_object

    return serialize_keras_object(activation)


def deserialize(config, custom_objects=None):
    if isinstance(config, str):
        return get(config)
    from lamina.saving.serialization_lib import deserialize_keras_object

    return deserialize_keras_object(config, module_objects=_ALL, custom_objects=custom_objects)


def get(identifier):
    """Returns an activation function from a name, a config, or a callable (None is linear)."""
    if identifier is None:
        return linear
    if isinstance(identifier, str):
        fn = _ALL.get(identifier)
        if fn is None:
            raise ValueError(f"Unknown activation: {identifier!r}. Known activations: {sorted(_ALL)}")
        return fn
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if callable(identifier):
        return identifier
    raise ValueError(f"Could not interpret activation function identifier: {identifier!r}")
