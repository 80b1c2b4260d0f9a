"""Image ops: resize, affine/projective warps, coordinate sampling, crop, pad, grayscale.

Colour conversions and filters live in ``image_filters``, patches and warps in
``image_warps``; both are re-exported here.

Written once on top of ``lamina.ops``, so both backends give the same numbers. Resizing
follows ``jax.image.resize`` (half-pixel centres, separable kernels, optional
antialiasing), which is what Keras 3 computes on JAX.

Images are 3-D (one image) or 4-D (a batch), ``channels_last`` (``(..., H, W, C)``) or
``channels_first`` (``(..., C, H, W)``) per ``data_format`` (default:
``lamina.config.image_data_format()``).
"""

import numpy as np

from lamina import backend
from lamina.ops import core as _core
from lamina.ops import numpy as _ops
from lamina.ops._dispatch import symbolic
from lamina.ops._image_sampling import interpolate_at, resize_weights
from lamina.ops.image_filters import gaussian_blur, hsv_to_rgb, rgb_to_hsv, sobel_edges, ssim  # noqa: F401
from lamina.ops.image_warps import (elastic_transform, extract_patches, extract_patches_3d,  # noqa: F401
                                    perspective_transform, scale_and_translate)

RESIZE_INTERPOLATIONS = ("bilinear", "nearest", "bicubic", "area", "lanczos3", "lanczos5")
AFFINE_INTERPOLATIONS = {"nearest": 0, "bilinear": 1}
FILL_MODES = ("constant", "nearest", "wrap", "mirror", "reflect")

__all__ = [
    "resize", "affine_transform", "map_coordinates", "crop_images", "pad_images", "rgb_to_grayscale",
    "rgb_to_hsv", "hsv_to_rgb", "gaussian_blur", "sobel_edges", "ssim", "extract_patches", "extract_patches_3d",
    "perspective_transform", "elastic_transform", "scale_and_translate",
]


def _check_rank(fn_name, images):
    if len(images.shape) not in (3, 4):
        raise ValueError(
            f"{fn_name}: expected `images` of rank 3 (one image) or 4 (a batch). "
            f"Received: images.shape={tuple(images.shape)}"
        )


def _to_nhwc(images, data_format):
    """Returns a 4-D channels_last view of ``images`` and a function undoing it."""
    single = len(images.shape) == 3
    x = _ops.expand_dims(images, 0) if single else images
    channels_first = data_format == "channels_first"
    if channels_first:
        x = _ops.transpose(x, (0, 2, 3, 1))

    def restore(y):
        if channels_first:
            y = _ops.transpose(y, (0, 3, 1, 2))
        return _ops.squeeze(y, 0) if single else y

    return x, restore


def _height_width(images, data_format):
    shape = tuple(images.shape)
    return (shape[-3], shape[-2]) if data_format == "channels_last" else (shape[-2], shape[-1])


def _hw_slice(images, data_format, rows, cols):
    key = (Ellipsis, rows, cols, slice(None)) if data_format == "channels_last" else (Ellipsis, rows, cols)
    return _ops.get_item(images, key)


@symbolic
def resize(
    images,
    size,
    interpolation="bilinear",
    antialias=False,
    crop_to_aspect_ratio=False,
    pad_to_aspect_ratio=False,
    fill_mode="constant",
    fill_value=0.0,
    data_format=None,
):
    """Resizes images to ``size = (height, width)``.

    Args:
        images: 3-D or 4-D image tensor.
        size: ``(height, width)`` of the output.
        interpolation: ``"bilinear"``, ``"nearest"``, ``"bicubic"`` (Keys cubic, a=-0.5),
            ``"area"`` (box average), ``"lanczos3"`` or ``"lanczos5"``.
        antialias: widen the kernel when downsampling so every input pixel contributes.
        crop_to_aspect_ratio: first crop the largest centred window with the target
            aspect ratio, so the image is not distorted.
        pad_to_aspect_ratio: first pad (with ``fill_value``) to the target aspect ratio.
        fill_mode: only ``"constant"`` is supported for the padding.
        fill_value: padding value when ``pad_to_aspect_ratio``.
        data_format: ``"channels_last"`` or ``"channels_first"``.

    Returns:
        The resized images, in the input dtype (integer results are rounded).

    Example:
        >>> ops.shape(ops.image.resize(ops.ones((2, 8, 8, 3)), (4, 6)))
        (2, 4, 6, 3)
    """
    data_format = backend.standardize_data_format(data_format)
    if interpolation not in RESIZE_INTERPOLATIONS:
        raise ValueError(
            f"resize: invalid `interpolation`. Expected one of {RESIZE_INTERPOLATIONS}. "
            f"Received: interpolation={interpolation!r}"
        )
    if fill_mode != "constant":
        raise ValueError(f"resize: only fill_mode='constant' is supported. Received: fill_mode={fill_mode!r}")
    if crop_to_aspect_ratio and pad_to_aspect_ratio:
        raise ValueError("resize: only one of `crop_to_aspect_ratio` and `pad_to_aspect_ratio` can be True.")
    if len(tuple(size)) != 2:
        raise ValueError(f"resize: `size` must be a tuple (height, width). Received: size={size}")
    images = _core.convert_to_tensor(images)
    _check_rank("resize", images)
    target_h, target_w = (int(s) for s in size)
    height, width = _height_width(images, data_format)
    if crop_to_aspect_ratio:
        crop_h = max(min(height, int(float(width * target_h) / target_w)), 1)
        crop_w = max(min(width, int(float(height * target_w) / target_h)), 1)
        top, left = int(float(height - crop_h) / 2), int(float(width - crop_w) / 2)
        images = _hw_slice(images, data_format, slice(top, top + crop_h), slice(left, left + crop_w))
    elif pad_to_aspect_ratio:
        pad_h = max(height, int(float(width * target_h) / target_w))
        pad_w = max(width, int(float(height * target_w) / target_h))
        top, left = int(float(pad_h - height) / 2), int(float(pad_w - width) / 2)
        if top > 0 or left > 0:
            images = _pad_hw(images, data_format, (top, top), (left, left), fill_value)

    x, restore = _to_nhwc(images, data_format)
    in_h, in_w = int(x.shape[1]), int(x.shape[2])
    if interpolation == "nearest":
        for axis, (n_in, n_out) in ((1, (in_h, target_h)), (2, (in_w, target_w))):
            if n_in != n_out:
                idx = np.floor((np.arange(n_out, dtype=np.float32) + 0.5) * np.float32(n_in / n_out))
                x = _ops.take(x, np.minimum(idx, n_in - 1).astype("int32"), axis=axis)
        return restore(x)
    original = _core.dtype(x)
    if not backend.is_float_dtype(original):
        x = _core.cast(x, backend.floatx())
    dtype = _core.dtype(x)
    if in_h != target_h:
        weights = _core.convert_to_tensor(resize_weights(in_h, target_h, interpolation, antialias), dtype)
        x = _ops.einsum("bhwc,hk->bkwc", x, weights)
    if in_w != target_w:
        weights = _core.convert_to_tensor(resize_weights(in_w, target_w, interpolation, antialias), dtype)
        x = _ops.einsum("bhwc,wk->bhkc", x, weights)
    if original != dtype:
        # Integer images come back rounded and clipped to their dtype's range.
        info = np.iinfo(original) if original != "bool" else None
        x = _ops.round(x)
        if info is not None:
            x = _ops.clip(x, float(info.min), float(info.max))
        x = _core.cast(x, original)
    return restore(x)


@symbolic
def affine_transform(images, transform, interpolation="bilinear", fill_mode="constant", fill_value=0,
                     data_format=None):
    """Warps images with projective transforms (what RandomRotation/Zoom/Translation use).

    Each transform is ``[a0, a1, a2, b0, b1, b2, c0, c1]``: the output pixel ``(x, y)``
    takes the input value at ``((a0 x + a1 y + a2) / k, (b0 x + b1 y + b2) / k)`` with
    ``k = c0 x + c1 y + 1``.

    Args:
        images: 3-D or 4-D image tensor.
        transform: shape ``(8,)`` or ``(batch, 8)``.
        interpolation: ``"bilinear"`` or ``"nearest"``.
        fill_mode: how points outside the image are read: ``"constant"`` (``fill_value``),
            ``"nearest"`` (edge pixel), ``"wrap"``, ``"mirror"`` (reflect about the edge
            pixel's centre) or ``"reflect"`` (about the edge).
        fill_value: the value outside the image for ``"constant"``.
        data_format: ``"channels_last"`` or ``"channels_first"``.

    Example:
        >>> shift_right = [1, 0, -1, 0, 1, 0, 0, 0]
        >>> ops.shape(ops.image.affine_transform(ops.ones((1, 4, 4, 1)), shift_right))
        (1, 4, 4, 1)
    """
    data_format = backend.standardize_data_format(data_format)
    if interpolation not in AFFINE_INTERPOLATIONS:
        raise ValueError(
            f"affine_transform: invalid `interpolation`. Expected one of {tuple(AFFINE_INTERPOLATIONS)}. "
            f"Received: interpolation={interpolation!r}"
        )
    if fill_mode not in FILL_MODES:
        raise ValueError(
            f"affine_transform: invalid `fill_mode`. Expected one of {FILL_MODES}. Received: fill_mode={fill_mode!r}"
        )
    images = _core.convert_to_tensor(images)
    _check_rank("affine_transform", images)
    transform = _core.convert_to_tensor(transform)
    if len(transform.shape) not in (1, 2) or transform.shape[-1] != 8:
        raise ValueError(
            "affine_transform: expected `transform` of shape (8,) or (batch, 8). "
            f"Received: transform.shape={tuple(transform.shape)}"
        )
    if not backend.is_float_dtype(_core.dtype(transform)):
        transform = _core.cast(transform, backend.floatx())
    if len(transform.shape) == 1:
        transform = _ops.expand_dims(transform, 0)
    x, restore = _to_nhwc(images, data_format)
    batch, height, width = (int(d) for d in x.shape[:3])
    t = [_ops.reshape(_ops.get_item(transform, (slice(None), i)), (-1, 1, 1)) for i in range(8)]
    grid_y = _core.cast(_ops.reshape(_ops.arange(height), (1, height, 1)), _core.dtype(transform))
    grid_x = _core.cast(_ops.reshape(_ops.arange(width), (1, 1, width)), _core.dtype(transform))
    k = t[6] * grid_x + t[7] * grid_y + 1.0
    src_x = (t[0] * grid_x + t[1] * grid_y + t[2]) / k
    src_y = (t[3] * grid_x + t[4] * grid_y + t[5]) / k
    shape = (batch, height, width)
    src_y, src_x = _ops.broadcast_to(src_y, shape), _ops.broadcast_to(src_x, shape)
    flat = _ops.reshape(x, (batch * height * width, int(x.shape[3])))
    base = _ops.reshape(_ops.arange(batch) * (height * width), (batch, 1, 1))
    out = interpolate_at(
        flat, (height, width), (src_y, src_x), AFFINE_INTERPOLATIONS[interpolation], fill_mode, fill_value,
        base_index=base, channels=True,
    )
    return restore(out)


@symbolic
def map_coordinates(inputs, coordinates, order, fill_mode="constant", fill_value=0.0):
    """Samples ``inputs`` at fractional ``coordinates`` (like ``scipy.ndimage.map_coordinates``).

    Args:
        inputs: an n-D tensor.
        coordinates: shape ``(n, ...)``: for each output point, its position in every
            axis of ``inputs``.
        order: 0 (nearest) or 1 (linear).
        fill_mode: ``"constant"``, ``"nearest"``, ``"wrap"``, ``"mirror"`` or ``"reflect"``.
        fill_value: the value outside ``inputs`` for ``"constant"``.

    Returns:
        A tensor of shape ``coordinates.shape[1:]`` with the dtype of ``inputs``
        (integers are rounded half away from zero).

    Example:
        >>> ops.convert_to_numpy(ops.image.map_coordinates(ops.arange(4.0), [[0.5, 2.0]], order=1))
        array([0.5, 2. ], dtype=float32)
    """
    if fill_mode not in FILL_MODES:
        raise ValueError(
            f"map_coordinates: invalid `fill_mode`. Expected one of {FILL_MODES}. Received: fill_mode={fill_mode!r}"
        )
    if order not in (0, 1):
        raise ValueError(f"map_coordinates: `order` must be 0 or 1. Received: order={order}")
    inputs = _core.convert_to_tensor(inputs)
    coordinates = _core.convert_to_tensor(coordinates)
    if len(coordinates.shape) < 2 or coordinates.shape[0] != len(inputs.shape):
        raise ValueError(
            "map_coordinates: `coordinates` must have shape (inputs.ndim, ...). Received: "
            f"inputs.shape={tuple(inputs.shape)}, coordinates.shape={tuple(coordinates.shape)}"
        )
    if not backend.is_float_dtype(_core.dtype(coordinates)):
        coordinates = _core.cast(coordinates, backend.floatx())
    coords = [_ops.get_item(coordinates, i) for i in range(len(inputs.shape))]
    flat = _ops.reshape(inputs, (-1,))
    return interpolate_at(flat, tuple(int(d) for d in inputs.shape), coords, order, fill_mode, fill_value)


def _pad_hw(images, data_format, rows, cols, fill_value=0.0):
    h_axis = len(images.shape) - (3 if data_format == "channels_last" else 2)
    for axis, (before, after) in ((h_axis, rows), (h_axis + 1, cols)):
        if before == 0 and after == 0:
            continue
        parts = []
        for n in (before, after):
            shape = list(images.shape)
            shape[axis] = n
            parts.append(_ops.full(shape, fill_value, dtype=_core.dtype(images)))
        images = _ops.concatenate([parts[0], images, parts[1]], axis=axis)
    return images


def _resolve_sides(fn_name, what, first, second, total, size, crop):
    """Fills in the one missing of (first, second, target) for crop_images / pad_images."""
    given = [v is not None for v in (first, second, total)]
    if sum(given) != 2:
        raise ValueError(
            f"{fn_name}: give exactly two of `{what[0]}`, `{what[1]}` and `{what[2]}`. Received: "
            f"{what[0]}={first}, {what[1]}={second}, {what[2]}={total}"
        )
    sign = -1 if crop else 1
    if first is None:
        first = sign * (total - size) - second
    elif second is None:
        second = sign * (total - size) - first
    for name, v in ((what[0], first), (what[1], second)):
        if v < 0:
            raise ValueError(f"{fn_name}: `{name}` must be >= 0. Received: {name}={v}")
    return int(first), int(second)


@symbolic
def pad_images(images, top_padding=None, left_padding=None, bottom_padding=None, right_padding=None,
               target_height=None, target_width=None, data_format=None):
    """Pads images with zeros; give two of (top, bottom, target_height), two of (left, right, target_width).

    Args:
        images: 3-D or 4-D image tensor.
        top_padding: rows of zeros added above.
        left_padding: columns of zeros added on the left.
        bottom_padding: rows of zeros added below.
        right_padding: columns of zeros added on the right.
        target_height: height of the output.
        target_width: width of the output.
        data_format: ``"channels_last"`` or ``"channels_first"``.

    Example:
        >>> ops.shape(ops.image.pad_images(ops.ones((5, 5, 3)), 1, 2, target_height=8, target_width=9))
        (8, 9, 3)
    """
    data_format = backend.standardize_data_format(data_format)
    images = _core.convert_to_tensor(images)
    _check_rank("pad_images", images)
    height, width = _height_width(images, data_format)
    rows = _resolve_sides("pad_images", ("top_padding", "bottom_padding", "target_height"),
                          top_padding, bottom_padding, target_height, height, crop=False)
    cols = _resolve_sides("pad_images", ("left_padding", "right_padding", "target_width"),
                          left_padding, right_padding, target_width, width, crop=False)
    return _pad_hw(images, data_format, rows, cols)


@symbolic
def crop_images(images, top_cropping=None, left_cropping=None, bottom_cropping=None, right_cropping=None,
                target_height=None, target_width=None, data_format=None):
    """Crops images; give two of (top, bottom, target_height), two of (left, right, target_width).

    Args:
        images: 3-D or 4-D image tensor.
        top_cropping: rows dropped from the top.
        left_cropping: columns dropped from the left.
        bottom_cropping: rows dropped from the bottom.
        right_cropping: columns dropped from the right.
        target_height: height of the output.
        target_width: width of the output.
        data_format: ``"channels_last"`` or ``"channels_first"``.

    Example:
        >>> ops.shape(ops.image.crop_images(ops.ones((8, 8, 3)), 1, 2, target_height=4, target_width=5))
        (4, 5, 3)
    """
    data_format = backend.standardize_data_format(data_format)
    images = _core.convert_to_tensor(images)
    _check_rank("crop_images", images)
    height, width = _height_width(images, data_format)
    top, bottom = _resolve_sides("crop_images", ("top_cropping", "bottom_cropping", "target_height"),
                                 top_cropping, bottom_cropping, target_height, height, crop=True)
    left, right = _resolve_sides("crop_images", ("left_cropping", "right_cropping", "target_width"),
                                 left_cropping, right_cropping, target_width, width, crop=True)
    if top + bottom >= height or left + right >= width:
        raise ValueError(
            f"crop_images: cropping leaves no pixels of an image of size {(height, width)}. Received: "
            f"top={top}, bottom={bottom}, left={left}, right={right}"
        )
    return _hw_slice(images, data_format, slice(top, height - bottom), slice(left, width - right))


@symbolic
def rgb_to_grayscale(images, data_format=None):
    """Converts RGB images to one-channel grayscale (ITU-R 601 luma weights).

    Args:
        images: 3-D or 4-D image tensor with 3 (or 1, returned as is) channels.
        data_format: ``"channels_last"`` or ``"channels_first"``.

    Returns:
        Images with one channel and the input dtype.

    Example:
        >>> ops.shape(ops.image.rgb_to_grayscale(ops.ones((2, 4, 4, 3))))
        (2, 4, 4, 1)
    """
    data_format = backend.standardize_data_format(data_format)
    images = _core.convert_to_tensor(images)
    _check_rank("rgb_to_grayscale", images)
    axis = -1 if data_format == "channels_last" else -3
    channels = images.shape[axis]
    if channels == 1:
        return images
    if channels != 3:
        raise ValueError(
            f"rgb_to_grayscale: expected 3 (RGB) or 1 channels. Received: images.shape={tuple(images.shape)}"
        )
    original = _core.dtype(images)
    compute = original if backend.is_float_dtype(original) else backend.floatx()
    weights = _core.convert_to_tensor(np.array([0.2989, 0.5870, 0.1140], "float32"), compute)
    gray = _ops.tensordot(_core.cast(images, compute), weights, axes=([axis], [0]))
    return _core.cast(_ops.expand_dims(gray, axis), original)
