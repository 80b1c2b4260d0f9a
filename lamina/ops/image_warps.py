"""Image ops that move pixels: patch extraction, perspective and elastic warps, scale-and-translate.

Re-exported by ``lamina.ops.image``; written on ``lamina.ops`` so both backends agree.
"""

import math

import numpy as np

from lamina import backend
from lamina import random as _random
from lamina.ops import core as _core
from lamina.ops import linalg as _linalg
from lamina.ops import numpy as _ops
from lamina.ops._dispatch import symbolic
from lamina.ops._image_sampling import interpolate_at
from lamina.ops.image_filters import gaussian_blur

__all__ = ["extract_patches", "extract_patches_3d", "perspective_transform", "elastic_transform",
           "scale_and_translate"]

_ORDERS = {"nearest": 0, "bilinear": 1}
_FILL_MODES = ("constant", "nearest", "wrap", "mirror", "reflect")


def _tuple(fn_name, arg, value, n):
    if isinstance(value, int):
        return (value,) * n
    if not isinstance(value, (list, tuple)) or len(value) != n or not all(isinstance(v, int) for v in value):
        raise ValueError(f"{fn_name}: `{arg}` must be an int or a tuple of {n} ints. Received: {arg}={value!r}")
    return tuple(value)


def _patches(fn_name, images, size, strides, dilation_rate, padding, data_format, spatial):
    """Patches of ``spatial`` (2 or 3) dims: the features axis holds (offsets..., channel), channel fastest."""
    data_format = backend.standardize_data_format(data_format)
    if padding not in ("valid", "same"):
        raise ValueError(f"{fn_name}: `padding` must be 'valid' or 'same'. Received: padding={padding!r}")
    images = _core.convert_to_tensor(images)
    if len(images.shape) not in (spatial + 1, spatial + 2):
        raise ValueError(
            f"{fn_name}: expected `images` of rank {spatial + 1} (unbatched) or {spatial + 2} (batched). "
            f"Received: images.shape={tuple(images.shape)}"
        )
    size = _tuple(fn_name, "size", size, spatial)
    strides = size if not strides else _tuple(fn_name, "strides", strides, spatial)
    dilation = _tuple(fn_name, "dilation_rate", dilation_rate, spatial)
    single = len(images.shape) == spatial + 1
    x = _ops.expand_dims(images, 0) if single else images
    if data_format == "channels_first":
        x = _ops.moveaxis(x, 1, -1)
    dims = [int(d) for d in x.shape[1:1 + spatial]]
    counts, pads = [], []
    for n, k, s, d in zip(dims, size, strides, dilation):
        span = d * (k - 1) + 1
        if padding == "valid":
            count = (n - span) // s + 1 if n >= span else 0
            pads.append((0, 0))
        else:
            count = -(-n // s)
            total = max((count - 1) * s + span - n, 0)
            pads.append((total // 2, total - total // 2))
        if count < 1:
            raise ValueError(
                f"{fn_name}: patches of size {size} (dilation {dilation}) do not fit images of spatial shape "
                f"{tuple(dims)} with padding='valid'."
            )
        counts.append(count)
    if any(p != (0, 0) for p in pads):
        x = _ops.pad(x, [(0, 0)] + pads + [(0, 0)])
    pieces = []
    for offset in np.ndindex(*size):
        key = [slice(None)]
        for o, c, s, d in zip(offset, counts, strides, dilation):
            key.append(slice(o * d, o * d + (c - 1) * s + 1, s))
        pieces.append(_ops.get_item(x, tuple(key)))
    out = _ops.stack(pieces, axis=-2)
    out = _ops.reshape(out, tuple(out.shape[:-2]) + (len(pieces) * int(out.shape[-1]),))
    if data_format == "channels_first":
        out = _ops.moveaxis(out, -1, 1)
    return _ops.squeeze(out, 0) if single else out


@symbolic
def extract_patches(images, size, strides=None, dilation_rate=1, padding="valid", data_format=None):
    """Extracts patches from images (or volumes, when ``size`` has 3 entries) into the channels axis.

    Each output position holds one flattened patch, ordered (row, column, channel) with the
    channel fastest.

    Args:
        images: 3-D or 4-D image tensor (4-D or 5-D for 3-D patches).
        size: the patch size: an int, ``(height, width)`` or ``(depth, height, width)``.
        strides: the step between patches; defaults to ``size`` (non-overlapping).
        dilation_rate: spacing between the pixels of one patch.
        padding: ``"valid"`` (whole patches only) or ``"same"`` (zero padding, one patch per stride).
        data_format: ``"channels_last"`` or ``"channels_first"``.

    Example:
        >>> ops.shape(ops.image.extract_patches(np.ones((2, 20, 20, 3)), (5, 5)))
        (2, 4, 4, 75)
    """
    if isinstance(size, (list, tuple)) and len(size) == 3:
        return _patches("extract_patches", images, size, strides, dilation_rate, padding, data_format, 3)
    if not isinstance(size, int) and not (isinstance(size, (list, tuple)) and len(size) == 2):
        raise ValueError(f"extract_patches: `size` must be an int or a tuple of 2 or 3 ints. Received: size={size!r}")
    return _patches("extract_patches", images, size, strides, dilation_rate, padding, data_format, 2)


@symbolic
def extract_patches_3d(volumes, size, strides=None, dilation_rate=1, padding="valid", data_format=None):
    """Extracts 3-D patches from volumes into the channels axis.

    Args:
        volumes: 4-D ``(D, H, W, C)`` or 5-D (batched) tensor.
        size: an int or ``(depth, height, width)``.
        strides: the step between patches; defaults to ``size``.
        dilation_rate: spacing between the voxels of one patch.
        padding: ``"valid"`` or ``"same"``.
        data_format: ``"channels_last"`` or ``"channels_first"``.

    Example:
        >>> ops.shape(ops.image.extract_patches_3d(np.ones((2, 10, 10, 10, 3)), (3, 3, 3)))
        (2, 3, 3, 3, 81)
    """
    return _patches("extract_patches_3d", volumes, size, strides, dilation_rate, padding, data_format, 3)


def _check_points(name, points):
    points = _core.convert_to_tensor(points)
    if len(points.shape) not in (2, 3) or tuple(points.shape[-2:]) != (4, 2):
        raise ValueError(
            f"perspective_transform: expected `{name}` of shape (4, 2) or (batch, 4, 2). "
            f"Received: {name}.shape={tuple(points.shape)}"
        )
    points = _core.cast(points, "float32")
    return _ops.expand_dims(points, 0) if len(points.shape) == 2 else points


def _homography(start_points, end_points):
    """The 8 coefficients mapping each output point (an end point) to its input point (a start point)."""
    sx, sy = start_points[..., 0], start_points[..., 1]
    ex, ey = end_points[..., 0], end_points[..., 1]
    zeros, ones = _ops.zeros_like(ex), _ops.ones_like(ex)
    x_rows = _ops.stack([ex, ey, ones, zeros, zeros, zeros, -sx * ex, -sx * ey], axis=-1)
    y_rows = _ops.stack([zeros, zeros, zeros, ex, ey, ones, -sy * ex, -sy * ey], axis=-1)
    matrix = _ops.concatenate([x_rows, y_rows], axis=1)
    target = _ops.expand_dims(_ops.concatenate([sx, sy], axis=-1), -1)
    return _ops.squeeze(_linalg.solve(matrix, target), -1)


@symbolic
def perspective_transform(images, start_points, end_points, interpolation="bilinear", fill_value=0,
                          data_format=None):
    """Warps images so that the four ``start_points`` land on the four ``end_points``.

    Args:
        images: 3-D or 4-D image tensor.
        start_points: ``(4, 2)`` or ``(batch, 4, 2)`` ``(x, y)`` corners in the input.
        end_points: the same shape: where those corners go in the output.
        interpolation: ``"bilinear"`` or ``"nearest"``.
        fill_value: the value of output pixels that come from outside the input.
        data_format: ``"channels_last"`` or ``"channels_first"``.

    Example:
        >>> corners = np.array([[0, 0], [0, 8], [8, 0], [8, 8]])
        >>> ops.shape(ops.image.perspective_transform(np.ones((8, 8, 3)), corners, corners + 1))
        (8, 8, 3)
    """
    from lamina.ops.image import affine_transform

    if interpolation not in _ORDERS:
        raise ValueError(
            f"perspective_transform: invalid `interpolation`. Expected one of {tuple(_ORDERS)}. "
            f"Received: interpolation={interpolation!r}"
        )
    start, end = _check_points("start_points", start_points), _check_points("end_points", end_points)
    if tuple(start.shape) != tuple(end.shape):
        raise ValueError(
            "perspective_transform: `start_points` and `end_points` must have the same shape. Received: "
            f"{tuple(start.shape)} and {tuple(end.shape)}"
        )
    return affine_transform(images, _homography(start, end), interpolation=interpolation, fill_mode="constant",
                            fill_value=fill_value, data_format=data_format)


@symbolic
def elastic_transform(images, alpha=20.0, sigma=5.0, interpolation="bilinear", fill_mode="reflect",
                      fill_value=0.0, seed=None, data_format=None):
    """Deforms images by a random displacement field smoothed with a Gaussian.

    Each image gets its own field: normal noise (standard deviation ``sigma``), blurred by
    a Gaussian of standard deviation ``sigma`` (kernel size ``int(6 sigma) | 1``) and
    scaled by ``alpha``. Pixels are then read at the displaced positions.

    Args:
        images: 3-D or 4-D image tensor.
        alpha: the strength of the displacement.
        sigma: the smoothness of the displacement (a number).
        interpolation: ``"bilinear"`` or ``"nearest"``.
        fill_mode: how points outside the image are read: ``"constant"``, ``"nearest"``,
            ``"wrap"``, ``"mirror"`` or ``"reflect"``.
        fill_value: the value outside the image for ``"constant"``.
        seed: an integer or a ``lamina.random.SeedGenerator``.
        data_format: ``"channels_last"`` or ``"channels_first"``.

    Example:
        >>> ops.shape(ops.image.elastic_transform(np.ones((2, 16, 16, 3)), alpha=5.0, sigma=2.0, seed=1))
        (2, 16, 16, 3)
    """
    data_format = backend.standardize_data_format(data_format)
    if interpolation not in _ORDERS:
        raise ValueError(
            f"elastic_transform: invalid `interpolation`. Expected one of {tuple(_ORDERS)}. "
            f"Received: interpolation={interpolation!r}"
        )
    if fill_mode not in _FILL_MODES:
        raise ValueError(
            f"elastic_transform: invalid `fill_mode`. Expected one of {_FILL_MODES}. Received: fill_mode={fill_mode!r}"
        )
    if float(sigma) <= 0:
        raise ValueError(f"elastic_transform: `sigma` must be positive. Received: sigma={sigma}")
    return elastic_warp(images, alpha, float(sigma), int(6 * float(sigma)) | 1, interpolation, fill_mode, fill_value,
                        seed, data_format)


def elastic_warp(images, alpha, sigma, kernel_size, interpolation, fill_mode, fill_value, seed, data_format):
    """``elastic_transform`` with the blur's kernel size given, so ``sigma`` and ``alpha`` may be tensors."""
    images = _core.convert_to_tensor(images)
    if len(images.shape) not in (3, 4):
        raise ValueError(
            "elastic_transform: expected `images` of rank 3 (one image) or 4 (a batch). "
            f"Received: images.shape={tuple(images.shape)}"
        )
    single = len(images.shape) == 3
    x = _ops.expand_dims(images, 0) if single else images
    if data_format == "channels_first":
        x = _ops.transpose(x, (0, 2, 3, 1))
    batch, height, width, channels = (int(d) for d in x.shape)
    dtype = _core.dtype(x) if backend.is_float_dtype(_core.dtype(x)) else backend.floatx()
    noise = _random.normal((batch, height, width, 2), dtype=dtype, seed=seed) * sigma
    field = gaussian_blur(noise, (kernel_size, kernel_size), (sigma, sigma), data_format="channels_last") * alpha
    rows = _core.cast(_ops.reshape(_ops.arange(height), (1, height, 1)), dtype)
    cols = _core.cast(_ops.reshape(_ops.arange(width), (1, 1, width)), dtype)
    src_y, src_x = rows + field[..., 0], cols + field[..., 1]
    flat = _ops.reshape(x, (batch * height * width, channels))
    base = _ops.reshape(_ops.arange(batch) * (height * width), (batch, 1, 1))
    out = interpolate_at(flat, (height, width), (src_y, src_x), _ORDERS[interpolation], fill_mode, fill_value,
                         base_index=base, channels=True)
    if data_format == "channels_first":
        out = _ops.transpose(out, (0, 3, 1, 2))
    return _ops.squeeze(out, 0) if single else out


def _triangle(x):
    return _ops.maximum(0.0, 1.0 - x)


def _keys_cubic(x):
    near = ((1.5 * x - 2.5) * x) * x + 1.0
    far = ((-0.5 * x + 2.5) * x - 4.0) * x + 2.0
    return _ops.where(x >= 2.0, 0.0, _ops.where(x >= 1.0, far, near))


def _lanczos(radius):
    def kernel(x):
        y = radius * _ops.sin(math.pi * x) * _ops.sin(math.pi * x / radius)
        y = _ops.where(x > 1e-3, y / _ops.where(x != 0, math.pi**2 * x * x, 1.0), 1.0)
        return _ops.where(x > radius, 0.0, y)

    return kernel


_SCALE_KERNELS = {"linear": _triangle, "bilinear": _triangle, "trilinear": _triangle, "triangle": _triangle,
                  "cubic": _keys_cubic, "bicubic": _keys_cubic, "tricubic": _keys_cubic,
                  "lanczos3": _lanczos(3), "lanczos5": _lanczos(5)}


def _scale_weights(in_size, out_size, scale, translation, kernel, antialias, dtype):
    inv_scale = 1.0 / scale
    kernel_scale = _ops.maximum(inv_scale, 1.0) if antialias else 1.0
    sample = (_core.cast(_ops.arange(out_size), dtype) + 0.5) * inv_scale - translation * inv_scale - 0.5
    pixels = _core.cast(_ops.arange(in_size), dtype)
    weights = kernel(_ops.absolute(sample[None, :] - pixels[:, None]) / kernel_scale)
    total = _ops.sum(weights, axis=0, keepdims=True)
    eps = float(np.finfo(np.float32).eps)
    weights = _ops.where(_ops.absolute(total) > 1000.0 * eps, weights / _ops.where(total != 0, total, 1.0), 0.0)
    inside = _ops.logical_and(sample >= -0.5, sample <= in_size - 0.5)
    return _ops.where(inside[None, :], weights, 0.0)


@symbolic
def scale_and_translate(images, output_shape, scale, translation, spatial_dims, method, antialias=True):
    """Resamples ``images`` so an input location ``x`` lands at ``x * scale + translation`` (per spatial axis).

    Pixel centres are at half-integers; output pixels whose sample falls outside the input
    are zero. This is ``jax.image.scale_and_translate``'s definition.

    Args:
        images: a tensor of any rank.
        output_shape: the output's full shape (non-spatial axes as in ``images``).
        scale: one scale per axis in ``spatial_dims``.
        translation: one translation per axis in ``spatial_dims``.
        spatial_dims: the axes to resample.
        method: ``"linear"`` (also ``"bilinear"``, ``"trilinear"``, ``"triangle"``),
            ``"cubic"`` (also ``"bicubic"``, ``"tricubic"``), ``"lanczos3"`` or ``"lanczos5"``.
        antialias: widen the kernel when downsampling.

    Example:
        >>> images = np.arange(9, dtype="float32").reshape((3, 3))
        >>> out = ops.image.scale_and_translate(images, (5, 5), [2.0, 2.0], [-0.5, -0.5], (0, 1), "linear")
        >>> ops.convert_to_numpy(out)[0].tolist()
        [0.0, 0.5, 1.0, 1.5, 2.0]
    """
    if method not in _SCALE_KERNELS:
        raise ValueError(
            f"scale_and_translate: invalid `method`. Expected one of {tuple(_SCALE_KERNELS)}. Received: "
            f"method={method!r}"
        )
    images = _core.convert_to_tensor(images)
    rank = len(images.shape)
    output_shape = tuple(int(d) for d in output_shape)
    spatial_dims = tuple(int(d) % rank for d in spatial_dims)
    if len(output_shape) != rank:
        raise ValueError(
            f"scale_and_translate: `output_shape` must have one entry per axis of `images`. Received: "
            f"output_shape={output_shape}, images.shape={tuple(images.shape)}"
        )
    for axis in range(rank):
        if axis not in spatial_dims and output_shape[axis] != images.shape[axis]:
            raise ValueError(
                f"scale_and_translate: axis {axis} is not in `spatial_dims` {spatial_dims}, so its output size "
                f"must equal the input's. Received: output_shape={output_shape}, images.shape={tuple(images.shape)}"
            )
    if not backend.is_float_dtype(_core.dtype(images)):
        images = _core.cast(images, "float32")
    dtype = _core.dtype(images)
    scale = _core.cast(_core.convert_to_tensor(scale), dtype)
    translation = _core.cast(_core.convert_to_tensor(translation), dtype)
    kernel = _SCALE_KERNELS[method]
    x = images
    for i, axis in enumerate(spatial_dims):
        weights = _scale_weights(int(images.shape[axis]), output_shape[axis], scale[i], translation[i], kernel,
                                 antialias, dtype)
        x = _ops.moveaxis(_ops.tensordot(x, weights, axes=([axis], [0])), -1, axis)
    return x
