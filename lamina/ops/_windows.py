"""Named window functions for the spectral ops, the STFT initializer and the audio layers.

Values follow scipy.signal.get_window: a symmetric window of ``length`` samples, or with
``periodic=True`` the first ``length`` samples of the symmetric window one sample longer
(what an FFT of that length treats as one period).
"""

import numpy as np

_SYMMETRIC = {
    "hann": np.hanning,
    "hanning": np.hanning,
    "hamming": np.hamming,
    "blackman": np.blackman,
    "bartlett": np.bartlett,
    "boxcar": np.ones,
    "rectangular": np.ones,
    "ones": np.ones,
}
WINDOW_NAMES = tuple(sorted(_SYMMETRIC))


def check_window_name(window, owner):
    """Raises a ValueError naming ``owner`` when ``window`` is a string lamina has no window for."""
    if isinstance(window, str) and window not in _SYMMETRIC:
        raise ValueError(f"{owner}: unknown `window` name. Expected one of {list(WINDOW_NAMES)}, an array of "
                         f"window values or None. Received: window={window!r}")


def window_values(window, length, periodic, owner):
    """The named ``window`` as a float64 NumPy array of ``length`` samples."""
    check_window_name(window, owner)
    if length == 1:
        return np.ones((1,))
    build = _SYMMETRIC[window]
    return build(length + 1)[:-1] if periodic else build(length)
