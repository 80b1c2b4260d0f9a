"""Audio layers: spectrograms of raw signals."""

from lamina.layers.audio.mel_spectrogram import MelSpectrogram
from lamina.layers.audio.stft_spectrogram import STFTSpectrogram

__all__ = ["MelSpectrogram", "STFTSpectrogram"]
