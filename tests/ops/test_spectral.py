"""ops.stft / ops.istft against Keras 3 on the same backend, plus round trips and errors."""

import numpy as np
import pytest

import lamina
from lamina import ops
from tests.conftest import keras_or_skip

RNG = np.random.default_rng(0)
SIGNAL = RNG.normal(size=(2, 3, 100)).astype("float32")

# (sequence_length, sequence_stride, fft_length, window, center)
CASES = [
    (16, 8, 16, "hann", True),  # torch's Keras takes torch.istft here
    (20, 5, 32, "hamming", False),
    (12, 3, 16, None, False),  # the backends' Keras differ on window=None
    (10, 5, 16, "window", True),  # a given window, shorter than the frame
]

def _window(window, sequence_length):
    if window == "window":
        return np.linspace(0.1, 1.0, sequence_length).astype("float32")
    return window


def _np(x):
    return np.asarray(ops.convert_to_numpy(x))


@pytest.mark.parametrize("case", CASES, ids=[str(c) for c in CASES])
def test_stft_and_istft_match_keras(case):
    keras = keras_or_skip()
    sequence_length, stride, fft_length, window, center = case
    window = _window(window, sequence_length)
    args = (sequence_length, stride, fft_length)
    mine = ops.stft(SIGNAL, *args, window=window, center=center)
    theirs = keras.ops.stft(SIGNAL, *args, window=window, center=center)
    for a, b in zip(mine, theirs):
        np.testing.assert_allclose(_np(a), keras.ops.convert_to_numpy(b), rtol=1e-4, atol=1e-4)
    spectrum = tuple(keras.ops.convert_to_numpy(t) for t in theirs)
    for length in (None, 60) if window is None else (None,):
        got = ops.istft(spectrum, *args, length=length, window=window, center=center)
        want = keras.ops.istft(spectrum, *args, length=length, window=window, center=center)
        np.testing.assert_allclose(_np(got), keras.ops.convert_to_numpy(want), rtol=1e-4, atol=1e-4)


def test_istft_with_stride_equal_to_frame():
    # Keras 3.15 on JAX passes noverlap=0 to jax.scipy.signal.istft, which reads 0 as "use half the
    # frame" and returns half the samples; lamina overlap-adds disjoint frames as torch's Keras does.
    signal = RNG.normal(size=(64,)).astype("float32")
    back = _np(ops.istft(ops.stft(signal, 16, 16, 16, window=None, center=False), 16, 16, 16, window=None,
                         center=False))
    np.testing.assert_allclose(back, signal, atol=1e-5)


def test_istft_inverts_stft_in_the_interior():
    signal = np.sin(np.arange(256) / 5.0).astype("float32")
    spectrum = ops.stft(signal, 32, 8, 64, window="hann")
    back = _np(ops.istft(spectrum, 32, 8, 64, length=256, window="hann"))
    np.testing.assert_allclose(back[32:-32], signal[32:-32], atol=1e-4)


def test_symbolic_shapes():
    inputs = lamina.Input((100,))
    real, imag = ops.stft(inputs, 16, 8, 32)
    assert tuple(real.shape) == (None, 13, 17) and tuple(imag.shape) == (None, 13, 17)
    back = ops.istft((real, imag), 16, 8, 32)
    assert tuple(back.shape) == (None, 96)


def test_errors_name_the_argument():
    with pytest.raises(TypeError, match="stft: `x` must be float32 or float64.*int32"):
        ops.stft(np.ones((32,), "int32"), 8, 4, 8)
    with pytest.raises(ValueError, match="stft: `fft_length` must be at least `sequence_length`"):
        ops.stft(SIGNAL, 16, 4, 8)
    with pytest.raises(ValueError, match="stft: unknown `window` name.*kaiser"):
        ops.stft(SIGNAL, 16, 4, 16, window="kaiser")
    with pytest.raises(ValueError, match=r"stft: `window` must have shape \(16,\).*\(8,\)"):
        ops.stft(SIGNAL, 16, 4, 16, window=np.ones(8, "float32"))
    with pytest.raises(ValueError, match="istft: `x` must be a \\(real, imag\\) tuple"):
        ops.istft(np.ones((4, 9), "float32"), 16, 4, 16)
    with pytest.raises(ValueError, match="istft: `sequence_stride` must be a positive integer"):
        ops.istft((np.ones((4, 9), "float32"),) * 2, 16, 0, 16)


def test_keras_file_holding_stft_and_istft_loads_in_lamina_and_back(tmp_path):
    keras = keras_or_skip()
    inputs = keras.Input((64,))
    real, imag = keras.ops.stft(inputs, 16, 8, 16, window="hamming")
    outputs = [real, keras.ops.istft((real, imag), 16, 8, 16, length=64, window="hamming")]
    path = str(tmp_path / "stft.keras")
    keras.Model(inputs, outputs).save(path)
    model = lamina.saving.load_model(path)
    x = SIGNAL[0, :2, :64]
    want = [keras.ops.convert_to_numpy(t) for t in keras.saving.load_model(path)(x)]
    for got, expected in zip(model(x), want):
        np.testing.assert_allclose(_np(got), expected, rtol=1e-4, atol=1e-4)
    again = str(tmp_path / "again.keras")
    model.save(again)
    for got, expected in zip(keras.saving.load_model(again)(x), want):
        np.testing.assert_allclose(keras.ops.convert_to_numpy(got), expected, rtol=1e-4, atol=1e-4)
