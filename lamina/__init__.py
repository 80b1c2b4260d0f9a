"""lamina: a deep-learning framework with the Keras API, running on JAX and PyTorch.

    import lamina as keras
"""

__version__ = "0.1.0"

from lamina import backend
from lamina.backend import KerasTensor, StatelessScope, Variable, name_scope
from lamina.backend import device_scope as device
from lamina import activations, constraints, initializers, ops, random, regularizers, utils
from lamina import layers, models, saving
from lamina.layers import Input, InputSpec, Layer
from lamina.initializers import Initializer
from lamina.regularizers import Regularizer
from lamina.models import Functional, Model, Sequential
from lamina.backend.common.random_seed import SeedGenerator
from lamina.saving.checkpoint import Checkpoint
from lamina.ops._remat import remat
from lamina.layers.remat_scope import RematScope


def version():
    return __version__


_LAZY_SUBMODULES = (
    "losses", "metrics", "optimizers", "callbacks", "datasets", "applications", "wrappers", "preprocessing",
    "testing", "config", "tree", "dtype_policies", "mixed_precision", "trainers", "demo",
    "quantizers", "legacy",
)

# Top-level classes that live in a lazily loaded subpackage: name -> that subpackage.
_LAZY_NAMES = {"Loss": "losses", "Metric": "metrics", "Optimizer": "optimizers",
               "DTypePolicy": "dtype_policies", "FloatDTypePolicy": "dtype_policies", "Quantizer": "quantizers"}


def __getattr__(name):
    # Heavier or optional packages load on first use, keeping `import lamina` fast.
    if name in _LAZY_SUBMODULES or name in _LAZY_NAMES:
        import importlib

        module = importlib.import_module(f"lamina.{_LAZY_NAMES.get(name, name)}")
        globals()[_LAZY_NAMES.get(name, name)] = module
        if name in _LAZY_NAMES:
            value = getattr(module, name)
            globals()[name] = value
            return value
        return module
    raise AttributeError(f"module 'lamina' has no attribute {name!r}")
