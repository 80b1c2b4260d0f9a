"""Quantization arithmetic: abs-max int8/int4, int4 packing, float8 scaling, fake quantization.

Everything is written once in ``lamina.ops``; the host-side helpers (``to_numpy=True``,
``pack_int4``) use NumPy so that quantizing a large weight does not hold two copies of it on
the accelerator.
"""

import math

import numpy as np

from lamina import backend, ops

# The largest finite value, the mantissa bits and the smallest normal exponent of the two
# float8 formats Keras uses (e4m3fn for values, e5m2 for gradients).
_FLOAT8 = {"float8_e4m3fn": (448.0, 3, -6), "float8_e5m2": (57344.0, 2, -14)}


def _float8_spec(dtype, where):
    if dtype not in _FLOAT8:
        raise ValueError(f"{where}: expected quantized_dtype in {sorted(_FLOAT8)}. Received: quantized_dtype={dtype!r}")
    return _FLOAT8[dtype]


def int8_matmul(x1, x2):
    """``x1 @ x2`` of two int8 tensors, accumulated and returned in int32."""
    return backend.quantized.int8_matmul(ops.convert_to_tensor(x1), ops.convert_to_tensor(x2))


def int8_einsum(subscripts, x1, x2):
    """``einsum(subscripts, x1, x2)`` of two int8 tensors, accumulated and returned in int32."""
    return backend.quantized.int8_einsum(subscripts, ops.convert_to_tensor(x1), ops.convert_to_tensor(x2))


class Quantizer:
    """Base class of weight and activation quantizers.

    A subclass implements ``__call__(x, ...)`` returning the quantized tensor (and, for
    abs-max quantizers, its scale) and ``get_config``.

    Args:
        output_dtype: the dtype of the quantized values (default ``"int8"``).
    """

    def __init__(self, output_dtype="int8"):
        self.output_dtype = output_dtype

    def __call__(self, x):
        return x

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def get_config(self):
        raise NotImplementedError(f"{type(self).__name__} does not implement get_config().")


def abs_max_quantize(inputs, axis, value_range=(-127, 127), dtype="int8", epsilon=backend.epsilon(),
                     to_numpy=False):
    """Symmetric quantization: ``round(x * value_range[1] / max|x|)`` along ``axis``, clipped.

    Args:
        inputs: the tensor to quantize.
        axis: axis (or axes) reduced to find ``max|x|``; the scale keeps them with size 1.
        value_range: ``(min, max)`` of the quantized values.
        dtype: dtype of the quantized values.
        epsilon: added to ``max|x|`` so an all-zero slice does not divide by zero.
        to_numpy: compute on the host with NumPy (saves accelerator memory for big weights).

    Returns:
        ``(quantized, scale)``, where ``inputs ≈ quantized / scale``.

    Example:
        >>> q, scale = lamina.quantizers.abs_max_quantize(np.array([[0.5, -1.0]], "float32"), axis=-1)
        >>> ops.convert_to_numpy(q).tolist(), ops.convert_to_numpy(scale).round(1).tolist()
        ([[63, -127]], [[127.0]])
    """
    if to_numpy:
        source_dtype = backend.standardize_dtype(ops.dtype(inputs))
        x = np.asarray(ops.convert_to_numpy(inputs))
        axis = tuple(axis) if isinstance(axis, (list, tuple)) else axis
        scale = np.divide(value_range[1], np.add(np.max(np.abs(x), axis=axis, keepdims=True), epsilon))
        q = np.clip(np.round(np.multiply(x, scale)), value_range[0], value_range[1]).astype(dtype)
        return ops.convert_to_tensor(q), ops.convert_to_tensor(scale.astype(source_dtype))
    x = ops.convert_to_tensor(inputs)
    scale = ops.divide(value_range[1], ops.add(ops.max(ops.abs(x), axis=axis, keepdims=True), epsilon))
    scale = ops.cast(scale, ops.dtype(x))
    q = ops.clip(ops.round(ops.multiply(x, scale)), value_range[0], value_range[1])
    return ops.cast(q, dtype), scale


def abs_max_quantize_grouped_with_zero_point(inputs, block_size, value_range=(-8, 7), dtype="int8",
                                             epsilon=backend.epsilon(), to_numpy=False):
    """Asymmetric quantization of a 2-D ``(input_dim, output_dim)`` tensor in groups of rows.

    Each group of ``block_size`` rows gets, per column, a scale ``(max - min + epsilon) /
    (qmax - qmin)`` and a zero point ``round(-min / scale) + qmin``; ``q = round(x / scale) +
    zero``, and ``x ≈ (q - zero) * scale``.

    Args:
        inputs: the 2-D tensor.
        block_size: rows per group (the last group may be shorter).
        value_range: ``(qmin, qmax)``.
        dtype: dtype of the quantized values.
        epsilon: keeps a constant group's scale above zero.
        to_numpy: accepted for Keras compatibility; the computation runs in NumPy either way.

    Returns:
        ``(quantized, scale, zero_point)``; scale and zero point are ``(n_groups, output_dim)``.
    """
    del to_numpy  # one host implementation serves both (Keras's device path agrees to float32 rounding)
    source_dtype = backend.standardize_dtype(ops.dtype(inputs))
    x = np.asarray(ops.convert_to_numpy(inputs))
    if x.ndim != 2:
        raise ValueError(f"abs_max_quantize_grouped_with_zero_point: expected a 2-D tensor. Received shape "
                         f"{x.shape}")
    rows, cols = x.shape
    n_groups = math.ceil(rows / block_size)
    padded = np.concatenate([x, np.zeros((n_groups * block_size - rows, cols), x.dtype)], axis=0)
    grouped = padded.reshape(n_groups, block_size, cols)
    qmin, qmax = value_range
    low, high = grouped.min(axis=1, keepdims=True), grouped.max(axis=1, keepdims=True)
    scale = np.divide(np.subtract(high, low) + epsilon, qmax - qmin)
    zero = np.clip(np.round(np.divide(-low, scale)) + qmin, qmin, qmax)
    q = np.clip(np.round(np.divide(grouped, scale)) + zero, qmin, qmax).astype(dtype)
    q = q.reshape(n_groups * block_size, cols)[:rows]
    return (ops.convert_to_tensor(q), ops.convert_to_tensor(scale[:, 0].astype(source_dtype)),
            ops.convert_to_tensor(zero[:, 0].astype("int8")))


def dequantize_with_sz_map(weights_matrix, scale, zero, g_idx, group_axis=-1):
    """``(q - zero[g]) * scale[g]``, where ``g_idx`` gives each position's group along ``group_axis``."""
    groups = ops.cast(g_idx, "int32")
    scales = ops.take(scale, groups, axis=group_axis)
    zeros = ops.cast(ops.take(zero, groups, axis=group_axis), ops.dtype(scales))
    return ops.multiply(ops.subtract(weights_matrix, zeros), scales)


class AbsMaxQuantizer(Quantizer):
    """Quantizes with ``abs_max_quantize``.

    Args:
        axis: deprecated default axis (pass ``axis`` to the call instead); -1 when neither is given.
        value_range: ``(min, max)`` of the quantized values.
        epsilon: added to ``max|x|``.
        output_dtype: dtype of the quantized values.

    Example:
        >>> q, scale = lamina.quantizers.AbsMaxQuantizer()(np.array([[1.0, -4.0]], "float32"))
        >>> ops.convert_to_numpy(q).tolist()
        [[32, -127]]
    """

    def __init__(self, axis=None, value_range=(-127, 127), epsilon=backend.epsilon(), output_dtype="int8"):
        super().__init__(output_dtype=output_dtype)
        self.axis = None if axis is None else ((axis,) if isinstance(axis, int) else tuple(axis))
        self.value_range = tuple(value_range)
        self.epsilon = epsilon
        if output_dtype == "int8" and (self.value_range[0] < -128 or self.value_range[1] > 127):
            raise ValueError(f"AbsMaxQuantizer with output_dtype='int8' needs value_range within [-128, 127]. "
                             f"Received: value_range={value_range}")

    def __call__(self, x, axis=None, to_numpy=False):
        """Returns ``(quantized, scale)`` of ``x`` along ``axis`` (default: the constructor's, else -1)."""
        axis = axis if axis is not None else (self.axis if self.axis is not None else -1)
        return abs_max_quantize(x, axis, self.value_range, self.output_dtype, self.epsilon, to_numpy)

    def get_config(self):
        config = {"value_range": self.value_range, "epsilon": self.epsilon, "output_dtype": self.output_dtype}
        if self.axis is not None:
            config["axis"] = self.axis
        return config


# -- fake quantization (quantization-aware training) ----------------------------------------
def _nudged_range(min_range, max_range, num_bits, narrow_range):
    dtype = "float64" if backend.standardize_dtype(ops.dtype(min_range)) == "float64" else "float32"
    min_range, max_range = ops.cast(min_range, dtype), ops.cast(max_range, dtype)
    quant_max, quant_min = (1 << num_bits) - 1, (1 if narrow_range else 0)
    span = ops.subtract(max_range, min_range)
    scale = ops.divide(span, quant_max - quant_min)
    inv_scale = ops.divide(quant_max - quant_min, span)
    zero = ops.round(ops.clip(quant_min - ops.divide(min_range, scale), quant_min, quant_max))
    return (ops.multiply(ops.subtract(quant_min, zero), scale), ops.multiply(ops.subtract(quant_max, zero), scale),
            scale, inv_scale)


def fake_quant_with_min_max_vars(inputs, min_vals, max_vals, num_bits=8, narrow_range=False, axis=None):
    """Quantizes ``inputs`` to ``num_bits`` levels in ``[min_vals, max_vals]`` and back to floats.

    The range is nudged so that 0 is exactly representable. Gradients pass straight through
    inside the range; outside it they go to ``min_vals`` / ``max_vals``, so both can be trained.

    Args:
        inputs: float tensor.
        min_vals / max_vals: scalars (per tensor) or vectors (per channel along ``axis``).
        num_bits: quantization bit width.
        narrow_range: use ``[1, 2**num_bits - 1]`` instead of ``[0, 2**num_bits - 1]``.
        axis: the channel axis for per-channel ranges; None for one range.

    Example:
        >>> y = lamina.quantizers.fake_quant_with_min_max_vars(np.array([0.1, 0.52, 2.0], "float32"), 0.0, 1.0,
        ...                                                   num_bits=2)
        >>> ops.convert_to_numpy(y).round(3).tolist()
        [0.0, 0.667, 1.0]
    """
    if backend.is_keras_tensor(inputs):
        return backend.KerasTensor(inputs.shape, dtype=inputs.dtype)
    inputs, min_vals, max_vals = (ops.convert_to_tensor(t) for t in (inputs, min_vals, max_vals))
    num_bits = int(num_bits)
    ndim = len(ops.shape(inputs))
    axis = None if axis is None else axis % ndim

    @ops.custom_gradient
    def fake_quant(x, min_val, max_val):
        nudged_min, nudged_max, scale, inv_scale = _nudged_range(min_val, max_val, num_bits, narrow_range)
        quant_zero = ops.floor(ops.add(ops.multiply(ops.negative(nudged_min), inv_scale), 0.5))
        clamped = ops.clip(ops.cast(x, ops.dtype(nudged_min)), nudged_min, nudged_max)
        shifted = ops.subtract(clamped, nudged_min)
        levels = ops.floor(ops.add(ops.subtract(ops.multiply(shifted, inv_scale), quant_zero), 0.5))
        result = ops.cast(ops.multiply(levels, scale), ops.dtype(x))
        inside = ops.logical_and(ops.greater_equal(x, nudged_min), ops.less_equal(x, nudged_max))

        def grad(upstream):
            zero = ops.zeros_like(upstream)
            reduce_axes = [i for i in range(ndim) if i != axis]

            def to_range(mask, like):
                g = ops.where(mask, upstream, zero)
                g = ops.sum(g, axis=reduce_axes) if axis is not None else ops.sum(g)
                return ops.reshape(g, ops.shape(like))

            return (ops.where(inside, upstream, zero), to_range(ops.less_equal(x, nudged_min), min_val),
                    to_range(ops.greater_equal(x, nudged_max), max_val))

        return result, grad

    return fake_quant(inputs, min_vals, max_vals)


# -- float8 ---------------------------------------------------------------------------------
def compute_float8_scale(amax, scale, dtype_max, margin=0):
    """The next float8 scale from the largest recent ``|x|`` (``amax``) and the current ``scale``.

    The new scale is ``amax * 2**margin / dtype_max``; where ``amax`` is zero or not finite
    the current scale is kept.
    """
    current = ops.reciprocal(scale)
    factor = ops.divide(ops.divide(dtype_max, amax), 2**margin)
    factor = ops.where(ops.greater(amax, 0.0), factor, current)
    factor = ops.where(ops.isfinite(amax), factor, current)
    return ops.reciprocal(factor)


def compute_float8_amax_history(x, amax_history):
    """``amax_history`` rolled by one, with ``max|x|`` written at position 0."""
    amax = ops.cast(ops.max(ops.abs(x)), ops.dtype(amax_history))
    return ops.scatter_update(ops.roll(amax_history, shift=-1), [[0]], ops.reshape(amax, [1]))


def _round_to_float8(x, dtype):
    """Rounds ``x`` (already within the format's range) to the nearest ``dtype`` value, ties to even.

    float8 values are floats with few mantissa bits: in the binade ``[2**e, 2**(e+1))`` they
    are spaced ``2**(e - mantissa_bits)`` apart (below the smallest normal exponent, evenly at
    the subnormal spacing), so rounding ``x`` to a multiple of that spacing is the cast.
    """
    _, mantissa_bits, min_exponent = _float8_spec(dtype, "quantize_and_dequantize")
    magnitude = ops.abs(x)
    exponent = ops.floor(ops.log2(ops.where(ops.greater(magnitude, 0), magnitude, ops.ones_like(magnitude))))
    spacing = ops.power(ops.cast(2.0, ops.dtype(x)), ops.maximum(exponent, float(min_exponent)) - mantissa_bits)
    return ops.multiply(ops.round(ops.divide(x, spacing)), spacing)


def quantize_and_dequantize(inputs, scale, quantized_dtype, compute_dtype):
    """Divides by ``scale``, rounds to ``quantized_dtype`` (a float8 format) and multiplies back.

    Args:
        inputs: float tensor.
        scale: the float8 scale (see ``compute_float8_scale``).
        quantized_dtype: ``"float8_e4m3fn"`` or ``"float8_e5m2"``.
        compute_dtype: the dtype of the result.

    Example:
        >>> y = lamina.quantizers.quantize_and_dequantize(np.array([1.06, 300.0], "float32"), 1.0,
        ...                                               "float8_e4m3fn", "float32")
        >>> ops.convert_to_numpy(y).tolist()
        [1.0, 288.0]
    """
    dtype_max = _float8_spec(quantized_dtype, "quantize_and_dequantize")[0]
    scale = ops.cast(scale, compute_dtype)
    x = ops.clip(ops.divide(ops.cast(inputs, compute_dtype), scale), -dtype_max, dtype_max)
    x = _round_to_float8(ops.cast(x, "float32"), quantized_dtype)
    return ops.multiply(ops.cast(x, compute_dtype), scale)


# -- int4 packing ---------------------------------------------------------------------------
def pack_int4(arr, axis=0, dtype="int8"):
    """Packs int4 values (int8 in ``[-8, 7]``) two per byte along ``axis``.

    Of each pair of consecutive entries the first goes to the low nibble, the second to the
    high nibble; an odd length is padded with one zero.

    Args:
        arr: int8 (or uint8) tensor of int4 values.
        axis: the axis to pack.
        dtype: ``"int8"`` or ``"uint8"``, the dtype of ``arr`` and of the result.

    Returns:
        ``(packed, packed_shape, original_length)``.

    Example:
        >>> packed, shape, n = lamina.quantizers.pack_int4(np.array([[-3, 7], [2, -8], [1, 0]], "int8"))
        >>> ops.convert_to_numpy(packed).tolist(), shape, n
        ([[45, -121], [1, 0]], (2, 2), 3)
    """
    if dtype not in ("int8", "uint8"):
        raise ValueError(f"pack_int4: expected dtype 'int8' or 'uint8'. Received: dtype={dtype!r}")
    got = backend.standardize_dtype(ops.dtype(arr))
    if got != dtype:
        raise TypeError(f"pack_int4: expected a {dtype} tensor. Received a tensor of dtype {got}")
    x = np.moveaxis(np.asarray(ops.convert_to_numpy(arr)), axis, 0)
    n = x.shape[0]
    if n % 2:
        x = np.concatenate([x, np.zeros((1,) + x.shape[1:], x.dtype)], axis=0)
    np_dtype = np.dtype(dtype)
    low = np.bitwise_and(x[0::2].astype(np_dtype), np_dtype.type(0x0F))
    high = np.bitwise_and(x[1::2].astype(np_dtype), np_dtype.type(0x0F))
    packed = np.bitwise_or(low, np.left_shift(high, np_dtype.type(4))).astype(np_dtype)
    packed = np.moveaxis(packed, 0, axis)
    return ops.convert_to_tensor(packed), tuple(packed.shape), n


def unpack_int4(packed, orig_len, axis=0, dtype="int8"):
    """Reverses ``pack_int4``: two values per byte along ``axis``, cut to ``orig_len``.

    Args:
        packed: int8 or uint8 tensor of packed nibbles.
        orig_len: the length of ``axis`` before packing.
        axis: the packed axis.
        dtype: ``"int8"`` for signed values in ``[-8, 7]``, ``"uint8"`` for ``[0, 15]``.

    Example:
        >>> packed, _, n = lamina.quantizers.pack_int4(np.array([[-3, 7], [2, -8], [1, 0]], "int8"))
        >>> ops.convert_to_numpy(lamina.quantizers.unpack_int4(packed, n)).tolist()
        [[-3, 7], [2, -8], [1, 0]]
    """
    if dtype not in ("int8", "uint8"):
        raise ValueError(f"unpack_int4: expected dtype 'int8' or 'uint8'. Received: dtype={dtype!r}")
    got = backend.standardize_dtype(ops.dtype(packed))
    if got not in ("int8", "uint8"):
        raise TypeError(f"unpack_int4: expected an int8 or uint8 tensor. Received a tensor of dtype {got}")
    rank = len(ops.shape(packed))
    axis = axis % rank
    perm = [axis] + [i for i in range(rank) if i != axis]
    x = ops.transpose(packed, perm) if axis else packed
    mask = ops.cast(0x0F, got)
    low = ops.bitwise_and(x, mask)
    high = ops.bitwise_and(ops.right_shift(x, 4), mask)
    if dtype == "int8":  # nibbles 8..15 are -8..-1: (n ^ 8) - 8
        eight = ops.cast(8, got)
        low = ops.subtract(ops.bitwise_xor(low, eight), eight)
        high = ops.subtract(ops.bitwise_xor(high, eight), eight)
    pairs = ops.stack([ops.cast(low, dtype), ops.cast(high, dtype)], axis=1)
    out = ops.reshape(pairs, (-1,) + tuple(ops.shape(x)[1:]))[:orig_len]
    if axis:
        out = ops.transpose(out, [perm.index(i) for i in range(rank)])
    return out
