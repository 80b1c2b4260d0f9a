"""The backend-neutral part of ``lamina.Variable``.

A backend subclass supplies ``_initialize``, ``_direct_assign``, ``_convert_to_tensor``
and ``numpy``. Everything else (names, paths, the stateless-scope rule) lives here.
"""

import threading

import numpy as np

from lamina.backend.common import dtypes, naming
from lamina.backend.common.stateless_scope import get_autocast_dtype, get_stateless_scope

_path_state = threading.local()


def _path_stack():
    stack = getattr(_path_state, "stack", None)
    if stack is None:
        stack = _path_state.stack = []
    return stack


class name_scope:
    """Prefixes the paths of variables created inside it: ``dense/kernel``.

    Args:
        name: the path component to push.
        caller: the object pushing it; with ``deduplicate``, a second push of the same name by
            the same caller is a no-op, so a layer's ``__call__``, ``build`` and ``add_weight``
            give one ``dense/`` prefix.
        deduplicate: whether that second push is skipped.
        override_parent: a path that replaces the enclosing scopes' path below this one.

    Example:
        >>> with lamina.name_scope("block"):
        ...     with lamina.name_scope("dense"):
        ...         v = lamina.Variable(1.0, name="kernel")
        >>> v.path
        'block/dense/kernel'
    """

    def __init__(self, name, caller=None, deduplicate=True, override_parent=None):
        if not isinstance(name, str) or not name:
            raise ValueError(f"name_scope: expected a non-empty string for name. Received: name={name!r}")
        self.name = name
        self.caller = caller
        self.deduplicate = deduplicate
        self.override_parent = override_parent
        self._pushed = False

    def __enter__(self):
        stack = _path_stack()
        if self.deduplicate and self.caller is not None and stack and stack[-1][1] is self.caller \
                and stack[-1][0] == self.name:
            return self
        stack.append((self.name, self.caller, self.override_parent))
        self._pushed = True
        return self

    def __exit__(self, *exc):
        if self._pushed:
            _path_stack().pop()
            self._pushed = False


def current_path():
    parts = []
    for name, _, override_parent in _path_stack():
        if override_parent is not None:
            parts = [p for p in override_parent.split("/") if p]
        parts.append(name)
    return "/".join(parts)


class Variable:
    """A named, mutable tensor: weights, optimizer slots, metric totals, RNG state.

    Args:
        initializer: an initial value (array-like) or a callable ``(shape, dtype)``
            such as ``lamina.initializers.GlorotUniform()``.
        shape: the shape, required when ``initializer`` is a callable.
        dtype: the dtype; defaults to the initial value's dtype or ``floatx()``.
        trainable: whether optimizers update it.
        name: a name without ``/``; the path is ``<enclosing layer path>/<name>``.

    Example:
        >>> v = lamina.Variable([1.0, 2.0], name="v")
        >>> v.assign_add([1.0, 1.0]).numpy()
        array([2., 3.], dtype=float32)
    """

    _is_lamina_variable = True
    _tracked_kind = "variable"  # what attribute tracking sees (layers/_tracking.py)

    def __init__(self, initializer, shape=None, dtype=None, trainable=True, autocast=True,
                 aggregation="none", synchronization="auto", name=None):
        name = naming.validate_name(name, "name") if name is not None else naming.auto_name("variable")
        self._name = name
        parent = current_path()
        self._path = f"{parent}/{name}" if parent else name
        self._trainable = bool(trainable)
        self._autocast = autocast
        self._aggregation = aggregation
        self._synchronization = synchronization
        if callable(initializer) and not hasattr(initializer, "shape"):
            if shape is None:
                raise ValueError(
                    f"Variable '{name}': when `initializer` is a callable, `shape` is required. "
                    f"Received: initializer={initializer!r}, shape=None"
                )
            self._dtype = dtypes.standardize_dtype(dtype)
            self._shape = tuple(int(d) for d in shape)
            with self._creation_scope():
                value = initializer(self._shape, dtype=self._dtype)
        else:
            if dtype is None and isinstance(initializer, (float, np.floating)):
                dtype = None  # floatx
            elif dtype is None and isinstance(initializer, np.ndarray):
                # NumPy's 64-bit defaults become lamina's defaults (floatx, int32), as on JAX.
                dtype = {"float64": None, "int64": "int32"}.get(initializer.dtype.name, initializer.dtype)
            elif dtype is None and hasattr(initializer, "dtype"):
                dtype = initializer.dtype
            elif dtype is None and isinstance(initializer, (bool, int)):
                dtype = "bool" if isinstance(initializer, bool) else "int32"
            elif dtype is None:
                arr = np.asarray(initializer)
                dtype = None if arr.dtype.kind == "f" else arr.dtype
            self._dtype = dtypes.standardize_dtype(dtype)
            value = initializer
        value = self._convert_to_tensor(value, self._dtype)
        if shape is not None and tuple(value.shape) != tuple(shape):
            raise ValueError(
                f"Variable '{name}': the initial value has shape {tuple(value.shape)}, "
                f"but shape={tuple(shape)} was given."
            )
        self._shape = tuple(int(d) for d in value.shape)
        self._initialize(value)

    def _creation_scope(self):
        import contextlib

        return contextlib.nullcontext()

    # -- reading ---------------------------------------------------------------
    @property
    def value(self):
        value = self._current_value()
        cast_to = get_autocast_dtype()
        if cast_to is not None and self._autocast and self._dtype != cast_to and dtypes.is_float_dtype(self._dtype):
            return self._convert_to_tensor(value, cast_to)
        return value

    def _current_value(self):
        """The value in this variable's own dtype (a stateless scope's, if it binds one)."""
        scope = get_stateless_scope()
        if scope is not None:
            value = scope.get_current_value(self)
            if value is not None:
                return value
        return self._value

    def numpy(self):
        raise NotImplementedError  # supplied by the backend subclass (abstract)

    # -- writing ---------------------------------------------------------------
    def assign(self, value):
        value = self._convert_to_tensor(value, self._dtype)
        if tuple(value.shape) != self._shape:
            raise ValueError(
                f"Variable '{self.path}' has shape {self._shape}; cannot assign a value of "
                f"shape {tuple(value.shape)}."
            )
        scope = get_stateless_scope()
        if scope is not None and scope.collect_updates:
            scope.add_update(self, value)
        else:
            self._direct_assign(value)
        return self

    def assign_add(self, value):
        return self.assign(self._current_value() + self._convert_to_tensor(value, self._dtype))

    def assign_sub(self, value):
        return self.assign(self._current_value() - self._convert_to_tensor(value, self._dtype))

    # -- properties ------------------------------------------------------------
    @property
    def name(self):
        return self._name

    @property
    def path(self):
        return self._path

    @property
    def dtype(self):
        return self._dtype

    @property
    def shape(self):
        return self._shape

    @property
    def ndim(self):
        return len(self._shape)

    @property
    def size(self):
        return int(np.prod(self._shape)) if self._shape else 1

    @property
    def trainable(self):
        return self._trainable

    @trainable.setter
    def trainable(self, value):
        self._trainable = bool(value)

    @property
    def aggregation(self):
        return self._aggregation

    @property
    def synchronization(self):
        return self._synchronization

    def __repr__(self):
        return (
            f"<Variable path={self.path}, shape={self._shape}, dtype={self._dtype}, "
            f"value={self.numpy()!r}>"
        )

    # -- array protocol and arithmetic: delegate to the current value -----------
    def __array__(self, dtype=None, copy=None):
        arr = np.asarray(self.numpy())
        return arr.astype(dtype) if dtype is not None else arr

    def __len__(self):
        return self._shape[0]

    def __bool__(self):
        raise TypeError("A lamina Variable cannot be used as a Python boolean.")

    def __float__(self):
        return float(self.numpy())

    def __int__(self):
        return int(self.numpy())

    def __getitem__(self, idx):
        return self.value[idx]

    def __neg__(self):
        return -self.value

    def __pos__(self):
        return self.value

    def __abs__(self):
        return abs(self.value)

    def __invert__(self):
        return ~self.value

    def __add__(self, other):
        return self.value + _unwrap(other)

    def __radd__(self, other):
        return _unwrap(other) + self.value

    def __sub__(self, other):
        return self.value - _unwrap(other)

    def __rsub__(self, other):
        return _unwrap(other) - self.value

    def __mul__(self, other):
        return self.value * _unwrap(other)

    def __rmul__(self, other):
        return _unwrap(other) * self.value

    def __truediv__(self, other):
        return self.value / _unwrap(other)

    def __rtruediv__(self, other):
        return _unwrap(other) / self.value

    def __floordiv__(self, other):
        return self.value // _unwrap(other)

    def __rfloordiv__(self, other):
        return _unwrap(other) // self.value

    def __mod__(self, other):
        return self.value % _unwrap(other)

    def __pow__(self, other):
        return self.value ** _unwrap(other)

    def __rpow__(self, other):
        return _unwrap(other) ** self.value

    def __matmul__(self, other):
        return self.value @ _unwrap(other)

    def __rmatmul__(self, other):
        return _unwrap(other) @ self.value

    def __lt__(self, other):
        return self.value < _unwrap(other)

    def __le__(self, other):
        return self.value <= _unwrap(other)

    def __gt__(self, other):
        return self.value > _unwrap(other)

    def __ge__(self, other):
        return self.value >= _unwrap(other)

    __hash__ = object.__hash__


def _unwrap(x):
    return x.value if isinstance(x, Variable) else x
