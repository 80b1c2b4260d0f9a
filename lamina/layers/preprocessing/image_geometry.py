"""Keras 3's augmentation layers that erase, blur or warp: RandomErasing, RandomGaussianBlur,
RandomPerspective, RandomShear, RandomElasticTransform."""

from lamina import ops
from lamina import random as lamina_random
from lamina.layers.preprocessing.image_base import ImageAugmentation, check_range_factor, check_value_range
from lamina.layers.preprocessing.image_layers import check_choice
from lamina.ops.image_warps import elastic_warp

_FILL_MODES = ("reflect", "wrap", "constant", "nearest")
_INTERPOLATIONS = ("nearest", "bilinear")


def _applied(layer, batch):
    """Per image: whether the augmentation applies (probability drawn from ``layer.factor``)."""
    probability = layer.uniform((batch,), layer.factor[0], layer.factor[1])
    return layer.per_image(layer.uniform((batch,), 0.0, 1.0) < probability)


def _grid(layer, images):
    """Row and column indices shaped to broadcast against a 4-D batch."""
    h_axis, w_axis = layer.hw_axes()
    shape = [1, 1, 1, 1]
    shape[h_axis] = images.shape[h_axis]
    rows = ops.reshape(ops.cast(ops.arange(images.shape[h_axis]), layer.compute_dtype), shape)
    shape = [1, 1, 1, 1]
    shape[w_axis] = images.shape[w_axis]
    cols = ops.reshape(ops.cast(ops.arange(images.shape[w_axis]), layer.compute_dtype), shape)
    return rows, cols


class RandomErasing(ImageAugmentation):
    """Erases a random rectangle of each image (with probability from ``factor``) while training.

    The rectangle's sides are ``sqrt(s)`` of the image's, ``s`` drawn from ``scale`` per side;
    it is filled with ``fill_value`` or, when that is None, with Gaussian noise scaled by
    ``value_range[1]``, clipped to ``value_range``.

    Args:
        factor: a number ``f`` in [0, 1] (probability range ``(0, f)``) or a pair.
        scale: a number or pair in [0, 1]: the range of the erased fraction of each side, squared.
        fill_value: a number, one number per channel (3), or None for noise.
        value_range: the input's ``(low, high)``.
        seed: integer seed.
        data_format: ``"channels_last"`` or ``"channels_first"``.

    Example:
        >>> out = lamina.layers.RandomErasing(factor=(1.0, 1.0), fill_value=0.0, seed=1)(np.ones((2, 8, 8, 3)))
        >>> float(ops.convert_to_numpy(out).min())
        0.0
    """

    _config_keys = ("factor", "scale", "fill_value", "value_range", "seed")

    def __init__(self, factor=1.0, scale=(0.02, 0.33), fill_value=None, value_range=(0, 255), seed=None,
                 data_format=None, **kwargs):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.factor = check_range_factor("RandomErasing", "factor", factor, (0, 1))
        self.scale = check_range_factor("RandomErasing", "scale", scale, (0, 1))
        if fill_value is not None and not isinstance(fill_value, (int, float)) and not (
                isinstance(fill_value, (list, tuple)) and len(fill_value) == 3):
            raise ValueError(f"RandomErasing: `fill_value` must be a number, 3 numbers or None. Received: "
                             f"fill_value={fill_value!r}")
        self.fill_value = fill_value
        self.value_range = tuple(check_value_range("RandomErasing", value_range))

    def augment(self, images):
        batch = images.shape[0]
        h_axis, w_axis = self.hw_axes()
        rows, cols = _grid(self, images)
        sides = ops.sqrt(self.uniform((batch, 2), self.scale[0], self.scale[1]))
        inside = None
        for index, (grid, length) in enumerate(((cols, images.shape[w_axis]), (rows, images.shape[h_axis]))):
            extent = sides[:, index] * length
            start = self.uniform((batch,), 0.0, 1.0) * (length - extent)
            start, end = self.per_image(start), self.per_image(start + extent)
            part = ops.logical_and(grid >= start, grid < end)
            inside = part if inside is None else ops.logical_and(inside, part)
        apply = _applied(self, batch)
        if self.fill_value is None:
            fill = lamina_random.normal(images.shape, dtype=self.compute_dtype,
                                        seed=self.seed_generator) * self.value_range[1]
        else:
            value = ops.convert_to_tensor(self.fill_value, dtype=self.compute_dtype)
            if len(value.shape) == 1 and self.data_format == "channels_first":
                value = ops.reshape(value, (-1, 1, 1))
            fill = ops.broadcast_to(value, images.shape)
        fill = ops.clip(fill, self.value_range[0], self.value_range[1])
        return ops.where(ops.logical_and(inside, apply), fill, images)


class RandomGaussianBlur(ImageAugmentation):
    """Blurs images with a Gaussian of random width (each image with probability from ``factor``) while training.

    One ``sigma`` pair, drawn from ``sigma``'s range, serves the whole batch (as Keras 3).

    Args:
        factor: a number ``f`` in [0, 1] (probability range ``(0, f)``) or a pair.
        kernel_size: an odd integer or a pair of odd integers ``(height, width)``.
        sigma: a number ``s`` in [0, 1] (range ``(0, s)``) or a pair.
        value_range: the input's ``(low, high)``; outputs are clipped to it.
        data_format: ``"channels_last"`` or ``"channels_first"``.
        seed: integer seed.

    Example:
        >>> ops.shape(lamina.layers.RandomGaussianBlur(kernel_size=5, seed=1)(np.ones((2, 8, 8, 3))))
        (2, 8, 8, 3)
    """

    _config_keys = ("factor", "kernel_size", "sigma", "value_range", "seed")

    def __init__(self, factor=1.0, kernel_size=3, sigma=1.0, value_range=(0, 255), data_format=None, seed=None,
                 **kwargs):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.factor = check_range_factor("RandomGaussianBlur", "factor", factor, (0, 1))
        sizes = tuple(kernel_size) if isinstance(kernel_size, (list, tuple)) else (kernel_size, kernel_size)
        if len(sizes) != 2 or not all(isinstance(k, int) and k > 0 and k % 2 == 1 for k in sizes):
            raise ValueError(f"RandomGaussianBlur: `kernel_size` must be an odd positive integer or a pair of them. "
                             f"Received: kernel_size={kernel_size!r}")
        self.kernel_size = sizes
        self.sigma = check_range_factor("RandomGaussianBlur", "sigma", sigma, (0, 1))
        self.value_range = tuple(check_value_range("RandomGaussianBlur", value_range))

    def augment(self, images):
        apply = _applied(self, images.shape[0])
        sigma = self.uniform((2,), self.sigma[0], self.sigma[1]) + 1e-6
        blurred = ops.image.gaussian_blur(images, self.kernel_size, (sigma[0], sigma[1]),
                                          data_format=self.data_format)
        return ops.clip(ops.where(apply, blurred, images), self.value_range[0], self.value_range[1])


class RandomPerspective(ImageAugmentation):
    """Moves the four corners of each image by random fractions and warps it to match while training.

    Each corner ``c`` moves to ``c + c * u`` with ``u`` drawn from ``[-scale/2, scale/2]``
    per coordinate; each image is warped with probability drawn from ``factor``.

    Args:
        factor: a number ``f`` in [0, 1] (probability range ``(0, f)``) or a pair.
        scale: how far corners move, in [0, 1].
        interpolation: ``"bilinear"`` or ``"nearest"``.
        fill_value: the value of pixels that come from outside the image.
        seed: integer seed.
        data_format: ``"channels_last"`` or ``"channels_first"``.

    Example:
        >>> ops.shape(lamina.layers.RandomPerspective(scale=0.5, seed=1)(np.ones((2, 8, 8, 3))))
        (2, 8, 8, 3)
    """

    _config_keys = ("factor", "scale", "interpolation", "fill_value", "seed")

    def __init__(self, factor=1.0, scale=1.0, interpolation="bilinear", fill_value=0.0, seed=None, data_format=None,
                 **kwargs):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.factor = check_range_factor("RandomPerspective", "factor", factor, (0, 1))
        if not isinstance(scale, (int, float)) or not 0.0 <= scale <= 1.0:
            raise ValueError(f"RandomPerspective: `scale` must be a number in [0, 1]. Received: scale={scale!r}")
        check_choice("RandomPerspective", "interpolation", interpolation, _INTERPOLATIONS)
        self.scale = scale
        self.interpolation = interpolation
        self.fill_value = fill_value

    def augment(self, images):
        batch = images.shape[0]
        h_axis, w_axis = self.hw_axes()
        height, width = images.shape[h_axis], images.shape[w_axis]
        apply = _applied(self, batch)
        shift = self.uniform((batch, 4, 2), -0.5 * self.scale, 0.5 * self.scale)
        corners = ops.convert_to_tensor([[0.0, 0.0], [width - 1, 0.0], [0.0, height - 1], [width - 1, height - 1]],
                                        dtype=self.compute_dtype)
        start = ops.broadcast_to(corners, (batch, 4, 2))
        warped = ops.image.perspective_transform(images, start, start + start * shift,
                                                 interpolation=self.interpolation, fill_value=self.fill_value,
                                                 data_format=self.data_format)
        return ops.where(apply, warped, images)


class RandomShear(ImageAugmentation):
    """Shears images along x and y by random amounts while training.

    The output pixel ``(x, y)`` reads the input at ``(x + sx * y, sy * x + y)``; ``sx`` and
    ``sy`` come from ``x_factor`` and ``y_factor`` with one random sign per image.

    Args:
        x_factor: a number ``f`` in [0, 1] (range ``(-f, f)``) or a pair in [-1, 1].
        y_factor: a number ``f`` in [0, 1] (range ``(-f, f)``) or a pair in [-1, 1].
        interpolation: ``"bilinear"`` or ``"nearest"``.
        fill_mode: ``"reflect"``, ``"wrap"``, ``"constant"`` or ``"nearest"``.
        fill_value: the value outside the image with ``fill_mode="constant"``.
        data_format: ``"channels_last"`` or ``"channels_first"``.
        seed: integer seed.

    Example:
        >>> ops.shape(lamina.layers.RandomShear(x_factor=0.3, seed=1)(np.ones((2, 8, 8, 3))))
        (2, 8, 8, 3)
    """

    _config_keys = ("x_factor", "y_factor", "fill_mode", "interpolation", "seed", "fill_value")

    def __init__(self, x_factor=0.0, y_factor=0.0, interpolation="bilinear", fill_mode="reflect", fill_value=0.0,
                 data_format=None, seed=None, **kwargs):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.x_factor = self._shear_range("x_factor", x_factor)
        self.y_factor = self._shear_range("y_factor", y_factor)
        check_choice("RandomShear", "fill_mode", fill_mode, _FILL_MODES)
        check_choice("RandomShear", "interpolation", interpolation, _INTERPOLATIONS)
        self.fill_mode = fill_mode
        self.interpolation = interpolation
        self.fill_value = fill_value

    @staticmethod
    def _shear_range(arg, factor):
        if isinstance(factor, (list, tuple)):
            return check_range_factor("RandomShear", arg, factor, (-1, 1))
        if not isinstance(factor, (int, float)) or not 0 <= factor <= 1:
            raise ValueError(f"RandomShear: `{arg}` must be a number in [0, 1] or a pair. Received: {arg}={factor!r}")
        return (-factor, factor)

    def augment(self, images):
        batch = images.shape[0]
        sign = ops.where(self.uniform((batch,), 0.0, 1.0) > 0.5, -1.0, 1.0)
        shear_y = self.uniform((batch,), self.y_factor[0], self.y_factor[1]) * sign
        shear_x = self.uniform((batch,), self.x_factor[0], self.x_factor[1]) * sign
        ones, zeros = ops.ones((batch,)), ops.zeros((batch,))
        transform = ops.stack([ones, shear_x, zeros, shear_y, ones, zeros, zeros, zeros], axis=1)
        return ops.image.affine_transform(images, transform, interpolation=self.interpolation,
                                          fill_mode=self.fill_mode, fill_value=self.fill_value,
                                          data_format=self.data_format)


class RandomElasticTransform(ImageAugmentation):
    """Deforms images with a smooth random displacement field while training.

    A strength ``d`` drawn from ``scale``'s range (one per batch) sets ``alpha = 0.1 d max(H, W)``
    and ``sigma = 0.05 d min(H, W)`` of ``ops.image.elastic_transform``; each image is
    deformed with probability drawn from ``factor``. Outputs are clipped to ``value_range``.

    Args:
        factor: a number ``f`` in [0, 1] (probability range ``(0, f)``) or a pair.
        scale: a number ``s`` in [0, 1] (range ``(0, s)``) or a pair.
        interpolation: ``"bilinear"`` or ``"nearest"``.
        fill_mode: ``"constant"``, ``"nearest"``, ``"wrap"``, ``"mirror"`` or ``"reflect"``.
        fill_value: the value outside the image with ``fill_mode="constant"``.
        value_range: the input's ``(low, high)``.
        seed: integer seed.
        data_format: ``"channels_last"`` or ``"channels_first"``.

    Example:
        >>> ops.shape(lamina.layers.RandomElasticTransform(seed=1)(np.ones((2, 16, 16, 3))))
        (2, 16, 16, 3)
    """

    _config_keys = ("factor", "scale", "interpolation", "fill_mode", "fill_value", "value_range", "seed")

    def __init__(self, factor=1.0, scale=1.0, interpolation="bilinear", fill_mode="reflect", fill_value=0.0,
                 value_range=(0, 255), seed=None, data_format=None, **kwargs):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.factor = check_range_factor("RandomElasticTransform", "factor", factor, (0, 1))
        self.scale = check_range_factor("RandomElasticTransform", "scale", scale, (0, 1))
        check_choice("RandomElasticTransform", "interpolation", interpolation, _INTERPOLATIONS)
        check_choice("RandomElasticTransform", "fill_mode", fill_mode, ("constant", "nearest", "wrap", "mirror",
                                                                         "reflect"))
        self.interpolation = interpolation
        self.fill_mode = fill_mode
        self.fill_value = fill_value
        self.value_range = tuple(check_value_range("RandomElasticTransform", value_range))

    def augment(self, images):
        if self.scale[1] == 0 or self.factor[1] == 0:
            return images
        h_axis, w_axis = self.hw_axes()
        height, width = images.shape[h_axis], images.shape[w_axis]
        apply = _applied(self, images.shape[0])
        strength = self.uniform((), self.scale[0], self.scale[1])
        alpha = max(height, width) * 0.1 * strength
        sigma = min(height, width) * 0.05 * strength + 1e-6
        # The blur's kernel must have a static size: the one the largest strength needs.
        kernel_size = int(6 * min(height, width) * 0.05 * self.scale[1]) | 1
        warped = elastic_warp(images, alpha, sigma, kernel_size, self.interpolation, self.fill_mode, self.fill_value,
                              self.seed_generator, self.data_format)
        return ops.clip(ops.where(apply, warped, images), self.value_range[0], self.value_range[1])
