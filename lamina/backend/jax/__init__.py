"""The JAX backend."""

from lamina.backend.jax import nn, numpy, random
from lamina.backend.jax.core import *  # noqa: F401,F403
from lamina.backend.jax.core import Variable

NAME = "jax"
