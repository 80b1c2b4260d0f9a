"""MelSpectrogram: STFT power on the mel scale, optionally in decibels."""

from lamina import ops
from lamina.layers.layer import Layer
from lamina.ops._windows import check_window_name

# HTK mel scale: mel(f) = 1127 * ln(1 + f / 700) (= 2595 * log10(1 + f / 700)).
_MEL_BREAK_HZ = 700.0
_MEL_HIGH_Q = 1127.0


def _hertz_to_mel(hertz):
    return _MEL_HIGH_Q * ops.log(1.0 + hertz / _MEL_BREAK_HZ)


def linear_to_mel_weight_matrix(num_mel_bins, num_spectrogram_bins, sampling_rate, lower_edge_hertz,
                                upper_edge_hertz, dtype="float32"):
    """Triangular mel filters: a ``(num_spectrogram_bins, num_mel_bins)`` matrix with peaks of 1.

    The spectrogram bins are spread linearly over ``[0, sampling_rate / 2]``; the filters'
    edges evenly over the mel scale from ``lower_edge_hertz`` to ``upper_edge_hertz``. The DC
    bin gets no weight.

    Args:
        num_mel_bins: number of mel bands.
        num_spectrogram_bins: number of linear bins (``fft_length // 2 + 1``).
        sampling_rate: samples per second of the signal.
        lower_edge_hertz: lower edge of the lowest band.
        upper_edge_hertz: upper edge of the highest band.
        dtype: the matrix's dtype.

    Example:
        >>> matrix = linear_to_mel_weight_matrix(4, 9, 8000, 0.0, 4000.0)
        >>> ops.shape(matrix), float(ops.max(matrix)) <= 1.0
        ((9, 4), True)
    """
    nyquist = ops.cast(sampling_rate, dtype) / 2.0
    zero = ops.convert_to_tensor(0.0, dtype)
    linear = ops.linspace(zero, nyquist, num_spectrogram_bins)[1:]
    bins_mel = ops.expand_dims(_hertz_to_mel(linear), 1)
    edges = ops.linspace(_hertz_to_mel(ops.convert_to_tensor(lower_edge_hertz, dtype)),
                         _hertz_to_mel(ops.convert_to_tensor(upper_edge_hertz, dtype)), num_mel_bins + 2)
    lower, center, upper = edges[None, :-2], edges[None, 1:-1], edges[None, 2:]
    rising = (bins_mel - lower) / (center - lower)
    falling = (upper - bins_mel) / (upper - center)
    weights = ops.maximum(zero, ops.minimum(rising, falling))
    return ops.pad(weights, ((1, 0), (0, 0)))


class MelSpectrogram(Layer):
    """Mel spectrograms of raw audio: ``(batch, samples)`` -> ``(batch, num_mel_bins, frames)``.

    The signal's centered STFT magnitude raised to ``mag_exp`` is weighted by triangular
    mel filters and, with ``power_to_db``, turned into decibels relative to ``ref_power``
    and clipped ``top_db`` below the batch's maximum.

    Args:
        fft_length: FFT size.
        sequence_stride: hop between frames in samples.
        sequence_length: window length (None: ``fft_length``).
        window: ``"hann"``, ``"hamming"`` (periodic) or None.
        sampling_rate: samples per second of the input.
        num_mel_bins: number of mel bands.
        min_freq: lowest frequency of the filters, in Hz.
        max_freq: highest frequency of the filters (None: ``sampling_rate / 2``).
        power_to_db: whether to convert the output to decibels.
        top_db: the dynamic range kept in decibels.
        mag_exp: exponent of the magnitude (2: power, 1: amplitude).
        min_power: the floor applied before taking logarithms.
        ref_power: the power that maps to 0 dB.
        **kwargs: base layer arguments (``name``, ``dtype``).

    Example:
        >>> layer = lamina.layers.MelSpectrogram(fft_length=256, sequence_stride=128, num_mel_bins=16)
        >>> ops.shape(layer(np.zeros((2, 1024), "float32")))
        (2, 16, 9)
    """

    def __init__(self, fft_length=2048, sequence_stride=512, sequence_length=None, window="hann", sampling_rate=16000,
                 num_mel_bins=128, min_freq=20.0, max_freq=None, power_to_db=True, top_db=80.0, mag_exp=2.0,
                 min_power=1e-10, ref_power=1.0, **kwargs):
        for arg, value in (("fft_length", fft_length), ("sequence_stride", sequence_stride),
                           ("num_mel_bins", num_mel_bins)):
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"MelSpectrogram: `{arg}` must be a positive integer. Received: {arg}={value!r}")
        sequence_length = sequence_length or fft_length
        if fft_length < sequence_length:
            raise ValueError("MelSpectrogram: `fft_length` must be at least `sequence_length`. Received: "
                             f"sequence_length={sequence_length}, fft_length={fft_length}")
        check_window_name(window, "MelSpectrogram")
        super().__init__(**kwargs)
        self.fft_length = fft_length
        self.sequence_stride = sequence_stride
        self.sequence_length = sequence_length
        self.window = window
        self.sampling_rate = sampling_rate
        self.num_mel_bins = num_mel_bins
        self.min_freq = min_freq
        self.max_freq = max_freq or int(sampling_rate / 2)
        self.power_to_db = power_to_db
        self.top_db = top_db
        self.mag_exp = mag_exp
        self.min_power = min_power
        self.ref_power = ref_power

    def call(self, inputs):
        dtype = self.compute_dtype if self.compute_dtype in ("float32", "float64") else "float32"
        signal = ops.cast(inputs, dtype)
        real, imag = ops.stft(signal, self.sequence_length, self.sequence_stride, self.fft_length,
                              window=self.window, center=True)
        spectrum = ops.power(ops.sqrt(ops.square(real) + ops.square(imag)), self.mag_exp)
        matrix = linear_to_mel_weight_matrix(self.num_mel_bins, spectrum.shape[-1], self.sampling_rate,
                                             self.min_freq, self.max_freq, dtype=dtype)
        mel = ops.tensordot(spectrum, matrix, axes=1)
        if self.power_to_db:
            mel = self._decibels(mel)
        return ops.cast(ops.swapaxes(mel, -1, -2), self.compute_dtype)

    def _decibels(self, power):
        db = 10.0 * ops.log10(ops.maximum(power, self.min_power))
        ref = ops.abs(ops.convert_to_tensor(self.ref_power, power.dtype))
        db = db - 10.0 * ops.log10(ops.maximum(ref, self.min_power))
        return ops.maximum(db, ops.max(db) - self.top_db)

    def compute_output_shape(self, input_shape):
        samples = input_shape[-1]
        frames = None
        if samples is not None:
            half = self.fft_length // 2
            frames = (samples + 2 * half - self.fft_length) // self.sequence_stride + 1
        return tuple(input_shape[:-1]) + (self.num_mel_bins, frames)

    def get_config(self):
        config = super().get_config()
        config.update({
            "fft_length": self.fft_length, "sequence_stride": self.sequence_stride,
            "sequence_length": self.sequence_length, "window": self.window, "sampling_rate": self.sampling_rate,
            "num_mel_bins": self.num_mel_bins, "min_freq": self.min_freq, "max_freq": self.max_freq,
            "power_to_db": self.power_to_db, "top_db": self.top_db, "mag_exp": self.mag_exp,
            "min_power": self.min_power, "ref_power": self.ref_power,
        })
        return config
