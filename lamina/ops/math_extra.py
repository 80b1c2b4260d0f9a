"""More of ``lamina.ops.math``: pairwise distances, erfc, segment min/prod, complex views.

Example:
    >>> from lamina import ops
    >>> ops.convert_to_numpy(ops.cdist(ops.convert_to_tensor([[0.0, 0.0]]), ops.convert_to_tensor([[3.0, 4.0]])))
    array([[5.]], dtype=float32)
"""

from lamina import backend
from lamina.ops import core as _core
from lamina.ops import numpy as _np
from lamina.ops._dispatch import symbolic

__all__ = ["cdist", "erfc", "segment_min", "segment_prod", "view_as_complex", "view_as_real"]


def _extra():
    return backend.extra_ops


@symbolic
def cdist(x, y):
    """Euclidean distances between the rows of ``x`` and of ``y``: ``(..., P, R)`` from ``(..., P, M)``, ``(..., R, M)``.

    Args:
        x: tensor of rank >= 2, points along its second-to-last axis.
        y: tensor of rank >= 2 with the same last axis as ``x``; leading axes broadcast.

    Example:
        >>> ops.convert_to_numpy(ops.cdist(ops.zeros((1, 2)), ops.ones((2, 2))))
        array([[1.4142, 1.4142]], dtype=float32)
    """
    x, y = _core.convert_to_tensor(x), _core.convert_to_tensor(y)
    if len(x.shape) < 2 or len(y.shape) < 2:
        raise ValueError(f"ops.cdist: `x` and `y` must have rank >= 2. Received: x.shape={tuple(x.shape)}, "
                         f"y.shape={tuple(y.shape)}")
    if x.shape[-1] != y.shape[-1]:
        raise ValueError(f"ops.cdist: the last axes of `x` and `y` must match. Received: x.shape={tuple(x.shape)}, "
                         f"y.shape={tuple(y.shape)}")
    diff = _np.expand_dims(x, -2) - _np.expand_dims(y, -3)
    return _np.sqrt(_np.sum(diff * diff, axis=-1))


@symbolic
def erfc(x):
    """The complementary error function ``1 - erf(x)``, accurate where ``erf(x)`` is near 1.

    Args:
        x: input tensor.

    Example:
        >>> ops.convert_to_numpy(ops.erfc(ops.zeros((1,))))
        array([1.], dtype=float32)
    """
    return _extra().erfc(x)


def _check_segments(fn_name, data, segment_ids):
    data_shape, ids_shape = tuple(_core.shape(data)), tuple(_core.shape(segment_ids))
    if len(ids_shape) != 1:
        raise ValueError(f"ops.{fn_name}: `segment_ids` must be 1-D (flatten `data` and `segment_ids` first, or "
                         f"vectorize). Received: segment_ids.shape={ids_shape}")
    if ids_shape[0] is not None and data_shape and data_shape[0] is not None and ids_shape[0] != data_shape[0]:
        raise ValueError(f"ops.{fn_name}: `segment_ids` needs one id per row of `data`. Received: "
                         f"segment_ids.shape={ids_shape}, data.shape={data_shape}")


@symbolic
def segment_min(data, segment_ids, num_segments=None, sorted=False):
    """Minimum of the rows of ``data`` that share a segment id (empty segments: +inf / dtype max).

    Args:
        data: tensor whose first axis is segmented.
        segment_ids: 1-D ints, one per row of ``data``; ids outside ``[0, num_segments)`` are dropped.
        num_segments: number of output rows (``max(segment_ids) + 1`` when None; give it inside compiled code).
        sorted: whether ``segment_ids`` is sorted (a hint).

    Example:
        >>> ops.convert_to_numpy(ops.segment_min(ops.convert_to_tensor([1, 2, 10, 20]), [0, 0, 1, 1]))
        array([ 1, 10], dtype=int32)
    """
    data, segment_ids = _core.convert_to_tensor(data), _core.convert_to_tensor(segment_ids)
    _check_segments("segment_min", data, segment_ids)
    return _extra().segment_min(data, segment_ids, num_segments=num_segments, sorted=sorted)


@symbolic
def segment_prod(data, segment_ids, num_segments=None, sorted=False):
    """Product of the rows of ``data`` that share a segment id (empty segments: 1).

    Args:
        data: tensor whose first axis is segmented.
        segment_ids: 1-D ints, one per row of ``data``; ids outside ``[0, num_segments)`` are dropped.
        num_segments: number of output rows (``max(segment_ids) + 1`` when None; give it inside compiled code).
        sorted: whether ``segment_ids`` is sorted (a hint).

    Example:
        >>> ops.convert_to_numpy(ops.segment_prod(ops.convert_to_tensor([1.0, 2.0, 3.0]), [0, 0, 1]))
        array([2., 3.], dtype=float32)
    """
    data, segment_ids = _core.convert_to_tensor(data), _core.convert_to_tensor(segment_ids)
    _check_segments("segment_prod", data, segment_ids)
    return _extra().segment_prod(data, segment_ids, num_segments=num_segments, sorted=sorted)


@symbolic
def view_as_complex(x):
    """A real ``(..., 2)`` tensor of (real, imaginary) pairs as a complex64 ``(...)`` tensor.

    Args:
        x: real tensor whose last axis has length 2.

    Example:
        >>> ops.convert_to_numpy(ops.view_as_complex(ops.convert_to_tensor([[1.0, 2.0]])))
        array([1.+2.j], dtype=complex64)
    """
    x = _core.convert_to_tensor(x)
    if len(x.shape) < 1 or x.shape[-1] != 2:
        raise ValueError(f"ops.view_as_complex: the last axis of `x` must have length 2 (real, imaginary). "
                         f"Received: x.shape={tuple(x.shape)}")
    real = _core.cast(_np.get_item(x, (Ellipsis, 0)), "float32")
    imag = _core.cast(_np.get_item(x, (Ellipsis, 1)), "float32")
    return _extra().complex_from_parts(real, imag)


@symbolic
def view_as_real(x):
    """A complex tensor as a real ``(..., 2)`` tensor of (real, imaginary) pairs.

    Args:
        x: complex tensor (a real one gives zero imaginary parts).

    Example:
        >>> ops.convert_to_numpy(ops.view_as_real(ops.view_as_complex(ops.convert_to_tensor([[1.0, 2.0]]))))
        array([[1., 2.]], dtype=float32)
    """
    x = _core.convert_to_tensor(x)
    return _np.stack([_np.real(x), _np.imag(x)], axis=-1)
