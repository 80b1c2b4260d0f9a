"""Attention (Luong-style dot product) and AdditiveAttention (Bahdanau-style)."""

from lamina import ops
from lamina.backend import random as _random
from lamina.backend.common.random_seed import SeedGenerator
from lamina.layers.layer import Layer

_MASKED = -1e9


def _causal(query_steps, value_steps):
    rows = ops.expand_dims(ops.arange(query_steps), 1)
    cols = ops.expand_dims(ops.arange(value_steps), 0)
    return ops.expand_dims(ops.greater_equal(rows, cols), 0)  # (1, Tq, Tv)


class Attention(Layer):
    """Dot-product attention: ``softmax(query @ key^T) @ value``.

    Args:
        use_scale: learn a scalar ``scale`` multiplying the scores.
        score_mode: ``"dot"`` (``q . k``) or ``"concat"`` (``sum(tanh(q + k))``, times a
            learned scalar ``concat_score_weight``).
        dropout: fraction of the attention weights dropped while training.
        seed: seed for the dropout.

    Call arguments:
        inputs: ``[query, value]`` or ``[query, value, key]`` of shapes ``(B, Tq, D)``,
            ``(B, Tv, D)``, ``(B, Tv, D)`` (key defaults to value).
        mask: ``[query_mask, value_mask]`` booleans ``(B, Tq)`` / ``(B, Tv)``.
        return_attention_scores: also return the ``(B, Tq, Tv)`` weights.
        use_causal_mask: query step i attends only to value steps <= i.

    Example:
        >>> q, v = lamina.ops.ones((2, 3, 4)), lamina.ops.ones((2, 5, 4))
        >>> ops.shape(lamina.layers.Attention()([q, v]))
        (2, 3, 4)
    """

    def __init__(self, use_scale=False, score_mode="dot", dropout=0.0, seed=None, **kwargs):
        super().__init__(**kwargs)
        if score_mode not in ("dot", "concat"):
            raise ValueError(
                f"{type(self).__name__}: score_mode must be 'dot' or 'concat'. Received: score_mode={score_mode!r}")
        if not isinstance(dropout, (int, float)) or not 0 <= dropout <= 1:
            raise ValueError(f"{type(self).__name__}: dropout must be in [0, 1]. Received: dropout={dropout!r}")
        self.use_scale = use_scale
        self.score_mode = score_mode
        self.dropout = dropout
        self.seed = seed
        if dropout > 0:
            self.seed_generator = SeedGenerator(seed)
        self.supports_masking = True

    def build(self, input_shape):
        self._check_inputs(input_shape)
        self.scale = None
        self.concat_score_weight = None
        if self.use_scale:
            self.scale = self.add_weight(shape=(), initializer="ones", name="scale")
        if self.score_mode == "concat":
            self.concat_score_weight = self.add_weight(shape=(), initializer="ones", name="concat_score_weight")
        self.built = True

    def _check_inputs(self, input_shape):
        if not isinstance(input_shape, (list, tuple)) or not input_shape or not isinstance(
                input_shape[0], (list, tuple)) or len(input_shape) not in (2, 3):
            raise ValueError(
                f"Layer '{self.name}' ({type(self).__name__}) expects a list of 2 or 3 inputs [query, value, key]. "
                f"Received input shape: {input_shape}")
        for shape in input_shape:
            if len(shape) != 3:
                raise ValueError(
                    f"Layer '{self.name}' ({type(self).__name__}) expects inputs of rank 3 (batch, steps, dim). "
                    f"Received input shapes: {input_shape}")

    def _scores(self, query, key):
        if self.score_mode == "dot":
            scores = ops.matmul(query, ops.transpose(key, (0, 2, 1)))
            return scores * self.scale if self.scale is not None else scores
        q, k = ops.expand_dims(query, -2), ops.expand_dims(key, -3)
        summed = q + k if self.scale is None else self.scale * (q + k)
        return self.concat_score_weight * ops.sum(ops.tanh(summed), axis=-1)

    def call(self, inputs, mask=None, training=False, return_attention_scores=False, use_causal_mask=False):
        self._check_inputs([tuple(t.shape) for t in inputs] if isinstance(inputs, (list, tuple)) else inputs)
        query, value = inputs[0], inputs[1]
        key = inputs[2] if len(inputs) > 2 else value
        q_mask = mask[0] if mask is not None else None
        v_mask = mask[1] if mask is not None and len(mask) > 1 else None
        scores = self._scores(query, key)
        keep = None
        if v_mask is not None:
            keep = ops.expand_dims(ops.cast(v_mask, "bool"), -2)
        if use_causal_mask:
            causal = _causal(ops.shape(scores)[1], ops.shape(scores)[2])
            keep = causal if keep is None else ops.logical_and(keep, causal)
        if keep is not None:
            scores = ops.where(keep, scores, ops.cast(_MASKED, scores.dtype))
        weights = ops.softmax(scores, axis=-1)
        if training and self.dropout > 0:
            weights = _random.dropout(weights, self.dropout, seed=self.seed_generator)
        result = ops.matmul(weights, value)
        if q_mask is not None:
            result = result * ops.expand_dims(ops.cast(q_mask, result.dtype), -1)
        return (result, weights) if return_attention_scores else result

    def compute_mask(self, inputs, mask=None):
        if mask is None or mask[0] is None:
            return None
        return mask[0]

    def compute_output_shape(self, input_shape):
        return tuple(input_shape[0][:-1]) + (input_shape[1][-1],)

    def compute_output_spec(self, inputs, mask=None, training=False, return_attention_scores=False,
                            use_causal_mask=False):
        from lamina.backend import KerasTensor

        out = KerasTensor(self.compute_output_shape([t.shape for t in inputs]), dtype=self.compute_dtype)
        if return_attention_scores:
            scores = KerasTensor(tuple(inputs[0].shape[:-1]) + (inputs[1].shape[1],), dtype=self.compute_dtype)
            return out, scores
        return out

    def get_config(self):
        config = super().get_config()
        config.update({"use_scale": self.use_scale, "score_mode": self.score_mode, "dropout": self.dropout,
                       "seed": self.seed})
        return config


class AdditiveAttention(Attention):
    """Additive (Bahdanau) attention: scores ``sum(scale * tanh(query + key), -1)``.

    Args:
        use_scale: learn a per-dimension ``scale`` vector (default True).
        dropout: fraction of the attention weights dropped while training.

    Call arguments: as ``Attention``.

    Example:
        >>> q, v = lamina.ops.ones((2, 3, 4)), lamina.ops.ones((2, 5, 4))
        >>> ops.shape(lamina.layers.AdditiveAttention()([q, v]))
        (2, 3, 4)
    """

    def __init__(self, use_scale=True, dropout=0.0, **kwargs):
        kwargs.pop("score_mode", None)
        super().__init__(use_scale=use_scale, dropout=dropout, **kwargs)

    def build(self, input_shape):
        self._check_inputs(input_shape)
        dim = input_shape[0][-1]
        self.scale = None
        if self.use_scale:
            self.scale = self.add_weight(shape=(dim,), initializer="glorot_uniform", name="scale")
        self.built = True

    def _scores(self, query, key):
        q, k = ops.expand_dims(query, -2), ops.expand_dims(key, -3)
        scale = self.scale if self.scale is not None else 1.0
        return ops.sum(scale * ops.tanh(q + k), axis=-1)

    def get_config(self):
        config = super().get_config()
        del config["score_mode"]
        return config
