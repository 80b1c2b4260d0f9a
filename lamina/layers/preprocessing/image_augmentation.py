"""Random image augmentation layers: active only when ``training=True``, identity at inference.

Random values come from ``lamina.random`` with ``self.seed_generator``, so the layers run
inside compiled training steps. Geometric ones build per-image projective transforms for
``ops.image.affine_transform``.
"""

import numpy as np

from lamina import ops
from lamina import random as lamina_random
from lamina.backend import KerasTensor
from lamina.layers.layer import Layer
from lamina.layers.preprocessing.image_layers import (FILL_MODES, INTERPOLATIONS, check_choice, check_images,
                                                       hw_axes, standardize_data_format, with_hw)


def parse_factor(layer_name, arg, factor, symmetric=True, low=None, high=None):
    """``factor`` (a number or a pair) as ``(lower, upper)``; a number ``f`` gives ``(-f, f)``."""
    if isinstance(factor, (list, tuple)):
        if len(factor) != 2:
            raise ValueError(f"{layer_name}: `{arg}` must be a number or a pair (lower, upper). Received: {factor!r}")
        lower, upper = float(factor[0]), float(factor[1])
    else:
        lower, upper = (-float(factor), float(factor)) if symmetric else (float(factor), float(factor))
    if lower > upper or (low is not None and lower < low) or (high is not None and upper > high):
        raise ValueError(
            f"{layer_name}: `{arg}` must give lower <= upper within [{low}, {high}]. Received: {arg}={factor!r}"
        )
    return lower, upper


class RandomLayer(Layer):
    """Base of augmentation layers: holds ``seed_generator``; ``call`` applies ``augment`` only in training.

    Subclasses implement ``augment(images)`` (4-D, batch first, compute dtype).
    """

    def __init__(self, seed=None, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.seed = seed
        self.seed_generator = lamina_random.SeedGenerator(seed)
        self.data_format = standardize_data_format(data_format, type(self).__name__)

    def call(self, inputs, training=None):
        check_images(self, inputs.shape)
        inputs = ops.cast(inputs, self.compute_dtype)
        if not training:
            return inputs
        unbatched = len(inputs.shape) == 3
        images = ops.expand_dims(inputs, 0) if unbatched else inputs
        out = self.augment(images)
        return ops.squeeze(out, 0) if unbatched else out

    def _uniform(self, batch, lower, upper):
        return lamina_random.uniform((batch,), minval=lower, maxval=upper, seed=self.seed_generator)

    def _hw(self, images):
        h_axis, w_axis = hw_axes(len(images.shape), self.data_format)
        return images.shape[h_axis], images.shape[w_axis]

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config.update({"seed": self.seed, "data_format": self.data_format})
        return config


class RandomFlip(RandomLayer):
    """Flips each image at random (probability 1/2 per direction) while training.

    Args:
        mode: ``"horizontal"``, ``"vertical"`` or ``"horizontal_and_vertical"`` (default).
        seed: integer seed.

    Example:
        >>> layer = lamina.layers.RandomFlip("horizontal", seed=1)
        >>> ops.shape(layer(np.ones((2, 4, 4, 1)), training=True))
        (2, 4, 4, 1)
    """

    def __init__(self, mode="horizontal_and_vertical", seed=None, data_format=None, **kwargs):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        check_choice("RandomFlip", "mode", mode, ("horizontal", "vertical", "horizontal_and_vertical"))
        self.mode = mode

    def augment(self, images):
        batch = images.shape[0]
        h_axis, w_axis = hw_axes(4, self.data_format)
        for direction, axis in (("horizontal", w_axis), ("vertical", h_axis)):
            if direction in self.mode:
                flip = lamina_random.uniform((batch, 1, 1, 1), seed=self.seed_generator) < 0.5
                images = ops.where(flip, ops.flip(images, axis=axis), images)
        return images

    def get_config(self):
        config = super().get_config()
        config["mode"] = self.mode
        return config


class _AffineLayer(RandomLayer):
    """Shared arguments of the geometric layers that warp with ``affine_transform``."""

    def __init__(self, fill_mode="reflect", interpolation="bilinear", seed=None, fill_value=0.0, data_format=None,
                 **kwargs):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        name = type(self).__name__
        check_choice(name, "fill_mode", fill_mode, FILL_MODES)
        check_choice(name, "interpolation", interpolation, ("bilinear", "nearest"))
        self.fill_mode = fill_mode
        self.interpolation = interpolation
        self.fill_value = fill_value

    def _warp(self, images, columns):
        transform = ops.stack([ops.cast(c, "float32") for c in columns], axis=1)
        return ops.image.affine_transform(images, transform, interpolation=self.interpolation,
                                          fill_mode=self.fill_mode, fill_value=self.fill_value,
                                          data_format=self.data_format)

    def get_config(self):
        config = super().get_config()
        config.update({"fill_mode": self.fill_mode, "interpolation": self.interpolation,
                       "fill_value": self.fill_value})
        return config


class RandomTranslation(_AffineLayer):
    """Shifts images by random fractions of their height and width while training.

    Args:
        height_factor: a fraction ``f`` (shift in ``[-f, f] * height``) or a pair ``(lower, upper)``.
        width_factor: the same for the width.
        fill_mode: ``"reflect"`` (default), ``"constant"``, ``"nearest"``, ``"wrap"`` or ``"mirror"``.
        interpolation: ``"bilinear"`` or ``"nearest"``.
        seed: integer seed.
        fill_value: the value outside the image with ``fill_mode="constant"``.

    Example:
        >>> ops.shape(lamina.layers.RandomTranslation(0.2, 0.2, seed=1)(np.ones((2, 8, 8, 1)), training=True))
        (2, 8, 8, 1)
    """

    def __init__(self, height_factor, width_factor, fill_mode="reflect", interpolation="bilinear", seed=None,
                 fill_value=0.0, data_format=None, **kwargs):
        super().__init__(fill_mode, interpolation, seed, fill_value, data_format, **kwargs)
        self.height_factor, self.width_factor = height_factor, width_factor
        self._h = parse_factor("RandomTranslation", "height_factor", height_factor, low=-1, high=1)
        self._w = parse_factor("RandomTranslation", "width_factor", width_factor, low=-1, high=1)

    def augment(self, images):
        batch = images.shape[0]
        h, w = self._hw(images)
        dy = self._uniform(batch, *self._h) * h
        dx = self._uniform(batch, *self._w) * w
        one, zero = ops.ones((batch,)), ops.zeros((batch,))
        return self._warp(images, [one, zero, -dx, zero, one, -dy, zero, zero])

    def get_config(self):
        config = super().get_config()
        config.update({"height_factor": self.height_factor, "width_factor": self.width_factor})
        return config


class RandomRotation(_AffineLayer):
    """Rotates images by a random angle (a fraction of a full turn) while training.

    Args:
        factor: a fraction ``f`` (angle in ``[-f, f] * 2 pi``) or a pair ``(lower, upper)``.
        fill_mode, interpolation, seed, fill_value: as in ``RandomTranslation``.

    Example:
        >>> ops.shape(lamina.layers.RandomRotation(0.1, seed=1)(np.ones((2, 8, 8, 1)), training=True))
        (2, 8, 8, 1)
    """

    def __init__(self, factor, fill_mode="reflect", interpolation="bilinear", seed=None, fill_value=0.0,
                 data_format=None, **kwargs):
        super().__init__(fill_mode, interpolation, seed, fill_value, data_format, **kwargs)
        self.factor = factor
        self._range = parse_factor("RandomRotation", "factor", factor)

    def augment(self, images):
        batch = images.shape[0]
        h, w = self._hw(images)
        angle = self._uniform(batch, *self._range) * (2.0 * np.pi)
        cos, sin = ops.cos(angle), ops.sin(angle)
        x_offset = ((w - 1) - (cos * (w - 1) - sin * (h - 1))) / 2.0
        y_offset = ((h - 1) - (sin * (w - 1) + cos * (h - 1))) / 2.0
        zero = ops.zeros((batch,))
        return self._warp(images, [cos, -sin, x_offset, sin, cos, y_offset, zero, zero])

    def get_config(self):
        config = super().get_config()
        config["factor"] = self.factor
        return config


class RandomZoom(_AffineLayer):
    """Zooms images in or out by a random factor while training.

    Args:
        height_factor: a fraction ``f`` or a pair; the height zoom is ``1 + u`` with ``u`` in
            ``[lower, upper]``; positive values zoom out, negative values zoom in.
        width_factor: the same for the width; ``None`` keeps the aspect ratio.
        fill_mode, interpolation, seed, fill_value: as in ``RandomTranslation``.

    Example:
        >>> ops.shape(lamina.layers.RandomZoom(0.1, seed=1)(np.ones((2, 8, 8, 1)), training=True))
        (2, 8, 8, 1)
    """

    def __init__(self, height_factor, width_factor=None, fill_mode="reflect", interpolation="bilinear", seed=None,
                 fill_value=0.0, data_format=None, **kwargs):
        super().__init__(fill_mode, interpolation, seed, fill_value, data_format, **kwargs)
        self.height_factor, self.width_factor = height_factor, width_factor
        self._h = parse_factor("RandomZoom", "height_factor", height_factor, low=-1)
        self._w = None if width_factor is None else parse_factor("RandomZoom", "width_factor", width_factor, low=-1)

    def augment(self, images):
        batch = images.shape[0]
        h, w = self._hw(images)
        zy = 1.0 + self._uniform(batch, *self._h)
        zx = zy if self._w is None else 1.0 + self._uniform(batch, *self._w)
        zero = ops.zeros((batch,))
        x_offset = (w - 1) / 2.0 * (1.0 - zx)
        y_offset = (h - 1) / 2.0 * (1.0 - zy)
        return self._warp(images, [zx, zero, x_offset, zero, zy, y_offset, zero, zero])

    def get_config(self):
        config = super().get_config()
        config.update({"height_factor": self.height_factor, "width_factor": self.width_factor})
        return config


class RandomContrast(RandomLayer):
    """Scales each image's contrast about its per-channel mean by a random factor while training.

    Args:
        factor: ``f`` (contrast factor in ``[1 - f, 1 + f]``) or a pair ``(lower, upper)``
            giving ``[1 - lower, 1 + upper]``.
        value_range: the range outputs are clipped to (default ``(0, 255)``).
        seed: integer seed.

    Example:
        >>> ops.shape(lamina.layers.RandomContrast(0.5, seed=1)(np.ones((2, 4, 4, 3)), training=True))
        (2, 4, 4, 3)
    """

    def __init__(self, factor, value_range=(0, 255), seed=None, data_format=None, **kwargs):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.factor = factor
        self.value_range = tuple(value_range)
        lower, upper = parse_factor("RandomContrast", "factor", factor, symmetric=False, low=0)
        if lower > 1:
            raise ValueError(f"RandomContrast: `factor` must be in [0, 1] for its lower bound. Received: {factor!r}")
        self._range = (1.0 - lower, 1.0 + upper)

    def augment(self, images):
        batch = images.shape[0]
        factor = ops.reshape(self._uniform(batch, *self._range), (batch, 1, 1, 1))
        h_axis, w_axis = hw_axes(4, self.data_format)
        mean = ops.mean(images, axis=(h_axis, w_axis), keepdims=True)
        out = (images - mean) * ops.cast(factor, images.dtype) + mean
        return ops.clip(out, self.value_range[0], self.value_range[1])

    def get_config(self):
        config = super().get_config()
        config.update({"factor": self.factor, "value_range": list(self.value_range)})
        return config


class RandomBrightness(RandomLayer):
    """Adds a random brightness offset (a fraction of the value range) to each image while training.

    Args:
        factor: ``f`` (offset in ``[-f, f] * range``) or a pair ``(lower, upper)`` in [-1, 1].
        value_range: the input range, outputs are clipped to it (default ``(0, 255)``).
        seed: integer seed.

    Example:
        >>> ops.shape(lamina.layers.RandomBrightness(0.2, seed=1)(np.ones((2, 4, 4, 3)), training=True))
        (2, 4, 4, 3)
    """

    def __init__(self, factor, value_range=(0, 255), seed=None, data_format=None, **kwargs):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.factor = factor
        self.value_range = tuple(value_range)
        self._range = parse_factor("RandomBrightness", "factor", factor, low=-1, high=1)

    def augment(self, images):
        batch = images.shape[0]
        span = self.value_range[1] - self.value_range[0]
        delta = ops.reshape(self._uniform(batch, *self._range) * span, (batch, 1, 1, 1))
        return ops.clip(images + ops.cast(delta, images.dtype), self.value_range[0], self.value_range[1])

    def get_config(self):
        config = super().get_config()
        config.update({"factor": self.factor, "value_range": list(self.value_range)})
        return config


class RandomCrop(RandomLayer):
    """Crops a random ``(height, width)`` window while training.

    At inference, and when an image is smaller than the target, the image is resized to the
    target after cropping the largest centred window of the target aspect ratio (as Keras 3).

    Args:
        height, width: the output size.
        seed: integer seed.

    Example:
        >>> ops.shape(lamina.layers.RandomCrop(4, 4, seed=1)(np.ones((2, 8, 8, 1)), training=True))
        (2, 4, 4, 1)
    """

    def __init__(self, height, width, seed=None, data_format=None, **kwargs):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.height, self.width = int(height), int(width)

    def call(self, inputs, training=None):
        check_images(self, inputs.shape)
        inputs = ops.cast(inputs, self.compute_dtype)
        h, w = self._hw(inputs)
        if training and h >= self.height and w >= self.width:
            h_axis, w_axis = hw_axes(len(inputs.shape), self.data_format)
            top = lamina_random.randint((), 0, h - self.height + 1, seed=self.seed_generator)
            left = lamina_random.randint((), 0, w - self.width + 1, seed=self.seed_generator)
            rows = ops.arange(self.height) + top
            out = ops.take(inputs, rows, axis=h_axis)
            return ops.take(out, ops.arange(self.width) + left, axis=w_axis)
        if (h, w) == (self.height, self.width):
            return inputs
        return ops.image.resize(inputs, (self.height, self.width), crop_to_aspect_ratio=True,
                                data_format=self.data_format)

    def compute_output_spec(self, inputs, training=None):
        check_images(self, inputs.shape)
        return KerasTensor(with_hw(inputs.shape, self.data_format, self.height, self.width), dtype=self.compute_dtype)

    def compute_output_shape(self, input_shape):
        return with_hw(input_shape, self.data_format, self.height, self.width)

    def get_config(self):
        config = super().get_config()
        config.update({"height": self.height, "width": self.width})
        return config


class _RandomSide(RandomLayer):
    """RandomHeight / RandomWidth: resize one side by a random factor while training.

    The new size sets the output shape, which must be known when a step is compiled, so the
    factor is drawn on the host from a NumPy generator seeded by ``seed`` (a compiled step
    keeps the size it was traced with; eager calls draw a new one each time).
    """

    _side = None

    def __init__(self, factor, interpolation="bilinear", seed=None, data_format=None, **kwargs):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        name = type(self).__name__
        check_choice(name, "interpolation", interpolation, INTERPOLATIONS)
        self.factor = factor
        self.interpolation = interpolation
        self._range = parse_factor(name, "factor", factor, low=-1)
        if self._range[0] <= -1:
            raise ValueError(f"{name}: the lower bound of `factor` must be > -1. Received: factor={factor!r}")
        self._host_rng = np.random.default_rng(seed)

    def augment(self, images):
        h, w = self._hw(images)
        scale = 1.0 + self._host_rng.uniform(*self._range)
        if self._side == "height":
            h = max(int(round(h * scale)), 1)
        else:
            w = max(int(round(w * scale)), 1)
        return ops.image.resize(images, (h, w), interpolation=self.interpolation, data_format=self.data_format)

    def compute_output_shape(self, input_shape):
        check_images(self, input_shape)
        h_axis, w_axis = hw_axes(len(input_shape), self.data_format)
        shape = list(input_shape)
        shape[h_axis if self._side == "height" else w_axis] = None
        return tuple(shape)

    def compute_output_spec(self, inputs, training=None):
        return KerasTensor(self.compute_output_shape(inputs.shape), dtype=self.compute_dtype)

    def get_config(self):
        config = super().get_config()
        config.update({"factor": self.factor, "interpolation": self.interpolation})
        return config


class RandomHeight(_RandomSide):
    """Resizes the height of images by a random factor ``1 + u``, ``u`` in ``factor``'s range, while training.

    Args:
        factor: ``f`` (``u`` in ``[-f, f]``) or a pair ``(lower, upper)``, lower > -1.
        interpolation: as in ``Resizing``.
        seed: integer seed.

    Example:
        >>> out = lamina.layers.RandomHeight(0.5, seed=1)(np.ones((2, 8, 8, 1)), training=True)
        >>> ops.shape(out)[2:]
        (8, 1)
    """

    _side = "height"


class RandomWidth(_RandomSide):
    """Resizes the width of images by a random factor ``1 + u``, ``u`` in ``factor``'s range, while training.

    Args:
        factor: ``f`` (``u`` in ``[-f, f]``) or a pair ``(lower, upper)``, lower > -1.
        interpolation: as in ``Resizing``.
        seed: integer seed.

    Example:
        >>> out = lamina.layers.RandomWidth(0.5, seed=1)(np.ones((2, 8, 8, 1)), training=True)
        >>> out.shape[1]
        8
    """

    _side = "width"
