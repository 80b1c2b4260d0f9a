"""STFTSpectrogram, MelSpectrogram and the STFT initializer against Keras 3: outputs, shapes, configs."""

import numpy as np
import pytest

import lamina
from lamina import initializers, layers, ops
from tests.conftest import keras_or_skip

RNG = np.random.default_rng(1)
AUDIO = RNG.normal(size=(2, 200, 2)).astype("float32")


def _np(x):
    return np.asarray(ops.convert_to_numpy(x))


@pytest.mark.parametrize("kwargs", [
    {"side": "real"},
    {"side": "imag", "window": "hamming", "periodic": True, "scaling": "spectrum"},
    {"side": "real", "window": "blackman", "scaling": None},
])
def test_stft_initializer_matches_keras(kwargs):
    keras = keras_or_skip()
    got = initializers.STFT(**kwargs)((24, 1, 17))
    want = keras.initializers.STFT(**kwargs)((24, 1, 17))
    np.testing.assert_allclose(_np(got), keras.ops.convert_to_numpy(want), rtol=1e-5, atol=1e-5)
    assert initializers.STFT(**kwargs).get_config() == keras.initializers.STFT(**kwargs).get_config()
    assert isinstance(initializers.get("stft"), initializers.STFTInitializer)


STFT_CASES = [
    {"mode": "magnitude", "frame_length": 30, "fft_length": 64, "window": "hamming", "periodic": True,
     "padding": "same"},
    {"mode": "psd", "frame_length": 16, "frame_step": 4, "scaling": "spectrum", "expand_dims": True},
    {"mode": "stft", "frame_length": 16, "frame_step": 16, "window": None, "scaling": None},
    {"mode": "angle", "frame_length": 16, "frame_step": 8, "data_format": "channels_first"},
    {"mode": "real", "frame_length": 16, "frame_step": 8, "expand_dims": True, "data_format": "channels_first"},
    {"mode": "log", "frame_length": 20, "frame_step": 5},
]


@pytest.mark.parametrize("kwargs", STFT_CASES, ids=[c["mode"] for c in STFT_CASES])
def test_stft_spectrogram_matches_keras(kwargs):
    keras = keras_or_skip()
    x = AUDIO if kwargs.get("data_format") != "channels_first" else np.ascontiguousarray(AUDIO.transpose(0, 2, 1))
    mine, theirs = layers.STFTSpectrogram(**kwargs), keras.layers.STFTSpectrogram(**kwargs)
    got, want = _np(mine(x)), keras.ops.convert_to_numpy(theirs(x))
    if kwargs["mode"] == "angle":  # compared on the circle: -pi and pi are the same angle
        np.testing.assert_allclose(np.cos(got), np.cos(want), atol=2e-3)
        np.testing.assert_allclose(np.sin(got), np.sin(want), atol=2e-3)
    else:
        np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-4)
    assert tuple(mine.compute_output_shape(x.shape)) == tuple(theirs.compute_output_shape(x.shape)) == got.shape
    assert [w.path for w in mine.weights] == [w.path.replace(theirs.name, mine.name) for w in theirs.weights]
    config = mine.get_config()
    keras_config = theirs.get_config()
    assert {k: v for k, v in config.items() if k not in ("name", "dtype")} == \
        {k: v for k, v in keras_config.items() if k not in ("name", "dtype")}
    assert layers.STFTSpectrogram.from_config(config).get_config() == config


MEL_CASES = [
    {"fft_length": 128, "sequence_stride": 32, "sequence_length": 100, "window": "hamming", "num_mel_bins": 16,
     "sampling_rate": 8000, "min_freq": 50.0, "max_freq": 3000, "power_to_db": False, "mag_exp": 1.0},
    {"fft_length": 128, "sequence_stride": 50, "window": None, "num_mel_bins": 12, "top_db": 30.0, "ref_power": 2.0,
     "min_power": 1e-6},
]


@pytest.mark.parametrize("kwargs", MEL_CASES, ids=range(len(MEL_CASES)))
def test_mel_spectrogram_matches_keras(kwargs):
    keras = keras_or_skip()
    x = AUDIO[..., 0]
    mine, theirs = layers.MelSpectrogram(**kwargs), keras.layers.MelSpectrogram(**kwargs)
    got, want = _np(mine(x)), keras.ops.convert_to_numpy(theirs(x))
    scale = np.abs(want).max()
    np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-4 * scale)
    assert tuple(mine.compute_output_shape(x.shape)) == got.shape
    config = mine.get_config()
    assert {k: v for k, v in config.items() if k not in ("name", "dtype")} == \
        {k: v for k, v in theirs.get_config().items() if k not in ("name", "dtype")}
    assert layers.MelSpectrogram.from_config(config).get_config() == config


def test_in_a_functional_model_and_saved(tmp_path):
    inputs = lamina.Input((200, 1))
    spectrum = layers.STFTSpectrogram(frame_length=32, frame_step=16, mode="magnitude")(inputs)
    model = lamina.Model(inputs, layers.Dense(3)(spectrum))
    assert tuple(model.output.shape) == (None, 11, 3)
    path = str(tmp_path / "m.keras")
    model.save(path)
    restored = lamina.saving.load_model(path)
    np.testing.assert_allclose(_np(restored(AUDIO[..., :1])), _np(model(AUDIO[..., :1])), rtol=1e-5, atol=1e-5)
    mel_in = lamina.Input((400,))
    mel = layers.MelSpectrogram(fft_length=64, sequence_stride=32, num_mel_bins=8)(mel_in)
    assert tuple(mel.shape) == (None, 8, 13)


def test_errors_name_the_argument():
    with pytest.raises(ValueError, match="STFTSpectrogram: `mode` must be one of"):
        layers.STFTSpectrogram(mode="power")
    with pytest.raises(ValueError, match="STFTSpectrogram: `frame_step` must be a positive integer"):
        layers.STFTSpectrogram(frame_length=16, frame_step=32)
    with pytest.raises(ValueError, match="STFTSpectrogram: `fft_length` must be an integer at least"):
        layers.STFTSpectrogram(frame_length=64, fft_length=32)
    with pytest.raises(ValueError, match="STFTSpectrogram: unknown `window` name"):
        layers.STFTSpectrogram(window="kaiser")
    with pytest.raises(ValueError, match="MelSpectrogram: `fft_length` must be at least `sequence_length`"):
        layers.MelSpectrogram(fft_length=64, sequence_length=128)
    with pytest.raises(ValueError, match="STFT initializer: `side` must be 'real' or 'imag'"):
        initializers.STFT(side="both")
