"""``lamina.config``: global settings (dtypes, image layout, threads, memory, logging, limits).

Keras 3 switches lamina leaves out on purpose: ``set_backend`` (the engine is chosen once, at
import, by ``LAMINA_BACKEND``), traceback filtering (lamina does not rewrite tracebacks, so
the switch would do nothing), the flash-attention switches (lamina's attention always uses
one plain kernel) and ``is_nnx_enabled`` (lamina layers are not Flax NNX modules).
"""

from lamina import backend as _backend
from lamina.backend import (  # noqa: F401
    backend,
    epsilon,
    floatx,
    image_data_format,
    set_epsilon,
    set_floatx,
    set_image_data_format,
)
from lamina.backend.common.config import (  # noqa: F401
    max_epochs,
    max_steps_per_epoch,
    set_max_epochs,
    set_max_steps_per_epoch,
)
from lamina.dtype_policies import dtype_policy, set_dtype_policy  # noqa: F401
from lamina.saving.serialization_lib import enable_unsafe_deserialization  # noqa: F401
from lamina.utils.io_utils import (  # noqa: F401
    disable_interactive_logging,
    enable_interactive_logging,
    is_interactive_logging_enabled,
)


def set_num_threads(intra_op, inter_op=None):
    """Limits the CPU threads the engine uses for one op (and across ops where supported).

    On JAX this must run before the first computation (or set ``LAMINA_NUM_THREADS`` in the
    environment); on torch it applies at once.

    Example:
        >>> lamina.config.set_num_threads(0)
        Traceback (most recent call last):
        ...
        ValueError: set_num_threads: expected a positive thread count. Received: intra_op=0

        A real call is not run here: on JAX it fails once the first computation has run
        (``lamina.config.set_num_threads(2)`` at the top of a script works on both backends).
    """
    if int(intra_op) < 1:
        raise ValueError(f"set_num_threads: expected a positive thread count. Received: intra_op={intra_op!r}")
    _backend.set_num_threads(int(intra_op), inter_op)


def set_memory_fraction(fraction):
    """Caps the share of accelerator memory the engine may take (0 < fraction <= 1)."""
    if not 0 < float(fraction) <= 1:
        raise ValueError(f"set_memory_fraction: expected a value in (0, 1]. Received: fraction={fraction!r}")
    _backend.set_memory_fraction(float(fraction))
