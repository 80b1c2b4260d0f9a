"""ZeroPadding1D/2D/3D and Cropping1D/2D/3D."""

from lamina import ops
from lamina.layers.input_spec import InputSpec
from lamina.layers.layer import Layer
from lamina.layers.reshaping import _spatial


class _BaseZeroPadding(Layer):
    rank = None

    def __init__(self, padding=1, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.padding = _spatial.pairs(padding, self.rank, "padding", type(self).__name__)
        self.data_format = _spatial.data_format(data_format)
        self._axes = _spatial.spatial_axes(self.rank, self.data_format)
        self.input_spec = InputSpec(ndim=self.rank + 2)
        self.built = True

    def call(self, inputs):
        widths = [(0, 0)] * (self.rank + 2)
        for axis, pair in zip(self._axes, self.padding):
            widths[axis] = pair
        return ops.pad(inputs, widths)

    def compute_output_shape(self, input_shape):
        _spatial.check_rank(self, input_shape, self.rank)
        out = list(input_shape)
        for axis, (before, after) in zip(self._axes, self.padding):
            out[axis] = None if out[axis] is None else out[axis] + before + after
        return tuple(out)

    def get_config(self):
        config = super().get_config()
        config.update({"padding": self.padding[0] if self.rank == 1 else self.padding, "data_format": self.data_format})
        return config


class ZeroPadding1D(_BaseZeroPadding):
    """Pads the steps axis with zeros.

    Args:
        padding: int (both sides) or ``(before, after)``.
        data_format: ``"channels_last"`` (default) or ``"channels_first"``.

    Example:
        >>> ops.shape(lamina.layers.ZeroPadding1D(2)(lamina.ops.ones((1, 3, 4))))
        (1, 7, 4)
    """

    rank = 1


class ZeroPadding2D(_BaseZeroPadding):
    """Pads rows and columns with zeros.

    Args:
        padding: int, ``(rows, cols)`` or ``((top, bottom), (left, right))``.
        data_format: ``"channels_last"`` (default) or ``"channels_first"``.

    Example:
        >>> ops.shape(lamina.layers.ZeroPadding2D(((1, 0), (2, 2)))(lamina.ops.ones((1, 3, 3, 1))))
        (1, 4, 7, 1)
    """

    rank = 2


class ZeroPadding3D(_BaseZeroPadding):
    """Pads the 3 spatial axes with zeros. Args: as ``ZeroPadding2D`` with 3 entries.

    Example:
        >>> ops.shape(lamina.layers.ZeroPadding3D(1)(lamina.ops.ones((1, 2, 2, 2, 1))))
        (1, 4, 4, 4, 1)
    """

    rank = 3


class _BaseCropping(Layer):
    rank = None

    def __init__(self, cropping=1, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.cropping = _spatial.pairs(cropping, self.rank, "cropping", type(self).__name__)
        self.data_format = _spatial.data_format(data_format)
        self._axes = _spatial.spatial_axes(self.rank, self.data_format)
        self.input_spec = InputSpec(ndim=self.rank + 2)
        self.built = True

    def call(self, inputs):
        self._check_sizes(inputs.shape)
        index = [slice(None)] * (self.rank + 2)
        for axis, (before, after) in zip(self._axes, self.cropping):
            index[axis] = slice(before, -after if after else None)
        return ops.get_item(inputs, tuple(index))

    def _check_sizes(self, shape):
        for axis, (before, after) in zip(self._axes, self.cropping):
            if shape[axis] is not None and before + after >= shape[axis]:
                raise ValueError(
                    f"{type(self).__name__} layer '{self.name}': cropping {self.cropping} removes all of axis {axis} "
                    f"of an input of shape {tuple(shape)}."
                )

    def compute_output_shape(self, input_shape):
        _spatial.check_rank(self, input_shape, self.rank)
        self._check_sizes(input_shape)
        out = list(input_shape)
        for axis, (before, after) in zip(self._axes, self.cropping):
            out[axis] = None if out[axis] is None else out[axis] - before - after
        return tuple(out)

    def get_config(self):
        config = super().get_config()
        config["cropping"] = self.cropping
        config["data_format"] = self.data_format
        return config


class Cropping1D(_BaseCropping):
    """Crops the steps axis of ``(batch, steps, features)``.

    Args:
        cropping: int (both ends) or ``(start, end)``.

    Example:
        >>> ops.shape(lamina.layers.Cropping1D((1, 2))(lamina.ops.ones((1, 6, 3))))
        (1, 3, 3)
    """

    rank = 1

    def __init__(self, cropping=(1, 1), **kwargs):
        super().__init__(cropping, data_format="channels_last", **kwargs)

    def get_config(self):
        config = super().get_config()
        config.pop("data_format")
        config["cropping"] = self.cropping[0]
        return config


class Cropping2D(_BaseCropping):
    """Crops rows and columns.

    Args:
        cropping: int, ``(rows, cols)`` or ``((top, bottom), (left, right))``.
        data_format: ``"channels_last"`` (default) or ``"channels_first"``.

    Example:
        >>> ops.shape(lamina.layers.Cropping2D(((1, 1), (0, 2)))(lamina.ops.ones((1, 5, 5, 1))))
        (1, 3, 3, 1)
    """

    rank = 2

    def __init__(self, cropping=((0, 0), (0, 0)), data_format=None, **kwargs):
        super().__init__(cropping, data_format, **kwargs)


class Cropping3D(_BaseCropping):
    """Crops the 3 spatial axes. Args: as ``Cropping2D`` with 3 entries.

    Example:
        >>> ops.shape(lamina.layers.Cropping3D(1)(lamina.ops.ones((1, 4, 4, 4, 1))))
        (1, 2, 2, 2, 1)
    """

    rank = 3

    def __init__(self, cropping=((1, 1), (1, 1), (1, 1)), data_format=None, **kwargs):
        super().__init__(cropping, data_format, **kwargs)
