"""Activation layers (``Activation`` itself lives in core)."""

from lamina.layers.activations.activation_layers import ELU, LeakyReLU, PReLU, ReLU, Softmax

__all__ = ["ELU", "LeakyReLU", "PReLU", "ReLU", "Softmax"]
