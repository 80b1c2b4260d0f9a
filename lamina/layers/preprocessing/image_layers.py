"""Deterministic image layers: ``Resizing``, ``Rescaling`` and ``CenterCrop`` (ops only, on device)."""

from lamina import backend, ops
from lamina.backend import KerasTensor
from lamina.layers.layer import Layer

INTERPOLATIONS = ("bilinear", "nearest", "bicubic", "area", "lanczos3", "lanczos5")
FILL_MODES = ("constant", "nearest", "wrap", "reflect", "mirror")


def standardize_data_format(data_format, layer_name):
    data_format = data_format or backend.image_data_format()
    if data_format not in ("channels_last", "channels_first"):
        raise ValueError(
            f"{layer_name}: `data_format` must be 'channels_last' or 'channels_first'. Received: {data_format!r}"
        )
    return data_format


def hw_axes(ndim, data_format):
    """The (height, width) axes of a 3-D or 4-D image tensor."""
    return (ndim - 2, ndim - 1) if data_format == "channels_first" else (ndim - 3, ndim - 2)


def check_images(layer, shape):
    if len(shape) not in (3, 4):
        raise ValueError(
            f"{type(layer).__name__} '{layer.name}' expects images of rank 3 or 4 ((batch,) height, width, "
            f"channels). Received shape {tuple(shape)}"
        )


def check_choice(layer_name, arg, value, choices):
    if value not in choices:
        raise ValueError(f"{layer_name}: `{arg}` must be one of {list(choices)}. Received: {arg}={value!r}")


def with_hw(shape, data_format, height, width):
    shape = list(shape)
    h, w = hw_axes(len(shape), data_format)
    shape[h], shape[w] = height, width
    return tuple(shape)


class Resizing(Layer):
    """Resizes images to ``(height, width)``.

    Args:
        height, width: the output size.
        interpolation: ``"bilinear"``, ``"nearest"``, ``"bicubic"``, ``"area"``,
            ``"lanczos3"`` or ``"lanczos5"``.
        crop_to_aspect_ratio: crop the largest centred window of the target aspect ratio
            first, so the image is not distorted.
        pad_to_aspect_ratio: pad (with ``fill_value``) to the target aspect ratio first.
        fill_mode, fill_value: how padding is filled (``"constant"`` only).
        data_format: ``"channels_last"`` (default) or ``"channels_first"``.

    Example:
        >>> ops.shape(lamina.layers.Resizing(8, 8)(np.zeros((2, 4, 4, 3))))
        (2, 8, 8, 3)
    """

    def __init__(self, height, width, interpolation="bilinear", crop_to_aspect_ratio=False,
                 pad_to_aspect_ratio=False, fill_mode="constant", fill_value=0.0, antialias=False,
                 data_format=None, **kwargs):
        super().__init__(**kwargs)
        check_choice("Resizing", "interpolation", interpolation, INTERPOLATIONS)
        check_choice("Resizing", "fill_mode", fill_mode, ("constant",))
        if crop_to_aspect_ratio and pad_to_aspect_ratio:
            raise ValueError("Resizing: only one of `crop_to_aspect_ratio` and `pad_to_aspect_ratio` can be True.")
        self.height, self.width = int(height), int(width)
        self.interpolation = interpolation
        self.crop_to_aspect_ratio = crop_to_aspect_ratio
        self.pad_to_aspect_ratio = pad_to_aspect_ratio
        self.fill_mode = fill_mode
        self.fill_value = fill_value
        self.antialias = antialias
        self.data_format = standardize_data_format(data_format, "Resizing")

    def call(self, inputs):
        check_images(self, inputs.shape)
        return ops.image.resize(
            ops.cast(inputs, self.compute_dtype), (self.height, self.width), interpolation=self.interpolation,
            antialias=self.antialias, crop_to_aspect_ratio=self.crop_to_aspect_ratio,
            pad_to_aspect_ratio=self.pad_to_aspect_ratio, fill_mode=self.fill_mode, fill_value=self.fill_value,
            data_format=self.data_format)

    def compute_output_shape(self, input_shape):
        check_images(self, input_shape)
        return with_hw(input_shape, self.data_format, self.height, self.width)

    def get_config(self):
        config = super().get_config()
        config.update({"height": self.height, "width": self.width, "interpolation": self.interpolation,
                       "crop_to_aspect_ratio": self.crop_to_aspect_ratio,
                       "pad_to_aspect_ratio": self.pad_to_aspect_ratio, "fill_mode": self.fill_mode,
                       "fill_value": self.fill_value, "antialias": self.antialias, "data_format": self.data_format})
        return config


class Rescaling(Layer):
    """Computes ``inputs * scale + offset`` (e.g. ``scale=1/255`` maps [0, 255] to [0, 1]).

    Args:
        scale: a number (or per-channel list) to multiply by.
        offset: a number (or per-channel list) to add.

    Example:
        >>> lamina.ops.convert_to_numpy(lamina.layers.Rescaling(1 / 127.5, -1)(np.array([0.0, 255.0]))).tolist()
        [-1.0, 1.0]
    """

    def __init__(self, scale, offset=0.0, **kwargs):
        super().__init__(**kwargs)
        self.scale = scale
        self.offset = offset

    def call(self, inputs):
        dtype = self.compute_dtype
        scale = ops.convert_to_tensor(self.scale, dtype=dtype)
        offset = ops.convert_to_tensor(self.offset, dtype=dtype)
        return ops.cast(inputs, dtype) * scale + offset

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        to_plain = lambda v: list(v) if isinstance(v, tuple) else v  # noqa: E731
        config.update({"scale": to_plain(self.scale), "offset": to_plain(self.offset)})
        return config


class CenterCrop(Layer):
    """Crops the central ``(height, width)`` window of images.

    An image smaller than the target along an axis is instead resized to the target,
    keeping its aspect ratio by cropping the largest centred window (as Keras 3 does). When
    the difference is odd, the extra row/column is cut at the bottom/right.

    Args:
        height, width: the output size.
        data_format: ``"channels_last"`` (default) or ``"channels_first"``.

    Example:
        >>> ops.shape(lamina.layers.CenterCrop(2, 2)(np.zeros((1, 5, 4, 3))))
        (1, 2, 2, 3)
    """

    def __init__(self, height, width, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.height, self.width = int(height), int(width)
        self.data_format = standardize_data_format(data_format, "CenterCrop")

    def call(self, inputs):
        check_images(self, inputs.shape)
        inputs = ops.cast(inputs, self.compute_dtype)
        h_axis, w_axis = hw_axes(len(inputs.shape), self.data_format)
        h, w = inputs.shape[h_axis], inputs.shape[w_axis]
        if h >= self.height and w >= self.width:
            top, left = (h - self.height) // 2, (w - self.width) // 2
            index = [slice(None)] * len(inputs.shape)
            index[h_axis] = slice(top, top + self.height)
            index[w_axis] = slice(left, left + self.width)
            return inputs[tuple(index)]
        return ops.image.resize(inputs, (self.height, self.width), crop_to_aspect_ratio=True,
                                data_format=self.data_format)

    def compute_output_spec(self, inputs):
        check_images(self, inputs.shape)
        return KerasTensor(with_hw(inputs.shape, self.data_format, self.height, self.width), dtype=self.compute_dtype)

    def compute_output_shape(self, input_shape):
        return with_hw(input_shape, self.data_format, self.height, self.width)

    def get_config(self):
        config = super().get_config()
        config.update({"height": self.height, "width": self.width, "data_format": self.data_format})
        return config
