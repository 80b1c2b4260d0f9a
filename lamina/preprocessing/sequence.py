"""Sequence helpers under their tf.keras-era names: ``lamina.preprocessing.sequence.pad_sequences``."""

from lamina.utils.numerical_utils import pad_sequences  # noqa: F401
