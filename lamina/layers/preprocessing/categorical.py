"""``CategoryEncoding`` and ``Discretization``: integer and numeric features, computed with ops."""

import numpy as np

from lamina import backend, ops
from lamina.layers.layer import Layer
from lamina.layers.preprocessing import _host
from lamina.layers.preprocessing.index_lookup import standardize_output_mode
from lamina.utils.value_checks import check_index_range

_MODES = ("int", "one_hot", "multi_hot", "count")


def encode(inputs, depth, output_mode, dtype, count_weights=None):
    """One-hot / multi-hot / count of integer ``inputs`` with ``lamina.ops`` (runs on device)."""
    if output_mode == "int":
        return inputs
    if len(inputs.shape) == 0:
        inputs = ops.expand_dims(inputs, -1)
    if output_mode == "one_hot":
        if len(inputs.shape) > 1 and inputs.shape[-1] == 1:
            inputs = ops.squeeze(inputs, -1)
        return ops.one_hot(inputs, depth, dtype=dtype)
    hot = ops.one_hot(inputs, depth, dtype=dtype)
    if output_mode == "multi_hot":
        return ops.max(hot, axis=-2)
    if count_weights is not None:
        hot = hot * ops.expand_dims(ops.cast(count_weights, dtype), -1)
    return ops.sum(hot, axis=-2)


def _encoded_shape(shape, depth, output_mode):
    shape = tuple(shape)
    if output_mode == "int":
        return shape
    if len(shape) == 0:
        shape = (1,)
    if output_mode == "one_hot":
        if len(shape) > 1 and shape[-1] == 1:
            shape = shape[:-1]
        return shape + (depth,)
    return shape[:-1] + (depth,)


class CategoryEncoding(Layer):
    """Encodes integer categories ``0 .. num_tokens - 1`` as one-hot, multi-hot or count vectors.

    Args:
        num_tokens: the number of categories (``max_tokens`` is accepted as the seed's old
            name; ``adapt`` can set it from data).
        output_mode: ``"multi_hot"`` (default; alias ``"binary"``), ``"one_hot"`` or ``"count"``.

    Call arguments:
        inputs: integer tensor of values in ``[0, num_tokens)``. An eager call raises a
            ValueError naming any value outside that range; inside a compiled step (JAX
            ``jit``) values cannot be checked, and an out-of-range value encodes as a row of
            zeros (it counts for no category).
        count_weights: optional weights, same shape as ``inputs``, summed in ``"count"`` mode.

    Example:
        >>> layer = lamina.layers.CategoryEncoding(num_tokens=4, output_mode="one_hot")
        >>> lamina.ops.convert_to_numpy(layer(np.array([3, 0]))).tolist()
        [[0.0, 0.0, 0.0, 1.0], [1.0, 0.0, 0.0, 0.0]]
    """

    def __init__(self, num_tokens=None, output_mode="multi_hot", sparse=False, max_tokens=None, **kwargs):
        super().__init__(**kwargs)
        if num_tokens is None:
            num_tokens = max_tokens
        self.output_mode = standardize_output_mode(output_mode, "CategoryEncoding", ("one_hot", "multi_hot", "count"))
        if num_tokens is not None and (not isinstance(num_tokens, (int, np.integer)) or num_tokens < 1):
            raise ValueError(f"CategoryEncoding: `num_tokens` must be a positive integer. Received: num_tokens={num_tokens!r}")
        if sparse:
            raise ValueError(f"CategoryEncoding: sparse outputs are not supported. Received: sparse={sparse!r}")
        self.num_tokens = None if num_tokens is None else int(num_tokens)
        self.sparse = False

    def adapt(self, data, batch_size=None, steps=None):
        """Sets ``num_tokens`` to the largest category in ``data`` plus one (if it is not set)."""
        largest = -1
        for batch in _host.iter_batches(data, batch_size, steps, "CategoryEncoding"):
            if np.size(batch):
                largest = max(largest, int(np.max(batch)))
        if self.num_tokens is None:
            self.num_tokens = largest + 1

    def _depth(self):
        if self.num_tokens is None:
            raise ValueError(
                f"CategoryEncoding '{self.name}' needs `num_tokens` (or a call to `adapt`) before it is used."
            )
        return self.num_tokens

    def call(self, inputs, count_weights=None):
        if count_weights is not None and self.output_mode != "count":
            raise ValueError(
                f"CategoryEncoding '{self.name}': `count_weights` only apply with output_mode='count'. "
                f"Received output_mode={self.output_mode!r}"
            )
        check_index_range(inputs, self._depth(), f"CategoryEncoding '{self.name}'", "inputs")
        return encode(inputs, self._depth(), self.output_mode, self.compute_dtype, count_weights)

    def compute_output_shape(self, input_shape):
        return _encoded_shape(input_shape, self._depth(), self.output_mode)

    def get_config(self):
        config = super().get_config()
        config.update({"num_tokens": self.num_tokens, "output_mode": self.output_mode, "sparse": self.sparse})
        return config


class Discretization(Layer):
    """Buckets continuous values by boundaries: ``bins[i-1] <= x < bins[i]`` gives ``i``.

    Args:
        bin_boundaries: sorted boundaries; or ``None`` and ``num_bins`` + ``adapt``.
        num_bins: with ``adapt``, the number of buckets (quantiles of the data).
        epsilon: the error tolerance of the quantiles (kept for the config; quantiles here
            are exact).
        output_mode: ``"int"`` (default), ``"one_hot"``, ``"multi_hot"`` or ``"count"``.

    Example:
        >>> layer = lamina.layers.Discretization(bin_boundaries=[0.0, 1.0, 2.0])
        >>> lamina.ops.convert_to_numpy(layer(np.array([[-1.5, 1.0, 3.4, 0.5]]))).tolist()
        [[0, 2, 3, 1]]
    """

    def __init__(self, bin_boundaries=None, num_bins=None, epsilon=0.01, output_mode="int", sparse=False, **kwargs):
        super().__init__(**kwargs)
        if sparse:
            raise ValueError(f"Discretization: sparse outputs are not supported. Received: sparse={sparse!r}")
        if bin_boundaries is not None and num_bins is not None and len(bin_boundaries) != num_bins - 1:
            raise ValueError(
                "Discretization: with both `bin_boundaries` and `num_bins`, there must be num_bins - 1 "
                f"boundaries. Received: bin_boundaries={bin_boundaries}, num_bins={num_bins}"
            )
        if num_bins is not None and (not isinstance(num_bins, int) or num_bins < 1):
            raise ValueError(f"Discretization: `num_bins` must be a positive integer. Received: num_bins={num_bins!r}")
        self.output_mode = standardize_output_mode(output_mode, "Discretization", _MODES)
        self.bin_boundaries = None if bin_boundaries is None else [float(b) for b in bin_boundaries]
        self.num_bins = num_bins
        self.epsilon = epsilon
        self.sparse = False

    def adapt(self, data, batch_size=None, steps=None):
        """Sets ``bin_boundaries`` to the ``num_bins`` quantiles of ``data``."""
        if self.num_bins is None:
            raise ValueError(f"Discretization '{self.name}': adapt needs `num_bins`. Received num_bins=None")
        values = [np.asarray(b, np.float64).reshape(-1) for b in _host.iter_batches(data, batch_size, steps, "Discretization")]
        values = np.concatenate(values) if values else np.zeros((0,))
        if values.size == 0:
            raise ValueError(f"Discretization '{self.name}'.adapt() received no data.")
        qs = np.linspace(0.0, 1.0, self.num_bins + 1)[1:-1]
        self.bin_boundaries = np.quantile(values, qs).astype(np.float32).tolist()

    @property
    def input_dtype(self):
        # Values are bucketed in floatx whatever the output dtype (an "int64" policy from a
        # Keras config must not cast the inputs to integers first).
        return backend.floatx()

    def _boundaries(self):
        if self.bin_boundaries is None:
            raise ValueError(f"Discretization '{self.name}' needs `bin_boundaries` or a call to `adapt` before use.")
        return self.bin_boundaries

    def call(self, inputs):
        bounds = self._boundaries()
        if not bounds:
            ids = ops.zeros(ops.shape(inputs), dtype="int32")
        else:
            b = ops.convert_to_tensor(np.asarray(bounds, np.float32))
            above = ops.greater_equal(ops.expand_dims(ops.cast(inputs, "float32"), -1), b)
            ids = ops.sum(ops.cast(above, "int32"), axis=-1)
        return encode(ids, len(bounds) + 1, self.output_mode, self.compute_dtype)

    def compute_output_spec(self, inputs):
        from lamina.backend import KerasTensor

        shape = _encoded_shape(inputs.shape, len(self._boundaries()) + 1, self.output_mode)
        return KerasTensor(shape, dtype="int32" if self.output_mode == "int" else self.compute_dtype)

    def get_config(self):
        config = super().get_config()
        config.update({"bin_boundaries": self.bin_boundaries, "num_bins": self.num_bins, "epsilon": self.epsilon,
                       "output_mode": self.output_mode, "sparse": self.sparse})
        config.pop("trainable")  # as Keras writes it: its Discretization takes no `trainable` (no weights)
        config["dtype"] = self.dtype_policy.name  # a name, as Keras writes it
        return config
