"""lamina.ops.image colour, filter, patch and warp ops against real Keras 3 on the same backend."""

import numpy as np
import pytest

import lamina
from lamina import ops

RNG = np.random.default_rng(3)
IMAGES = RNG.random((2, 9, 11, 3)).astype("float32")
FORMATS = ["channels_last", "channels_first"]


def _np(x):
    return np.asarray(ops.convert_to_numpy(x))


def _kops():
    return pytest.importorskip("keras").ops


def _fmt(x, data_format):
    return x if data_format == "channels_last" else np.moveaxis(x, -1, -3)


def _check(ours, theirs, atol=1e-5):
    theirs = np.asarray(_kops().convert_to_numpy(theirs))
    assert ours.shape == theirs.shape
    np.testing.assert_allclose(_np(ours), theirs, rtol=1e-5, atol=atol)


@pytest.mark.parametrize("data_format", FORMATS)
def test_hsv_round_trip_and_keras_parity(data_format):
    k = _kops()
    x = _fmt(IMAGES, data_format)
    x[0, ..., 0, 0] = x[0, ..., 0, 1] = 0.5  # equal channels: hue and saturation 0 paths
    hsv = ops.image.rgb_to_hsv(x, data_format=data_format)
    _check(hsv, k.image.rgb_to_hsv(x, data_format=data_format))
    _check(ops.image.hsv_to_rgb(x, data_format=data_format), k.image.hsv_to_rgb(x, data_format=data_format))
    np.testing.assert_allclose(_np(ops.image.hsv_to_rgb(hsv, data_format=data_format)), x, atol=1e-5)
    np.testing.assert_allclose(_np(ops.image.rgb_to_hsv(x[0], data_format=data_format)), _np(hsv)[0], atol=1e-6)
    with pytest.raises(ValueError, match="rgb_to_hsv: expected float"):
        ops.image.rgb_to_hsv((x * 255).astype("uint8"), data_format=data_format)


@pytest.mark.parametrize("data_format", FORMATS)
def test_gaussian_blur_and_sobel_match_keras(data_format):
    k = _kops()
    x = _fmt(IMAGES, data_format)
    for size, sigma in [((5, 5), (1.7, 1.7))]:
        _check(ops.image.gaussian_blur(x, size, sigma, data_format=data_format),
               k.image.gaussian_blur(x, size, sigma, data_format=data_format))
    single = ops.image.gaussian_blur(x[1], (5, 5), (1.7, 1.7), data_format=data_format)
    np.testing.assert_allclose(_np(single), _np(ops.image.gaussian_blur(x, (5, 5), (1.7, 1.7),
                                                                         data_format=data_format))[1], atol=1e-6)
    edges = ops.image.sobel_edges(x, data_format=data_format)
    _check(edges, k.image.sobel_edges(x, data_format=data_format))
    np.testing.assert_allclose(_np(ops.image.sobel_edges(x[0], data_format=data_format)), _np(edges)[0], atol=1e-6)


def test_gaussian_blur_uneven_kernel_is_height_then_width():
    x = np.zeros((1, 9, 9, 1), "float32")
    x[0, 4, 4, 0] = 1.0
    out = _np(ops.image.gaussian_blur(x, (5, 3), (2.0, 0.5)))[0, :, :, 0]
    g = lambda n, s: np.exp(-0.5 * ((np.arange(n) - (n - 1) / 2) / s) ** 2)  # noqa: E731
    kernel = np.outer(g(5, 2.0) / g(5, 2.0).sum(), g(3, 0.5) / g(3, 0.5).sum())
    np.testing.assert_allclose(out[2:7, 3:6], kernel, atol=1e-6)


@pytest.mark.parametrize("data_format", FORMATS)
def test_ssim_matches_keras(data_format):
    k = _kops()
    x, y = _fmt(IMAGES, data_format), _fmt(RNG.random(IMAGES.shape).astype("float32"), data_format)
    y = 0.7 * x + 0.3 * y
    _check(ops.image.ssim(x, y, filter_size=5, data_format=data_format),
           k.image.ssim(x, y, filter_size=5, data_format=data_format))
    _check(ops.image.ssim(x[0], y[0], max_val=2.0, filter_size=7, filter_sigma=1.0, data_format=data_format),
           k.image.ssim(x[0], y[0], max_val=2.0, filter_size=7, filter_sigma=1.0, data_format=data_format))
    with pytest.raises(ValueError, match="ssim: `image1` and `image2` must have the same shape"):
        ops.image.ssim(x, y[:1])


@pytest.mark.parametrize("data_format", FORMATS)
def test_extract_patches_matches_keras(data_format):
    k = _kops()
    x = _fmt(IMAGES, data_format)
    for kwargs in [dict(size=(3, 2), strides=(2, 3), padding="same"), dict(size=(2, 2), strides=1, dilation_rate=2)]:
        ours = ops.image.extract_patches(x, data_format=data_format, **kwargs)
        _check(ours, k.image.extract_patches(x, data_format=data_format, **kwargs))
        single = ops.image.extract_patches(x[1], data_format=data_format, **kwargs)
        np.testing.assert_array_equal(_np(single), _np(ours)[1])
    volumes = RNG.random((2, 6, 7, 5, 2)).astype("float32")
    volumes = volumes if data_format == "channels_last" else np.moveaxis(volumes, -1, 1)
    for kwargs in [dict(size=(2, 3, 2))]:
        ours = ops.image.extract_patches_3d(volumes, data_format=data_format, **kwargs)
        _check(ours, k.image.extract_patches_3d(volumes, data_format=data_format, **kwargs))
        np.testing.assert_array_equal(_np(ops.image.extract_patches_3d(volumes[0], data_format=data_format,
                                                                       **kwargs)), _np(ours)[0])
    three = ops.image.extract_patches(volumes, (2, 3, 2), data_format=data_format)
    np.testing.assert_array_equal(_np(three), _np(ops.image.extract_patches_3d(volumes, (2, 3, 2),
                                                                               data_format=data_format)))


@pytest.mark.parametrize("data_format,interpolation", [("channels_last", "bilinear"), ("channels_first", "nearest")])
def test_perspective_transform_matches_keras(data_format, interpolation):
    k = _kops()
    x = _fmt(IMAGES, data_format)
    start = np.array([[0, 0], [0, 9], [11, 0], [11, 9]], "float32")
    end = np.stack([start + [[1, 0.5], [0, -1], [-1.5, 1], [0.5, 0]], start + [[-1, 0], [2, 0], [0, 1], [1, 1]]])
    end = end.astype("float32")
    batched = ops.image.perspective_transform(x, np.stack([start, start]), end, interpolation=interpolation,
                                              fill_value=0.25, data_format=data_format)
    _check(batched, k.image.perspective_transform(x, np.stack([start, start]), end, interpolation=interpolation,
                                                  fill_value=0.25, data_format=data_format), atol=1e-4)
    single = ops.image.perspective_transform(x[0], start, end[0], interpolation=interpolation, fill_value=0.25,
                                             data_format=data_format)
    np.testing.assert_allclose(_np(single), _np(batched)[0], atol=1e-5)
    with pytest.raises(ValueError, match="perspective_transform: expected `end_points` of shape"):
        ops.image.perspective_transform(x, start, end[..., :1])


@pytest.mark.parametrize("method,antialias", [("linear", True), ("cubic", False), ("lanczos3", True)])
def test_scale_and_translate_matches_keras(method, antialias):
    k = _kops()
    for shape, scale, translation in [((2, 5, 14, 3), [0.6, 1.7], [0.3, -1.2])]:
        args = (IMAGES, shape, np.array(scale, "float32"), np.array(translation, "float32"), (1, 2), method)
        _check(ops.image.scale_and_translate(*args, antialias=antialias),
               k.image.scale_and_translate(*args, antialias=antialias), atol=1e-4)


@pytest.mark.parametrize("data_format", FORMATS)
def test_elastic_transform(data_format):
    k = _kops()
    x = _fmt(IMAGES, data_format)
    # No displacement: both read every pixel in place.
    _check(ops.image.elastic_transform(x, alpha=0.0, sigma=1.0, seed=3, data_format=data_format),
           k.image.elastic_transform(x, alpha=0.0, sigma=1.0, seed=3, data_format=data_format))
    a = _np(ops.image.elastic_transform(x, alpha=4.0, sigma=1.5, seed=7, data_format=data_format))
    b = _np(ops.image.elastic_transform(x, alpha=4.0, sigma=1.5, seed=7, data_format=data_format))
    np.testing.assert_array_equal(a, b)
    assert a.shape == x.shape and not np.allclose(a, x)
    assert a.min() >= x.min() - 1e-6 and a.max() <= x.max() + 1e-6  # bilinear reads stay in range
    single = ops.image.elastic_transform(x[0], alpha=4.0, sigma=1.5, seed=7, data_format=data_format)
    assert tuple(single.shape) == x[0].shape
    with pytest.raises(ValueError, match="elastic_transform: invalid `fill_mode`"):
        ops.image.elastic_transform(x, fill_mode="bogus")


def test_new_image_ops_trace_symbolically():
    inputs = lamina.Input((9, 11, 3))
    assert tuple(ops.image.rgb_to_hsv(inputs).shape) == (None, 9, 11, 3)
    assert tuple(ops.image.sobel_edges(inputs).shape) == (None, 9, 11, 3, 2)
    assert tuple(ops.image.extract_patches(inputs, (3, 3)).shape) == (None, 3, 3, 27)
    assert tuple(ops.image.ssim(inputs, inputs, filter_size=3).shape) == (None,)
