"""GroupedQueryAttention: several query heads share each key/value head (Ainslie et al., 2023)."""

import math

from lamina import ops, regularizers
from lamina.backend import random as _random
from lamina.backend.common.random_seed import SeedGenerator
from lamina.layers.attention.multi_head_attention import (
    _ProjectionArgs,
    check_sliding_window,
    combined_attention_mask,
    masked_softmax,
)
from lamina.layers.layer import Layer


class GroupedQueryAttention(_ProjectionArgs, Layer):
    """Grouped-query attention: ``num_query_heads`` query heads over ``num_key_value_heads`` key/value heads.

    Sublayers are private attributes (``_query_dense`` ...), as in Keras, where they make the
    weight paths of ``.keras`` files.

    Weights (as Keras 3): ``query`` ``(dim, num_query_heads, head_dim)``, ``key``, with
    ``use_gate`` a ``gate`` ``(dim, num_query_heads, head_dim)``, then ``value``
    (``key`` and ``value`` are ``(dim, num_key_value_heads, head_dim)``) and
    ``attention_output`` ``(num_query_heads, head_dim, dim)``.

    Args:
        head_dim: size of each head.
        num_query_heads: number of query heads.
        num_key_value_heads: number of key/value heads; must divide ``num_query_heads``.
        dropout, use_bias, sliding_window, flash_attention, initializers, regularizers,
        constraints, use_gate, seed: as ``MultiHeadAttention``.

    Call arguments: as ``MultiHeadAttention`` (rank-3 inputs); scores are ``(B, heads, T, S)``.

    Example:
        >>> gqa = lamina.layers.GroupQueryAttention(head_dim=4, num_query_heads=4, num_key_value_heads=2)
        >>> ops.shape(gqa(lamina.ops.ones((2, 5, 8)), lamina.ops.ones((2, 3, 8))))
        (2, 5, 8)
    """

    def __init__(self, head_dim, num_query_heads, num_key_value_heads, dropout=0.0, use_bias=True,
                 sliding_window=None, flash_attention=None, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, use_gate=False, seed=None, **kwargs):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        for arg, value in (("head_dim", head_dim), ("num_query_heads", num_query_heads),
                           ("num_key_value_heads", num_key_value_heads)):
            if not isinstance(value, int) or value <= 0:
                raise ValueError(
                    f"GroupedQueryAttention: expected a positive integer for {arg}. Received: {arg}={value!r}")
        if num_query_heads % num_key_value_heads:
            raise ValueError(
                "GroupedQueryAttention: num_query_heads must be divisible by num_key_value_heads. Received: "
                f"num_query_heads={num_query_heads}, num_key_value_heads={num_key_value_heads}")
        self.head_dim = head_dim
        self.num_query_heads = num_query_heads
        self.num_key_value_heads = num_key_value_heads
        self.num_repeats = num_query_heads // num_key_value_heads
        self.dropout = dropout
        self.use_bias = use_bias
        check_sliding_window("GroupedQueryAttention", sliding_window)
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
            if len(shape) != 3:
                raise ValueError(
                    f"Layer '{self.name}' (GroupedQueryAttention) expects {name} of rank 3 (batch, steps, dim). "
                    f"Received {name} shape {tuple(shape)}")
        self.feature_dim = query_shape[-1]
        self._query_dense = self._dense("bqm,muh->bquh", (None, self.num_query_heads, self.head_dim), "uh", "query",
                                       query_shape)
        self._key_dense = self._dense("bkm,mvh->bkvh", (None, self.num_key_value_heads, self.head_dim), "vh", "key",
                                     key_shape)
        if self.use_gate:  # built between key and value, as Keras orders the weights
            self._gate_dense = self._dense("bqm,muh->bquh", (None, self.num_query_heads, self.head_dim), "uh",
                                           "gate", query_shape, activation="sigmoid")
        self._value_dense = self._dense("bkm,mvh->bkvh", (None, self.num_key_value_heads, self.head_dim), "vh",
                                       "value", value_shape)
        self._output_dense = self._dense("bquh,uhm->bqm", (None, self.feature_dim), "m", "attention_output",
                                        tuple(query_shape[:-1]) + (self.num_query_heads, self.head_dim))
        self.built = True

    def _repeat_heads(self, x):
        if self.num_repeats == 1:
            return x
        b, s, h, d = ops.shape(x)
        x = ops.broadcast_to(ops.expand_dims(x, 3), (b, s, h, self.num_repeats, d))
        return ops.reshape(x, (b, s, h * self.num_repeats, d))

    def call(self, query, value, key=None, query_mask=None, value_mask=None, key_mask=None, attention_mask=None,
             return_attention_scores=False, training=None, use_causal_mask=False):
        mask = combined_attention_mask(query, value, key, query_mask, value_mask, key_mask, attention_mask,
                                       use_causal_mask, self.sliding_window)
        key = value if key is None else key
        gate = self._gate_dense(query) if self.use_gate else None
        q = self._query_dense(query)
        k = self._repeat_heads(self._key_dense(key))
        v = self._repeat_heads(self._value_dense(value))
        q = q * ops.cast(1.0 / math.sqrt(float(self.head_dim)), q.dtype)
        scores = ops.einsum("bquh,bkuh->buqk", q, k)
        if mask is not None:
            mask = ops.expand_dims(mask, -3)
        scores = masked_softmax(scores, mask, (-1,))
        dropped = scores
        if training and self.dropout > 0:
            dropped = _random.dropout(scores, self.dropout, seed=self.seed_generator)
        attended = ops.einsum("buqk,bkuh->bquh", dropped, v)
        out = self._output_dense(attended if gate is None else attended * gate)
        return (out, scores) if return_attention_scores else out

    def compute_output_shape(self, query_shape, value_shape=None, key_shape=None):
        return tuple(query_shape)

    def compute_output_spec(self, query, value, key=None, return_attention_scores=False, **kwargs):
        from lamina.backend import KerasTensor

        out = KerasTensor(tuple(query.shape), dtype=self.compute_dtype)
        if not return_attention_scores:
            return out
        source = (key if key is not None else value).shape[1]
        return out, KerasTensor((query.shape[0], self.num_query_heads, query.shape[1], source),
                                dtype=self.compute_dtype)

    def _keras_serialization(self):
        # Keras exports (and so writes) this class as GroupQueryAttention; the class and the
        # default layer name stay GroupedQueryAttention / grouped_query_attention, as in Keras.
        if type(self) is not GroupedQueryAttention:
            return None
        form = {"module": "keras.layers", "class_name": "GroupQueryAttention", "config": self.get_config(),
                "registered_name": None}
        build_config = self.get_build_config()
        if build_config is not None:
            form["build_config"] = build_config
        return form

    def get_config(self):
        config = super().get_config()
        config.update({
            "head_dim": self.head_dim, "num_query_heads": self.num_query_heads,
            "num_key_value_heads": self.num_key_value_heads, "dropout": self.dropout, "use_bias": self.use_bias,
            "use_gate": self.use_gate, "sliding_window": self.sliding_window, "flash_attention": self.flash_attention, "seed": self.seed,
            "activity_regularizer": regularizers.serialize(self.activity_regularizer),
        })
        config.update(self._projection_config())
        return config


GroupQueryAttention = GroupedQueryAttention
