"""How ``lamina.ops.stft`` and ``istft`` read their settings on torch, following Keras 3 on torch.

With ``window=None`` stft takes only the middle ``sequence_length`` samples of each
``fft_length`` frame (a rectangular window of ``sequence_length``, as ``torch.stft`` does).

Keras 3 on torch uses ``torch.istft`` (the overlap-added squared window at every sample)
only when ``sequence_length == fft_length``, ``center=True`` and a window is given;
otherwise it divides each frame by the squared window summed periodically with period
``sequence_stride`` (TensorFlow's inverse-STFT window), as if every sample were fully
overlapped, and a ``window=None`` sum is left unscaled.
"""

# "sequence_length": window=None is a rectangular window of sequence_length samples.
NO_WINDOW_SPAN = "sequence_length"
# "periodic": the periodic squared-window sum, except in torch.istft's case above.
ISTFT_NORMALIZATION = "periodic"
