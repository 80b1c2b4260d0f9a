"""``lamina.models``: Model, Sequential, Functional, and model-level helpers."""

from lamina.models.functional import Functional
from lamina.models.model import Model
from lamina.models.sequential import Sequential
