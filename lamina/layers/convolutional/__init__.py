"""convolutional layers."""

__all__ = []
