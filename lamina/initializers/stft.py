"""The STFT initializer: Conv1D kernels whose outputs are the real or imaginary STFT bins."""

from lamina import backend, ops
from lamina.initializers.base import Initializer
from lamina.ops._windows import check_window_name, window_values


class STFT(Initializer):
    """Kernels ``(frame_length, 1, bins)`` of a windowed discrete Fourier transform.

    Convolving a signal with the ``"real"`` kernel (stride = hop) gives the real part of
    its short-time Fourier transform, with the ``"imag"`` kernel the imaginary part; the
    FFT size is ``2 * (bins - 1)``. This is what ``STFTSpectrogram`` builds its weights with.

    Args:
        side: ``"real"`` or ``"imag"``.
        window: a window name (``"hann"``, ``"hamming"``, ``"blackman"``, ``"bartlett"``,
            ``"boxcar"``), an array of ``frame_length`` values, or None for no window.
        scaling: ``"density"`` (divide by the window's L2 norm), ``"spectrum"`` (by its L1
            norm) or None.
        periodic: whether a named window is periodic (for spectral analysis) rather than
            symmetric.

    Example:
        >>> kernel = lamina.initializers.STFT("real", window=None, scaling=None)((4, 1, 3))
        >>> (np.round(ops.convert_to_numpy(kernel)[:, 0, :], 3) + 0.0).tolist()  # cos(-2 pi t f / 4)
        [[1.0, 1.0, 1.0], [1.0, 0.0, -1.0], [1.0, -1.0, 1.0], [1.0, 0.0, -1.0]]
    """

    def __init__(self, side="real", window="hann", scaling="density", periodic=False):
        if side not in ("real", "imag"):
            raise ValueError(f"STFT initializer: `side` must be 'real' or 'imag'. Received: side={side!r}")
        check_window_name(window, "STFT initializer")
        if scaling not in (None, "density", "spectrum"):
            raise ValueError("STFT initializer: `scaling` must be None, 'density' or 'spectrum'. "
                             f"Received: scaling={scaling!r}")
        self.side = side
        self.window = window
        self.scaling = scaling
        self.periodic = periodic

    def __call__(self, shape, dtype=None):
        dtype = backend.standardize_dtype(dtype or backend.floatx())
        if len(shape) != 3:
            raise ValueError("STFT initializer: expected a shape (frame_length, 1, bins). "
                             f"Received: shape={tuple(shape)}")
        frame_length, _, bins = shape
        fft_length = (bins - 1) * 2
        freq = ops.reshape(ops.arange(bins, dtype=dtype), (1, 1, bins)) / fft_length
        time = ops.reshape(ops.arange(frame_length, dtype=dtype), (frame_length, 1, 1))
        angle = (-2 * time) * freq * ops.arccos(ops.cast(-1, dtype))
        kernel = ops.cos(angle) if self.side == "real" else ops.sin(angle)
        if self.window is None:
            return ops.cast(kernel, dtype)
        if isinstance(self.window, str):
            win = window_values(self.window, frame_length, self.periodic, "STFT initializer")
        else:
            win = self.window
        win = ops.convert_to_tensor(win, dtype=dtype)
        if len(win.shape) != 1 or win.shape[0] != frame_length:
            raise ValueError(f"STFT initializer: `window` must have {frame_length} values (frame_length). "
                             f"Received: window shape={tuple(win.shape)}")
        win = ops.reshape(win, (frame_length, 1, 1))
        if self.scaling == "density":
            kernel = kernel * win / ops.sqrt(ops.sum(ops.square(win)))
        elif self.scaling == "spectrum":
            kernel = kernel * win / ops.sum(ops.abs(win))
        else:
            kernel = kernel * win
        return ops.cast(kernel, dtype)

    def get_config(self):
        window = self.window.tolist() if hasattr(self.window, "tolist") else self.window
        return {"side": self.side, "window": window, "periodic": self.periodic, "scaling": self.scaling}
