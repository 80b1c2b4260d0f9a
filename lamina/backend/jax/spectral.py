"""How ``lamina.ops.istft`` normalizes the overlap-added frames on JAX.

Keras 3 on JAX divides the overlap-added, windowed frames by the overlap-added squared
window as it actually falls on each sample (scipy's rule, exact at the signal's edges); a
plain ``window=None`` sum is then scaled by ``fft_length / sequence_stride``.
"""

# "overlap": divide by the overlap-added squared window at every sample.
ISTFT_NORMALIZATION = "overlap"
