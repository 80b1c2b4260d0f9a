"""Circle loss (metric learning) and generalized cross-entropy (noisy labels).

Example:
    >>> emb = ops.convert_to_tensor([[1.0, 0.0], [0.8, 0.6], [0.0, 1.0]])
    >>> float(lamina.losses.Circle()([0, 0, 1], emb)) > 0
    True
"""

from lamina import ops
from lamina.losses.classes import _SUM, _Wrapper
from lamina.losses.loss import set_mask


def _pair_masks(labels, ref_labels, remove_diagonal):
    labels = ops.reshape(labels, (-1, 1))
    ref_labels = ops.reshape(ref_labels, (-1, 1))
    positive = ops.equal(labels, ops.transpose(ref_labels))
    negative = ops.logical_not(positive)
    if remove_diagonal:
        off_diagonal = ops.logical_not(ops.cast(ops.eye(labels.shape[0], ref_labels.shape[0]), "bool"))
        positive = ops.logical_and(positive, off_diagonal)
    return positive, negative


def circle(y_true, y_pred, ref_labels=None, ref_embeddings=None, remove_diagonal=True, gamma=80, margin=0.4):
    """Circle loss of L2-normalized embeddings: pulls same-label pairs together, pushes others apart.

    Each pair's cosine distance is weighted by how far it is from its optimum (``margin``
    for positives, ``1 + margin`` for negatives), scaled by ``gamma`` and combined per
    row with log-sum-exp and softplus.

    Args:
        y_true: integer labels ``(batch,)``.
        y_pred: L2-normalized embeddings ``(batch, dim)``.
        ref_labels: labels of the reference embeddings (None: ``y_true``).
        ref_embeddings: L2-normalized reference embeddings (None: ``y_pred``).
        remove_diagonal: whether an embedding is not its own positive.
        gamma: the scale of the weighted distances.
        margin: the relaxation of the decision boundary.

    Returns:
        One loss per row of ``y_pred``.

    Example:
        >>> emb = ops.convert_to_tensor([[1.0, 0.0], [0.8, 0.6], [0.0, 1.0]])
        >>> ops.shape(lamina.losses.circle([0, 0, 1], emb))
        (3,)
    """
    y_pred = ops.convert_to_tensor(y_pred)
    y_true = ops.cast(y_true, "int32")
    ref_embeddings = y_pred if ref_embeddings is None else ops.convert_to_tensor(ref_embeddings)
    ref_labels = y_true if ref_labels is None else ops.cast(ref_labels, "int32")
    distances = ops.maximum(1.0 - ops.matmul(y_pred, ops.transpose(ref_embeddings)), 0.0)
    positive, negative = _pair_masks(y_true, ref_labels, remove_diagonal)
    dtype = distances.dtype
    pos_weights = ops.maximum((margin + distances) * ops.cast(positive, dtype), 0.0)
    neg_weights = ops.maximum((1.0 + margin - distances) * ops.cast(negative, dtype), 0.0)
    pos_terms = -gamma * pos_weights * (margin - distances)
    neg_terms = gamma * neg_weights * ((1.0 - margin) - distances)
    minus_inf = ops.cast(float("-inf"), dtype)
    pos_loss = ops.logsumexp(ops.where(positive, pos_terms, minus_inf), axis=1)
    neg_loss = ops.logsumexp(ops.where(negative, neg_terms, minus_inf), axis=1)
    loss = ops.softplus(pos_loss + neg_loss)
    return set_mask(loss, loss > 0)


def categorical_generalized_cross_entropy(y_true, y_pred, q):
    """Generalized cross-entropy ``(1 - p ** q) / q`` of the probability ``p`` of the true class.

    It moves from cross-entropy (``q -> 0``) to mean absolute error (``q = 1``); larger
    ``q`` is more robust to wrong labels.

    Args:
        y_true: integer class labels ``(batch,)``.
        y_pred: class probabilities ``(batch, classes)``.
        q: the noise parameter, in (0, 1).

    Example:
        >>> float(lamina.losses.categorical_generalized_cross_entropy([1], [[0.2, 0.8]], q=0.5)[0])
        0.2111
    """
    y_pred = ops.convert_to_tensor(y_pred)
    one_hot = ops.cast(ops.one_hot(ops.cast(y_true, "int32"), y_pred.shape[-1]), y_pred.dtype)
    p = ops.sum(y_pred * one_hot, axis=-1)
    return (1.0 - ops.power(p, q)) / q


class Circle(_Wrapper):
    """Circle loss (``lamina.losses.circle``) on L2-normalized embeddings.

    Args:
        gamma: the scale of the weighted distances.
        margin: the relaxation of the decision boundary.
        remove_diagonal: whether an embedding is not its own positive.
        reduction, name, dtype: as for ``Loss``.

    Example:
        >>> loss = lamina.losses.Circle(gamma=32.0)
        >>> loss.get_config()["gamma"]
        32.0
    """

    _fn = staticmethod(circle)
    _config_keys = ("gamma", "margin", "remove_diagonal")

    def __init__(self, gamma=80.0, margin=0.4, remove_diagonal=True, reduction=_SUM, name="circle", dtype=None):
        super().__init__(reduction=reduction, name=name, dtype=dtype, gamma=gamma, margin=margin,
                         remove_diagonal=remove_diagonal)


class CategoricalGeneralizedCrossEntropy(_Wrapper):
    """Generalized cross-entropy (``lamina.losses.categorical_generalized_cross_entropy``).

    Args:
        q: the noise parameter, in (0, 1): near 0 acts as cross-entropy, near 1 as MAE.
        reduction, name, dtype: as for ``Loss``.

    Example:
        >>> float(lamina.losses.CategoricalGeneralizedCrossEntropy(q=0.5)([1], [[0.2, 0.8]]))
        0.2111
    """

    _fn = staticmethod(categorical_generalized_cross_entropy)
    _config_keys = ("q",)

    def __init__(self, q=0.5, reduction=_SUM, name="categorical_generalized_cross_entropy", dtype=None):
        if isinstance(q, bool) or not isinstance(q, (int, float)) or not 0 < q < 1:
            raise ValueError(f"CategoricalGeneralizedCrossEntropy: `q` must be a number in (0, 1). Received: q={q!r}")
        super().__init__(reduction=reduction, name=name, dtype=dtype, q=q)
