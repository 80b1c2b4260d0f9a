"""BatchNormalization: normalizes with batch statistics in training, moving statistics otherwise."""

from lamina import initializers, ops
from lamina.layers.input_spec import InputSpec
from lamina.layers.layer import Layer
from lamina.layers.normalization._moments import (affine_config, build_affine, moments, normalize_axes,
                                                  scale_and_shift, set_affine_options, upcast)


class BatchNormalization(Layer):
    """Normalizes the features along ``axis``.

    In training (``training=True`` and ``layer.trainable``) it uses the batch mean and variance
    and updates ``moving_mean``/``moving_variance`` as ``moving * momentum + batch * (1 - momentum)``.
    Otherwise (inference, or a frozen layer, as in Keras 3) it uses the moving statistics.

    Args:
        axis: the feature axis (int), e.g. ``1`` for channels-first images.
        momentum: momentum of the moving averages.
        epsilon: added to the variance.
        center / scale: whether to learn ``beta`` / ``gamma``.
        *_initializer, *_regularizer, *_constraint: for beta, gamma and the moving statistics.
        synchronized: accepted for Keras compatibility; statistics are computed over the whole
            (global) batch given to the layer.
        renorm: batch renormalization (Ioffe, 2017): in training the normalized batch is
            corrected by ``r = batch_std / renorm_std`` and ``d = (batch_mean - renorm_mean) /
            renorm_std`` (no gradient through them), so training sees statistics close to
            inference's.
        renorm_clipping: with ``renorm``, a dict with optional ``"rmax"``, ``"rmin"``, ``"dmax"``
            clipping ``r`` to ``[rmin, rmax]`` and ``d`` to ``[-dmax, dmax]``.
        renorm_momentum: with ``renorm``, the momentum of ``renorm_mean``/``renorm_stddev``.

    Weights, in Keras order: ``gamma``, ``beta`` (trainable), ``moving_mean``, ``moving_variance``,
    and with ``renorm`` ``moving_stddev``, ``renorm_mean``, ``renorm_stddev``.

    Example:
        >>> bn = lamina.layers.BatchNormalization()
        >>> y = bn(lamina.ops.ones((4, 3)), training=True)
    """

    _mixes_batch_rows = True  # in training, each row's output depends on the whole batch

    supports_masking = True

    def __init__(self, axis=-1, momentum=0.99, epsilon=1e-3, center=True, scale=True,
                 beta_initializer="zeros", gamma_initializer="ones", moving_mean_initializer="zeros",
                 moving_variance_initializer="ones", beta_regularizer=None, gamma_regularizer=None,
                 beta_constraint=None, gamma_constraint=None, synchronized=False, renorm=False,
                 renorm_clipping=None, renorm_momentum=0.99, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(axis, int):
            raise ValueError(f"BatchNormalization: expected an int for `axis`. Received: axis={axis!r}")
        self.renorm = bool(renorm)
        self.renorm_clipping = _check_renorm_clipping(renorm_clipping) if self.renorm else renorm_clipping
        self.renorm_momentum = float(renorm_momentum)
        self.axis = axis
        self.momentum = float(momentum)
        self.epsilon = float(epsilon)
        self.synchronized = synchronized
        set_affine_options(self, center, scale, beta_initializer=beta_initializer,
                           gamma_initializer=gamma_initializer, beta_regularizer=beta_regularizer,
                           gamma_regularizer=gamma_regularizer, beta_constraint=beta_constraint,
                           gamma_constraint=gamma_constraint)
        self.moving_mean_initializer = initializers.get(moving_mean_initializer)
        self.moving_variance_initializer = initializers.get(moving_variance_initializer)

    def build(self, input_shape):
        ndim = len(input_shape)
        (axis,) = normalize_axes(self, self.axis, ndim)
        size = input_shape[axis]
        if size is None:
            raise ValueError(
                f"BatchNormalization layer '{self.name}' needs a known size on axis {self.axis}. "
                f"Received input_shape={tuple(input_shape)}"
            )
        shape = (size,)
        build_affine(self, shape)
        self.moving_mean = self.add_weight(name="moving_mean", shape=shape, initializer=self.moving_mean_initializer,
                                           trainable=False, autocast=False)
        self.moving_variance = self.add_weight(name="moving_variance", shape=shape,
                                               initializer=self.moving_variance_initializer, trainable=False,
                                               autocast=False)
        if self.renorm:
            # Renormalization tracks standard deviations; they start at sqrt(moving variance's initial value).
            def stddev_initializer(shape, dtype=None):
                return ops.sqrt(self.moving_variance_initializer(shape, dtype=dtype))

            self.moving_stddev = self.add_weight(name="moving_stddev", shape=shape, initializer=stddev_initializer,
                                                 trainable=False, autocast=False)
            self.renorm_mean = self.add_weight(name="renorm_mean", shape=shape,
                                               initializer=self.moving_mean_initializer, trainable=False,
                                               autocast=False)
            self.renorm_stddev = self.add_weight(name="renorm_stddev", shape=shape, initializer=stddev_initializer,
                                                 trainable=False, autocast=False)
        self._reduction_axes = tuple(i for i in range(ndim) if i != axis)
        self._broadcast_shape = tuple(size if i == axis else 1 for i in range(ndim))
        self._feature_last = axis == ndim - 1
        self.input_spec = InputSpec(ndim=ndim, axes={axis: size})
        self.built = True

    def _broadcast(self, v):
        return v if v is None or self._feature_last else ops.reshape(v, self._broadcast_shape)

    def call(self, inputs, training=None, mask=None):
        x, dtype = upcast(inputs)
        gamma, beta = self.gamma, self.beta
        if training and self.trainable:
            mean, variance = self._batch_moments(x, mask)
            if self.renorm:
                gamma, beta = self._renormalize(mean, variance, gamma, beta)
            else:
                m = self.momentum
                self.moving_mean.assign(ops.add(ops.multiply(self.moving_mean, m), ops.multiply(mean, 1.0 - m)))
                self.moving_variance.assign(
                    ops.add(ops.multiply(self.moving_variance, m), ops.multiply(variance, 1.0 - m)))
            mean, variance = self._broadcast(mean), self._broadcast(variance)
        else:
            mean, variance = self._broadcast(self.moving_mean), self._broadcast(self.moving_variance)
        y = scale_and_shift(x, mean, variance, self.epsilon, self._broadcast(gamma), self._broadcast(beta))
        return ops.cast(y, dtype) if dtype != ops.dtype(y) else y

    def _renormalize(self, mean, variance, gamma, beta):
        """Folds the renorm correction into ``(gamma, beta)`` and updates the statistics.

        ``(x_hat * r + d) * gamma + beta == x_hat * (r * gamma) + (d * gamma + beta)``.
        """
        stddev = ops.sqrt(ops.add(variance, self.epsilon))
        renorm_stddev = ops.maximum(self.renorm_stddev, ops.sqrt(ops.cast(self.epsilon, stddev.dtype)))
        r = ops.divide(stddev, renorm_stddev)
        d = ops.divide(ops.subtract(mean, self.renorm_mean), renorm_stddev)
        clip = self.renorm_clipping
        if clip.get("rmin") is not None:
            r = ops.maximum(r, clip["rmin"])
        if clip.get("rmax") is not None:
            r = ops.minimum(r, clip["rmax"])
        if clip.get("dmax") is not None:
            d = ops.clip(d, -clip["dmax"], clip["dmax"])
        r, d = ops.stop_gradient(r), ops.stop_gradient(d)
        new_gamma = r if gamma is None else ops.multiply(r, gamma)
        new_beta = d if gamma is None else ops.multiply(d, gamma)
        new_beta = new_beta if beta is None else ops.add(new_beta, beta)

        def average(variable, value, momentum):
            return ops.add(ops.multiply(variable, momentum), ops.multiply(value, 1.0 - momentum))

        self.renorm_mean.assign(average(self.renorm_mean, mean, self.renorm_momentum))
        self.renorm_stddev.assign(average(self.renorm_stddev, stddev, self.renorm_momentum))
        self.moving_mean.assign(average(self.moving_mean, mean, self.momentum))
        moving_stddev = average(self.moving_stddev, stddev, self.momentum)
        self.moving_stddev.assign(moving_stddev)
        # Inference reads moving_variance; rounding could make it slightly negative.
        self.moving_variance.assign(ops.relu(ops.subtract(ops.square(moving_stddev), self.epsilon)))
        return new_gamma, new_beta

    def _batch_moments(self, x, mask):
        if mask is None:
            return moments(x, self._reduction_axes, keepdims=False)
        # Masked steps do not count: weighted mean and variance over the unmasked positions.
        weights = ops.cast(mask, x.dtype)
        while len(weights.shape) < len(x.shape):
            weights = ops.expand_dims(weights, -1)
        axes = self._reduction_axes
        count = ops.add(ops.sum(ops.multiply(weights, ops.ones_like(x)), axis=axes), 1e-7)
        mean = ops.divide(ops.sum(ops.multiply(x, weights), axis=axes), count)
        diff = ops.subtract(x, self._broadcast(mean))
        variance = ops.divide(ops.sum(ops.multiply(weights, ops.square(diff)), axis=axes), count)
        return mean, variance

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config.update({
            "axis": self.axis,
            "momentum": self.momentum,
            "epsilon": self.epsilon,
            **affine_config(self),
            "moving_mean_initializer": initializers.serialize(self.moving_mean_initializer),
            "moving_variance_initializer": initializers.serialize(self.moving_variance_initializer),
            "synchronized": self.synchronized,
            "renorm": self.renorm,
            "renorm_clipping": self.renorm_clipping,
            "renorm_momentum": self.renorm_momentum,
        })
        return config


def _check_renorm_clipping(clipping):
    clipping = dict(clipping or {})
    unknown = set(clipping) - {"rmax", "rmin", "dmax"}
    if unknown:
        raise ValueError("BatchNormalization: renorm_clipping takes the keys 'rmax', 'rmin' and 'dmax'. "
                         f"Received: renorm_clipping={clipping!r}")
    rmax, rmin, dmax = clipping.get("rmax"), clipping.get("rmin"), clipping.get("dmax")
    if rmax is not None and rmin is not None and rmax < rmin:
        raise ValueError(f"BatchNormalization: renorm_clipping needs rmax >= rmin. Received: rmax={rmax}, rmin={rmin}")
    if dmax is not None and dmax < 0:
        raise ValueError(f"BatchNormalization: renorm_clipping needs dmax >= 0. Received: dmax={dmax}")
    return clipping
