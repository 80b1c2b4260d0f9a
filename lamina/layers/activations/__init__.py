"""activations layers."""

__all__ = []
