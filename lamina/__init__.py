"""lamina: a deep-learning framework with the Keras API, running on JAX and PyTorch.

    import lamina as keras
"""

__version__ = "0.1.0"

from lamina import backend
from lamina.backend import KerasTensor, StatelessScope, Variable
from lamina.backend import device_scope as device
from lamina import activations, constraints, initializers, ops, random, regularizers, utils
from lamina import layers, models, saving
from lamina.layers import Input, InputSpec, Layer
from lamina.models import Functional, Model, Sequential
from lamina.backend.common.random_seed import SeedGenerator
from lamina.saving.checkpoint import Checkpoint


def version():
    return __version__


_LAZY_SUBMODULES = (
    "losses", "metrics", "optimizers", "callbacks", "datasets", "applications", "wrappers", "preprocessing",
    "testing", "config", "tree", "dtype_policies", "mixed_precision", "trainers", "demo",
    "quantizers",
)


def __getattr__(name):
    # Heavier or optional packages load on first use, keeping `import lamina` fast.
    if name in _LAZY_SUBMODULES:
        import importlib

        module = importlib.import_module(f"lamina.{name}")
        globals()[name] = module
        return module
    raise AttributeError(f"module 'lamina' has no attribute {name!r}")
