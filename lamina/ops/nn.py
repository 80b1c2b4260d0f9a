"""Neural-network ops: activations, softmax, one-hot."""

from lamina.backend import nn as _nn
from lamina.ops._dispatch import symbolic


@symbolic
def relu(x):
    """``max(x, 0)``.

    Args:
        x: input tensor.
    """
    return _nn.relu(x)


@symbolic
def relu6(x):
    """``min(max(x, 0), 6)``.

    Args:
        x: input tensor.
    """
    return _nn.relu6(x)


@symbolic
def sigmoid(x):
    """``1 / (1 + exp(-x))``.

    Args:
        x: input tensor.
    """
    return _nn.sigmoid(x)


@symbolic
def softplus(x):
    """``log(1 + exp(x))``.

    Args:
        x: input tensor.
    """
    return _nn.softplus(x)


@symbolic
def softsign(x):
    """``x / (1 + |x|)``.

    Args:
        x: input tensor.
    """
    return _nn.softsign(x)


@symbolic
def silu(x):
    """``x * sigmoid(x)`` (also called swish).

    Args:
        x: input tensor.
    """
    return _nn.silu(x)


swish = silu


@symbolic
def gelu(x, approximate=True):
    """Gaussian error linear unit; the tanh approximation when ``approximate``.

    Args:
        x: input tensor.
        approximate: whether to use the tanh approximation instead of the exact erf form.
    """
    return _nn.gelu(x, approximate=approximate)


@symbolic
def elu(x, alpha=1.0):
    """``x`` for x > 0, else ``alpha * (exp(x) - 1)``.

    Args:
        x: input tensor.
        alpha: scale of the negative part.
    """
    return _nn.elu(x, alpha=alpha)


@symbolic
def selu(x):
    """Scaled exponential linear unit.

    Args:
        x: input tensor.
    """
    return _nn.selu(x)


@symbolic
def leaky_relu(x, negative_slope=0.2):
    """``x`` for x > 0, else ``negative_slope * x``.

    Args:
        x: input tensor.
        negative_slope: slope applied to negative values.
    """
    return _nn.leaky_relu(x, negative_slope=negative_slope)


@symbolic
def hard_sigmoid(x):
    """Piecewise-linear sigmoid: ``clip(x / 6 + 0.5, 0, 1)``.

    Args:
        x: input tensor.
    """
    return _nn.hard_sigmoid(x)


@symbolic
def hard_silu(x):
    """``x * hard_sigmoid(x)``.

    Args:
        x: input tensor.
    """
    return _nn.hard_silu(x)


hard_swish = hard_silu


@symbolic
def softmax(x, axis=-1):
    """Normalized exponentials along ``axis``.

    Args:
        x: input tensor.
        axis: the axis along which the probabilities sum to 1.
    """
    return _nn.softmax(x, axis=axis)


@symbolic
def log_softmax(x, axis=-1):
    """``log(softmax(x))``, computed stably.

    Args:
        x: input tensor.
        axis: the axis along which the softmax is taken.
    """
    return _nn.log_softmax(x, axis=axis)


@symbolic
def one_hot(x, num_classes, axis=-1, dtype=None, sparse=False):
    """One-hot encodes integer ``x``; out-of-range values give all zeros.

    ``sparse=True`` is refused: lamina has no sparse tensors (Keras's default, False, is dense).

    Args:
        x: integer tensor of class ids.
        num_classes: length of the one-hot axis.
        axis: where the new one-hot axis is inserted.
        dtype: output dtype (None: the default float type).
        sparse: must be False; lamina has no sparse tensors.
    """
    _check_dense("one_hot", sparse)
    return _nn.one_hot(x, num_classes, axis=axis, dtype=dtype)


def _check_dense(op, sparse):
    if sparse:
        raise ValueError(f"ops.{op}: sparse outputs are not supported, lamina has no sparse tensors. "
                         f"Expected sparse=False. Received: sparse={sparse!r}")


from lamina.ops.nn_conv import *  # noqa: E402,F401,F403


# -- activations written once on lamina.ops ------------------------------------------
from lamina.ops import core as _core  # noqa: E402
from lamina.ops import numpy as _np  # noqa: E402
from lamina.ops.nn_losses import *  # noqa: E402,F401,F403

def _float(x):
    from lamina import backend

    x = _core.convert_to_tensor(x)
    return x if backend.is_float_dtype(_core.dtype(x)) else _core.cast(x, backend.floatx())


@symbolic
def log_sigmoid(x):
    """``log(sigmoid(x))``, finite for large negative ``x``.

    Args:
        x: input tensor.

    Example:
        >>> ops.convert_to_numpy(ops.log_sigmoid(ops.convert_to_tensor([-100.0, 0.0])))
        array([-100.       ,   -0.6931], dtype=float32)
    """
    x = _float(x)
    return _np.minimum(x, 0.0) - _np.log1p(_np.exp(-_np.absolute(x)))


@symbolic
def sparse_plus(x):
    """0 for x <= -1, ``x`` for x >= 1, ``(x + 1)**2 / 4`` between.

    Args:
        x: input tensor.

    Example:
        >>> ops.convert_to_numpy(ops.sparse_plus(ops.convert_to_tensor([-2.0, 0.0, 2.0])))
        array([0.  , 0.25, 2.  ], dtype=float32)
    """
    x = _float(x)
    return _np.where(x <= -1.0, 0.0, _np.where(x >= 1.0, x, 0.25 * _np.square(x + 1.0)))


@symbolic
def sparse_sigmoid(x):
    """0 for x <= -1, 1 for x >= 1, ``(x + 1) / 2`` between.

    Args:
        x: input tensor.

    Example:
        >>> ops.convert_to_numpy(ops.sparse_sigmoid(ops.convert_to_tensor([-2.0, 0.0])))
        array([0. , 0.5], dtype=float32)
    """
    x = _float(x)
    return _np.clip(0.5 * (x + 1.0), 0.0, 1.0)


@symbolic
def squareplus(x, b=4):
    """``(x + sqrt(x**2 + b)) / 2``, a smooth ReLU.

    Args:
        x: input tensor.
        b: smoothness (>= 0).

    Example:
        >>> ops.convert_to_numpy(ops.squareplus(ops.zeros((1,))))
        array([1.], dtype=float32)
    """
    x = _float(x)
    return 0.5 * (x + _np.sqrt(_np.square(x) + b))


@symbolic
def celu(x, alpha=1.0):
    """``max(x, 0) + alpha * (exp(min(x, 0) / alpha) - 1)``.

    Args:
        x: input tensor.
        alpha: the scale of the negative part.

    Example:
        >>> ops.convert_to_numpy(ops.celu(ops.convert_to_tensor([-1.0, 1.0])))
        array([-0.6321,  1.        ], dtype=float32)
    """
    x = _float(x)
    return _np.maximum(x, 0.0) + alpha * _np.expm1(_np.minimum(x, 0.0) / alpha)


@symbolic
def glu(x, axis=-1):
    """Gated linear unit: splits ``x`` in two halves ``a, b`` along ``axis``; ``a * sigmoid(b)``.

    Args:
        x: input tensor with an even size along ``axis``.
        axis: the split axis.

    Example:
        >>> ops.shape(ops.glu(ops.ones((2, 4))))
        (2, 2)
    """
    x = _float(x)
    size = x.shape[axis]
    if size % 2:
        raise ValueError(f"glu: the size of `axis` {axis} must be even. Received: x.shape={tuple(x.shape)}")
    half = size // 2
    axis = axis % len(x.shape)
    lead = (slice(None),) * axis
    return x[lead + (slice(0, half),)] * sigmoid(x[lead + (slice(half, size),)])


@symbolic
def hard_tanh(x):
    """``clip(x, -1, 1)``.

    Args:
        x: input tensor.

    Example:
        >>> ops.convert_to_numpy(ops.hard_tanh(ops.convert_to_tensor([-3.0, 0.5])))
        array([-1. ,  0.5], dtype=float32)
    """
    return _np.clip(_float(x), -1.0, 1.0)


@symbolic
def soft_shrink(x, threshold=0.5):
    """Moves ``x`` toward 0 by ``threshold``; 0 inside ``[-threshold, threshold]``.

    Args:
        x: input tensor.
        threshold: non-negative amount subtracted from ``|x|``.

    Example:
        >>> ops.convert_to_numpy(ops.soft_shrink(ops.convert_to_tensor([-1.0, 0.2, 1.0])))
        array([-0.5,  0. ,  0.5], dtype=float32)
    """
    x = _float(x)
    return _np.where(x > threshold, x - threshold, _np.where(x < -threshold, x + threshold, 0.0))


@symbolic
def hard_shrink(x, threshold=0.5):
    """``x`` where ``|x| > threshold``, else 0.

    Args:
        x: input tensor.
        threshold: values with ``|x|`` at or below it become 0.

    Example:
        >>> ops.convert_to_numpy(ops.hard_shrink(ops.convert_to_tensor([-1.0, 0.2])))
        array([-1.,  0.], dtype=float32)
    """
    x = _float(x)
    return _np.where(_np.absolute(x) > threshold, x, 0.0)


@symbolic
def tanh_shrink(x):
    """``x - tanh(x)``.

    Args:
        x: input tensor.

    Example:
        >>> ops.convert_to_numpy(ops.tanh_shrink(ops.zeros((1,))))
        array([0.], dtype=float32)
    """
    x = _float(x)
    return x - _np.tanh(x)


@symbolic
def threshold(x, threshold, default_value):
    """``x`` where ``x > threshold``, else ``default_value``.

    Args:
        x: input tensor.
        threshold: values at or below it are replaced.
        default_value: the value put where ``x <= threshold``.

    Example:
        >>> ops.convert_to_numpy(ops.threshold(ops.convert_to_tensor([0.5, 2.0]), 1.0, 0.0))
        array([0., 2.], dtype=float32)
    """
    x = _float(x)
    return _np.where(x > threshold, x, default_value)


@symbolic
def sparsemax(x, axis=-1):
    """Euclidean projection of ``x`` onto the probability simplex along ``axis``.

    Args:
        x: input tensor.
        axis: the axis along which the output sums to 1.

    Example:
        >>> ops.convert_to_numpy(ops.sparsemax(ops.convert_to_tensor([1.0, 0.0, -1.0])))
        array([1., 0., 0.], dtype=float32)
    """
    x = _float(x)
    z = _np.moveaxis(x, axis, -1)
    n = z.shape[-1]
    z_sorted = _np.flip(_np.sort(z, axis=-1), axis=-1)
    k = _np.arange(1, n + 1, dtype=_core.dtype(z))
    cumulative = _np.cumsum(z_sorted, axis=-1)
    support = (1.0 + k * z_sorted) > cumulative
    k_z = _np.sum(_core.cast(support, _core.dtype(z)), axis=-1, keepdims=True)
    index = _core.cast(k_z, "int32") - 1
    tau = (_np.take_along_axis(cumulative, index, axis=-1) - 1.0) / k_z
    return _np.moveaxis(_np.maximum(z - tau, 0.0), -1, axis)


@symbolic
def multi_hot(inputs, num_classes=None, axis=-1, dtype=None, sparse=False, **kwargs):
    """Encodes each row of integer ``inputs`` as one vector with a 1 at every listed class.

    Args:
        inputs: integer tensor; rank 1 (one sample) or ``(batch, n)``.
        num_classes: the vector size (required; Keras 2's name ``num_tokens`` is accepted too).
        axis: where the class axis goes.
        dtype: output dtype (``floatx()`` by default).
        sparse: must be False (lamina has no sparse tensors).

    Example:
        >>> ops.convert_to_numpy(ops.multi_hot([[1, 3], [0, 0]], 4))
        array([[0., 1., 0., 1.],
               [1., 0., 0., 0.]], dtype=float32)
    """
    if num_classes is None and "num_tokens" in kwargs:
        num_classes = kwargs.pop("num_tokens")
    if kwargs:
        raise TypeError(f"ops.multi_hot got unexpected keyword argument(s): {sorted(kwargs)}")
    if num_classes is None:
        raise ValueError("ops.multi_hot: expected an integer for num_classes. Received: num_classes=None")
    _check_dense("multi_hot", sparse)
    core = _core
    inputs = core.convert_to_tensor(inputs)
    reduction_axis = 1 if len(inputs.shape) > 1 else 0
    encoded = one_hot(core.cast(inputs, "int32"), num_classes, axis=axis, dtype=dtype)
    return _np.max(encoded, axis=reduction_axis)


@symbolic
def dot_product_attention(query, key, value, bias=None, mask=None, scale=None, is_causal=False,
                          flash_attention=None, attn_logits_soft_cap=None):
    """Scaled dot-product attention over ``(batch, length, heads, head_dim)`` tensors.

    ``key``/``value`` may have fewer heads than ``query`` (grouped-query attention) when
    they divide it.

    Args:
        query: ``(B, T, N, H)``.
        key: ``(B, S, K, H)``.
        value: ``(B, S, K, H)``.
        bias: added to the logits, broadcastable to ``(B, N, T, S)``.
        mask: boolean, broadcastable to ``(B, N, T, S)``; False positions get no weight.
        scale: logits multiplier (``1 / sqrt(H)`` when None).
        is_causal: also mask positions ``s > t``.
        flash_attention: accepted for Keras compatibility; the plain kernel is used.
        attn_logits_soft_cap: if given, logits become ``cap * tanh(logits / cap)``.

    Returns:
        ``(B, T, N, H)``.

    Example:
        >>> q = ops.ones((2, 4, 2, 8))
        >>> ops.shape(ops.dot_product_attention(q, q, q, is_causal=True))
        (2, 4, 2, 8)
    """
    core = _core
    query, key, value = (_float(t) for t in (query, key, value))
    if len(query.shape) != 4 or len(key.shape) != 4 or len(value.shape) != 4:
        raise ValueError(
            "dot_product_attention: query, key and value must be 4-D (batch, length, heads, head_dim). "
            f"Received: query.shape={tuple(query.shape)}, key.shape={tuple(key.shape)}, value.shape={tuple(value.shape)}"
        )
    heads, kv_heads = query.shape[2], key.shape[2]
    if heads % kv_heads:
        raise ValueError(
            f"dot_product_attention: query heads ({heads}) must be a multiple of key heads ({kv_heads})."
        )
    if kv_heads != heads:
        key = _np.repeat(key, heads // kv_heads, axis=2)
        value = _np.repeat(value, heads // kv_heads, axis=2)
    dtype = core.dtype(query)
    compute = "float32" if dtype in ("float16", "bfloat16") else dtype
    scale = 1.0 / float(query.shape[-1]) ** 0.5 if scale is None else scale
    logits = _np.einsum("btnh,bsnh->bnts", core.cast(query, compute), core.cast(key, compute)) * scale
    if attn_logits_soft_cap is not None:
        logits = attn_logits_soft_cap * _np.tanh(logits / attn_logits_soft_cap)
    if bias is not None:
        logits = logits + core.cast(bias, compute)
    keep = None
    if mask is not None:
        keep = core.cast(mask, "bool")
    if is_causal:
        t_len, s_len = query.shape[1], key.shape[1]
        causal = _np.tril(_np.ones((t_len, s_len), dtype="bool"))
        keep = causal if keep is None else _np.logical_and(keep, causal)
    if keep is not None:
        logits = _np.where(keep, logits, -0.7 * float(_finfo_max(compute)))
    probs = softmax(logits, axis=-1)
    out = _np.einsum("bnts,bsnh->btnh", probs, core.cast(value, compute))
    return core.cast(out, dtype)


def _finfo_max(dtype):
    import numpy as np

    return np.finfo(dtype).max if dtype != "bfloat16" else 3.38e38
from lamina.ops.nn_blocks import *  # noqa: E402,F401,F403
