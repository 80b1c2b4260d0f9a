"""Spatial reshaping layers: padding, cropping, upsampling (Flatten/Reshape/Permute/RepeatVector are core)."""

from lamina.layers.reshaping.padding_cropping import (
    Cropping1D,
    Cropping2D,
    Cropping3D,
    ZeroPadding1D,
    ZeroPadding2D,
    ZeroPadding3D,
)
from lamina.layers.reshaping.up_sampling import UpSampling1D, UpSampling2D, UpSampling3D

__all__ = ["Cropping1D", "Cropping2D", "Cropping3D", "ZeroPadding1D", "ZeroPadding2D", "ZeroPadding3D",
           "UpSampling1D", "UpSampling2D", "UpSampling3D"]
