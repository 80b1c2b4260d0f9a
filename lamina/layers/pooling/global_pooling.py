"""Global max and average pooling over all spatial axes, 1-D to 3-D."""

from lamina import ops
from lamina.backend import _conv_utils as _cu
from lamina.layers.input_spec import InputSpec
from lamina.layers.layer import Layer


class BaseGlobalPooling(Layer):
    """Reduces all spatial axes; subclasses set ``rank`` and ``_reduce``."""

    rank = None

    def __init__(self, data_format=None, keepdims=False, **kwargs):
        super().__init__(**kwargs)
        self.data_format = _cu.standardize_format(data_format)
        self.keepdims = keepdims
        self.input_spec = InputSpec(ndim=self.rank + 2)
        if self.data_format == "channels_last":
            self._axes = tuple(range(1, self.rank + 1))
        else:
            self._axes = tuple(range(2, self.rank + 2))
        self.built = True

    def compute_output_shape(self, input_shape):
        input_shape = tuple(input_shape)
        if len(input_shape) != self.rank + 2:
            raise ValueError(
                f"{type(self).__name__} layer '{self.name}' expects inputs of rank {self.rank + 2}. "
                f"Received shape {input_shape}"
            )
        if self.keepdims:
            return tuple(1 if i in self._axes else d for i, d in enumerate(input_shape))
        return tuple(d for i, d in enumerate(input_shape) if i not in self._axes)

    def compute_mask(self, inputs, previous_mask):
        return None

    def get_config(self):
        config = super().get_config()
        config.update({"data_format": self.data_format, "keepdims": self.keepdims})
        return config


class _GlobalMax(BaseGlobalPooling):
    def call(self, inputs):
        return ops.max(inputs, axis=self._axes, keepdims=self.keepdims)


class _GlobalAverage(BaseGlobalPooling):
    def call(self, inputs):
        return ops.mean(inputs, axis=self._axes, keepdims=self.keepdims)


class GlobalMaxPooling1D(_GlobalMax):
    """Maximum over the steps axis: ``(N, steps, C) -> (N, C)``.

    Args:
        data_format: ``"channels_last"`` (default) or ``"channels_first"``.
        keepdims: keep the reduced axis with length 1.

    Masked steps (``mask`` of shape ``(N, steps)``) are excluded; a sample whose steps are all
    masked gives zeros. (Keras 3 ignores the mask here; padded steps should not win a max.)

    Example:
        >>> ops.shape(lamina.layers.GlobalMaxPooling1D()(lamina.ops.ones((2, 5, 3))))
        (2, 3)
    """

    rank = 1
    supports_masking = True

    def call(self, inputs, mask=None):
        if mask is None:
            return ops.max(inputs, axis=self._axes, keepdims=self.keepdims)
        feature_axis = 2 if self.data_format == "channels_last" else 1
        keep = ops.expand_dims(ops.cast(mask, "bool"), feature_axis)
        lowest = ops.full_like(inputs, -3.0e38) if inputs.dtype != "float16" else ops.full_like(inputs, -6.0e4)
        best = ops.max(ops.where(keep, inputs, lowest), axis=self._axes, keepdims=self.keepdims)
        any_kept = ops.any(keep, axis=self._axes, keepdims=self.keepdims)
        return ops.where(any_kept, best, ops.zeros_like(best))


class GlobalMaxPooling2D(_GlobalMax):
    """Maximum over the spatial axes: ``(N, H, W, C) -> (N, C)``. Args: as ``GlobalMaxPooling1D``.

    Example:
        >>> ops.shape(lamina.layers.GlobalMaxPooling2D()(lamina.ops.ones((2, 4, 4, 3))))
        (2, 3)
    """

    rank = 2


class GlobalMaxPooling3D(_GlobalMax):
    """Maximum over the 3 spatial axes. Args: as ``GlobalMaxPooling1D``.

    Example:
        >>> ops.shape(lamina.layers.GlobalMaxPooling3D(keepdims=True)(lamina.ops.ones((2, 3, 3, 3, 4))))
        (2, 1, 1, 1, 4)
    """

    rank = 3


class GlobalAveragePooling1D(_GlobalAverage):
    """Mean over the steps axis; masked steps (``mask`` of shape ``(N, steps)``) are excluded.

    Args:
        data_format: ``"channels_last"`` (default) or ``"channels_first"``.
        keepdims: keep the reduced axis with length 1.

    Example:
        >>> ops.shape(lamina.layers.GlobalAveragePooling1D()(lamina.ops.ones((2, 5, 3))))
        (2, 3)
    """

    rank = 1
    supports_masking = True

    def call(self, inputs, mask=None):
        if mask is None:
            return ops.mean(inputs, axis=self._axes, keepdims=self.keepdims)
        feature_axis = 2 if self.data_format == "channels_last" else 1
        weights = ops.expand_dims(ops.cast(mask, inputs.dtype), feature_axis)
        total = ops.sum(ops.multiply(inputs, weights), axis=self._axes, keepdims=self.keepdims)
        count = ops.sum(weights, axis=self._axes, keepdims=self.keepdims)
        return ops.divide(total, count)


class GlobalAveragePooling2D(_GlobalAverage):
    """Mean over the spatial axes: ``(N, H, W, C) -> (N, C)``. Args: as ``GlobalAveragePooling1D``.

    Example:
        >>> ops.shape(lamina.layers.GlobalAveragePooling2D()(lamina.ops.ones((2, 4, 4, 3))))
        (2, 3)
    """

    rank = 2


class GlobalAveragePooling3D(_GlobalAverage):
    """Mean over the 3 spatial axes. Args: as ``GlobalAveragePooling1D``.

    Example:
        >>> ops.shape(lamina.layers.GlobalAveragePooling3D()(lamina.ops.ones((2, 3, 3, 3, 4))))
        (2, 4)
    """

    rank = 3


GlobalMaxPool1D, GlobalMaxPool2D, GlobalMaxPool3D = GlobalMaxPooling1D, GlobalMaxPooling2D, GlobalMaxPooling3D
GlobalAvgPool1D, GlobalAvgPool2D, GlobalAvgPool3D = (GlobalAveragePooling1D, GlobalAveragePooling2D,
                                                      GlobalAveragePooling3D)
