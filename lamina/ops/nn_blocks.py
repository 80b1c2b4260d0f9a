"""More of ``lamina.ops.nn``: patches and pixel shuffles (``unfold``/``fold``, ``depth_to_space``/
``space_to_depth``), adaptive pooling, ``polar`` and ``psnr``.

Adaptive pooling splits an axis of length ``L`` into ``n`` windows, window ``i`` covering
``[floor(i * L / n), ceil((i + 1) * L / n))`` (PyTorch's rule, which Keras 3 follows); the
windows may overlap by one where ``n`` does not divide ``L``.

Example:
    >>> from lamina import ops
    >>> ops.shape(ops.adaptive_average_pool(ops.ones((2, 7, 5, 3)), (2, 2)))
    (2, 2, 2, 3)
"""

from lamina import backend
from lamina.ops import core as _core
from lamina.ops import numpy as _np
from lamina.ops._dispatch import symbolic

__all__ = [
    "polar", "psnr", "unfold", "fold", "depth_to_space", "space_to_depth", "adaptive_average_pool",
    "adaptive_max_pool",
]


def _pair(fn_name, name, value):
    pair = (value, value) if isinstance(value, int) else tuple(value)
    if len(pair) != 2 or any(not isinstance(v, int) or isinstance(v, bool) or v < 0 for v in pair):
        raise ValueError(f"ops.{fn_name}: `{name}` must be a non-negative int or a tuple of 2 of them. "
                         f"Received: {name}={value!r}")
    return pair


@symbolic
def polar(abs_, angle):
    """The complex numbers ``abs_ * (cos(angle) + 1j * sin(angle))`` (as ``torch.polar``).

    Args:
        abs_: the magnitudes.
        angle: the angles in radians, broadcast against ``abs_``.

    Example:
        >>> ops.convert_to_numpy(ops.polar(ops.ones((1,)), ops.zeros((1,))))
        array([1.+0.j], dtype=complex64)
    """
    abs_, angle = _core.convert_to_tensor(abs_), _core.convert_to_tensor(angle)
    return backend.extra_ops.complex_from_parts(_np.multiply(abs_, _np.cos(angle)), _np.multiply(abs_, _np.sin(angle)))


@symbolic
def psnr(x1, x2, max_val):
    """Peak signal-to-noise ratio ``20 log10(max_val) - 10 log10(mean((x1 - x2) ** 2))`` over all entries.

    Args:
        x1: the first signal.
        x2: the second signal, of the same shape as ``x1``.
        max_val: the largest possible value of the signals (1.0 for images in [0, 1], 255 for bytes).

    Example:
        >>> round(float(ops.psnr(ops.zeros((4,)), ops.full((4,), 0.1), 1.0)), 3)
        20.0
    """
    x1, x2 = _core.convert_to_tensor(x1), _core.convert_to_tensor(x2)
    if tuple(x1.shape) != tuple(x2.shape):
        raise ValueError(f"ops.psnr: `x1` and `x2` must have the same shape. Received: x1.shape={tuple(x1.shape)}, "
                         f"x2.shape={tuple(x2.shape)}")
    max_val = _core.convert_to_tensor(max_val, dtype=_core.dtype(x2))
    mse = _np.mean(_np.square(x1 - x2))
    return 20 * _np.log10(max_val) - 10 * _np.log10(mse)


@symbolic
def unfold(x, kernel_size, dilation=1, padding=0, stride=1):
    """Sliding ``kernel_size`` blocks of a channels-first image as columns (im2col): ``(N, C*kH*kW, L)``.

    Args:
        x: ``(N, C, H, W)`` images.
        kernel_size: int or tuple of 2 ints, the block's height and width.
        dilation: int or tuple of 2 ints, the spacing between a block's taps.
        padding: int or tuple of 2 ints, zeros added on both sides of each spatial axis.
        stride: int or tuple of 2 ints, the step between blocks.

    Example:
        >>> ops.shape(ops.unfold(ops.ones((1, 2, 4, 4)), 2, stride=2))
        (1, 8, 4)
    """
    x = _core.convert_to_tensor(x)
    if len(x.shape) != 4:
        raise ValueError(f"ops.unfold: `x` must be a 4-D (N, C, H, W) tensor. Received: x.shape={tuple(x.shape)}")
    return backend.extra_ops.unfold(x, _pair("unfold", "kernel_size", kernel_size), _pair("unfold", "dilation", dilation),
                                    _pair("unfold", "padding", padding), _pair("unfold", "stride", stride))


@symbolic
def fold(x, output_size, kernel_size, dilation=1, padding=0, stride=1):
    """Sums columns of blocks back into channels-first images (col2im), the adjoint of ``unfold``.

    Args:
        x: ``(N, C*kH*kW, L)`` columns, as ``unfold`` makes them.
        output_size: int or tuple of 2 ints, the images' height and width.
        kernel_size: int or tuple of 2 ints, the block's height and width.
        dilation: int or tuple of 2 ints, the spacing between a block's taps.
        padding: int or tuple of 2 ints, the zeros ``unfold`` added on both sides (cropped here).
        stride: int or tuple of 2 ints, the step between blocks.

    Example:
        >>> ops.shape(ops.fold(ops.ones((1, 8, 4)), 4, 2, stride=2))
        (1, 2, 4, 4)
    """
    x = _core.convert_to_tensor(x)
    if len(x.shape) != 3:
        raise ValueError(f"ops.fold: `x` must be a 3-D (N, C*kH*kW, L) tensor. Received: x.shape={tuple(x.shape)}")
    kernel = _pair("fold", "kernel_size", kernel_size)
    if x.shape[1] % (kernel[0] * kernel[1]):
        raise ValueError(f"ops.fold: the second axis of `x` must be divisible by kH * kW = {kernel[0] * kernel[1]}. "
                         f"Received: x.shape={tuple(x.shape)}")
    return backend.extra_ops.fold(x, _pair("fold", "output_size", output_size), kernel,
                                  _pair("fold", "dilation", dilation), _pair("fold", "padding", padding),
                                  _pair("fold", "stride", stride))


def _check_blocks(fn_name, x, block_size, data_format):
    if not isinstance(block_size, int) or isinstance(block_size, bool) or block_size < 2:
        raise ValueError(f"ops.{fn_name}: `block_size` must be an int >= 2. Received: block_size={block_size!r}")
    if len(x.shape) != 4:
        raise ValueError(f"ops.{fn_name}: `x` must be 4-D. Received: x.shape={tuple(x.shape)}")
    return backend.standardize_data_format(data_format)


@symbolic
def depth_to_space(x, block_size, data_format="channels_last"):
    """Moves channels into ``block_size x block_size`` spatial blocks (pixel shuffle).

    Args:
        x: 4-D images; channels must be divisible by ``block_size ** 2``.
        block_size: the side of each block, at least 2.
        data_format: ``"channels_last"`` ``(N, H, W, C)`` or ``"channels_first"`` ``(N, C, H, W)``.

    Example:
        >>> ops.shape(ops.depth_to_space(ops.ones((1, 2, 2, 12)), 2))
        (1, 4, 4, 3)
    """
    x = _core.convert_to_tensor(x)
    data_format = _check_blocks("depth_to_space", x, block_size, data_format)
    b = block_size
    if data_format == "channels_last":
        _, h, w, c = x.shape
        x = _np.reshape(x, (-1, h, w, b, b, c // (b * b)))
        return _np.reshape(_np.transpose(x, (0, 1, 3, 2, 4, 5)), (-1, h * b, w * b, c // (b * b)))
    _, c, h, w = x.shape
    x = _np.reshape(x, (-1, c // (b * b), b, b, h, w))
    return _np.reshape(_np.transpose(x, (0, 1, 4, 2, 5, 3)), (-1, c // (b * b), h * b, w * b))


@symbolic
def space_to_depth(x, block_size, data_format="channels_last"):
    """Moves ``block_size x block_size`` spatial blocks into channels (pixel unshuffle).

    Args:
        x: 4-D images; height and width must be divisible by ``block_size``.
        block_size: the side of each block, at least 2.
        data_format: ``"channels_last"`` ``(N, H, W, C)`` or ``"channels_first"`` ``(N, C, H, W)``.

    Example:
        >>> ops.shape(ops.space_to_depth(ops.ones((1, 4, 4, 3)), 2))
        (1, 2, 2, 12)
    """
    x = _core.convert_to_tensor(x)
    data_format = _check_blocks("space_to_depth", x, block_size, data_format)
    b = block_size
    if data_format == "channels_last":
        _, h, w, c = x.shape
        x = _np.reshape(x, (-1, h // b, b, w // b, b, c))
        return _np.reshape(_np.transpose(x, (0, 1, 3, 2, 4, 5)), (-1, h // b, w // b, c * b * b))
    _, c, h, w = x.shape
    x = _np.reshape(x, (-1, c, h // b, b, w // b, b))
    return _np.reshape(_np.transpose(x, (0, 1, 3, 5, 2, 4)), (-1, c * b * b, h // b, w // b))


def _output_sizes(fn_name, output_size, rank):
    sizes = (output_size,) * rank if isinstance(output_size, int) else tuple(output_size)
    if len(sizes) != rank or any(not isinstance(s, int) or isinstance(s, bool) or s < 1 for s in sizes):
        raise ValueError(f"ops.{fn_name}: `output_size` must be a positive int or a tuple of {rank} of them for "
                         f"{rank}-D pooling. Received: output_size={output_size!r}")
    return sizes


def _adaptive_pool(fn_name, inputs, output_size, data_format, take_max):
    x = _core.convert_to_tensor(inputs)
    rank = len(x.shape) - 2
    if rank not in (1, 2, 3):
        raise ValueError(f"ops.{fn_name}: `inputs` must be 3-D, 4-D or 5-D (batch, spatial axes, channels). "
                         f"Received: inputs.shape={tuple(x.shape)}")
    sizes = _output_sizes(fn_name, output_size, rank)
    first = 1 if backend.standardize_data_format(data_format) == "channels_last" else 2
    for axis, out in zip(range(first, first + rank), sizes):
        length = x.shape[axis]
        starts = [i * length // out for i in range(out)]
        ends = [-(-(i + 1) * length // out) for i in range(out)]
        width = max(e - s for s, e in zip(starts, ends))
        # Each window as `width` indices; short windows repeat their last index (masked for the mean).
        index = [[min(s + j, e - 1) for j in range(width)] for s, e in zip(starts, ends)]
        windows = _np.take(x, _core.convert_to_tensor(index, "int32"), axis=axis)
        if take_max:
            x = _np.max(windows, axis=axis + 1)
            continue
        shape = [1] * len(windows.shape)
        shape[axis], shape[axis + 1] = out, width
        mask = [[1.0 if j < e - s else 0.0 for j in range(width)] for s, e in zip(starts, ends)]
        mask = _np.reshape(_core.convert_to_tensor(mask, _core.dtype(windows)), shape)
        counts = [float(e - s) for s, e in zip(starts, ends)]
        shape.pop(axis + 1)
        x = _np.sum(windows * mask, axis=axis + 1) / _np.reshape(_core.convert_to_tensor(counts, _core.dtype(windows)),
                                                                 shape)
    return x


@symbolic
def adaptive_average_pool(inputs, output_size, data_format=None):
    """Average pooling to a fixed ``output_size``: each output cell averages its adaptive window.

    Args:
        inputs: ``(batch, *spatial, channels)`` (or channels first) with 1, 2 or 3 spatial axes.
        output_size: int or tuple of ints, the output's spatial size.
        data_format: ``"channels_last"`` or ``"channels_first"`` (None: ``image_data_format()``).

    Example:
        >>> ops.convert_to_numpy(ops.adaptive_average_pool(ops.reshape(ops.arange(4.0), (1, 4, 1)), 2))[0, :, 0]
        array([0.5, 2.5], dtype=float32)
    """
    return _adaptive_pool("adaptive_average_pool", inputs, output_size, data_format, take_max=False)


@symbolic
def adaptive_max_pool(inputs, output_size, data_format=None):
    """Max pooling to a fixed ``output_size``: each output cell is the maximum of its adaptive window.

    Args:
        inputs: ``(batch, *spatial, channels)`` (or channels first) with 1, 2 or 3 spatial axes.
        output_size: int or tuple of ints, the output's spatial size.
        data_format: ``"channels_last"`` or ``"channels_first"`` (None: ``image_data_format()``).

    Example:
        >>> ops.convert_to_numpy(ops.adaptive_max_pool(ops.reshape(ops.arange(4.0), (1, 4, 1)), 2))[0, :, 0]
        array([1., 3.], dtype=float32)
    """
    return _adaptive_pool("adaptive_max_pool", inputs, output_size, data_format, take_max=True)
