"""Short-time Fourier transforms: ``stft`` and its inverse ``istft`` (in ``lamina.ops.math``).

A signal is cut into frames of ``fft_length`` samples every ``sequence_stride`` samples,
each frame is multiplied by the window (``sequence_length`` samples, zero-padded in the
middle of the frame to ``fft_length``) and Fourier-transformed. ``istft`` transforms the
frames back, windows them again and overlap-adds them, dividing by the overlap-added
squared window the way Keras 3 does on the same backend (the backends differ at the edges).

Example:
    >>> real, imag = ops.stft(ops.ones((64,)), sequence_length=16, sequence_stride=8, fft_length=16)
    >>> ops.shape(real)
    (9, 9)
"""

import numpy as np

from lamina import backend
from lamina.ops import core as _core
from lamina.ops import numpy as _ops
from lamina.ops._dispatch import symbolic
from lamina.ops._windows import check_window_name, window_values

__all__ = ["stft", "istft"]


def _check_lengths(name, sequence_length, sequence_stride, fft_length):
    for arg, value in (("sequence_length", sequence_length), ("sequence_stride", sequence_stride),
                       ("fft_length", fft_length)):
        if not isinstance(value, (int, np.integer)) or isinstance(value, bool) or value < 1:
            raise ValueError(f"{name}: `{arg}` must be a positive integer. Received: {arg}={value!r}")
    if fft_length < sequence_length:
        raise ValueError(f"{name}: `fft_length` must be at least `sequence_length`. Received: "
                         f"sequence_length={sequence_length}, fft_length={fft_length}")


def _frame_window(name, window, sequence_length, fft_length, dtype, rectangular=False):
    """The window as a tensor of ``fft_length`` samples (centered, zero-padded), or None.

    ``rectangular``: a None window becomes ``sequence_length`` ones when that is shorter.
    """
    if window is None and not (rectangular and sequence_length < fft_length):
        return None
    if window is None:
        values = _ops.ones((sequence_length,), dtype=dtype)
    elif isinstance(window, str):
        check_window_name(window, name)
        values = _core.convert_to_tensor(window_values(window, sequence_length, True, name), dtype=dtype)
    else:
        values = _core.cast(_core.convert_to_tensor(window), dtype)
        if len(values.shape) != 1 or values.shape[0] != sequence_length:
            raise ValueError(f"{name}: `window` must have shape ({sequence_length},) (sequence_length). "
                             f"Received: window shape={tuple(values.shape)}")
    left = (fft_length - sequence_length) // 2
    return _ops.pad(values, ((left, fft_length - sequence_length - left),))


def _float_dtype(name, x):
    dtype = backend.standardize_dtype(x.dtype)
    if dtype not in ("float32", "float64"):
        raise TypeError(f"{name}: `x` must be float32 or float64. Received: x with dtype {dtype}")
    return dtype


@symbolic
def stft(x, sequence_length, sequence_stride, fft_length, window="hann", center=True):
    """Short-time Fourier transform of real signals along the last axis.

    Args:
        x: float32 or float64 signals ``(..., samples)``.
        sequence_length: window length in samples.
        sequence_stride: hop between frame starts in samples.
        fft_length: FFT size (at least ``sequence_length``); the output has
            ``fft_length // 2 + 1`` frequency bins.
        window: ``"hann"``, ``"hamming"`` (periodic; also ``"blackman"``, ``"bartlett"``,
            ``"boxcar"``), a ``(sequence_length,)`` tensor, or None for no window (as in
            Keras, the JAX backend then keeps all ``fft_length`` samples of a frame and
            torch the middle ``sequence_length``).
        center: whether to reflect-pad the signal by ``fft_length // 2`` on both sides so
            that frame ``t`` is centered on sample ``t * sequence_stride``.

    Returns:
        ``(real, imag)``, each ``(..., frames, fft_length // 2 + 1)``.

    Example:
        >>> real, imag = ops.stft(ops.ones((2, 32)), 8, 4, 8, center=False)
        >>> ops.shape(real), float(real[0, 0, 0])  # sum of a periodic Hann window of 8
        ((2, 7, 5), 4.0)
    """
    _check_lengths("stft", sequence_length, sequence_stride, fft_length)
    x = _core.convert_to_tensor(x)
    dtype = _float_dtype("stft", x)
    win = _frame_window("stft", window, sequence_length, fft_length, dtype,
                        rectangular=backend.spectral.NO_WINDOW_SPAN == "sequence_length")
    if center:
        half = fft_length // 2
        x = _ops.pad(x, ((0, 0),) * (len(x.shape) - 1) + ((half, half),), mode="reflect")
    if x.shape[-1] is not None and x.shape[-1] < fft_length:
        raise ValueError(f"stft: the signal is shorter than one frame: {x.shape[-1]} samples (after centering) "
                         f"< fft_length={fft_length}.")
    frames = _frames(x, fft_length, sequence_stride)
    if win is not None:
        frames = _ops.multiply(frames, win)
    return backend.math.rfft(frames, fft_length=fft_length)


def _frames(x, length, stride):
    count = 1 + (x.shape[-1] - length) // stride
    index = (np.arange(count)[:, None] * stride + np.arange(length)[None, :]).astype("int32")
    return _ops.take(x, index, axis=-1)


def _overlap_add(frames, stride):
    """Sums frames ``(..., N, L)`` placed every ``stride`` samples: ``(..., (N - 1) * stride + L)``."""
    num, length = frames.shape[-2], frames.shape[-1]
    blocks = -(-length // stride)
    lead = ((0, 0),) * (len(frames.shape) - 2)
    frames = _ops.pad(frames, lead + ((0, 0), (0, blocks * stride - length)))
    frames = _ops.reshape(frames, tuple(frames.shape[:-2]) + (num, blocks, stride))
    total = None
    for k in range(blocks):
        # Block k of frame n lands on output block n + k.
        part = _ops.pad(frames[..., k, :], lead + ((k, blocks - 1 - k), (0, 0)))
        total = part if total is None else _ops.add(total, part)
    total = _ops.reshape(total, tuple(total.shape[:-2]) + ((num + blocks - 1) * stride,))
    return total[..., :(num - 1) * stride + length]


def _periodic_denominator(win, stride):
    """The squared window summed over all shifts by ``stride`` (one period, tiled over the frame)."""
    length = win.shape[0]
    blocks = -(-length // stride)
    squared = _ops.pad(_ops.square(win), ((0, blocks * stride - length),))
    period = _ops.sum(_ops.reshape(squared, (blocks, stride)), axis=0)
    return _ops.reshape(_ops.tile(period[None, :], (blocks, 1)), (blocks * stride,))[:length]


@symbolic
def istft(x, sequence_length, sequence_stride, fft_length, length=None, window="hann", center=True):
    """Inverse short-time Fourier transform: real signals from ``(real, imag)`` frames.

    Args:
        x: ``(real, imag)`` tuple of float tensors ``(..., frames, fft_length // 2 + 1)``.
        sequence_length: window length in samples, as given to ``stft``.
        sequence_stride: hop between frames in samples, as given to ``stft``.
        fft_length: FFT size, as given to ``stft``.
        length: number of samples to return (None: all the frames cover, less the
            centering padding when ``center`` is True).
        window: the window given to ``stft`` (a name, a ``(sequence_length,)`` tensor or
            None).
        center: whether ``stft`` centered its frames; the ``fft_length // 2`` padded samples
            are then dropped from the start (and from the end when ``length`` is None).

    Returns:
        The signals ``(..., samples)``.

    Example:
        >>> signal = ops.convert_to_tensor(np.sin(np.arange(64) / 3.0).astype("float32"))
        >>> frames = ops.stft(signal, 16, 4, 16)
        >>> back = ops.istft(frames, 16, 4, 16)
        >>> bool(np.allclose(ops.convert_to_numpy(back), ops.convert_to_numpy(signal), atol=1e-5))
        True
    """
    _check_lengths("istft", sequence_length, sequence_stride, fft_length)
    if not isinstance(x, (tuple, list)) or len(x) != 2:
        raise ValueError(f"istft: `x` must be a (real, imag) tuple of tensors. Received: x of type {type(x).__name__}")
    real, imag = _core.convert_to_tensor(x[0]), _core.convert_to_tensor(x[1])
    if len(real.shape) < 2 or tuple(real.shape) != tuple(imag.shape):
        raise ValueError(f"istft: `x` must be two tensors of the same shape (..., frames, bins). Received shapes "
                         f"{tuple(real.shape)} and {tuple(imag.shape)}")
    if sequence_stride > fft_length:
        raise ValueError(f"istft: `sequence_stride` must be at most `fft_length`. Received: "
                         f"sequence_stride={sequence_stride}, fft_length={fft_length}")
    dtype = _float_dtype("istft", real)
    frames = backend.math.irfft((real, imag), fft_length=fft_length)
    num_frames = frames.shape[-2]
    win = _frame_window("istft", window, sequence_length, fft_length, dtype)
    envelope = backend.spectral.ISTFT_NORMALIZATION == "overlap" or (
        sequence_length == fft_length and center and win is not None)
    if envelope:
        ones = win is None
        win = _ops.ones((fft_length,), dtype=dtype) if ones else win
        signal = _overlap_add(_ops.multiply(frames, win), sequence_stride)
        norm = _overlap_add(_ops.tile(_ops.square(win)[None, :], (num_frames, 1)), sequence_stride)
        signal = _ops.divide(signal, _ops.where(norm > 1e-10, norm, _ops.ones_like(norm)))
        if ones and backend.spectral.ISTFT_NORMALIZATION == "overlap":
            signal = _ops.multiply(signal, _core.cast(fft_length / sequence_stride, dtype))
    else:
        if win is not None:
            frames = _ops.multiply(frames, _ops.divide(win, _periodic_denominator(win, sequence_stride)))
        signal = _overlap_add(frames, sequence_stride)
    start = fft_length // 2 if center else 0
    if length is not None:
        return signal[..., start:start + length]
    end = signal.shape[-1] - (fft_length // 2 if center else 0)
    return signal[..., start:end]
