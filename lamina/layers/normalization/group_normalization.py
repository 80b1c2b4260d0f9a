"""GroupNormalization: normalizes groups of channels per sample."""

from lamina import ops
from lamina.layers.input_spec import InputSpec
from lamina.layers.layer import Layer
from lamina.layers.normalization._moments import (affine_config, build_affine, moments, normalize_axes,
                                                  scale_and_shift, set_affine_options, upcast)


class GroupNormalization(Layer):
    """Splits the channels on ``axis`` into ``groups`` and normalizes each group of each sample.

    ``groups=-1`` gives instance normalization, ``groups=1`` layer normalization over all axes.

    Args:
        groups: number of groups; must divide the channel count (``-1``: one per channel).
        axis: the channel axis.
        epsilon: added to the variance.
        center / scale: whether to learn ``beta`` / ``gamma``.
        beta_* / gamma_*: initializers, regularizers and constraints.

    Example:
        >>> ops.shape(lamina.layers.GroupNormalization(groups=2)(lamina.ops.ones((2, 5, 4))))
        (2, 5, 4)
    """

    supports_masking = True

    def __init__(self, groups=32, axis=-1, epsilon=1e-3, center=True, scale=True, beta_initializer="zeros",
                 gamma_initializer="ones", beta_regularizer=None, gamma_regularizer=None, beta_constraint=None,
                 gamma_constraint=None, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(groups, int) or (groups <= 0 and groups != -1):
            raise ValueError(f"GroupNormalization: expected a positive int (or -1) for `groups`. Received: groups={groups!r}")
        self.groups = groups
        self.axis = axis
        self.epsilon = float(epsilon)
        set_affine_options(self, center, scale, beta_initializer=beta_initializer,
                           gamma_initializer=gamma_initializer, beta_regularizer=beta_regularizer,
                           gamma_regularizer=gamma_regularizer, beta_constraint=beta_constraint,
                           gamma_constraint=gamma_constraint)

    def build(self, input_shape):
        ndim = len(input_shape)
        (axis,) = normalize_axes(self, self.axis, ndim)
        channels = input_shape[axis]
        if axis == 0:
            raise ValueError(f"GroupNormalization layer '{self.name}': `axis` cannot be the batch axis. Received: axis={self.axis}")
        if channels is None:
            raise ValueError(
                f"GroupNormalization layer '{self.name}' needs a known size on axis {self.axis}. "
                f"Received input_shape={tuple(input_shape)}"
            )
        groups = channels if self.groups == -1 else self.groups
        if channels % groups or groups > channels:
            raise ValueError(
                f"GroupNormalization layer '{self.name}': groups={self.groups} must divide the {channels} channels "
                f"on axis {self.axis}. Received input_shape={tuple(input_shape)}"
            )
        self._groups = groups
        self._axis = axis
        build_affine(self, (channels,))
        # Grouped view: the channel axis becomes (groups, channels // groups).
        self._param_shape = tuple(
            [1] * axis + [groups, channels // groups] + [1] * (ndim - axis - 1))
        self._reduce = tuple(i for i in range(1, ndim + 1) if i != axis)
        self.input_spec = InputSpec(ndim=ndim, axes={axis: channels})
        self.built = True

    def call(self, inputs):
        x, dtype = upcast(inputs)
        shape = ops.shape(x)
        axis = self._axis
        grouped_shape = (-1,) + tuple(shape[1:axis]) + (self._groups, shape[axis] // self._groups) + tuple(shape[axis + 1:])
        grouped = ops.reshape(x, grouped_shape)
        mean, variance = moments(grouped, self._reduce)
        gamma = None if self.gamma is None else ops.reshape(self.gamma, self._param_shape)
        beta = None if self.beta is None else ops.reshape(self.beta, self._param_shape)
        y = scale_and_shift(grouped, mean, variance, self.epsilon, gamma, beta)
        y = ops.reshape(y, (-1,) + tuple(shape[1:]))
        return ops.cast(y, dtype) if dtype != ops.dtype(y) else y

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config.update({
            "groups": self.groups,
            "axis": self.axis,
            "epsilon": self.epsilon,
            **affine_config(self),
        })
        return config
