"""Preprocessing layers: text and categorical lookups (host, NumPy), numeric and image layers."""

from lamina.layers.preprocessing.categorical import CategoryEncoding, Discretization
from lamina.layers.preprocessing.hashing import HashedCrossing, Hashing
from lamina.layers.preprocessing.lookup import IntegerLookup, StringLookup
from lamina.layers.preprocessing.normalization import Normalization
from lamina.layers.preprocessing.text_vectorization import TextVectorization

__all__ = ["CategoryEncoding", "Discretization", "HashedCrossing", "Hashing", "IntegerLookup", "Normalization",
           "StringLookup", "TextVectorization"]
