"""lamina.ops.image: resize, affine_transform, map_coordinates, crop/pad, grayscale."""

import numpy as np
import pytest

import lamina
from lamina import ops

RNG = np.random.default_rng(0)
IMAGES = RNG.random((2, 7, 9, 3)).astype("float32")
TRANSFORMS = np.array([[0.9, -0.2, 1.3, 0.3, 1.1, -0.7, 0.0, 0.0], [1, 0, 2.5, 0, 1, -1.5, 0, 0]], "float32")


def _np(x):
    return ops.convert_to_numpy(x)


def _keras_ops():
    keras = pytest.importorskip("keras")
    return keras.ops


def test_resize_identity_and_simple_cases():
    np.testing.assert_allclose(_np(ops.image.resize(IMAGES, (7, 9))), IMAGES, atol=1e-6)
    up = _np(ops.image.resize(IMAGES, (14, 18), interpolation="nearest"))
    np.testing.assert_array_equal(up, IMAGES.repeat(2, axis=1).repeat(2, axis=2))
    x = IMAGES[:, :6, :8]
    area = _np(ops.image.resize(x, (3, 4), interpolation="area"))
    np.testing.assert_allclose(area, x.reshape(2, 3, 2, 4, 2, 3).mean(axis=(2, 4)), atol=1e-6)
    linear = _np(ops.image.resize(x, (3, 4), interpolation="bilinear"))
    np.testing.assert_allclose(linear, area, atol=1e-6)  # exact 2x: half-pixel bilinear = box mean


@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
def test_resize_shapes_and_single_image(data_format):
    x = IMAGES if data_format == "channels_last" else IMAGES.transpose(0, 3, 1, 2)
    out = ops.image.resize(x, (4, 5), data_format=data_format)
    expected = (2, 4, 5, 3) if data_format == "channels_last" else (2, 3, 4, 5)
    assert tuple(out.shape) == expected
    single = ops.image.resize(x[0], (4, 5), data_format=data_format)
    np.testing.assert_allclose(_np(single), _np(out)[0], atol=1e-6)


def test_resize_integer_images_keep_dtype():
    x = (IMAGES * 255).astype("uint8")
    out = ops.image.resize(x, (4, 4))
    assert lamina.backend.standardize_dtype(out.dtype) == "uint8"


@pytest.mark.parametrize("interpolation", ["bilinear", "nearest", "bicubic", "lanczos3", "lanczos5"])
@pytest.mark.parametrize("antialias", [False, True])
def test_resize_matches_keras(interpolation, antialias):
    kops = _keras_ops()
    if interpolation in ("bicubic", "lanczos3", "lanczos5") and lamina.backend.backend() != "jax":
        pytest.skip("Keras's torch backend uses torch's own cubic kernel; lamina follows Keras-on-JAX.")
    if antialias and interpolation != "bilinear" and lamina.backend.backend() != "jax":
        pytest.skip("Keras's torch backend antialiases only (bi)linear resizes.")
    for size in [(4, 5), (12, 16)]:
        ours = _np(ops.image.resize(IMAGES, size, interpolation=interpolation, antialias=antialias))
        theirs = kops.convert_to_numpy(kops.image.resize(IMAGES, size, interpolation=interpolation, antialias=antialias))
        np.testing.assert_allclose(ours, theirs, atol=2e-5)


@pytest.mark.parametrize("kwargs", [dict(crop_to_aspect_ratio=True), dict(pad_to_aspect_ratio=True, fill_value=0.5)])
def test_resize_aspect_ratio_matches_keras(kwargs):
    kops = _keras_ops()
    for size in [(4, 8), (8, 4)]:
        ours = _np(ops.image.resize(IMAGES, size, **kwargs))
        theirs = kops.convert_to_numpy(kops.image.resize(IMAGES, size, **kwargs))
        np.testing.assert_allclose(ours, theirs, atol=2e-5)


def test_resize_errors():
    with pytest.raises(ValueError, match="interpolation"):
        ops.image.resize(IMAGES, (2, 2), interpolation="cubic-ish")
    with pytest.raises(ValueError, match="rank 3"):
        ops.image.resize(IMAGES[0, 0], (2, 2))
    with pytest.raises(ValueError, match="only one"):
        ops.image.resize(IMAGES, (2, 2), crop_to_aspect_ratio=True, pad_to_aspect_ratio=True)


def test_affine_transform_translation_and_identity():
    ident = [1, 0, 0, 0, 1, 0, 0, 0]
    np.testing.assert_allclose(_np(ops.image.affine_transform(IMAGES, ident)), IMAGES, atol=1e-6)
    shifted = _np(ops.image.affine_transform(IMAGES, [1, 0, 1, 0, 1, 0, 0, 0], fill_value=-1.0))
    np.testing.assert_allclose(shifted[:, :, :-1], IMAGES[:, :, 1:], atol=1e-6)
    np.testing.assert_allclose(shifted[:, :, -1], -1.0)


@pytest.mark.parametrize("interpolation", ["bilinear", "nearest"])
@pytest.mark.parametrize("fill_mode", ["constant", "nearest", "wrap", "mirror", "reflect"])
def test_affine_transform_matches_keras(interpolation, fill_mode):
    kops = _keras_ops()
    if interpolation == "nearest" and lamina.backend.backend() != "jax":
        pytest.skip("Keras's torch backend samples nearest pixels differently from Keras-on-JAX, which lamina follows.")
    ours = _np(ops.image.affine_transform(IMAGES, TRANSFORMS, interpolation, fill_mode, 0.3))
    theirs = kops.convert_to_numpy(kops.image.affine_transform(IMAGES, TRANSFORMS, interpolation, fill_mode, 0.3))
    np.testing.assert_allclose(ours, theirs, atol=2e-5)


def test_affine_transform_channels_first_and_projective():
    cf = IMAGES.transpose(0, 3, 1, 2)
    out = _np(ops.image.affine_transform(cf, TRANSFORMS, data_format="channels_first"))
    ref = _np(ops.image.affine_transform(IMAGES, TRANSFORMS))
    np.testing.assert_allclose(out, ref.transpose(0, 3, 1, 2), atol=1e-6)
    # A projective transform divides by k = c0 x + c1 y + 1.
    t = np.array([2, 0, 0, 0, 2, 0, 1, 0], "float32")
    out = _np(ops.image.affine_transform(IMAGES[0], t, interpolation="nearest"))
    y, x = 2, 3
    k = x + 1.0
    src_y, src_x = int(np.floor(2 * y / k + 0.5)), int(np.floor(2 * x / k + 0.5))
    np.testing.assert_allclose(out[y, x], IMAGES[0, src_y, src_x])


@pytest.mark.parametrize("order", [0, 1])
@pytest.mark.parametrize("fill_mode", ["constant", "nearest", "wrap", "mirror", "reflect"])
def test_map_coordinates_matches_scipy(order, fill_mode):
    ndimage = pytest.importorskip("scipy.ndimage")
    inputs = RNG.random((5, 6)).astype("float32")
    coords = RNG.uniform(-3, 9, (2, 3, 4)).astype("float32")
    ours = _np(ops.image.map_coordinates(inputs, coords, order, fill_mode, 0.1))
    mode = {"constant": "grid-constant", "wrap": "grid-wrap"}.get(fill_mode, fill_mode)
    theirs = ndimage.map_coordinates(inputs.astype("float64"), coords.astype("float64"), order=order, mode=mode, cval=0.1)
    if order == 0:  # scipy rounds .5 differently; compare where the coordinate is not a tie
        ties = np.any(np.abs(np.abs(coords - np.floor(coords)) - 0.5) < 1e-6, axis=0)
        ours, theirs = ours[~ties], theirs[~ties]
    np.testing.assert_allclose(ours, theirs, atol=1e-5)


def test_crop_and_pad_images():
    padded = _np(ops.image.pad_images(IMAGES, 1, 2, target_height=10, target_width=12))
    assert padded.shape == (2, 10, 12, 3)
    np.testing.assert_array_equal(padded[:, 1:8, 2:11], IMAGES)
    assert padded[:, 0].sum() == 0 and padded[:, :, -1].sum() == 0
    cropped = _np(ops.image.crop_images(IMAGES, 1, 2, target_height=4, target_width=5))
    np.testing.assert_array_equal(cropped, IMAGES[:, 1:5, 2:7])
    cropped = _np(ops.image.crop_images(IMAGES[0], top_cropping=1, bottom_cropping=2, left_cropping=0, right_cropping=3))
    np.testing.assert_array_equal(cropped, IMAGES[0, 1:5, 0:6])
    with pytest.raises(ValueError, match="exactly two"):
        ops.image.pad_images(IMAGES, 1, 2)


def test_rgb_to_grayscale():
    gray = _np(ops.image.rgb_to_grayscale(IMAGES))
    np.testing.assert_allclose(gray[..., 0], IMAGES @ np.array([0.2989, 0.5870, 0.1140], "float32"), atol=1e-6)
    cf = _np(ops.image.rgb_to_grayscale(IMAGES[0].transpose(2, 0, 1), data_format="channels_first"))
    np.testing.assert_allclose(cf[0], gray[0, ..., 0], atol=1e-6)


def test_image_ops_are_symbolic():
    inputs = lamina.Input((8, 8, 3))
    x = ops.image.resize(inputs, (4, 6))
    assert x.shape == (None, 4, 6, 3)
    x = ops.image.affine_transform(x, [1, 0, 1, 0, 1, 0, 0, 0])
    x = ops.image.rgb_to_grayscale(x)
    assert x.shape == (None, 4, 6, 1)
    model = lamina.Model(inputs, x)
    out = model(RNG.random((2, 8, 8, 3)).astype("float32"))
    assert tuple(out.shape) == (2, 4, 6, 1)
