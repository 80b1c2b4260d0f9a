"""Preprocessing layers: text and categorical lookups (host, NumPy), numeric and image layers."""

from lamina.layers.preprocessing.hashing import HashedCrossing, Hashing
from lamina.layers.preprocessing.lookup import IntegerLookup, StringLookup

__all__ = ["HashedCrossing", "Hashing", "IntegerLookup", "StringLookup"]
