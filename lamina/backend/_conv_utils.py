"""Pure-Python arithmetic shared by the convolution and pooling code of every backend and layer.

Padding follows Keras/TF: ``"same"`` pads ``max((ceil(n / s) - 1) * s + k - n, 0)`` positions,
the smaller half before and the larger half after; ``"causal"`` (1-D) pads ``(k - 1) * d``
before. Transposed convolutions use the padding of the matching forward convolution.
"""

import math

from lamina.backend.common.config import standardize_data_format


def prod(values):
    return math.prod(values)


def standardize_format(data_format):
    return standardize_data_format(data_format)


def tuplify(value, rank, name):
    """``3 -> (3, 3)``; a sequence must have ``rank`` positive ints."""
    if isinstance(value, int) and not isinstance(value, bool):
        values = (value,) * rank
    else:
        try:
            values = tuple(int(v) for v in value)
        except TypeError:
            raise ValueError(f"Expected `{name}` to be an int or a tuple of {rank} ints. Received: {name}={value!r}") from None
    if len(values) != rank or any(v <= 0 for v in values):
        raise ValueError(
            f"Expected `{name}` to be a positive int or a tuple of {rank} positive ints. Received: {name}={value!r}"
        )
    return values


def tuplify_optional(value, rank):
    if value is None:
        return (None,) * rank
    if isinstance(value, int):
        return (value,) * rank
    return tuple(value)


def standardize_padding(padding, allow_causal=False):
    value = str(padding).lower() if isinstance(padding, str) else padding
    allowed = ("valid", "same", "causal") if allow_causal else ("valid", "same")
    if value not in allowed:
        raise ValueError(f"Expected `padding` to be one of {allowed}. Received: padding={padding!r}")
    return value


def same_pads(size, kernel, stride, dilation=1):
    """(before, after) padding of one axis for ``"same"``."""
    effective = (kernel - 1) * dilation + 1
    total = max((-(-size // stride) - 1) * stride + effective - size, 0)
    return total // 2, total - total // 2


def conv_pads(spatial_shape, kernel_spatial, strides, dilation, padding):
    padding = padding.lower()
    if padding == "valid":
        return [(0, 0)] * len(kernel_spatial)
    if padding == "causal":
        return [((k - 1) * d, 0) for k, d in zip(kernel_spatial, dilation)]
    if padding != "same":
        raise ValueError(f"Expected `padding` to be 'valid', 'same' or 'causal'. Received: padding={padding!r}")
    return [same_pads(n, k, s, d) for n, k, s, d in zip(spatial_shape, kernel_spatial, strides, dilation)]


def conv_output_length(size, kernel, padding, stride, dilation=1):
    """Length of one spatial axis after a convolution or pooling."""
    if size is None:
        return None
    effective = (kernel - 1) * dilation + 1
    if padding in ("same", "causal"):
        return (size + stride - 1) // stride if padding == "same" else (size - 1) // stride + 1
    return max((size - effective) // stride + 1, 0)


def transpose_pads(kernel, stride, dilation, padding, output_padding):
    """(before, after) padding of the stride-dilated input for a transposed convolution."""
    effective = (kernel - 1) * dilation + 1
    if padding.lower() == "valid":
        extra = max(effective, stride) - effective if output_padding is None else output_padding
        return effective - 1, effective - 1 + extra
    if output_padding is None:
        total = stride + effective - 2
    else:
        total = effective + effective % 2 - 2 + output_padding
    before = min(total // 2 + total % 2, effective - 1)
    return before, total - before


def transpose_output_length(size, kernel, padding, output_padding, stride, dilation=1):
    """Length of one spatial axis after a transposed convolution."""
    if size is None:
        return None
    effective = (kernel - 1) * dilation + 1
    if output_padding is None:
        if padding == "valid":
            return size * stride + max(effective - stride, 0)
        return size * stride
    pad = effective // 2 if padding == "same" else 0
    return (size - 1) * stride + effective - 2 * pad + output_padding
