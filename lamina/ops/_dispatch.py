"""One rule for every op: symbolic inputs get shape inference, concrete ones run the backend."""

import functools

from lamina import backend
from lamina.backend import KerasTensor


def symbolic(fn):
    """Wraps a backend-calling op so KerasTensors flow through it.

    When any argument (nested in lists, tuples or dicts) is a KerasTensor, the op is run
    abstractly by the backend (no data is computed) and a KerasTensor is returned; the
    Functional graph records it as an operation node.
    """

    @functools.wraps(fn)
    def op(*args, **kwargs):
        for a in args:
            if isinstance(a, KerasTensor) or (type(a) in (list, tuple) and _has_symbolic(a)):
                return _symbolic_call(fn, args, kwargs)
        if kwargs and _has_symbolic(kwargs.values()):
            return _symbolic_call(fn, args, kwargs)
        return fn(*args, **kwargs)

    op._is_lamina_op = True
    return op


def _has_symbolic(items):
    return backend.any_symbolic(list(items))


def _symbolic_call(fn, args, kwargs):
    from lamina.layers.core.op_layer import call_op_symbolically

    return call_op_symbolically(fn, args, kwargs)
