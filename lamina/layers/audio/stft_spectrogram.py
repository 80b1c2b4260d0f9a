"""STFTSpectrogram: a spectrogram computed by a strided convolution with Fourier kernels."""

import math
import warnings

from lamina import backend, initializers, ops
from lamina.layers.input_spec import InputSpec
from lamina.layers.layer import Layer
from lamina.ops._windows import check_window_name

_MODES = ("log", "magnitude", "psd", "real", "imag", "angle", "stft")


class STFTSpectrogram(Layer):
    """Short-time Fourier transform of ``(batch, time, channels)`` signals as a layer.

    The transform is a ``Conv1D`` with stride ``frame_step`` whose kernels (from the ``STFT``
    initializer) hold the windowed Fourier basis, so the kernels can be trained.

    Args:
        mode: what is returned: ``"log"`` (log magnitude), ``"magnitude"``, ``"psd"`` (power
            spectral density), ``"real"``, ``"imag"``, ``"angle"`` or ``"stft"`` (real and
            imaginary bins concatenated).
        frame_length: samples per frame (the window's length).
        frame_step: hop between frames (None: ``frame_length // 2``).
        fft_length: FFT size, at least ``frame_length`` (None: the next power of two).
        window: a window name (``"hann"``, ``"hamming"``, ``"blackman"``, ``"bartlett"``,
            ``"boxcar"``), an array of ``frame_length`` values, or None.
        periodic: whether a named window is periodic rather than symmetric.
        scaling: ``"density"``, ``"spectrum"`` or None (see the ``STFT`` initializer).
        padding: ``"valid"`` or ``"same"`` padding of the convolution.
        expand_dims: whether to keep channels on their own axis
            (``(batch, frames, bins, channels)``) instead of flattening them with the bins.
        data_format: ``"channels_last"`` (``(batch, time, channels)``) or ``"channels_first"``.
        **kwargs: base layer arguments (``name``, ``dtype``, ``trainable``).

    Example:
        >>> layer = lamina.layers.STFTSpectrogram(frame_length=32, frame_step=16, fft_length=32)
        >>> ops.shape(layer(np.zeros((2, 160, 1), "float32")))
        (2, 9, 17)
    """

    def __init__(self, mode="log", frame_length=256, frame_step=None, fft_length=None, window="hann", periodic=False,
                 scaling="density", padding="valid", expand_dims=False, data_format=None, **kwargs):
        if isinstance(frame_length, bool) or not isinstance(frame_length, int) or frame_length < 1:
            raise ValueError("STFTSpectrogram: `frame_length` must be a positive integer. "
                             f"Received: frame_length={frame_length!r}")
        if frame_step is not None and not (isinstance(frame_step, int) and 1 <= frame_step <= frame_length):
            raise ValueError("STFTSpectrogram: `frame_step` must be a positive integer not greater than "
                             f"`frame_length` ({frame_length}). Received: frame_step={frame_step!r}")
        if fft_length is not None and not (isinstance(fft_length, int) and fft_length >= frame_length):
            raise ValueError(f"STFTSpectrogram: `fft_length` must be an integer at least `frame_length` "
                             f"({frame_length}). Received: fft_length={fft_length!r}")
        if fft_length is not None and fft_length & (fft_length - 1):
            warnings.warn(f"STFTSpectrogram: `fft_length` is best a power of two. Received: fft_length={fft_length}",
                          stacklevel=2)
        if mode not in _MODES:
            raise ValueError(f"STFTSpectrogram: `mode` must be one of {list(_MODES)}. Received: mode={mode!r}")
        if scaling not in (None, "density", "spectrum"):
            raise ValueError("STFTSpectrogram: `scaling` must be None, 'density' or 'spectrum'. "
                             f"Received: scaling={scaling!r}")
        if padding not in ("valid", "same"):
            raise ValueError(f"STFTSpectrogram: `padding` must be 'valid' or 'same'. Received: padding={padding!r}")
        check_window_name(window, "STFTSpectrogram")
        super().__init__(**kwargs)
        self.mode = mode
        self.frame_length = frame_length
        self.frame_step = frame_step
        self.fft_length = fft_length
        self.window = window
        self.periodic = periodic
        self.scaling = scaling
        self.padding = padding
        self.expand_dims = expand_dims
        self.data_format = backend.standardize_data_format(data_format)
        self._step = frame_step or frame_length // 2
        self._fft = fft_length or 2 ** int(math.ceil(math.log2(frame_length)))
        self.input_spec = InputSpec(ndim=3)

    def build(self, input_shape):
        shape = (self.frame_length, 1, self._fft // 2 + 1)
        if self.mode != "imag":
            self.real_kernel = self.add_weight(
                name="real_kernel", shape=shape,
                initializer=initializers.STFT("real", self.window, self.scaling, self.periodic))
        if self.mode != "real":
            self.imag_kernel = self.add_weight(
                name="imag_kernel", shape=shape,
                initializer=initializers.STFT("imag", self.window, self.scaling, self.periodic))

    def _transform(self, inputs, kernel):
        """Convolves each channel separately: ``(batch, channels, bins, frames)``."""
        last = self.data_format == "channels_last"
        channels = inputs.shape[-1] if last else inputs.shape[1]
        time = inputs.shape[1] if last else inputs.shape[-1]
        signals = ops.reshape(ops.transpose(inputs, (0, 2, 1)) if last else inputs,
                              (-1, time, 1) if last else (-1, 1, time))
        out = ops.conv(signals, ops.cast(kernel, inputs.dtype), strides=self._step, padding=self.padding,
                       data_format=self.data_format)
        if last:
            out = ops.transpose(out, (0, 2, 1))
        return ops.reshape(out, (-1, channels) + tuple(out.shape[1:]))

    def _arrange(self, x):
        """``(batch, channels, bins, frames)`` -> the layer's output layout."""
        channels, bins, frames = x.shape[1], x.shape[2], x.shape[3]
        if self.expand_dims:
            return ops.transpose(x, (0, 3, 2, 1) if self.data_format == "channels_last" else (0, 1, 3, 2))
        x = ops.reshape(x, (-1, channels * bins, frames))
        return ops.transpose(x, (0, 2, 1)) if self.data_format == "channels_last" else x

    def call(self, inputs):
        dtype = backend.standardize_dtype(inputs.dtype)
        if dtype not in ("float16", "bfloat16", "float32", "float64"):
            raise TypeError(f"STFTSpectrogram: inputs must be floats. Received: inputs with dtype {dtype}")
        real = self._transform(inputs, self.real_kernel) if self.mode != "imag" else None
        imag = self._transform(inputs, self.imag_kernel) if self.mode != "real" else None
        if self.mode == "real":
            return self._arrange(real)
        if self.mode == "imag":
            return self._arrange(imag)
        if self.mode == "angle":
            return self._arrange(ops.arctan2(imag, real))
        if self.mode == "stft":
            return self._arrange(ops.concatenate([real, imag], axis=2))
        power = ops.square(real) + ops.square(imag)
        if self.mode == "psd":
            # One-sided density: every bin but DC and Nyquist stands for two.
            return self._arrange(power + ops.pad(power[:, :, 1:-1, :], ((0, 0), (0, 0), (1, 1), (0, 0))))
        magnitude = self._arrange(ops.sqrt(ops.maximum(power, backend.epsilon())))
        if self.mode == "magnitude":
            return magnitude
        return ops.log(ops.maximum(magnitude, backend.epsilon()))

    def compute_output_shape(self, input_shape):
        last = self.data_format == "channels_last"
        batch = input_shape[0]
        channels = input_shape[-1] if last else input_shape[1]
        time = input_shape[1] if last else input_shape[-1]
        if time is None:
            frames = None
        elif self.padding == "same":
            frames = -(-time // self._step)
        else:
            frames = (time - self.frame_length) // self._step + 1
        bins = (self._fft // 2 + 1) * (2 if self.mode == "stft" else 1)
        if self.expand_dims:
            return (batch, frames, bins, channels) if last else (batch, channels, frames, bins)
        features = None if channels is None else bins * channels
        return (batch, frames, features) if last else (batch, features, frames)

    def get_config(self):
        config = super().get_config()
        window = self.window.tolist() if hasattr(self.window, "tolist") else self.window
        config.update({
            "mode": self.mode, "frame_length": self.frame_length, "frame_step": self.frame_step,
            "fft_length": self.fft_length, "window": window, "periodic": self.periodic, "scaling": self.scaling,
            "padding": self.padding, "data_format": self.data_format, "expand_dims": self.expand_dims,
        })
        return config
