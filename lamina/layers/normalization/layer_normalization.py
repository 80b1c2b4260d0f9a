"""Per-sample normalizations: LayerNormalization, RMSNormalization, UnitNormalization."""

from lamina import ops
from lamina.layers.layer import Layer
from lamina.layers.normalization._moments import (affine_config, build_affine, moments, normalize_axes,
                                                  scale_and_shift, set_affine_options, upcast)


def _cast_back(y, dtype):
    return ops.cast(y, dtype) if dtype != ops.dtype(y) else y


class LayerNormalization(Layer):
    """Normalizes each sample over ``axis`` to mean 0 and variance 1, then scales and shifts.

    Args:
        axis: int or list of ints, the axes normalized (default the last).
        epsilon: added to the variance.
        center / scale: whether to learn ``beta`` / ``gamma``.
        rms_scaling: divide by the standard deviation without centering (Keras's legacy option).
        beta_* / gamma_*: initializers, regularizers and constraints.

    Example:
        >>> ops.shape(lamina.layers.LayerNormalization()(lamina.ops.ones((2, 4))))
        (2, 4)
    """

    supports_masking = True

    def __init__(self, axis=-1, epsilon=1e-3, center=True, scale=True, rms_scaling=False,
                 beta_initializer="zeros", gamma_initializer="ones", beta_regularizer=None,
                 gamma_regularizer=None, beta_constraint=None, gamma_constraint=None, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(axis, int) and not (isinstance(axis, (list, tuple)) and all(isinstance(a, int) for a in axis)):
            raise TypeError(f"LayerNormalization: expected an int or a list of ints for `axis`. Received: axis={axis!r}")
        self.axis = axis if isinstance(axis, int) else list(axis)
        self.epsilon = float(epsilon)
        self.rms_scaling = rms_scaling
        set_affine_options(self, center, scale, beta_initializer=beta_initializer,
                           gamma_initializer=gamma_initializer, beta_regularizer=beta_regularizer,
                           gamma_regularizer=gamma_regularizer, beta_constraint=beta_constraint,
                           gamma_constraint=gamma_constraint)

    def build(self, input_shape):
        ndim = len(input_shape)
        self._axes = normalize_axes(self, self.axis, ndim)
        shape = tuple(input_shape[a] for a in self._axes)
        if any(d is None for d in shape):
            raise ValueError(
                f"LayerNormalization layer '{self.name}' needs known sizes on axis {self.axis}. "
                f"Received input_shape={tuple(input_shape)}"
            )
        build_affine(self, shape)
        self._broadcast_shape = tuple(input_shape[i] if i in self._axes else 1 for i in range(ndim))
        self._trailing = self._axes == tuple(range(ndim - len(self._axes), ndim))
        self.built = True

    def _broadcast(self, v):
        return v if v is None or self._trailing else ops.reshape(v, self._broadcast_shape)

    def call(self, inputs):
        x, dtype = upcast(inputs)
        gamma, beta = self._broadcast(self.gamma), self._broadcast(self.beta)
        if self.rms_scaling:
            _, variance = moments(x, self._axes)
            y = ops.multiply(x, ops.divide(1.0, ops.sqrt(ops.add(variance, self.epsilon))))
            y = ops.multiply(y, gamma) if gamma is not None else y
        else:
            mean, variance = moments(x, self._axes)
            y = scale_and_shift(x, mean, variance, self.epsilon, gamma, beta)
        return _cast_back(y, dtype)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config.update({
            "axis": self.axis,
            "epsilon": self.epsilon,
            "rms_scaling": self.rms_scaling,
            **affine_config(self),
        })
        return config


class RMSNormalization(Layer):
    """``x / sqrt(mean(x**2, axis) + epsilon) * scale`` with a learned ``scale``.

    Args:
        axis: int or list of ints (default the last).
        epsilon: added inside the square root.

    Example:
        >>> ops.shape(lamina.layers.RMSNormalization()(lamina.ops.ones((2, 4))))
        (2, 4)
    """

    supports_masking = True

    def __init__(self, axis=-1, epsilon=1e-6, **kwargs):
        super().__init__(**kwargs)
        self.axis = axis if isinstance(axis, int) else list(axis)
        self.epsilon = float(epsilon)

    def build(self, input_shape):
        ndim = len(input_shape)
        self._axes = normalize_axes(self, self.axis, ndim)
        shape = tuple(input_shape[a] for a in self._axes)
        self.scale = self.add_weight(name="scale", shape=shape, initializer="ones")
        self._broadcast_shape = tuple(input_shape[i] if i in self._axes else 1 for i in range(ndim))
        self._trailing = self._axes == tuple(range(ndim - len(self._axes), ndim))
        self.built = True

    def call(self, inputs):
        x, dtype = upcast(inputs)
        mean_square = ops.mean(ops.square(x), axis=self._axes, keepdims=True)
        y = ops.multiply(x, ops.divide(1.0, ops.sqrt(ops.add(mean_square, self.epsilon))))
        scale = self.scale if self._trailing else ops.reshape(self.scale, self._broadcast_shape)
        return _cast_back(ops.multiply(y, scale), dtype)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config.update({"axis": self.axis, "epsilon": self.epsilon})
        return config


class UnitNormalization(Layer):
    """Scales each sample to unit L2 norm along ``axis``.

    Args:
        axis: int or list of ints (default the last).

    Example:
        >>> ops.convert_to_numpy(lamina.layers.UnitNormalization()(lamina.ops.convert_to_tensor([[3.0, 4.0]])))
        array([[0.6, 0.8]], dtype=float32)
    """

    supports_masking = True

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(axis, int) and not isinstance(axis, (list, tuple)):
            raise TypeError(f"UnitNormalization: expected an int or a list of ints for `axis`. Received: axis={axis!r}")
        self.axis = axis if isinstance(axis, int) else list(axis)
        self.built = True

    def call(self, inputs):
        x, dtype = upcast(inputs)
        axes = normalize_axes(self, self.axis, len(x.shape))
        square_sum = ops.sum(ops.square(x), axis=axes, keepdims=True)
        inv_norm = ops.minimum(ops.divide(1.0, ops.sqrt(square_sum)), 1e12)
        return _cast_back(ops.multiply(x, inv_norm), dtype)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config["axis"] = self.axis
        return config
