"""Adaptive pooling: pools 1-D to 3-D inputs to a fixed ``output_size`` whatever their spatial size.

Window ``i`` of an axis of length ``L`` pooled to ``n`` covers ``[floor(i*L/n), ceil((i+1)*L/n))``
(``ops.adaptive_average_pool`` / ``ops.adaptive_max_pool``).
"""

from lamina import ops
from lamina.backend import _conv_utils as _cu
from lamina.layers.input_spec import InputSpec
from lamina.layers.layer import Layer


class BaseAdaptivePooling(Layer):
    """Pools to ``output_size``; a subclass sets ``rank`` (1, 2 or 3) and ``_pool`` (the op).

    Args:
        output_size: int or tuple of ``rank`` positive ints, the output's spatial size.
        data_format: ``"channels_last"`` (default from config) or ``"channels_first"``.
    """

    rank = None

    def __init__(self, output_size, data_format=None, **kwargs):
        super().__init__(**kwargs)
        sizes = (output_size,) * self.rank if isinstance(output_size, int) else output_size
        if (not isinstance(sizes, (tuple, list)) or len(sizes) != self.rank
                or any(not isinstance(s, int) or isinstance(s, bool) or s < 1 for s in sizes)):
            raise TypeError(f"{type(self).__name__}: `output_size` must be a positive int or a tuple of {self.rank} "
                            f"positive ints. Received: output_size={output_size!r}")
        self.output_size = tuple(sizes)
        self.data_format = _cu.standardize_format(data_format)
        self.input_spec = InputSpec(ndim=self.rank + 2)
        self.built = True

    def call(self, inputs):
        return self._pool(inputs, self.output_size, data_format=self.data_format)

    def compute_output_shape(self, input_shape):
        input_shape = tuple(input_shape)
        if len(input_shape) != self.rank + 2:
            raise ValueError(f"{type(self).__name__} layer '{self.name}' expects inputs of rank {self.rank + 2}. "
                             f"Received shape {input_shape}")
        if self.data_format == "channels_last":
            return (input_shape[0], *self.output_size, input_shape[-1])
        return (input_shape[0], input_shape[1], *self.output_size)

    def get_config(self):
        config = super().get_config()
        config.update({"output_size": self.output_size, "data_format": self.data_format})
        return config


class AdaptiveAveragePooling1D(BaseAdaptivePooling):
    """Averages adaptive windows of the steps axis: ``(N, steps, C) -> (N, output_size, C)``.

    Args:
        output_size: int or tuple of 1 int, the number of output steps.
        data_format: ``"channels_last"`` (default from config) or ``"channels_first"``.

    Example:
        >>> ops.shape(lamina.layers.AdaptiveAveragePooling1D(3)(ops.ones((2, 10, 4))))
        (2, 3, 4)
    """

    rank = 1
    _pool = staticmethod(ops.adaptive_average_pool)


class AdaptiveAveragePooling2D(BaseAdaptivePooling):
    """Averages adaptive windows of the 2 spatial axes: ``(N, H, W, C) -> (N, *output_size, C)``.

    Args:
        output_size: int or tuple of 2 ints, the output's height and width.
        data_format: ``"channels_last"`` (default from config) or ``"channels_first"``.

    Example:
        >>> ops.shape(lamina.layers.AdaptiveAveragePooling2D((2, 3))(ops.ones((1, 7, 8, 3))))
        (1, 2, 3, 3)
    """

    rank = 2
    _pool = staticmethod(ops.adaptive_average_pool)


class AdaptiveAveragePooling3D(BaseAdaptivePooling):
    """Averages adaptive windows of the 3 spatial axes: ``(N, D, H, W, C) -> (N, *output_size, C)``.

    Args:
        output_size: int or tuple of 3 ints, the output's depth, height and width.
        data_format: ``"channels_last"`` (default from config) or ``"channels_first"``.

    Example:
        >>> ops.shape(lamina.layers.AdaptiveAveragePooling3D(2)(ops.ones((1, 5, 5, 5, 2))))
        (1, 2, 2, 2, 2)
    """

    rank = 3
    _pool = staticmethod(ops.adaptive_average_pool)


class AdaptiveMaxPooling1D(BaseAdaptivePooling):
    """Maximum of adaptive windows of the steps axis: ``(N, steps, C) -> (N, output_size, C)``.

    Args:
        output_size: int or tuple of 1 int, the number of output steps.
        data_format: ``"channels_last"`` (default from config) or ``"channels_first"``.

    Example:
        >>> ops.shape(lamina.layers.AdaptiveMaxPooling1D(3)(ops.ones((2, 10, 4))))
        (2, 3, 4)
    """

    rank = 1
    _pool = staticmethod(ops.adaptive_max_pool)


class AdaptiveMaxPooling2D(BaseAdaptivePooling):
    """Maximum of adaptive windows of the 2 spatial axes: ``(N, H, W, C) -> (N, *output_size, C)``.

    Args:
        output_size: int or tuple of 2 ints, the output's height and width.
        data_format: ``"channels_last"`` (default from config) or ``"channels_first"``.

    Example:
        >>> ops.shape(lamina.layers.AdaptiveMaxPooling2D((2, 3))(ops.ones((1, 7, 8, 3))))
        (1, 2, 3, 3)
    """

    rank = 2
    _pool = staticmethod(ops.adaptive_max_pool)


class AdaptiveMaxPooling3D(BaseAdaptivePooling):
    """Maximum of adaptive windows of the 3 spatial axes: ``(N, D, H, W, C) -> (N, *output_size, C)``.

    Args:
        output_size: int or tuple of 3 ints, the output's depth, height and width.
        data_format: ``"channels_last"`` (default from config) or ``"channels_first"``.

    Example:
        >>> ops.shape(lamina.layers.AdaptiveMaxPooling3D(2)(ops.ones((1, 5, 5, 5, 2))))
        (1, 2, 2, 2, 2)
    """

    rank = 3
    _pool = staticmethod(ops.adaptive_max_pool)
