"""Building blocks of the image ops: resize weight matrices and interpolated gathers."""

import math

import numpy as np

from lamina import backend
from lamina.ops import core as _core
from lamina.ops import numpy as _ops


# -- separable resize kernels (distance in input pixels -> weight) -----------------
def _triangle(x):
    return np.maximum(0.0, 1.0 - x)


def _keys_cubic(x):
    # Keys (1981) cubic convolution with a = -0.5.
    near = ((1.5 * x - 2.5) * x) * x + 1.0
    far = ((-0.5 * x + 2.5) * x - 4.0) * x + 2.0
    return np.where(x >= 2.0, 0.0, np.where(x >= 1.0, far, near))


def _lanczos(radius):
    def kernel(x):
        with np.errstate(divide="ignore", invalid="ignore"):
            y = radius * np.sin(np.pi * x) * np.sin(np.pi * x / radius) / (np.pi**2 * x**2)
        y = np.where(x > 1e-3, y, 1.0)
        return np.where(x > radius, 0.0, y)

    return kernel


def _gaussian(x):
    # Radius 1.5 with sigma 0.5, the support TensorFlow's "gaussian" resize uses.
    return np.where(x >= 1.5, 0.0, np.exp(-2.0 * x * x))


def _mitchell_cubic(x):
    # Mitchell-Netravali cubic with B = C = 1/3.
    near = ((7.0 / 6.0 * x - 2.0) * x) * x + 8.0 / 9.0
    far = (((-7.0 / 18.0) * x + 2.0) * x - 10.0 / 3.0) * x + 16.0 / 9.0
    return np.where(x >= 2.0, 0.0, np.where(x >= 1.0, far, near))


# "gaussian" and "mitchellcubic" serve the dataset helpers (Keras accepts them there), not ops.image.resize.
_KERNELS = {"bilinear": _triangle, "bicubic": _keys_cubic, "lanczos3": _lanczos(3), "lanczos5": _lanczos(5),
            "gaussian": _gaussian, "mitchellcubic": _mitchell_cubic}


def resize_weights(in_size, out_size, method, antialias):
    """The ``(in_size, out_size)`` float32 matrix that resizes one axis.

    Output pixel ``o`` samples the input at ``(o + 0.5) * in_size / out_size - 0.5``
    (half-pixel centres). With ``antialias`` the kernel is stretched by the
    downsampling factor. ``"area"`` averages the input pixels each output pixel covers.

    Args:
        in_size: length of the input axis.
        out_size: length of the output axis.
        method: ``"area"``, ``"bilinear"``, ``"bicubic"``, ``"lanczos3"``, ``"lanczos5"``,
            ``"gaussian"`` or ``"mitchellcubic"``.
        antialias: whether to widen the kernel when downsampling.
    """
    inv_scale = np.float32(in_size / out_size)
    if method == "area":
        lo = np.arange(out_size, dtype=np.float64) * (in_size / out_size)
        hi = lo + in_size / out_size
        pix = np.arange(in_size, dtype=np.float64)[:, None]
        overlap = np.clip(np.minimum(pix + 1, hi[None]) - np.maximum(pix, lo[None]), 0.0, None)
        return (overlap / (in_size / out_size)).astype(np.float32)
    kernel = _KERNELS[method]
    kernel_scale = max(inv_scale, np.float32(1.0)) if antialias else np.float32(1.0)
    sample = (np.arange(out_size, dtype=np.float32) + np.float32(0.5)) * inv_scale - np.float32(0.5)
    dist = np.abs(sample[None, :] - np.arange(in_size, dtype=np.float32)[:, None]) / kernel_scale
    weights = kernel(dist).astype(np.float32)
    total = weights.sum(axis=0, keepdims=True)
    eps = np.finfo(np.float32).eps
    weights = np.where(np.abs(total) > 1000 * eps, weights / np.where(total != 0, total, 1), 0)
    inside = (sample >= -0.5) & (sample <= in_size - 0.5)
    return np.where(inside[None, :], weights, 0).astype(np.float32)


# -- interpolated gathers ------------------------------------------------------------
def _mirror(index, size):
    if size == 1:
        return _ops.zeros_like(index)
    span = size - 1
    return _ops.absolute(_ops.mod(index + span, 2 * span) - span)


def _fix_index(index, size, fill_mode):
    if fill_mode == "wrap":
        return _ops.mod(index, size)
    if fill_mode == "mirror":
        return _mirror(index, size)
    if fill_mode == "reflect":
        return _ops.floor_divide(_mirror(2 * index + 1, 2 * size + 1) - 1, 2)
    return _ops.clip(index, 0, size - 1)


def _round_half_away(x):
    return _ops.sign(x) * _ops.floor(_ops.absolute(x) + 0.5)


def _nodes(coordinate, order):
    """(integer index, weight) pairs that interpolate at ``coordinate`` along one axis."""
    if order == 0:
        return [(_core.cast(_round_half_away(coordinate), "int32"), _ops.ones_like(coordinate))]
    lower = _ops.floor(coordinate)
    upper_weight = coordinate - lower
    lower = _core.cast(lower, "int32")
    return [(lower, 1.0 - upper_weight), (lower + 1, upper_weight)]


def interpolate_at(flat, sizes, coords, order, fill_mode, fill_value, base_index=None, channels=False):
    """Samples an n-D grid (stored row-major in ``flat``) at fractional ``coords``.

    Args:
        flat: the grid flattened over its ``sizes`` axes; shape ``(N,)``, or ``(N, C)``
            when ``channels`` (each point then yields a vector of C values).
        sizes: the grid's shape (the axes ``coords`` index).
        coords: one float tensor per axis, all of the same shape S.
        order: 0 (nearest, rounding half to even) or 1 (linear).
        fill_mode: how indices outside the grid are read: ``"constant"``, ``"nearest"``,
            ``"wrap"``, ``"mirror"`` or ``"reflect"``.
        fill_value: the value read outside the grid when ``fill_mode="constant"``.
        base_index: an integer tensor broadcastable to S added to every flat index
            (selects one grid of several stacked in ``flat``).
        channels: whether ``flat`` has a trailing channel axis.

    Returns:
        Shape S (plus ``(C,)`` when ``channels``), the dtype of ``flat``.
    """
    dtype = _core.dtype(flat)
    compute = dtype if backend.is_float_dtype(dtype) else backend.floatx()
    strides = [math.prod(sizes[d + 1:]) for d in range(len(sizes))]
    per_axis = []
    for coordinate, size in zip(coords, sizes):
        nodes = []
        for index, weight in _nodes(coordinate, order):
            valid = None
            if fill_mode == "constant":
                valid = _ops.logical_and(index >= 0, index < size)
            nodes.append((_fix_index(index, size, fill_mode), valid, weight))
        per_axis.append(nodes)

    total = None
    for corner in _corners(per_axis):
        flat_index = base_index if base_index is not None else 0
        weight, valid = 1.0, None
        for stride, (index, ok, w) in zip(strides, corner):
            flat_index = flat_index + index * stride
            weight = weight * w
            if ok is not None:
                valid = ok if valid is None else _ops.logical_and(valid, ok)
        values = _core.cast(_ops.take(flat, flat_index, axis=0), compute)
        if channels:
            weight = _ops.expand_dims(weight, -1)
            valid = None if valid is None else _ops.expand_dims(valid, -1)
        if valid is not None:
            values = _ops.where(valid, values, float(fill_value))
        term = weight * values
        total = term if total is None else total + term
    if not backend.is_float_dtype(dtype):
        total = _round_half_away(total)
    return _core.cast(total, dtype)


def _corners(per_axis):
    corners = [[]]
    for nodes in per_axis:
        corners = [c + [n] for c in corners for n in nodes]
    return corners
