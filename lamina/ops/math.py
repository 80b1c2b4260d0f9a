"""``lamina.ops.math``: segment reductions, top-k, logsumexp, special functions, FFT, framing.

Example:
    >>> from lamina import ops
    >>> ops.convert_to_numpy(ops.segment_sum(ops.convert_to_tensor([1, 2, 3]), [0, 0, 1]))
    array([3, 3], dtype=int32)
"""

from lamina import backend
from lamina.ops import core as _core
from lamina.ops import numpy as _ops
from lamina.ops._dispatch import symbolic
from lamina.ops.spectral import istft, stft  # noqa: F401

__all__ = [
    "segment_sum", "segment_max", "top_k", "in_top_k", "logsumexp", "erf", "erfinv", "rsqrt",
    "extract_sequences", "fft", "ifft", "fft2", "ifft2", "rfft", "irfft", "qr", "logdet",
]
__all__ += ["stft", "istft"]


def _math():
    return backend.math


@symbolic
def segment_sum(data, segment_ids, num_segments=None, sorted=False):
    """Sums the rows of ``data`` that share a segment id.

    Args:
        data: tensor whose first axis is segmented.
        segment_ids: 1-D ints, one per row of ``data``; ids outside
            ``[0, num_segments)`` are dropped.
        num_segments: number of output rows (``max(segment_ids) + 1`` when None; give
            it inside compiled code).
        sorted: whether ``segment_ids`` is sorted (a hint).

    Example:
        >>> ops.convert_to_numpy(ops.segment_sum(ops.convert_to_tensor([1.0, 2.0, 3.0]), [0, 0, 2], num_segments=3))
        array([3., 0., 3.], dtype=float32)
    """
    return _math().segment_sum(data, segment_ids, num_segments=num_segments, sorted=sorted)


@symbolic
def segment_max(data, segment_ids, num_segments=None, sorted=False):
    """Maximum of the rows of ``data`` that share a segment id (empty segments: -inf / dtype min).

    Args:
        data: tensor whose first axis is segmented.
        segment_ids: 1-D ints, one per row of ``data``.
        num_segments: number of output rows (``max(segment_ids) + 1`` when None).
        sorted: whether ``segment_ids`` is sorted (a hint).

    Example:
        >>> ops.convert_to_numpy(ops.segment_max(ops.convert_to_tensor([1.0, 5.0, 3.0]), [0, 0, 1]))
        array([5., 3.], dtype=float32)
    """
    return _math().segment_max(data, segment_ids, num_segments=num_segments, sorted=sorted)


@symbolic
def top_k(x, k, sorted=True):
    """The ``k`` largest entries along the last axis and their indices (int32), largest first.

    Args:
        x: input tensor.
        k: how many of the largest entries to return.
        sorted: accepted for Keras compatibility; the entries always come largest first.

    Example:
        >>> values, indices = ops.top_k(ops.convert_to_tensor([1.0, 4.0, 2.0]), 2)  # [4, 2], [1, 2]
    """
    return _math().top_k(x, k, sorted=sorted)


@symbolic
def in_top_k(targets, predictions, k):
    """Whether each target class is among the ``k`` highest predictions of its row.

    Args:
        targets: ``(batch,)`` integer class ids.
        predictions: ``(batch, num_classes)`` scores.
        k: how many top predictions count.

    Example:
        >>> ops.convert_to_numpy(ops.in_top_k([1, 0], [[0.1, 0.9, 0.0], [0.2, 0.3, 0.5]], 2))
        array([ True, False])
    """
    predictions = _core.convert_to_tensor(predictions)
    targets = _core.cast(_ops.expand_dims(_core.convert_to_tensor(targets), -1), "int32")
    kth_best = _ops.get_item(top_k(predictions, k)[0], (Ellipsis, slice(k - 1, k)))
    target_score = _ops.take_along_axis(predictions, targets, axis=-1)
    return _ops.squeeze(target_score >= kth_best, -1)


@symbolic
def logsumexp(x, axis=None, keepdims=False):
    """``log(sum(exp(x)))`` over ``axis``, computed stably.

    Args:
        x: input tensor.
        axis: axis or axes to reduce over; None reduces over all axes.
        keepdims: whether to keep the reduced axes with length 1.

    Example:
        >>> float(ops.logsumexp(ops.zeros((4,))))  # log(4)
        1.3863
    """
    return _math().logsumexp(x, axis=axis, keepdims=keepdims)


@symbolic
def erf(x):
    """The error function.

    Args:
        x: input tensor.

    Example:
        >>> ops.convert_to_numpy(ops.erf(ops.zeros((1,))))
        array([0.], dtype=float32)
    """
    return _math().erf(x)


@symbolic
def erfinv(x):
    """The inverse error function on (-1, 1).

    Args:
        x: input tensor with values in (-1, 1).

    Example:
        >>> ops.convert_to_numpy(ops.erfinv(ops.zeros((1,))))
        array([0.], dtype=float32)
    """
    return _math().erfinv(x)


@symbolic
def rsqrt(x):
    """``1 / sqrt(x)``.

    Args:
        x: input tensor.

    Example:
        >>> ops.convert_to_numpy(ops.rsqrt(ops.convert_to_tensor([4.0])))
        array([0.5], dtype=float32)
    """
    return _math().rsqrt(x)


@symbolic
def extract_sequences(x, sequence_length, sequence_stride):
    """Frames the last axis into overlapping windows.

    Args:
        x: tensor ``(..., n)``.
        sequence_length: window size.
        sequence_stride: step between window starts.

    Returns:
        ``(..., 1 + (n - sequence_length) // sequence_stride, sequence_length)``.

    Example:
        >>> ops.convert_to_numpy(ops.extract_sequences(ops.arange(6), 3, 2))
        array([[0, 1, 2],
               [2, 3, 4]], dtype=int32)
    """
    import numpy as np

    x = _core.convert_to_tensor(x)
    n = x.shape[-1]
    if sequence_length > n:
        raise ValueError(
            f"extract_sequences: `sequence_length` ({sequence_length}) is longer than the last axis ({n})."
        )
    count = 1 + (n - sequence_length) // sequence_stride
    index = (np.arange(count)[:, None] * sequence_stride + np.arange(sequence_length)[None, :]).astype("int32")
    return _ops.take(x, index, axis=-1)


@symbolic
def fft(x):
    """1-D FFT over the last axis of a complex tensor given as ``(real, imag)``; returns ``(real, imag)``.

    Args:
        x: ``(real, imag)`` tuple of float tensors of the same shape.

    Example:
        >>> real, imag = ops.fft((ops.ones((4,)), ops.zeros((4,))))  # [4, 0, 0, 0], 0
    """
    return _math().fft(x)


@symbolic
def ifft(x):
    """Inverse of ``fft`` on a ``(real, imag)`` pair.

    Args:
        x: ``(real, imag)`` tuple of float tensors of the same shape.

    Example:
        >>> real, imag = ops.ifft((ops.ones((4,)), ops.zeros((4,))))
    """
    return _math().ifft(x)


@symbolic
def fft2(x):
    """2-D FFT over the last two axes of a ``(real, imag)`` pair.

    Args:
        x: ``(real, imag)`` tuple of float tensors of the same shape.

    Example:
        >>> real, imag = ops.fft2((ops.ones((2, 2)), ops.zeros((2, 2))))
    """
    return _math().fft2(x)


@symbolic
def ifft2(x):
    """Inverse of ``fft2`` on a ``(real, imag)`` pair.

    Args:
        x: ``(real, imag)`` tuple of float tensors of the same shape.

    Example:
        >>> real, imag = ops.ifft2((ops.ones((2, 2)), ops.zeros((2, 2))))
    """
    return _math().ifft2(x)


@symbolic
def rfft(x, fft_length=None):
    """FFT of a real signal over the last axis; returns the ``fft_length // 2 + 1`` bins as ``(real, imag)``.

    Args:
        x: real input tensor.
        fft_length: FFT size along the last axis; the input is cropped or zero-padded to it
            (None: the last axis's length).

    Example:
        >>> real, imag = ops.rfft(ops.ones((4,)))  # [4, 0, 0], 0
    """
    return _math().rfft(x, fft_length=fft_length)


@symbolic
def irfft(x, fft_length=None):
    """Inverse of ``rfft``: a real signal from ``(real, imag)`` bins.

    Args:
        x: ``(real, imag)`` tuple of frequency bins.
        fft_length: length of the real output signal (None: ``2 * (bins - 1)``).

    Example:
        >>> ops.convert_to_numpy(ops.irfft(ops.rfft(ops.arange(4.0))))
        array([0., 1., 2., 3.], dtype=float32)
    """
    return _math().irfft(x, fft_length=fft_length)


def qr(x, mode="reduced"):
    """QR decomposition (see ``lamina.ops.linalg.qr``).

    Args:
        x: tensor of shape ``(..., M, N)``.
        mode: ``"reduced"`` or ``"complete"``.

    Example:
        >>> q, r = ops.qr(ops.eye(3))
    """
    from lamina.ops import linalg

    return linalg.qr(x, mode=mode)


@symbolic
def logdet(x):
    """``log(det(x))`` of positive-definite matrices, computed stably.

    Args:
        x: tensor of shape ``(..., N, N)`` of positive-definite matrices.

    Example:
        >>> float(ops.logdet(ops.eye(2) * 2.0))  # log(4)
        1.3863
    """
    return backend.linalg.slogdet(x)[1]


from lamina.ops.math_extra import *  # noqa: E402,F401,F403
from lamina.ops.math_extra import __all__ as _extra_names  # noqa: E402

__all__ += _extra_names
