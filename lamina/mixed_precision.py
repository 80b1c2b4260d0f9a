"""``lamina.mixed_precision``: compute in float16/bfloat16 with float32 variables.

Under ``"mixed_float16"``, ``compile`` wraps the optimizer in a ``LossScaleOptimizer``.

Example:
    >>> lamina.mixed_precision.set_global_policy("mixed_float16")
    >>> layer = lamina.layers.Dense(2)
    >>> layer.compute_dtype, layer.variable_dtype
    ('float16', 'float32')
    >>> lamina.mixed_precision.set_global_policy("float32")
"""

from lamina.dtype_policies import DTypePolicy, dtype_policy, set_dtype_policy
from lamina.optimizers.loss_scale_optimizer import LossScaleOptimizer

Policy = DTypePolicy


def set_global_policy(policy):
    """Sets the dtype policy of layers created from now on (``"mixed_float16"``, ``"float32"`` ...)."""
    set_dtype_policy(policy)


def global_policy():
    """The current global dtype policy."""
    return dtype_policy()
