"""One rule for every op: symbolic inputs get shape inference, concrete ones run the backend.

Variables are read (``variable.value``) before the backend function runs, so backends see
only their own tensors.
"""

import functools

from lamina import backend
from lamina.backend import KerasTensor

_VARIABLE = backend.Variable
_NESTED = (list, tuple)


def _scan(items):
    """Returns (has_symbolic, has_variable) for a flat or nested sequence of arguments."""
    symbolic = variable = False
    for a in items:
        if isinstance(a, KerasTensor):
            symbolic = True
        elif isinstance(a, _VARIABLE):
            variable = True
        elif type(a) in _NESTED or isinstance(a, dict):
            s, v = _scan(a.values() if isinstance(a, dict) else a)
            symbolic |= s
            variable |= v
    return symbolic, variable


def _unwrap(x):
    if isinstance(x, _VARIABLE):
        return x.value
    if type(x) in _NESTED:
        return type(x)(_unwrap(v) for v in x)
    if isinstance(x, dict):
        return {k: _unwrap(v) for k, v in x.items()}
    return x


def symbolic(fn):
    """Wraps a backend-calling op so KerasTensors and Variables flow through it.

    When any argument (nested in lists, tuples or dicts) is a KerasTensor, the op is run
    abstractly by the backend (no data is computed) and a KerasTensor is returned; the
    Functional graph records it as an operation node.

    Args:
        fn: the op's implementation on concrete tensors.
    """

    @functools.wraps(fn)
    def op(*args, **kwargs):
        symbolic_args, variables = _scan(args)
        if kwargs:
            s, v = _scan(kwargs.values())
            symbolic_args |= s
            variables |= v
        if symbolic_args:
            return _symbolic_call(fn, args, kwargs)
        if variables:
            args = _unwrap(args)
            kwargs = _unwrap(kwargs)
        return fn(*args, **kwargs)

    op._is_lamina_op = True
    return op


def _symbolic_call(fn, args, kwargs):
    from lamina.layers.core.op_layer import call_op_symbolically

    return call_op_symbolically(fn, args, kwargs)
