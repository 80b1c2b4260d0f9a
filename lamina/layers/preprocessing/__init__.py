"""Preprocessing layers: text and categorical lookups (host, NumPy), numeric and image layers."""

from lamina.layers.preprocessing.categorical import CategoryEncoding, Discretization
from lamina.layers.preprocessing.hashing import HashedCrossing, Hashing
from lamina.layers.preprocessing.image_augmentation import (RandomBrightness, RandomContrast, RandomCrop,
                                                            RandomFlip, RandomHeight, RandomRotation,
                                                            RandomTranslation, RandomWidth, RandomZoom)
from lamina.layers.preprocessing.image_color import (AutoContrast, Equalization, RandomColorDegeneration,
                                                     RandomColorJitter, RandomGrayscale, RandomHue, RandomInvert,
                                                     RandomPosterization, RandomSaturation, RandomSharpness,
                                                     Solarization)
from lamina.layers.preprocessing.image_geometry import (RandomElasticTransform, RandomErasing, RandomGaussianBlur,
                                                        RandomPerspective, RandomShear)
from lamina.layers.preprocessing.image_mixing import CutMix, MixUp, Pipeline
from lamina.layers.preprocessing.image_policies import AugMix, RandAugment
from lamina.layers.preprocessing.image_layers import CenterCrop, Rescaling, Resizing
from lamina.layers.preprocessing.lookup import IntegerLookup, StringLookup
from lamina.layers.preprocessing.normalization import Normalization
from lamina.layers.preprocessing.text_vectorization import TextVectorization

__all__ = ["AutoContrast", "Equalization", "RandomColorDegeneration", "RandomColorJitter", "RandomGrayscale",
           "RandomHue", "RandomInvert", "RandomPosterization", "RandomSaturation", "RandomSharpness", "Solarization",
           "RandomElasticTransform", "RandomErasing", "RandomGaussianBlur", "RandomPerspective", "RandomShear",
           "CutMix", "MixUp", "Pipeline", "AugMix", "RandAugment", "CategoryEncoding", "CenterCrop", "Discretization", "HashedCrossing", "Hashing", "IntegerLookup",
           "Normalization", "RandomBrightness", "RandomContrast", "RandomCrop", "RandomFlip", "RandomHeight",
           "RandomRotation", "RandomTranslation", "RandomWidth", "RandomZoom", "Rescaling", "Resizing",
           "StringLookup", "TextVectorization"]
