"""Activation layers with arguments or weights: ReLU, LeakyReLU, PReLU, ELU, Softmax."""

from lamina import constraints, initializers, ops, regularizers
from lamina.layers.layer import Layer


class _Elementwise(Layer):
    supports_masking = True

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.built = True

    def compute_output_shape(self, input_shape):
        return input_shape


class ReLU(_Elementwise):
    """Rectified linear unit with optional cap, leak and threshold.

    ``f(x) = max_value`` for ``x >= max_value``, ``x`` for ``threshold < x < max_value``,
    ``negative_slope * (x - threshold)`` otherwise.

    Args:
        max_value: non-negative float cap, or None.
        negative_slope: non-negative slope below the threshold.
        threshold: non-negative threshold.

    Example:
        >>> ops.convert_to_numpy(lamina.layers.ReLU(max_value=6.0)(lamina.ops.convert_to_tensor([-1.0, 3.0, 9.0])))
        array([0., 3., 6.], dtype=float32)
    """

    def __init__(self, max_value=None, negative_slope=0.0, threshold=0.0, **kwargs):
        super().__init__(**kwargs)
        for name, value in (("max_value", max_value), ("negative_slope", negative_slope), ("threshold", threshold)):
            if (value is None and name != "max_value") or (value is not None and value < 0):
                raise ValueError(f"ReLU: `{name}` must be a non-negative float. Received: {name}={value!r}")
        self.max_value = max_value
        self.negative_slope = negative_slope
        self.threshold = threshold

    def call(self, inputs):
        if not self.negative_slope and self.threshold == 0 and self.max_value is None:
            return ops.relu(inputs)
        x = inputs
        positive = ops.multiply(x, ops.cast(ops.greater(x, self.threshold), x.dtype)) if self.threshold else ops.relu(x)
        if self.max_value is not None:
            positive = ops.minimum(positive, self.max_value)
        if self.negative_slope:
            negative = ops.relu(ops.subtract(self.threshold, x))
            positive = ops.subtract(positive, ops.multiply(self.negative_slope, negative))
        return positive

    def get_config(self):
        config = super().get_config()
        config.update({"max_value": self.max_value, "negative_slope": self.negative_slope,
                       "threshold": self.threshold})
        return config


class LeakyReLU(_Elementwise):
    """``x`` for ``x >= 0``, ``negative_slope * x`` otherwise.

    Args:
        negative_slope: the slope below 0 (default 0.3). The Keras 2 name ``alpha`` is accepted.

    Example:
        >>> ops.convert_to_numpy(lamina.layers.LeakyReLU(0.1)(lamina.ops.convert_to_tensor([-2.0, 2.0])))
        array([-0.2,  2. ], dtype=float32)
    """

    def __init__(self, negative_slope=0.3, **kwargs):
        if "alpha" in kwargs:
            negative_slope = kwargs.pop("alpha")
        super().__init__(**kwargs)
        if negative_slope is None or negative_slope < 0:
            raise ValueError(
                f"LeakyReLU: `negative_slope` must be a non-negative float. Received: negative_slope={negative_slope!r}"
            )
        self.negative_slope = negative_slope

    def call(self, inputs):
        return ops.leaky_relu(inputs, negative_slope=self.negative_slope)

    def get_config(self):
        config = super().get_config()
        config["negative_slope"] = self.negative_slope
        return config


class ELU(_Elementwise):
    """``x`` for ``x > 0``, ``alpha * (exp(x) - 1)`` otherwise.

    Args:
        alpha: scale of the negative part.

    Example:
        >>> ops.convert_to_numpy(lamina.layers.ELU()(lamina.ops.convert_to_tensor([-1.0, 1.0])))
        array([-0.6321,  1.        ], dtype=float32)
    """

    def __init__(self, alpha=1.0, **kwargs):
        super().__init__(**kwargs)
        self.alpha = alpha

    def call(self, inputs):
        return ops.elu(inputs, alpha=self.alpha)

    def get_config(self):
        config = super().get_config()
        config["alpha"] = self.alpha
        return config


class Softmax(_Elementwise):
    """Softmax along ``axis``; masked positions (``mask`` False) get probability 0.

    Args:
        axis: int or tuple of ints.

    Call arguments:
        mask: boolean tensor broadcastable to the inputs (True = keep).

    Example:
        >>> ops.convert_to_numpy(lamina.layers.Softmax()(lamina.ops.ones((2, 4))))
        array([[0.25, 0.25, 0.25, 0.25],
               [0.25, 0.25, 0.25, 0.25]], dtype=float32)
    """

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        self.axis = axis

    def call(self, inputs, mask=None):
        if mask is not None:
            if len(mask.shape) > len(inputs.shape):
                raise ValueError(
                    f"Softmax layer '{self.name}': the mask must be broadcastable to the inputs. "
                    f"Received: inputs.shape={tuple(inputs.shape)}, mask.shape={tuple(mask.shape)}"
                )
            if ops.dtype(mask) != "bool":
                mask = ops.greater(mask, 0.5)
            fill = -3e4 if ops.dtype(inputs) == "float16" else -1e9
            inputs = ops.where(mask, inputs, fill)
        axis = self.axis
        if isinstance(axis, (list, tuple)) and len(axis) == 1:
            axis = axis[0]
        outputs = ops.softmax(inputs, axis=tuple(axis) if isinstance(axis, list) else axis)
        if mask is not None:
            outputs = ops.where(mask, outputs, 0.0)
        return outputs

    def get_config(self):
        config = super().get_config()
        config["axis"] = self.axis
        return config


class PReLU(Layer):
    """Leaky ReLU with a learned slope ``alpha`` per feature: ``max(x, 0) - alpha * max(-x, 0)``.

    Args:
        alpha_initializer / alpha_regularizer / alpha_constraint: for the ``alpha`` weight.
        shared_axes: axes (1-based, batch excluded) along which ``alpha`` is shared, e.g. ``[1, 2]``
            for one slope per channel of an image.

    Example:
        >>> ops.shape(lamina.layers.PReLU(shared_axes=[1, 2])(lamina.ops.ones((1, 4, 4, 3))))
        (1, 4, 4, 3)
    """

    supports_masking = True

    def __init__(self, alpha_initializer="Zeros", alpha_regularizer=None, alpha_constraint=None, shared_axes=None,
                 **kwargs):
        super().__init__(**kwargs)
        self.alpha_initializer = initializers.get(alpha_initializer)
        self.alpha_regularizer = regularizers.get(alpha_regularizer)
        self.alpha_constraint = constraints.get(alpha_constraint)
        if shared_axes is None:
            self.shared_axes = None
        elif isinstance(shared_axes, (list, tuple)):
            self.shared_axes = list(shared_axes)
        else:
            self.shared_axes = [shared_axes]

    def build(self, input_shape):
        shape = list(input_shape[1:])
        for axis in self.shared_axes or []:
            if not 1 <= axis <= len(shape):
                raise ValueError(
                    f"PReLU layer '{self.name}': shared axis {axis} is out of range for inputs of shape "
                    f"{tuple(input_shape)}"
                )
            shape[axis - 1] = 1
        if any(d is None for d in shape):
            raise ValueError(
                f"PReLU layer '{self.name}' needs known sizes on the non-shared axes. Received input_shape="
                f"{tuple(input_shape)}, shared_axes={self.shared_axes}"
            )
        self.alpha = self.add_weight(name="alpha", shape=tuple(shape), initializer=self.alpha_initializer,
                                     regularizer=self.alpha_regularizer, constraint=self.alpha_constraint)
        self.built = True

    def call(self, inputs):
        return ops.subtract(ops.relu(inputs), ops.multiply(self.alpha, ops.relu(ops.negative(inputs))))

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config.update({
            "alpha_initializer": initializers.serialize(self.alpha_initializer),
            "alpha_regularizer": regularizers.serialize(self.alpha_regularizer),
            "alpha_constraint": constraints.serialize(self.alpha_constraint),
            "shared_axes": self.shared_axes,
        })
        return config
