"""The backend boundary: the only package that imports jax or torch.

The engine is chosen by ``LAMINA_BACKEND`` (``jax`` default, ``torch``) or the ``backend``
key of ``~/.lamina/lamina.json``.
"""

import importlib
import os

from lamina.backend.common import dtypes, tree
from lamina.backend.common.config import (
    backend,
    epsilon,
    floatx,
    image_data_format,
    set_epsilon,
    set_floatx,
    set_image_data_format,
    standardize_data_format,
)
from lamina.backend.common.dtypes import is_float_dtype, is_int_dtype, result_type, standardize_dtype
from lamina.backend.common.naming import get_uid
from lamina.backend.common.session import clear_session
from lamina.backend.common.keras_tensor import KerasTensor, any_symbolic, is_keras_tensor
from lamina.backend.common.random_seed import SeedGenerator, draw_seed, set_global_seed
from lamina.backend.common.stateless_scope import (AutocastScope, StatelessScope, get_autocast_dtype,
                                                   get_stateless_scope, in_stateless_scope)
from lamina.backend.common.variables import current_path, name_scope

_EXTRAS = {"jax": "lamina[jax]", "torch": "lamina[torch]"}
_ENGINES = {"jax": "jax", "torch": "torch"}


def _load(name):
    try:
        importlib.import_module(_ENGINES[name])
    except ImportError as e:
        raise ImportError(
            f"The lamina backend {name!r} needs the '{_ENGINES[name]}' package, which is not "
            f"installed. Install it with: pip install '{_EXTRAS[name]}'  (or choose another "
            f"backend with LAMINA_BACKEND). Original error: {e}"
        ) from e
    return importlib.import_module(f"lamina.backend.{name}")


_impl = _load(backend())
if os.environ.get("LAMINA_NUM_THREADS"):
    # Each engine applies it its own way (JAX reads it when its CPU client starts, later on).
    _impl.set_num_threads(int(os.environ["LAMINA_NUM_THREADS"]))

Variable = _impl.Variable
convert_to_tensor = _impl.convert_to_tensor
convert_to_numpy = _impl.convert_to_numpy
is_tensor = _impl.is_tensor
cast = _impl.cast
shape = _impl.shape
compute_output_spec = _impl.compute_output_spec
cond = _impl.cond
scan = _impl.scan
fori_loop = _impl.fori_loop
while_loop = _impl.while_loop
stop_gradient = _impl.stop_gradient
custom_gradient = _impl.custom_gradient
value_and_grad = _impl.value_and_grad
GradientTape = _impl.GradientTape
device_scope = _impl.device_scope
get_device = _impl.get_device
set_num_threads = _impl.set_num_threads
set_memory_fraction = _impl.set_memory_fraction
numpy = _impl.numpy
nn = _impl.nn
random = _impl.random
# The base class lamina.layers.Layer takes its engine behaviour from (torch: nn.Module).
BackendLayer = importlib.import_module(f"lamina.backend.{backend()}.layer").BackendLayer


def __getattr__(name):
    # The backend's other submodules (math, linalg, rnn, step, optimizer ...) load on first use.
    try:
        module = importlib.import_module(f"lamina.backend.{backend()}.{name}")
    except ModuleNotFoundError:
        raise AttributeError(f"module 'lamina.backend' has no attribute {name!r}") from None
    globals()[name] = module
    return module
