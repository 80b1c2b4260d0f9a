"""Image ops that filter or convert pixel values: HSV conversions, Gaussian blur, Sobel edges, SSIM.

Re-exported by ``lamina.ops.image``; written on ``lamina.ops`` so both backends agree.
"""

import numpy as np

from lamina import backend
from lamina.ops import core as _core
from lamina.ops import nn_conv as _conv
from lamina.ops import numpy as _ops
from lamina.ops._dispatch import symbolic

__all__ = ["rgb_to_hsv", "hsv_to_rgb", "gaussian_blur", "sobel_edges", "ssim"]


def _check_rank(fn_name, images, arg="images"):
    if len(images.shape) not in (3, 4):
        raise ValueError(
            f"{fn_name}: expected `{arg}` of rank 3 (one image) or 4 (a batch). "
            f"Received: {arg}.shape={tuple(images.shape)}"
        )


def _float_images(fn_name, images):
    images = _core.convert_to_tensor(images)
    _check_rank(fn_name, images)
    dtype = _core.dtype(images)
    if not backend.is_float_dtype(dtype):
        raise ValueError(f"{fn_name}: expected float `images`. Received: images.dtype={dtype}")
    return images, dtype


def _channel_planes(fn_name, images, data_format):
    axis = -1 if data_format == "channels_last" else -3
    if images.shape[axis] != 3:
        raise ValueError(
            f"{fn_name}: expected 3 channels on axis {axis} ({data_format}). "
            f"Received: images.shape={tuple(images.shape)}"
        )
    return [_ops.take(images, i, axis=axis) for i in range(3)], axis


def _eps(dtype):
    return 2.0**-7 if dtype == "bfloat16" else float(np.finfo(dtype).eps)


@symbolic
def rgb_to_hsv(images, data_format=None):
    """Converts RGB images (values in [0, 1]) to HSV, each component in [0, 1].

    Args:
        images: 3-D or 4-D float image tensor with 3 channels.
        data_format: ``"channels_last"`` or ``"channels_first"``.

    Example:
        >>> ops.convert_to_numpy(ops.image.rgb_to_hsv(np.array([[[1.0, 0.0, 0.0]]]))).tolist()
        [[[0.0, 1.0, 1.0]]]
    """
    data_format = backend.standardize_data_format(data_format)
    images, dtype = _float_images("rgb_to_hsv", images)
    images = _ops.where(_ops.absolute(images) < _eps(dtype), 0.0, images)
    (red, green, blue), axis = _channel_planes("rgb_to_hsv", images, data_format)
    value = _ops.maximum(_ops.maximum(red, green), blue)
    spread = value - _ops.minimum(_ops.minimum(red, green), blue)
    saturation = _ops.where(value > 0, spread / _ops.where(value > 0, value, 1.0), 0.0)
    norm = 1.0 / (6.0 * _ops.where(spread > 0, spread, 1.0))
    hue = _ops.where(value == green, norm * (blue - red) + 2.0 / 6.0, norm * (red - green) + 4.0 / 6.0)
    hue = _ops.where(value == red, norm * (green - blue), hue)
    hue = _ops.where(spread > 0, hue, 0.0) + _core.cast(hue < 0.0, dtype)
    return _core.cast(_ops.stack([hue, saturation, value], axis=axis), dtype)


@symbolic
def hsv_to_rgb(images, data_format=None):
    """Converts HSV images (each component in [0, 1]) to RGB.

    Args:
        images: 3-D or 4-D float image tensor with 3 channels (hue, saturation, value).
        data_format: ``"channels_last"`` or ``"channels_first"``.

    Example:
        >>> ops.convert_to_numpy(ops.image.hsv_to_rgb(np.array([[[0.0, 1.0, 1.0]]]))).tolist()
        [[[1.0, 0.0, 0.0]]]
    """
    data_format = backend.standardize_data_format(data_format)
    images, dtype = _float_images("hsv_to_rgb", images)
    (hue, saturation, value), axis = _channel_planes("hsv_to_rgb", images, data_format)
    sector = _ops.mod(hue, 1.0) * 6.0
    red = _ops.clip(_ops.absolute(sector - 3.0) - 1.0, 0.0, 1.0)
    green = _ops.clip(2.0 - _ops.absolute(sector - 2.0), 0.0, 1.0)
    blue = _ops.clip(2.0 - _ops.absolute(sector - 4.0), 0.0, 1.0)
    planes = [value * ((1.0 - saturation) + saturation * c) for c in (red, green, blue)]
    return _core.cast(_ops.stack(planes, axis=axis), dtype)


def _to_nhwc(images, data_format):
    single = len(images.shape) == 3
    x = _ops.expand_dims(images, 0) if single else images
    if data_format == "channels_first":
        x = _ops.transpose(x, (0, 2, 3, 1))
    return x, single


def _from_nhwc(x, single, data_format):
    if data_format == "channels_first":
        x = _ops.transpose(x, (0, 3, 1, 2))
    return _ops.squeeze(x, 0) if single else x


def _gaussian_1d(size, sigma, dtype):
    x = _core.convert_to_tensor(np.arange(size, dtype="float64") - (size - 1) / 2.0, dtype)
    sigma = _core.cast(_core.convert_to_tensor(sigma), dtype)
    weights = _ops.exp(-0.5 * _ops.square(x / sigma))
    return weights / _ops.sum(weights)


def _depthwise(x, kernel_2d, padding):
    """Applies one 2-D kernel to every channel of an NHWC tensor."""
    channels = int(x.shape[-1])
    kernel = _ops.tile(_ops.reshape(kernel_2d, tuple(kernel_2d.shape) + (1, 1)), (1, 1, channels, 1))
    return _conv.depthwise_conv(x, kernel, strides=1, padding=padding, data_format="channels_last")


def _pair(fn_name, arg, value, cast):
    if isinstance(value, (list, tuple)):
        if len(value) != 2:
            raise ValueError(f"{fn_name}: `{arg}` must be a pair (height, width). Received: {arg}={value!r}")
        return tuple(value) if cast is None else tuple(cast(v) for v in value)
    return (value, value) if cast is None else (cast(value), cast(value))


@symbolic
def gaussian_blur(images, kernel_size=(3, 3), sigma=(1.0, 1.0), data_format=None):
    """Blurs images with a Gaussian kernel (zero padding, output the size of the input).

    Args:
        images: 3-D or 4-D image tensor.
        kernel_size: ``(height, width)`` of the kernel (odd integers), or one integer for both.
        sigma: ``(height, width)`` standard deviations of the kernel (numbers or scalar
            tensors), or one value for both.
        data_format: ``"channels_last"`` or ``"channels_first"``.

    Example:
        >>> ops.shape(ops.image.gaussian_blur(np.ones((2, 8, 8, 3)), kernel_size=(5, 5), sigma=(1.5, 1.5)))
        (2, 8, 8, 3)
    """
    data_format = backend.standardize_data_format(data_format)
    kernel_h, kernel_w = _pair("gaussian_blur", "kernel_size", kernel_size, int)
    if kernel_h < 1 or kernel_w < 1:
        raise ValueError(f"gaussian_blur: `kernel_size` must be positive. Received: kernel_size={kernel_size}")
    sigma_h, sigma_w = _pair("gaussian_blur", "sigma", sigma, None)
    images = _core.convert_to_tensor(images)
    _check_rank("gaussian_blur", images)
    dtype = _core.dtype(images)
    if not backend.is_float_dtype(dtype):
        images = _core.cast(images, backend.floatx())
        dtype = backend.floatx()
    kernel = _ops.outer(_gaussian_1d(kernel_h, sigma_h, dtype), _gaussian_1d(kernel_w, sigma_w, dtype))
    x, single = _to_nhwc(images, data_format)
    return _from_nhwc(_depthwise(x, kernel, "same"), single, data_format)


_SOBEL_X = np.array([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]], "float32")


@symbolic
def sobel_edges(images, data_format=None):
    """Sobel gradients of each channel: the last axis holds ``[dy, dx]``.

    Args:
        images: 3-D or 4-D image tensor.
        data_format: ``"channels_last"`` (output ``(..., H, W, C, 2)``) or
            ``"channels_first"`` (output ``(..., C, H, W, 2)``).

    Example:
        >>> ops.shape(ops.image.sobel_edges(np.ones((1, 8, 8, 3))))
        (1, 8, 8, 3, 2)
    """
    data_format = backend.standardize_data_format(data_format)
    images = _core.convert_to_tensor(images)
    _check_rank("sobel_edges", images)
    if not backend.is_float_dtype(_core.dtype(images)):
        images = _core.cast(images, backend.floatx())
    dtype = _core.dtype(images)
    x, single = _to_nhwc(images, data_format)
    edges = [_depthwise(x, _core.convert_to_tensor(k, dtype), "same") for k in (_SOBEL_X.T, _SOBEL_X)]
    edges = [_from_nhwc(e, single, data_format) for e in edges]
    return _ops.stack(edges, axis=-1)


@symbolic
def ssim(image1, image2, max_val=1.0, filter_size=11, filter_sigma=1.5, k1=0.01, k2=0.03, data_format=None):
    """Structural similarity (Wang et al., 2004) of two images, averaged over pixels and channels.

    Local statistics use a ``filter_size`` Gaussian window without padding.

    Args:
        image1: 3-D or 4-D image tensor.
        image2: a tensor of the same shape as ``image1``.
        max_val: the dynamic range of the pixel values (1.0 for [0, 1], 255.0 for [0, 255]).
        filter_size: the Gaussian window's size (at most the image height and width).
        filter_sigma: the Gaussian window's standard deviation.
        k1: luminance stabilizing constant.
        k2: contrast stabilizing constant.
        data_format: ``"channels_last"`` or ``"channels_first"``.

    Returns:
        One value per image pair (a scalar for unbatched images).

    Example:
        >>> x = np.random.default_rng(0).random((2, 16, 16, 3)).astype("float32")
        >>> ops.convert_to_numpy(ops.image.ssim(x, x, filter_size=7)).round(4).tolist()
        [1.0, 1.0]
    """
    data_format = backend.standardize_data_format(data_format)
    image1, image2 = _core.convert_to_tensor(image1), _core.convert_to_tensor(image2)
    _check_rank("ssim", image1, "image1")
    if tuple(image1.shape) != tuple(image2.shape):
        raise ValueError(
            "ssim: `image1` and `image2` must have the same shape. Received: "
            f"image1.shape={tuple(image1.shape)}, image2.shape={tuple(image2.shape)}"
        )
    original = _core.dtype(image1)
    compute = original if backend.is_float_dtype(original) else backend.floatx()
    x1, single = _to_nhwc(_core.cast(image1, compute), data_format)
    x2, _ = _to_nhwc(_core.cast(image2, compute), data_format)
    filter_size = int(filter_size)
    if filter_size < 1 or filter_size > min(int(x1.shape[1]), int(x1.shape[2])):
        raise ValueError(
            f"ssim: `filter_size` must be in [1, min(height, width)]. Received: filter_size={filter_size} "
            f"for images of shape {tuple(image1.shape)}"
        )
    gauss = _gaussian_1d(filter_size, filter_sigma, compute)
    kernel = _ops.outer(gauss, gauss)
    mean1, mean2 = _depthwise(x1, kernel, "valid"), _depthwise(x2, kernel, "valid")
    var1 = _depthwise(x1 * x1, kernel, "valid") - mean1 * mean1
    var2 = _depthwise(x2 * x2, kernel, "valid") - mean2 * mean2
    cov = _depthwise(x1 * x2, kernel, "valid") - mean1 * mean2
    c1, c2 = (k1 * max_val) ** 2, (k2 * max_val) ** 2
    ssim_map = ((2.0 * mean1 * mean2 + c1) * (2.0 * cov + c2)) / (
        (mean1 * mean1 + mean2 * mean2 + c1) * (var1 + var2 + c2))
    result = _ops.mean(ssim_map, axis=(1, 2, 3))
    return result[0] if single else result
