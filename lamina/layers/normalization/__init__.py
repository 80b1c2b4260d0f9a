"""Normalization layers."""

from lamina.layers.normalization.batch_normalization import BatchNormalization
from lamina.layers.normalization.group_normalization import GroupNormalization
from lamina.layers.normalization.layer_normalization import LayerNormalization, RMSNormalization, UnitNormalization
from lamina.layers.normalization.spectral_normalization import SpectralNormalization

__all__ = ["BatchNormalization", "GroupNormalization", "LayerNormalization", "RMSNormalization", "SpectralNormalization",
           "UnitNormalization"]
