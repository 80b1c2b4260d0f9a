"""UpSampling1D/2D/3D: repeat (nearest) or interpolate (bilinear, 2-D) along the spatial axes."""

from lamina import ops
from lamina.backend import _conv_utils as _cu
from lamina.layers.input_spec import InputSpec
from lamina.layers.layer import Layer
from lamina.layers.reshaping import _spatial


class _BaseUpSampling(Layer):
    rank = None

    def __init__(self, size, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.size = _cu.tuplify(size, self.rank, "size")
        self.data_format = _spatial.data_format(data_format)
        self._axes = _spatial.spatial_axes(self.rank, self.data_format)
        self.input_spec = InputSpec(ndim=self.rank + 2)
        self.built = True

    def call(self, inputs):
        x = inputs
        for axis, factor in zip(self._axes, self.size):
            if factor > 1:
                x = ops.repeat(x, factor, axis=axis)
        return x

    def compute_output_shape(self, input_shape):
        _spatial.check_rank(self, input_shape, self.rank)
        out = list(input_shape)
        for axis, factor in zip(self._axes, self.size):
            out[axis] = None if out[axis] is None else out[axis] * factor
        return tuple(out)

    def get_config(self):
        config = super().get_config()
        config.update({"size": self.size, "data_format": self.data_format})
        return config


class UpSampling1D(_BaseUpSampling):
    """Repeats each step ``size`` times: ``(N, steps, C) -> (N, steps * size, C)``.

    Args:
        size: int, the upsampling factor.

    Example:
        >>> ops.shape(lamina.layers.UpSampling1D(3)(lamina.ops.ones((1, 2, 4))))
        (1, 6, 4)
    """

    rank = 1

    def __init__(self, size=2, **kwargs):
        super().__init__(size, data_format="channels_last", **kwargs)

    def get_config(self):
        config = super().get_config()
        config.pop("data_format")
        config["size"] = self.size[0]
        return config


class UpSampling2D(_BaseUpSampling):
    """Upsamples rows and columns by ``size``.

    Args:
        size: int or ``(rows, cols)`` factors.
        data_format: ``"channels_last"`` (default) or ``"channels_first"``.
        interpolation: ``"nearest"`` (repeat), or ``"bilinear"``, ``"bicubic"``, ``"lanczos3"``,
            ``"lanczos5"``, ``"area"`` through ``ops.image.resize``.

    Example:
        >>> ops.shape(lamina.layers.UpSampling2D()(lamina.ops.ones((1, 7, 7, 8))))
        (1, 14, 14, 8)
    """

    rank = 2
    _INTERPOLATIONS = ("nearest", "bilinear", "bicubic", "lanczos3", "lanczos5", "area")

    def __init__(self, size=(2, 2), data_format=None, interpolation="nearest", **kwargs):
        super().__init__(size, data_format, **kwargs)
        if interpolation not in self._INTERPOLATIONS:
            raise ValueError(
                f"UpSampling2D: `interpolation` must be one of {self._INTERPOLATIONS}. "
                f"Received: interpolation={interpolation!r}"
            )
        self.interpolation = interpolation

    def call(self, inputs):
        if self.interpolation == "nearest":
            return super().call(inputs)
        height, width = (inputs.shape[a] for a in self._axes)
        return ops.image.resize(inputs, (height * self.size[0], width * self.size[1]),
                                interpolation=self.interpolation, data_format=self.data_format)

    def get_config(self):
        config = super().get_config()
        config["interpolation"] = self.interpolation
        return config


class UpSampling3D(_BaseUpSampling):
    """Repeats along the 3 spatial axes by ``size``.

    Args:
        size: int or tuple of 3 factors.
        data_format: ``"channels_last"`` (default) or ``"channels_first"``.

    Example:
        >>> ops.shape(lamina.layers.UpSampling3D(2)(lamina.ops.ones((1, 2, 2, 2, 3))))
        (1, 4, 4, 4, 3)
    """

    rank = 3

    def __init__(self, size=(2, 2, 2), data_format=None, **kwargs):
        super().__init__(size, data_format, **kwargs)
