"""Reshaping layers: Flatten, Reshape, Permute, RepeatVector, and the spatial ones (padding,
cropping, upsampling)."""

from lamina.layers.reshaping.flatten_reshape import Flatten, Permute, RepeatVector, Reshape
from lamina.layers.reshaping.padding_cropping import (
    Cropping1D,
    Cropping2D,
    Cropping3D,
    ZeroPadding1D,
    ZeroPadding2D,
    ZeroPadding3D,
)
from lamina.layers.reshaping.up_sampling import UpSampling1D, UpSampling2D, UpSampling3D

__all__ = ["Flatten", "Permute", "RepeatVector", "Reshape", "Cropping1D", "Cropping2D", "Cropping3D", "ZeroPadding1D", "ZeroPadding2D", "ZeroPadding3D",
           "UpSampling1D", "UpSampling2D", "UpSampling3D"]
