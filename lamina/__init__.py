"""lamina: a deep-learning framework with the Keras API, running on JAX and PyTorch.

    import lamina as keras
"""

__version__ = "0.1.0"

from lamina import backend
from lamina.backend import KerasTensor, StatelessScope, Variable
from lamina import activations, constraints, initializers, ops, random, regularizers, utils
from lamina import layers, models, saving
from lamina.layers import Input, InputSpec, Layer
from lamina.models import Functional, Model, Sequential
from lamina.backend.common.random_seed import SeedGenerator


def version():
    return __version__
