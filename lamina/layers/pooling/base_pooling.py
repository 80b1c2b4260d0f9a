"""MaxPooling1D/2D/3D and AveragePooling1D/2D/3D."""

from lamina import ops
from lamina.backend import _conv_utils as _cu
from lamina.layers.input_spec import InputSpec
from lamina.layers.layer import Layer


class BasePooling(Layer):
    """Pools windows of ``pool_size``; subclasses set ``rank`` and ``_op`` (the pooling op).

    ``pool_size`` is required, as for Keras 3's average pooling; max pooling defaults it to 2
    (``_MaxPooling``), as Keras does.
    """

    rank = None
    _op = None

    def __init__(self, pool_size, strides=None, padding="valid", data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.pool_size = _cu.tuplify(pool_size, self.rank, "pool_size")
        self.strides = self.pool_size if strides is None else _cu.tuplify(strides, self.rank, "strides")
        self.padding = _cu.standardize_padding(padding)
        self.data_format = _cu.standardize_format(data_format)
        self.input_spec = InputSpec(ndim=self.rank + 2)
        self.built = True

    def call(self, inputs):
        return type(self)._op(inputs, self.pool_size, self.strides, self.padding, self.data_format)

    def compute_output_shape(self, input_shape):
        input_shape = tuple(input_shape)
        if len(input_shape) != self.rank + 2:
            raise ValueError(
                f"{type(self).__name__} layer '{self.name}' expects inputs of rank {self.rank + 2}. "
                f"Received shape {input_shape}"
            )
        first = self.data_format == "channels_first"
        spatial = input_shape[2:] if first else input_shape[1:-1]
        out = tuple(_cu.conv_output_length(n, k, self.padding, s)
                    for n, k, s in zip(spatial, self.pool_size, self.strides))
        if first:
            return input_shape[:2] + out
        return (input_shape[0],) + out + (input_shape[-1],)

    def get_config(self):
        config = super().get_config()
        config.update({"pool_size": self.pool_size, "padding": self.padding, "strides": self.strides,
                       "data_format": self.data_format})
        return config


class _MaxPooling(BasePooling):
    """Max pooling: ``pool_size`` defaults to 2 in every dimension, as in Keras 3."""

    def __init__(self, pool_size=2, strides=None, padding="valid", data_format=None, **kwargs):
        super().__init__(pool_size, strides=strides, padding=padding, data_format=data_format, **kwargs)


def _pool_class(name, rank, op, what, example):
    is_max = op is ops.max_pool
    doc = f"""{what} pooling over {rank}-D windows.

    Args:
        pool_size: int or tuple of {rank} ints, the window ({"default 2" if is_max else "required"}).
        strides: int or tuple; defaults to ``pool_size``.
        padding: ``"valid"`` or ``"same"`` (Keras semantics{"" if is_max else ", padding not counted"}).
        data_format: ``"channels_last"`` (default) or ``"channels_first"``.

    Example:
        >>> {example}
    """
    return type(name, (_MaxPooling if is_max else BasePooling,), {"rank": rank, "_op": staticmethod(op), "__doc__": doc,
                                       "__module__": __name__})


MaxPooling1D = _pool_class(
    "MaxPooling1D", 1, ops.max_pool, "Max",
    "lamina.ops.shape(lamina.layers.MaxPooling1D()(lamina.ops.ones((1, 6, 2))))\n        (1, 3, 2)",
)
MaxPooling2D = _pool_class(
    "MaxPooling2D", 2, ops.max_pool, "Max",
    "lamina.ops.shape(lamina.layers.MaxPooling2D()(lamina.ops.ones((1, 6, 6, 2))))\n        (1, 3, 3, 2)",
)
MaxPooling3D = _pool_class(
    "MaxPooling3D", 3, ops.max_pool, "Max",
    "lamina.ops.shape(lamina.layers.MaxPooling3D()(lamina.ops.ones((1, 4, 4, 4, 2))))\n        (1, 2, 2, 2, 2)",
)
AveragePooling1D = _pool_class(
    "AveragePooling1D", 1, ops.average_pool, "Average",
    "lamina.ops.shape(lamina.layers.AveragePooling1D(3, 1)(lamina.ops.ones((1, 6, 2))))\n        (1, 4, 2)",
)
AveragePooling2D = _pool_class(
    "AveragePooling2D", 2, ops.average_pool, "Average",
    "lamina.ops.shape(lamina.layers.AveragePooling2D(2)(lamina.ops.ones((1, 6, 6, 2))))\n        (1, 3, 3, 2)",
)
AveragePooling3D = _pool_class(
    "AveragePooling3D", 3, ops.average_pool, "Average",
    "lamina.ops.shape(lamina.layers.AveragePooling3D(2)(lamina.ops.ones((1, 4, 4, 4, 2))))\n        (1, 2, 2, 2, 2)",
)

MaxPool1D, MaxPool2D, MaxPool3D = MaxPooling1D, MaxPooling2D, MaxPooling3D
AvgPool1D, AvgPool2D, AvgPool3D = AveragePooling1D, AveragePooling2D, AveragePooling3D
