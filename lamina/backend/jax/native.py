"""JAX: what ``JaxLayer`` and ``FlaxLayer`` need from the engine (TorchModuleWrapper refuses here).

Trees are walked with ``jax.tree_util`` (which knows Flax's registered classes); Flax is
imported only when a FlaxLayer is made.
"""

import jax
import jax.numpy as jnp
import numpy as np


def _wrong_backend(layer_name, needs):
    return ValueError(f"{layer_name} runs only on the {needs} backend; the active backend is 'jax'. "
                      f"Set LAMINA_BACKEND={needs} before importing lamina.")


def require_jax(layer_name):
    """Nothing on JAX; the torch backend raises."""


def require_torch(layer_name):
    raise _wrong_backend(layer_name, "torch")


def is_foreign_module(value):
    """No engine modules to wrap on JAX (Flax modules are wrapped explicitly, by FlaxLayer)."""
    return False


def is_array_leaf(value):
    return isinstance(value, (jax.Array, np.ndarray, np.generic, bool, int, float))


def tree_flatten(tree):
    """``(leaves, treedef)``; None is an empty subtree, as in JAX."""
    return jax.tree_util.tree_flatten(tree)


def tree_unflatten(treedef, leaves):
    return jax.tree_util.tree_unflatten(treedef, leaves)


def placeholder_inputs(input_shape):
    """Ones shaped like ``input_shape`` (a shape or a structure of shapes; unknown dimensions 1)."""
    def is_shape(x):
        return isinstance(x, tuple) and all(d is None or isinstance(d, int) for d in x)

    return jax.tree_util.tree_map(lambda s: jnp.ones([1 if d is None else d for d in s]), input_shape,
                                  is_leaf=is_shape)


def eager():
    """Runs initialization concretely even when a layer is first built inside a trace."""
    return jax.ensure_compile_time_eval()


def prng_key(seed):
    """A raw ``uint32[2]`` JAX key from a lamina seed."""
    return jnp.asarray(seed, dtype=jnp.uint32)


# -- Flax -----------------------------------------------------------------------------------
def _flax_linen(layer_name):
    try:
        import flax.linen
    except ImportError as e:
        raise ImportError(f"{layer_name} needs the 'flax' package, which is not installed. Install it with: "
                          f"pip install 'lamina[flax]'. Original error: {e}") from e
    return flax.linen


def check_flax_module(module, layer_name):
    linen = _flax_linen(layer_name)
    if not isinstance(module, linen.Module):
        raise ValueError(f"{layer_name}: `module` must be a flax.linen.Module. Received: module={module!r} "
                         f"(of type {type(module).__name__})")


def flax_init(module, method, rngs, inputs, training):
    """``module.init`` (``training=True`` passed only when the method takes it), as plain dicts."""
    kwargs = {} if training is None else {"training": training}
    return _unfreeze(module.init(rngs, inputs, method=method, **kwargs))


def flax_apply(module, method, variables, rngs, inputs, training):
    """``module.apply`` with every collection but ``params`` mutable: ``(outputs, new_state)``."""
    linen = _flax_linen("FlaxLayer")
    kwargs = {} if training is None else {"training": training}
    outputs, updates = module.apply(variables, inputs, rngs=rngs, method=method,
                                    mutable=linen.DenyList(["params"]), **kwargs)
    return outputs, _unfreeze(updates)


def _unfreeze(tree):
    from flax.core import unfreeze

    return unfreeze(tree)
