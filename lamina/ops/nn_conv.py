"""Convolution, pooling and other structured nn ops (filled by the layer library)."""

__all__ = []
