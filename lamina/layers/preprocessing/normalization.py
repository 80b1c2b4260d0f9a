"""``Normalization``: feature-wise ``(x - mean) / sqrt(variance)`` with statistics from ``adapt``."""

import numpy as np

from lamina import backend, ops
from lamina.layers.layer import Layer
from lamina.layers.preprocessing import _host


class Normalization(Layer):
    """Shifts and scales inputs to mean 0 and standard deviation 1 along the kept ``axis``.

    The statistics come from ``mean``/``variance`` or from ``adapt(data)``; they are
    non-trainable weights (``mean``, ``variance``, ``count``), so they save with the model.

    Args:
        axis: the axis or axes that keep separate statistics (default -1: one per feature);
            ``None`` for a single scalar mean and variance.
        mean: optional given mean (broadcast to the kept axes).
        variance: optional given variance (with ``mean``).
        invert: compute ``x * sqrt(variance) + mean`` instead (undo a normalization).

    Example:
        >>> layer = lamina.layers.Normalization()
        >>> layer.adapt(np.array([[0.0, 10.0], [2.0, 30.0]]))
        >>> lamina.ops.convert_to_numpy(layer(np.array([[1.0, 20.0]]))).tolist()
        [[0.0, 0.0]]
    """

    def __init__(self, axis=-1, mean=None, variance=None, invert=False, **kwargs):
        super().__init__(**kwargs)
        if axis is None:
            axis = ()
        elif isinstance(axis, int):
            axis = (axis,)
        else:
            axis = tuple(axis)
        self.axis = axis
        if (mean is None) != (variance is None):
            raise ValueError(
                f"Normalization: give both `mean` and `variance` or neither. Received: mean={mean}, variance={variance}"
            )
        if mean is not None and np.shape(mean) != np.shape(variance):
            raise ValueError(
                f"Normalization: `mean` and `variance` must have the same shape. Received: {np.shape(mean)} and "
                f"{np.shape(variance)}"
            )
        self.input_mean = mean
        self.input_variance = variance
        self.invert = bool(invert)
        self.supports_masking = True

    def build(self, input_shape):
        ndim = len(input_shape)
        if any(a < -ndim or a >= ndim for a in self.axis):
            raise ValueError(
                f"Normalization '{self.name}': every `axis` must be in [-{ndim}, {ndim}) for inputs of rank {ndim}. "
                f"Received: axis={self.axis}"
            )
        self._keep = tuple(sorted(a % ndim for a in self.axis))
        for a in self._keep:
            if input_shape[a] is None:
                raise ValueError(
                    f"Normalization '{self.name}': kept axis {a} must have a known size. Received input shape {input_shape}"
                )
        self._reduce = tuple(d for d in range(ndim) if d not in self._keep)
        self._broadcast_shape = tuple(input_shape[d] if d in self._keep else 1 for d in range(ndim))
        stat_shape = tuple(input_shape[d] for d in self._keep)
        if self.input_mean is not None:
            # Given statistics are constants of the config, as in Keras: no variables, nothing in the weights file.
            self._fixed = (self._fit_to_stat(self.input_mean, stat_shape),
                           self._fit_to_stat(self.input_variance, stat_shape))
        else:
            self._fixed = None
            self.adapt_mean = self.add_weight(name="mean", shape=stat_shape, initializer="zeros", trainable=False)
            self.adapt_variance = self.add_weight(name="variance", shape=stat_shape, initializer="ones",
                                                  trainable=False)
            self.count = self.add_weight(name="count", shape=(), dtype="int32", initializer="zeros", trainable=False)
        self.built = True

    def _fit_to_stat(self, value, stat_shape):
        value = np.asarray(_host.to_numpy(value), np.float32)
        return np.broadcast_to(value, stat_shape).copy()

    def adapt(self, data, batch_size=None, steps=None):
        """Computes the mean and variance of ``data`` over the non-kept axes.

        Args:
            data: an array, list, generator or dataset of batches (``(x, y)`` tuples use ``x``).
            batch_size: rows per batch when ``data`` is an array.
            steps: the number of batches to read (all by default).
        """
        if self.input_mean is not None:
            raise ValueError(f"Normalization '{self.name}' was given `mean` and `variance`; adapt() computes them "
                             "instead. Create the layer without mean and variance to adapt it.")
        total = total_sq = None
        count = 0
        for batch in _host.iter_batches(data, batch_size, steps, "Normalization"):
            batch = np.asarray(batch, np.float64)
            if batch.ndim == 0:
                batch = batch.reshape(1)
            if not self.built:
                shape = (None,) + batch.shape[1:]
                with backend.name_scope(self.name, caller=self):
                    self.build(shape)
                self._build_shapes = shape
            reduce = tuple(d for d in range(batch.ndim) if d not in self._keep)
            n = int(np.prod([batch.shape[d] for d in reduce])) if reduce else 1
            s = batch.sum(axis=reduce) if reduce else batch
            sq = np.square(batch).sum(axis=reduce) if reduce else np.square(batch)
            total = s if total is None else total + s
            total_sq = sq if total_sq is None else total_sq + sq
            count += n
        if count == 0:
            raise ValueError(f"Normalization '{self.name}'.adapt() received no data.")
        mean = total / count
        variance = np.maximum(total_sq / count - np.square(mean), 0.0)
        self.adapt_mean.assign(mean.astype(np.float32).reshape(self.adapt_mean.shape))
        self.adapt_variance.assign(variance.astype(np.float32).reshape(self.adapt_variance.shape))
        self.count.assign(np.int32(min(count, np.iinfo(np.int32).max)))

    @property
    def mean(self):
        if not self.built:
            return None
        return ops.convert_to_tensor(self._fixed[0]) if self._fixed is not None else self.adapt_mean.value

    @property
    def variance(self):
        if not self.built:
            return None
        return ops.convert_to_tensor(self._fixed[1]) if self._fixed is not None else self.adapt_variance.value

    def call(self, inputs):
        inputs = ops.cast(inputs, self.compute_dtype)
        mean = ops.reshape(ops.cast(self.mean, self.compute_dtype), self._broadcast_shape)
        std = ops.maximum(ops.sqrt(ops.reshape(ops.cast(self.variance, self.compute_dtype),
                                               self._broadcast_shape)), backend.epsilon())
        if self.invert:
            return mean + inputs * std
        return (inputs - mean) / std

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        as_list = lambda v: None if v is None else np.asarray(_host.to_numpy(v)).tolist()  # noqa: E731
        config.update({"axis": list(self.axis), "invert": self.invert,
                       "mean": as_list(self.input_mean), "variance": as_list(self.input_variance)})
        return config
