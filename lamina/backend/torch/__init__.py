"""The PyTorch backend."""

from lamina.backend.torch import nn, numpy, random
from lamina.backend.torch.core import *  # noqa: F401,F403
from lamina.backend.torch.core import Variable

NAME = "torch"
