"""StatelessScope: read variables from a mapping and record assignments instead of applying them.

This one mechanism makes weights, optimizer slots, metric totals and RNG state functional
under ``jax.jit`` / ``jax.grad`` and lets symbolic shape inference run layer code safely.
"""

import threading

_state = threading.local()


def get_stateless_scope():
    return getattr(_state, "scope", None)


def in_stateless_scope():
    return getattr(_state, "scope", None) is not None


class StatelessScope:
    """Binds variables to values and collects assignments.

    Args:
        state_mapping: optional iterable of ``(variable, value)`` pairs. Inside the scope,
            reading a mapped variable returns its value.
        collect_updates: when True (the default) ``variable.assign`` inside the scope is
            recorded here rather than applied; read it back with ``get_current_value``.

    Example:
        >>> v = lamina.Variable(1.0)
        >>> with lamina.StatelessScope([(v, 5.0)]) as scope:
        ...     _ = v.assign(v + 1.0)
        >>> float(scope.get_current_value(v)), float(v.numpy())
        (6.0, 1.0)
    """

    def __init__(self, state_mapping=None, collect_updates=True):
        from lamina.backend import convert_to_tensor

        self._mapping = {}
        self._variables = {}
        self._assigned = {}
        self.collect_updates = collect_updates
        self.parent = None
        for variable, value in state_mapping or ():
            if not hasattr(variable, "_is_lamina_variable"):
                raise ValueError(
                    "StatelessScope expects (Variable, value) pairs. "
                    f"Received a {type(variable).__name__} as the first element."
                )
            value = convert_to_tensor(value, dtype=variable.dtype)
            if tuple(value.shape) != tuple(variable.shape):
                raise ValueError(
                    f"StatelessScope: the value for variable '{variable.path}' has shape "
                    f"{tuple(value.shape)}, expected {variable.shape}."
                )
            self._mapping[id(variable)] = value
            self._variables[id(variable)] = variable

    def __enter__(self):
        self.parent = getattr(_state, "scope", None)
        _state.scope = self
        return self

    def __exit__(self, *exc):
        _state.scope = self.parent

    def add_update(self, variable, value):
        self._mapping[id(variable)] = value
        self._variables[id(variable)] = variable
        self._assigned[id(variable)] = variable

    def get_current_value(self, variable):
        key = id(variable)
        scope = self
        while scope is not None:
            value = scope._mapping.get(key)
            if value is not None:
                return value
            scope = scope.parent
        return None

    def assigned_variables(self):
        """The variables assigned inside this scope, in first-assignment order."""
        return list(self._assigned.values())


class AutocastScope:
    """Inside, floating variables created with ``autocast=True`` read as ``dtype``: a layer
    under a mixed-precision policy computes in float16 / bfloat16 while its variables stay
    float32 (the gradient flows back through the cast).

    Example:
        >>> v = lamina.Variable([1.0, 2.0])
        >>> with lamina.backend.AutocastScope("float16"):
        ...     lamina.backend.standardize_dtype(v.value.dtype)
        'float16'
        >>> v.dtype
        'float32'
    """

    def __init__(self, dtype):
        from lamina.backend.common import dtypes

        self.dtype = None if dtype is None else dtypes.standardize_dtype(dtype)
        self._previous = None

    def __enter__(self):
        self._previous = getattr(_state, "autocast", None)
        _state.autocast = self.dtype
        return self

    def __exit__(self, *exc):
        _state.autocast = self._previous


def get_autocast_dtype():
    """The dtype floating variables read as in the current ``AutocastScope`` (or None)."""
    return getattr(_state, "autocast", None)
