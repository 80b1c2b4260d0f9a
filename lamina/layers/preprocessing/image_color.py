"""Colour augmentation layers (Keras 3's): values change, pixels stay where they are."""

from lamina import ops
from lamina import random as lamina_random
from lamina.layers.preprocessing.image_augmentation import RandomBrightness, RandomContrast
from lamina.layers.preprocessing.image_base import (ImageAugmentation, check_range_factor, check_value_range,
                                                    rescale)

_EPSILON = 1e-7


def _batch(images):
    return images.shape[0]


class Solarization(ImageAugmentation):
    """Adds a random amount to pixel values, then inverts those above a random threshold.

    Values are first mapped to [0, 255]: ``x = clip(x + addition, 0, 255)``, then
    ``x`` stays where ``x < threshold`` and becomes ``255 - x`` elsewhere. Both are drawn
    per image; as in Keras 3 the addition lies in ``[addition_factor[0], addition_factor[1] * 255]``
    and the threshold in ``[threshold_factor[0], threshold_factor[1] * 255]``.

    Args:
        addition_factor: a number ``f`` in [0, 1] (range ``(0, f)``) or a pair.
        threshold_factor: a number ``f`` in [0, 1] (range ``(0, f)``) or a pair.
        value_range: the input's ``(low, high)``.
        seed: integer seed.
        data_format: ``"channels_last"`` or ``"channels_first"``.

    Example:
        >>> out = lamina.layers.Solarization()(np.full((1, 2, 2, 3), 55.0))
        >>> float(ops.convert_to_numpy(out)[0, 0, 0, 0])
        200.0
    """

    _config_keys = ("value_range", "addition_factor", "threshold_factor", "seed")

    def __init__(self, addition_factor=0.0, threshold_factor=0.0, value_range=(0, 255), seed=None, data_format=None,
                 **kwargs):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.addition_factor = check_range_factor("Solarization", "addition_factor", addition_factor, (0, 1), False)
        self.threshold_factor = check_range_factor("Solarization", "threshold_factor", threshold_factor, (0, 1),
                                                   False)
        self.value_range = check_value_range("Solarization", value_range)

    def augment(self, images):
        shape = (_batch(images), 1, 1, 1)
        additions = self.uniform(shape, self.addition_factor[0], self.addition_factor[1] * 255)
        thresholds = self.uniform(shape, self.threshold_factor[0], self.threshold_factor[1] * 255)
        x = ops.clip(rescale(images, self.value_range, (0, 255)) + additions, 0, 255)
        x = ops.where(x < thresholds, x, 255 - x)
        return rescale(x, (0, 255), self.value_range)


class Equalization(ImageAugmentation):
    """Histogram-equalizes each channel while training.

    As Keras 3 does, the histogram of a channel is taken over the whole batch; values
    are mapped through the cumulative histogram to spread over ``value_range``.

    Args:
        value_range: the input's ``(low, high)``.
        bins: number of histogram bins.
        data_format: ``"channels_last"`` or ``"channels_first"``.

    Example:
        >>> x = np.array([0.0, 10.0, 10.0, 20.0]).reshape((1, 2, 2, 1))
        >>> ops.convert_to_numpy(lamina.layers.Equalization()(x)).ravel().tolist()
        [0.0, 170.0, 170.0, 255.0]
    """

    _config_keys = ("bins", "value_range")

    def __init__(self, value_range=(0, 255), bins=256, data_format=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        if not isinstance(bins, int) or bins < 2:
            raise ValueError(f"Equalization: `bins` must be an integer >= 2. Received: bins={bins!r}")
        self.bins = bins
        self.value_range = check_value_range("Equalization", value_range)

    def _equalize(self, channel):
        x = rescale(channel, self.value_range, (0, 255))
        bins = self.bins
        index = ops.clip(ops.cast(ops.cast(x, "float32") * (bins - 1) / 255.0, "int32"), 0, bins - 1)
        flat = ops.reshape(index, (-1,))
        # A segment sum has a static length, so this runs inside compiled steps (bincount does not on JAX).
        hist = ops.segment_sum(ops.ones_like(flat), flat, num_segments=bins)
        cdf = ops.cumsum(hist)
        cdf_min = ops.min(ops.where(cdf > 0, cdf, ops.max(cdf)))
        denominator = cdf[-1] - cdf_min
        denominator = ops.where(denominator == 0, 1, denominator)
        table = ops.clip(ops.round(ops.cast(cdf - cdf_min, "float32") * 255.0 / ops.cast(denominator, "float32")),
                         0, 255)
        lookup = ops.cast(ops.clip(x / 255.0 * (bins - 1), 0, bins - 1), "int32")
        equalized = ops.cast(ops.take(table, lookup), x.dtype)
        equalized = ops.where(ops.count_nonzero(hist) <= 1, x, equalized)
        return rescale(equalized, (0, 255), self.value_range)

    def augment(self, images):
        axis = self.channel_axis()
        channels = [self._equalize(ops.take(images, i, axis=axis)) for i in range(images.shape[axis])]
        return ops.stack(channels, axis=axis)


class AutoContrast(ImageAugmentation):
    """Stretches each image channel so its darkest pixel maps to ``value_range[0]`` and brightest to ``[1]``.

    Deterministic, and applied whatever ``training`` is (as Keras 3). A flat channel is left as is.

    Args:
        value_range: the input's ``(low, high)``.
        data_format: ``"channels_last"`` or ``"channels_first"``.

    Example:
        >>> x = np.array([50.0, 100.0, 150.0, 100.0]).reshape((1, 2, 2, 1))
        >>> ops.convert_to_numpy(lamina.layers.AutoContrast()(x)).ravel().tolist()
        [0.0, 127.5, 255.0, 127.5]
    """

    _applies_at_inference = True
    _config_keys = ("value_range",)

    def __init__(self, value_range=(0, 255), data_format=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self.value_range = check_value_range("AutoContrast", value_range)

    def augment(self, images):
        x = rescale(images, self.value_range, (0, 255))
        axes = self.hw_axes()
        low, high = ops.min(x, axis=axes, keepdims=True), ops.max(x, axis=axes, keepdims=True)
        flat = high <= low
        scale = 255.0 / ops.where(flat, 1.0, high - low)
        out = rescale(ops.clip(x * scale - low * scale, 0.0, 255.0), (0, 255), self.value_range)
        return ops.where(flat, images, out)


class RandomGrayscale(ImageAugmentation):
    """Turns each image grayscale (kept with its channel count) with probability ``factor`` while training.

    Args:
        factor: the probability, in [0, 1].
        data_format: ``"channels_last"`` or ``"channels_first"``.
        seed: integer seed.

    Example:
        >>> out = lamina.layers.RandomGrayscale(factor=1.0)(np.random.rand(2, 4, 4, 3) * 255)
        >>> bool(np.allclose(ops.convert_to_numpy(out)[..., 0], ops.convert_to_numpy(out)[..., 2]))
        True
    """

    _config_keys = ("factor",)

    def __init__(self, factor=0.5, data_format=None, seed=None, **kwargs):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        if not isinstance(factor, (int, float)) or not 0 <= factor <= 1:
            raise ValueError(f"RandomGrayscale: `factor` must be a number in [0, 1]. Received: factor={factor!r}")
        self.factor = factor

    def augment(self, images):
        apply = self.per_image(self.uniform((_batch(images),), 0, 1)) < self.factor
        gray = ops.image.rgb_to_grayscale(images, data_format=self.data_format)
        return ops.where(apply, gray, images)


class RandomInvert(ImageAugmentation):
    """Inverts images (``value_range[1] - x``) at random while training.

    Each image draws a probability from ``factor``'s range and is inverted with it.

    Args:
        factor: a number ``f`` in [0, 1] (range ``(0, f)``) or a pair.
        value_range: the input's ``(low, high)``.
        seed: integer seed.
        data_format: ``"channels_last"`` or ``"channels_first"``.

    Example:
        >>> out = lamina.layers.RandomInvert(factor=(1.0, 1.0))(np.zeros((1, 2, 2, 3)))
        >>> float(ops.convert_to_numpy(out).min())
        255.0
    """

    _config_keys = ("factor", "value_range", "seed")

    def __init__(self, factor=1.0, value_range=(0, 255), seed=None, data_format=None, **kwargs):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.factor = check_range_factor("RandomInvert", "factor", factor, (0, 1))
        self.value_range = tuple(check_value_range("RandomInvert", value_range))

    def augment(self, images):
        batch = _batch(images)
        probability = self.uniform((batch,), self.factor[0], self.factor[1])
        invert = self.uniform((batch,), 0, 1) < probability
        return ops.where(self.per_image(invert), self.value_range[1] - images, images)


class RandomPosterization(ImageAugmentation):
    """Keeps only the top ``bits`` bits of each 8-bit value, ``bits`` drawn per image while training.

    As in Keras 3, ``bits`` is drawn from ``[factor[0], factor[1])`` (or is ``factor[0]``
    when both are equal); a number ``f`` gives the range ``(1, f)``.

    Args:
        factor: a number in [1, 8] or a pair.
        value_range: the input's ``(low, high)``.
        data_format: ``"channels_last"`` or ``"channels_first"``.
        seed: integer seed.

    Example:
        >>> out = lamina.layers.RandomPosterization(factor=(2, 2))(np.full((1, 2, 2, 3), 200.0))
        >>> float(ops.convert_to_numpy(out)[0, 0, 0, 0])
        192.0
    """

    _config_keys = ("factor", "value_range", "seed")

    def __init__(self, factor, value_range=(0, 255), data_format=None, seed=None, **kwargs):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.factor = check_range_factor("RandomPosterization", "factor", factor, (1, 8))
        self.value_range = check_value_range("RandomPosterization", value_range)

    def augment(self, images):
        batch = _batch(images)
        low, high = int(self.factor[0]), int(self.factor[1])
        if low != high:
            bits = lamina_random.randint((batch,), low, high, seed=self.seed_generator)
        else:
            bits = ops.full((batch,), low, dtype="int32")
        step = ops.cast(2 ** (8 - self.per_image(bits)), "int32")
        x = ops.cast(rescale(images, self.value_range, (0, 255)), "int32")
        x = ops.cast((x // step) * step, images.dtype)
        return rescale(x, (0, 255), self.value_range)


class RandomHue(ImageAugmentation):
    """Shifts the hue of each image by a random amount (at most half a turn) while training.

    Each image shifts by ``± u / 2`` of a turn, ``u`` drawn from ``factor``'s range.

    Args:
        factor: a number ``f`` in [0, 1] (range ``(0, f)``) or a pair.
        value_range: the input's ``(low, high)``.
        data_format: ``"channels_last"`` or ``"channels_first"``.
        seed: integer seed.

    Example:
        >>> out = lamina.layers.RandomHue(factor=(1.0, 1.0), value_range=(0, 1))(np.array([[[[1.0, 0.0, 0.0]]]]))
        >>> np.round(ops.convert_to_numpy(out), 4).ravel().tolist()
        [0.0, 1.0, 1.0]
    """

    _config_keys = ("factor", "value_range", "seed")

    def __init__(self, factor, value_range=(0, 255), data_format=None, seed=None, **kwargs):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.factor = check_range_factor("RandomHue", "factor", factor, (0, 1))
        self.value_range = tuple(check_value_range("RandomHue", value_range))

    def augment(self, images):
        batch = _batch(images)
        sign = ops.where(self.uniform((batch,), 0, 1) > 0.5, -1.0, 1.0)
        shift = self.per_image(sign * self.uniform((batch,), self.factor[0], self.factor[1]) * 0.5)
        x = ops.image.rgb_to_hsv(rescale(images, self.value_range, (0, 1)), data_format=self.data_format)
        axis = self.channel_axis()
        hue, saturation, value = (ops.take(x, i, axis=axis) for i in range(3))
        hue = hue + ops.reshape(shift, (-1, 1, 1))
        hue = ops.where(hue > 1.0, hue - 1.0, hue)
        hue = ops.where(hue < 0.0, hue + 1.0, hue)
        x = ops.image.hsv_to_rgb(ops.stack([hue, saturation, value], axis=axis), data_format=self.data_format)
        return rescale(ops.clip(x, 0, 1), (0, 1), self.value_range)


class RandomSaturation(ImageAugmentation):
    """Scales the saturation of each image by a random factor while training.

    A draw ``u`` from ``factor``'s range multiplies the HSV saturation by
    ``u / (1 - u)`` (0 gives grayscale, 0.5 keeps the image, 1 saturates fully). As in
    Keras 3 the images go to HSV as they are and the new saturation is clipped to
    ``value_range`` (so draws below 0 give grayscale).

    Args:
        factor: a number ``f`` in [0, 1] (range ``(-f, f)``, as Keras 3) or a pair in [-1, 1].
        value_range: the input's ``(low, high)``.
        data_format: ``"channels_last"`` or ``"channels_first"``.
        seed: integer seed.

    Example:
        >>> out = lamina.layers.RandomSaturation(factor=(0.0, 0.0))(np.array([[[[0.2, 0.4, 0.9]]]]))
        >>> np.round(ops.convert_to_numpy(out), 4).ravel().tolist()
        [0.9, 0.9, 0.9]
    """

    _config_keys = ("factor", "value_range", "seed")

    def __init__(self, factor, value_range=(0, 255), data_format=None, seed=None, **kwargs):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.factor = check_range_factor("RandomSaturation", "factor", factor, (-1, 1))
        self.value_range = check_value_range("RandomSaturation", value_range)

    def augment(self, images):
        u = self.uniform((_batch(images),), self.factor[0], self.factor[1])
        scale = ops.reshape(u / (1 - u + _EPSILON), (-1, 1, 1))
        x = ops.image.rgb_to_hsv(images, data_format=self.data_format)
        axis = self.channel_axis()
        hue, saturation, value = (ops.take(x, i, axis=axis) for i in range(3))
        saturation = ops.clip(saturation * scale, self.value_range[0], self.value_range[1])
        return ops.image.hsv_to_rgb(ops.stack([hue, saturation, value], axis=axis), data_format=self.data_format)


class RandomColorDegeneration(ImageAugmentation):
    """Blends each image towards its grayscale version by a random amount while training.

    Args:
        factor: a number ``f`` in [0, 1] (range ``(-f, f)``, as Keras 3) or a pair in [-1, 1]: 0 keeps
            the image, 1 is grayscale, negative values move away from gray.
        value_range: the input's ``(low, high)``; outputs are clipped to it.
        data_format: ``"channels_last"`` or ``"channels_first"``.
        seed: integer seed.

    Example:
        >>> out = lamina.layers.RandomColorDegeneration(factor=(1.0, 1.0))(np.random.rand(1, 2, 2, 3) * 255)
        >>> bool(np.allclose(ops.convert_to_numpy(out)[..., 0], ops.convert_to_numpy(out)[..., 1]))
        True
    """

    _config_keys = ("factor", "value_range", "seed")

    def __init__(self, factor, value_range=(0, 255), data_format=None, seed=None, **kwargs):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.factor = check_range_factor("RandomColorDegeneration", "factor", factor, (-1, 1))
        self.value_range = check_value_range("RandomColorDegeneration", value_range)

    def augment(self, images):
        factor = self.uniform((_batch(images), 1, 1, 1), self.factor[0], self.factor[1])
        gray = ops.image.rgb_to_grayscale(images, data_format=self.data_format)
        return ops.clip(images + factor * (gray - images), self.value_range[0], self.value_range[1])


class RandomSharpness(ImageAugmentation):
    """Sharpens or blurs each image by a random amount while training.

    The image is blended with a 3x3 smoothed copy: ``x + (1 - 2u) * (smooth - x)`` with
    ``u`` drawn from ``factor``'s range (0 blurs, 0.5 keeps, 1 sharpens).

    Args:
        factor: a number ``f`` in [0, 1] (range ``(0, f)``) or a pair.
        value_range: the input's ``(low, high)``; outputs are clipped to it.
        data_format: ``"channels_last"`` or ``"channels_first"``.
        seed: integer seed.

    Example:
        >>> x = np.random.rand(1, 4, 4, 3) * 255
        >>> out = lamina.layers.RandomSharpness(factor=(0.5, 0.5))(x)
        >>> bool(np.allclose(ops.convert_to_numpy(out), x, atol=1e-3))
        True
    """

    _config_keys = ("factor", "value_range", "seed")

    def __init__(self, factor, value_range=(0, 255), data_format=None, seed=None, **kwargs):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.factor = check_range_factor("RandomSharpness", "factor", factor, (0, 1))
        self.value_range = check_value_range("RandomSharpness", value_range)

    def augment(self, images):
        amount = self.per_image(self.uniform((_batch(images),), self.factor[0], self.factor[1]) * 2)
        x = images if self.data_format == "channels_last" else ops.transpose(images, (0, 2, 3, 1))
        a, b = 1.0 / 13.0, 5.0 / 13.0
        kernel = ops.convert_to_tensor([[a, a, a], [a, b, a], [a, a, a]], dtype=images.dtype)
        kernel = ops.tile(ops.reshape(kernel, (3, 3, 1, 1)), (1, 1, x.shape[-1], 1))
        smooth = ops.depthwise_conv(x, kernel, strides=1, padding="same", data_format="channels_last")
        if self.data_format == "channels_first":
            smooth = ops.transpose(smooth, (0, 3, 1, 2))
        out = images + (1.0 - amount) * (smooth - images)
        return ops.clip(out, self.value_range[0], self.value_range[1])


class RandomColorJitter(ImageAugmentation):
    """Applies RandomBrightness, RandomContrast, RandomSaturation and RandomHue in turn while training.

    Each factor left ``None`` skips its step.

    Args:
        value_range: the input's ``(low, high)``.
        brightness_factor: ``RandomBrightness``'s ``factor``.
        contrast_factor: ``RandomContrast``'s ``factor``.
        saturation_factor: ``RandomSaturation``'s ``factor``.
        hue_factor: ``RandomHue``'s ``factor``.
        seed: integer seed.
        data_format: ``"channels_last"`` or ``"channels_first"``.

    Example:
        >>> layer = lamina.layers.RandomColorJitter(brightness_factor=0.2, hue_factor=0.3, seed=1)
        >>> ops.shape(layer(np.random.rand(2, 4, 4, 3) * 255))
        (2, 4, 4, 3)
    """

    _config_keys = ("value_range", "brightness_factor", "contrast_factor", "saturation_factor", "hue_factor",
                    "seed")

    def __init__(self, value_range=(0, 255), brightness_factor=None, contrast_factor=None, saturation_factor=None,
                 hue_factor=None, seed=None, data_format=None, **kwargs):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.value_range = tuple(check_value_range("RandomColorJitter", value_range))
        self.brightness_factor = brightness_factor
        self.contrast_factor = contrast_factor
        self.saturation_factor = saturation_factor
        self.hue_factor = hue_factor
        common = dict(value_range=self.value_range, seed=seed, data_format=self.data_format)
        steps = [(brightness_factor, RandomBrightness), (contrast_factor, RandomContrast),
                 (saturation_factor, RandomSaturation), (hue_factor, RandomHue)]
        self._steps = [cls(factor, **common) for factor, cls in steps if factor is not None]

    def augment(self, images):
        for step in self._steps:
            images = step.augment(images)
        return images
