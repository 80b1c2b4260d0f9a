"""Gradient clipping by norm and by global norm, written in ``lamina.ops``."""

from lamina import ops


def clip_by_norm(values, clip_norm):
    """Scales ``values`` so that its L2 norm is at most ``clip_norm`` (zero stays zero, no NaN)."""
    l2sum = ops.sum(ops.square(values), keepdims=True)
    positive = l2sum > 0
    # Take the square root only where it is safe, so the gradient of this op never sees sqrt(0).
    l2norm = ops.where(positive, ops.sqrt(ops.where(positive, l2sum, ops.ones_like(l2sum))), l2sum)
    return ops.multiply(values, clip_norm) / ops.maximum(l2norm, clip_norm)


def global_norm(values):
    """The L2 norm of all ``values`` taken together."""
    return ops.sqrt(ops.sum(ops.stack([ops.sum(ops.square(v)) for v in values if v is not None])))


def clip_by_global_norm(values, clip_norm):
    """Scales every tensor by ``clip_norm / max(global_norm, clip_norm)``; NaN if the norm is not finite."""
    norm = global_norm(values)
    scale = clip_norm * ops.minimum(1.0 / norm, 1.0 / clip_norm)
    scale = scale + (norm - norm)  # inf or NaN norm -> NaN scale, so the problem is visible
    return [v * scale if v is not None else v for v in values]
