"""MultiHeadAttention (Vaswani et al., 2017), with Keras 3's EinsumDense sublayers and weight shapes."""

import math
import string

from lamina import backend, constraints, initializers, ops, regularizers
from lamina.backend import random as _random
from lamina.backend.common.random_seed import SeedGenerator
from lamina.layers.core.einsum_dense import EinsumDense
from lamina.layers.layer import Layer

_LETTERS = string.ascii_lowercase
_MASKED = -1e9


def projection_equation(free_dims, bound_dims, output_dims):
    """``(equation, bias_axes, output_rank)`` for a projection keeping ``free_dims`` input axes."""
    inputs = _LETTERS[:free_dims]
    bound = _LETTERS[free_dims:free_dims + bound_dims]
    out = _LETTERS[free_dims + bound_dims:free_dims + bound_dims + output_dims]
    return f"{inputs}{bound},{bound}{out}->{inputs}{out}", out, free_dims + output_dims


def attention_equations(rank, attention_axes):
    """Einsum equations for scores (key, query -> scores) and for combining scores with values.

    ``rank`` is the rank of the projected tensors ``(batch, ..., heads, dim)``; the scores
    are laid out as ``(batch axes, heads, query attention axes, key attention axes)``.
    """
    target = _LETTERS[:rank]
    batch_dims = [i for i in range(rank) if i not in attention_axes and i != rank - 1]
    source, offset = "", rank
    for i in range(rank):
        if i in batch_dims or i == rank - 1:
            source += target[i]
        else:
            source += _LETTERS[offset]
            offset += 1
    product = "".join([target[i] for i in batch_dims] + [target[i] for i in attention_axes]
                      + [source[i] for i in attention_axes])
    return f"{source},{target}->{product}", f"{product},{source}->{target}", len(product)


def causal_mask(query_steps, value_steps):
    """``(1, Tq, Tv)`` booleans: query step i sees value steps 0..i."""
    rows = ops.expand_dims(ops.arange(query_steps), 1)
    cols = ops.expand_dims(ops.arange(value_steps), 0)
    return ops.expand_dims(ops.greater_equal(rows, cols), 0)


def sliding_window_mask(query_steps, value_steps, window):
    """``(1, Tq, Tv)`` booleans: query step i sees value steps j with ``|i - j| < window``."""
    rows = ops.expand_dims(ops.arange(query_steps), 1)
    cols = ops.expand_dims(ops.arange(value_steps), 0)
    return ops.expand_dims(ops.less(ops.abs(rows - cols), window), 0)


def check_sliding_window(layer_name, sliding_window):
    if sliding_window is not None and (isinstance(sliding_window, bool) or not isinstance(sliding_window, int)
                                       or sliding_window <= 0):
        raise ValueError(f"{layer_name}: expected None or a positive integer for sliding_window. "
                         f"Received: sliding_window={sliding_window!r}")


def combined_attention_mask(query, value, key, query_mask, value_mask, key_mask, attention_mask, use_causal_mask,
                            sliding_window=None):
    """ANDs the query/value/key masks, the causal and sliding-window masks and ``attention_mask`` into ``(B, T, S)``."""
    query_mask = query_mask if query_mask is not None else getattr(query, "_keras_mask", None)
    value_mask = value_mask if value_mask is not None else getattr(value, "_keras_mask", None)
    if key_mask is None and key is not None and key is not value:
        key_mask = getattr(key, "_keras_mask", None)
    auto = None
    for m, axis in ((query_mask, -1), (value_mask, -2), (key_mask, -2)):
        if m is not None:
            m = ops.expand_dims(ops.cast(m, "bool"), axis)
            auto = m if auto is None else ops.logical_and(auto, m)
    if use_causal_mask:
        m = causal_mask(ops.shape(query)[1], ops.shape(value)[1])
        auto = m if auto is None else ops.logical_and(auto, m)
    if sliding_window is not None:
        m = sliding_window_mask(ops.shape(query)[1], ops.shape(value)[1], sliding_window)
        auto = m if auto is None else ops.logical_and(auto, m)
    if attention_mask is not None:
        attention_mask = ops.cast(attention_mask, "bool")
        return attention_mask if auto is None else ops.logical_and(attention_mask, auto)
    return auto


def masked_softmax(scores, mask, axes):
    """Softmax over ``axes``; masked-out (False) positions get weight 0."""
    if mask is not None:
        scores = ops.where(mask, scores, ops.cast(_MASKED, scores.dtype))
    if len(axes) == 1:
        weights = ops.softmax(scores, axis=axes[0])
    else:
        e = ops.exp(scores - ops.stop_gradient(ops.max(scores, axis=axes, keepdims=True)))
        weights = e / ops.sum(e, axis=axes, keepdims=True)
    if mask is not None:  # a fully masked row attends to nothing (not uniformly)
        weights = ops.where(mask, weights, ops.zeros_like(weights))
    return weights


class _ProjectionArgs:
    """The initializer/regularizer/constraint arguments shared by the attention projections."""

    _KEYS = ("kernel_initializer", "bias_initializer", "kernel_regularizer", "bias_regularizer",
             "kernel_constraint", "bias_constraint")

    def _store_projection_args(self, kernel_initializer, bias_initializer, kernel_regularizer, bias_regularizer,
                               kernel_constraint, bias_constraint):
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)

    def _dense(self, equation, output_shape, bias_axes, name, input_shape, activation=None):
        layer = EinsumDense(
            equation, output_shape=output_shape, bias_axes=bias_axes if self.use_bias else None, name=name,
            activation=activation,
            kernel_initializer=self.kernel_initializer.clone() if hasattr(self.kernel_initializer, "clone")
            else self.kernel_initializer,
            bias_initializer=self.bias_initializer.clone() if hasattr(self.bias_initializer, "clone")
            else self.bias_initializer,
            kernel_regularizer=self.kernel_regularizer, bias_regularizer=self.bias_regularizer,
            kernel_constraint=self.kernel_constraint, bias_constraint=self.bias_constraint,
            dtype=self.dtype_policy)
        with backend.name_scope(layer.name, caller=layer):
            layer.build(tuple(input_shape))
        layer._build_shapes = tuple(input_shape)
        layer.built = True
        return layer

    def _projection_config(self):
        serializers = {"initializer": initializers.serialize, "regularizer": regularizers.serialize,
                       "constraint": constraints.serialize}
        return {k: serializers[k.split("_")[-1]](getattr(self, k)) for k in self._KEYS}

    def _maybe_build(self, args, kwargs):
        # build() needs the query, value and key shapes, not only the first argument's.
        if self.built:
            return
        given = list(args[:3]) + [None] * (3 - len(args[:3]))
        for i, name in enumerate(("query", "value", "key")):
            if given[i] is None:
                given[i] = kwargs.get(name)
        shapes = [None if t is None else tuple(t.shape) for t in given]
        if shapes[1] is None:
            raise ValueError(f"Layer '{self.name}' ({type(self).__name__}) needs both `query` and `value`.")
        with backend.name_scope(self.name, caller=self):
            self.build(shapes[0], shapes[1], shapes[2])
        self._build_shapes = {"query_shape": shapes[0], "value_shape": shapes[1], "key_shape": shapes[2]}
        self.built = True

    def get_build_config(self):
        # Keras's form for a build() with several shape arguments; a missing key shape is left out.
        if self._build_shapes is None:
            return None
        return {"shapes_dict": {k: list(v) for k, v in self._build_shapes.items() if v is not None}}

    def build_from_config(self, config):
        if config and not self.built:
            shapes = config.get("shapes_dict", config)
            shapes = [None if shapes.get(k) is None else tuple(shapes[k])
                      for k in ("query_shape", "value_shape", "key_shape")]
            with backend.name_scope(self.name, caller=self):
                self.build(*shapes)
            self._build_shapes = dict(zip(("query_shape", "value_shape", "key_shape"), shapes))
            self.built = True


class MultiHeadAttention(_ProjectionArgs, Layer):
    """Multi-head attention: ``num_heads`` scaled dot-product attentions over learned projections.

    Weights (as Keras 3): sublayers ``query``, ``key`` (kernels ``(dim, num_heads, key_dim)``),
    with ``use_gate`` a ``gate`` (``(dim, num_heads, value_dim)``), then ``value``
    (``(dim, num_heads, value_dim)``) and ``attention_output`` (``(num_heads, value_dim, out_dim)``),
    each with a bias when ``use_bias``.

    Args:
        num_heads: number of attention heads.
        key_dim: size of each head for query and key.
        value_dim: size of each head for value (default ``key_dim``).
        dropout: dropout on the attention weights while training.
        use_bias: whether the projections have biases.
        output_shape: the output's last dims (default: the query's last dim).
        attention_axes: the axes attention runs over (default: all but batch, heads, features).
        sliding_window: if set, query step i attends only to key steps j with
            ``|i - j| < sliding_window`` (a symmetric band; with ``use_causal_mask`` a causal window).
        flash_attention: ``None`` or a bool, kept in the config. lamina computes the same
            attention either way.
        kernel_initializer, bias_initializer, kernel/bias_regularizer, activity_regularizer,
        kernel/bias_constraint: for the projections.
        use_gate: gated attention (Qiu et al., 2025): a sigmoid projection of the query, one
            value per head and value unit, multiplies the attention output before the
            output projection.
        seed: seed for the dropout.

    Call arguments: ``query (B, T, dim)``, ``value (B, S, dim)``, ``key`` (default value),
    ``query_mask``/``value_mask``/``key_mask`` (``(B, T)``/``(B, S)`` booleans),
    ``attention_mask (B, T, S)``, ``return_attention_scores``, ``training``, ``use_causal_mask``.

    Example:
        >>> mha = lamina.layers.MultiHeadAttention(num_heads=2, key_dim=4)
        >>> x = lamina.ops.ones((3, 5, 8))
        >>> out, scores = mha(x, x, return_attention_scores=True)
        >>> ops.shape(out), ops.shape(scores)
        ((3, 5, 8), (3, 2, 5, 5))
    """

    def __init__(self, num_heads, key_dim, value_dim=None, dropout=0.0, use_bias=True, output_shape=None,
                 attention_axes=None, sliding_window=None, flash_attention=None, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, use_gate=False, seed=None, **kwargs):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        for arg, value in (("num_heads", num_heads), ("key_dim", key_dim)):
            if not isinstance(value, int) or value <= 0:
                raise ValueError(f"MultiHeadAttention: expected a positive integer for {arg}. Received: {arg}={value!r}")
        if not isinstance(dropout, (int, float)) or not 0 <= dropout <= 1:
            raise ValueError(f"MultiHeadAttention: dropout must be in [0, 1]. Received: dropout={dropout!r}")
        self.num_heads = num_heads
        self.key_dim = key_dim
        self.value_dim = value_dim if value_dim else key_dim
        self.dropout = dropout
        self.use_bias = use_bias
        if output_shape is not None and not isinstance(output_shape, (list, tuple)):
            output_shape = (output_shape,)
        self._output_shape = None if output_shape is None else tuple(output_shape)
        if isinstance(attention_axes, int):
            attention_axes = (attention_axes,)
        self.attention_axes = None if attention_axes is None else tuple(attention_axes)
        check_sliding_window("MultiHeadAttention", sliding_window)
        self.sliding_window = sliding_window
        self.use_gate = bool(use_gate)
        self.flash_attention = flash_attention
        self.seed = seed
        self._store_projection_args(kernel_initializer, bias_initializer, kernel_regularizer, bias_regularizer,
                                    kernel_constraint, bias_constraint)
        if dropout > 0:
            self.seed_generator = SeedGenerator(seed)

    def build(self, query_shape, value_shape=None, key_shape=None):
        value_shape = query_shape if value_shape is None else value_shape
        key_shape = value_shape if key_shape is None else key_shape
        for name, shape in (("query", query_shape), ("value", value_shape), ("key", key_shape)):
            if len(shape) < 3:
                raise ValueError(
                    f"Layer '{self.name}' (MultiHeadAttention) expects {name} of rank 3 or more "
                    f"(batch, steps..., dim). Received {name} shape {tuple(shape)}")
        q_rank = len(query_shape)
        eq, bias_axes, rank = projection_equation(q_rank - 1, 1, 2)
        self.query_dense = self._dense(eq, [None] * (rank - 3) + [self.num_heads, self.key_dim], bias_axes,
                                       "query", query_shape)
        eq, bias_axes, rank = projection_equation(len(key_shape) - 1, 1, 2)
        self.key_dense = self._dense(eq, [None] * (rank - 3) + [self.num_heads, self.key_dim], bias_axes,
                                     "key", key_shape)
        if self.use_gate:  # built between key and value, as Keras orders the weights
            eq, bias_axes, rank = projection_equation(q_rank - 1, 1, 2)
            self._gate_dense = self._dense(eq, [None] * (rank - 3) + [self.num_heads, self.value_dim], bias_axes,
                                           "gate", query_shape, activation="sigmoid")
        eq, bias_axes, rank = projection_equation(len(value_shape) - 1, 1, 2)
        self.value_dense = self._dense(eq, [None] * (rank - 3) + [self.num_heads, self.value_dim], bias_axes,
                                       "value", value_shape)
        out_dims = self._output_shape if self._output_shape is not None else (query_shape[-1],)
        eq, bias_axes, rank = projection_equation(q_rank - 1, 2, len(out_dims))
        projected = tuple(query_shape[:-1]) + (self.num_heads, self.value_dim)
        self.output_dense = self._dense(eq, [None] * (rank - 1 - len(out_dims)) + list(out_dims), bias_axes,
                                        "attention_output", projected)
        proj_rank = q_rank + 1
        axes = self.attention_axes if self.attention_axes is not None else tuple(range(1, proj_rank - 2))
        self._axes = tuple(a % proj_rank if a < 0 else a for a in axes)
        self._dot_equation, self._combine_equation, scores_rank = attention_equations(proj_rank, self._axes)
        self._softmax_axes = tuple(range(scores_rank - len(self._axes), scores_rank))
        self.built = True

    def call(self, query, value, key=None, query_mask=None, value_mask=None, key_mask=None, attention_mask=None,
             return_attention_scores=False, training=None, use_causal_mask=False):
        mask = combined_attention_mask(query, value, key, query_mask, value_mask, key_mask, attention_mask,
                                       use_causal_mask, self.sliding_window)
        key = value if key is None else key
        gate = self._gate_dense(query) if self.use_gate else None
        q = self.query_dense(query)
        k = self.key_dense(key)
        v = self.value_dense(value)
        q = q * ops.cast(1.0 / math.sqrt(float(self.key_dim)), q.dtype)
        scores = ops.einsum(self._dot_equation, k, q)
        if mask is not None:
            axis = -len(self._axes) * 2 - 1
            while len(mask.shape) < len(scores.shape):
                mask = ops.expand_dims(mask, axis)
        scores = masked_softmax(scores, mask, self._softmax_axes)
        dropped = scores
        if training and self.dropout > 0:
            dropped = _random.dropout(scores, self.dropout, seed=self.seed_generator)
        attended = ops.einsum(self._combine_equation, dropped, v)
        out = self.output_dense(attended if gate is None else attended * gate)
        return (out, scores) if return_attention_scores else out

    def compute_output_shape(self, query_shape, value_shape=None, key_shape=None):
        out_dims = self._output_shape if self._output_shape is not None else (query_shape[-1],)
        return tuple(query_shape[:-1]) + tuple(out_dims)

    def compute_output_spec(self, query, value, key=None, return_attention_scores=False, **kwargs):
        from lamina.backend import KerasTensor

        out = KerasTensor(self.compute_output_shape(query.shape), dtype=self.compute_dtype)
        if not return_attention_scores:
            return out
        q_steps = [query.shape[a] for a in self._axes]
        k_steps = [(key if key is not None else value).shape[a] for a in self._axes]
        batch = [query.shape[i] for i in range(len(query.shape)) if i not in self._axes and i != len(query.shape) - 1]
        return out, KerasTensor(tuple(batch) + (self.num_heads,) + tuple(q_steps) + tuple(k_steps),
                                dtype=self.compute_dtype)

    def get_config(self):
        config = super().get_config()
        config.update({
            "num_heads": self.num_heads, "key_dim": self.key_dim, "value_dim": self.value_dim,
            "dropout": self.dropout, "use_bias": self.use_bias, "use_gate": self.use_gate,
            "output_shape": None if self._output_shape is None else list(self._output_shape),
            "attention_axes": None if self.attention_axes is None else list(self.attention_axes),
            "sliding_window": self.sliding_window,
            "flash_attention": self.flash_attention, "seed": self.seed,
            "activity_regularizer": regularizers.serialize(self.activity_regularizer),
        })
        config.update(self._projection_config())
        return config
