"""``lamina.remat``: trade compute for memory in the backward pass."""

import functools

from lamina import backend
from lamina.backend import tree


def _read(x):
    return x.value if isinstance(x, backend.Variable) else x


def remat(f):
    """Wraps ``f`` so that its intermediate values are not kept for differentiation: the
    backward pass runs ``f`` again to get them (JAX: ``jax.checkpoint``; torch:
    ``torch.utils.checkpoint``). Values and gradients are unchanged; peak memory drops for
    large activations at the cost of a second forward pass through ``f``.

    Args:
        f: a function of tensors (layers and ops may be called inside it).

    Returns:
        The wrapped function. Use it inside a layer's ``call`` (as Keras documents); on
        symbolic tensors (shape inference while a model is built) it just calls ``f``, so
        applying it to a Functional model's ``Input`` directly records the layers inside ``f``
        without rematerialization.

    Example:
        >>> dense = lamina.layers.Dense(4)
        >>> block = lamina.remat(lambda x: ops.relu(dense(x)))
        >>> ops.shape(block(ops.ones((2, 3))))
        (2, 4)
    """
    if not callable(f):
        raise TypeError(f"remat: expected a callable. Received: f={f!r}")
    engine_remat = backend.remat.remat(f)

    @functools.wraps(f)
    def rematerialized(*args, **kwargs):
        if backend.any_symbolic(args, kwargs):
            return f(*args, **kwargs)
        args, kwargs = tree.map_structure(_read, (args, kwargs))
        return engine_remat(*args, **kwargs)

    return rematerialized
