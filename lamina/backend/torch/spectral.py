"""How ``lamina.ops.istft`` normalizes the overlap-added frames on torch.

Keras 3 on torch uses ``torch.istft`` (the overlap-added squared window at every sample)
only when ``sequence_length == fft_length``, ``center=True`` and a window is given;
otherwise it divides each frame by the squared window summed periodically with period
``sequence_stride`` (TensorFlow's inverse-STFT window), as if every sample were fully
overlapped, and a ``window=None`` sum is left unscaled.
"""

# "periodic": the periodic squared-window sum, except in torch.istft's case above.
ISTFT_NORMALIZATION = "periodic"
