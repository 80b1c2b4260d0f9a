"""Helpers shared by the normalization layers: moments, the fused scale-and-shift, and the
learned ``gamma`` / ``beta`` (their options, weights and config)."""

from lamina import constraints, initializers, ops, regularizers

_HALF = ("float16", "bfloat16")


def upcast(x):
    """Half-precision inputs are normalized in float32 for stability; returns (x, original dtype)."""
    dtype = ops.dtype(x)
    if dtype in _HALF:
        return ops.cast(x, "float32"), dtype
    return x, dtype


def moments(x, axes, keepdims=True):
    mean = ops.mean(x, axis=axes, keepdims=True)
    variance = ops.mean(ops.square(ops.subtract(x, mean)), axis=axes, keepdims=True)
    if not keepdims:
        mean, variance = ops.squeeze(mean, axis=axes), ops.squeeze(variance, axis=axes)
    return mean, variance


def scale_and_shift(x, mean, variance, epsilon, gamma, beta):
    """``(x - mean) / sqrt(variance + epsilon) * gamma + beta`` in the fused form Keras uses."""
    inv = ops.divide(1.0, ops.sqrt(ops.add(variance, epsilon)))
    if gamma is not None:
        inv = ops.multiply(inv, gamma)
    shift = ops.negative(ops.multiply(mean, inv))
    if beta is not None:
        shift = ops.add(shift, beta)
    return ops.add(ops.multiply(x, inv), shift)


def normalize_axes(layer, axis, ndim):
    """Turns ``axis`` (int or list) into a sorted tuple of non-negative axes, checked against ``ndim``."""
    axes = [axis] if isinstance(axis, int) else list(axis)
    out = []
    for a in axes:
        if not -ndim <= a < ndim:
            raise ValueError(
                f"{type(layer).__name__} layer '{layer.name}': axis {a} is out of range for inputs of rank {ndim}. "
                f"Received: axis={axis}"
            )
        out.append(a % ndim)
    return tuple(sorted(out))


_AFFINE = {"initializer": initializers, "regularizer": regularizers, "constraint": constraints}


def set_affine_options(layer, center, scale, **options):
    """Stores ``center`` / ``scale`` and the ``beta_*`` / ``gamma_*`` initializers,
    regularizers and constraints (given by those names) on ``layer``."""
    layer.center = center
    layer.scale = scale
    for name in ("beta", "gamma"):
        for kind, module in _AFFINE.items():
            setattr(layer, f"{name}_{kind}", module.get(options[f"{name}_{kind}"]))


def build_affine(layer, shape):
    """Creates ``layer.gamma`` (when ``scale``) and ``layer.beta`` (when ``center``)."""
    layer.gamma = layer.beta = None
    for name, wanted in (("gamma", layer.scale), ("beta", layer.center)):
        if wanted:
            setattr(layer, name, layer.add_weight(
                name=name, shape=shape, initializer=getattr(layer, f"{name}_initializer"),
                regularizer=getattr(layer, f"{name}_regularizer"), constraint=getattr(layer, f"{name}_constraint")))


def affine_config(layer):
    """``center``, ``scale`` and the serialized ``beta_*`` / ``gamma_*`` options."""
    config = {"center": layer.center, "scale": layer.scale}
    for name in ("beta", "gamma"):
        for kind, module in _AFFINE.items():
            config[f"{name}_{kind}"] = module.serialize(getattr(layer, f"{name}_{kind}"))
    return config
