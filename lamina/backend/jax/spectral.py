"""How ``lamina.ops.stft`` and ``istft`` read their settings on JAX, following Keras 3 on JAX.

With ``window=None`` stft takes all ``fft_length`` samples of each frame (no window at all).

Keras 3 on JAX divides the overlap-added, windowed frames by the overlap-added squared
window as it actually falls on each sample (scipy's rule, exact at the signal's edges); a
plain ``window=None`` sum is then scaled by ``fft_length / sequence_stride``.
"""

# "fft_length": window=None leaves every sample of the frame in.
NO_WINDOW_SPAN = "fft_length"
# "overlap": divide by the overlap-added squared window at every sample.
ISTFT_NORMALIZATION = "overlap"
