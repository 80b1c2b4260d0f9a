"""The ``Metric`` base class: state in ``lamina.Variable``s, updated only by ``assign``.

Because every total and count is a Variable changed through ``assign``/``assign_add``,
a metric updated inside a ``StatelessScope`` (as the trainer's compiled steps do) records
its new state in the scope and leaves the real variables untouched. ``update_state`` must
therefore never read Python numbers out of tensors.
"""

import functools

from lamina import backend, dtype_policies, initializers, ops
from lamina.backend.common import naming
from lamina.backend.common.variables import name_scope
from lamina.layers import _tracking


class Metric(_tracking.Tracked):
    """Base class of metrics.

    A subclass creates its state in ``__init__`` with ``add_variable`` (or ``add_weight``)
    and implements ``update_state(*args, **kwargs)`` (changing state only through
    ``Variable.assign*``) and ``result()``. ``reset_state()`` puts every variable back to
    its initial value; override it only for unusual state.

    Args:
        name: the metric's name; defaults to the snake-case class name.
        dtype: the dtype of the state and the result (default ``floatx()``).

    Example:
        >>> class Count(lamina.metrics.Metric):
        ...     def __init__(self, name="count", **kwargs):
        ...         super().__init__(name=name, **kwargs)
        ...         self.n = self.add_weight(name="n", initializer="zeros")
        ...     def update_state(self, y_true, y_pred, sample_weight=None):
        ...         self.n.assign_add(lamina.ops.cast(lamina.ops.shape(y_true)[0], "float32"))
        ...     def result(self):
        ...         return self.n.value
        >>> m = Count()
        >>> m.update_state(np.array([1, 2, 3]), np.array([1, 2, 3]))
        >>> float(m.result())
        3.0
    """

    _is_lamina_metric = True
    _tracked_kind = "metric"  # what attribute tracking sees (layers/_tracking.py)

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if "result" in cls.__dict__:
            cls.result = _reading_variables(cls.__dict__["result"])

    def __init__(self, name=None, dtype=None):
        # Bookkeeping: the variables `add_variable` made (also reached through attributes)
        # and their initializers; sub-metrics and other variables are found by tracking.
        self._set_untracked(_variables=[], _initial_values={})
        self.name = name or naming.auto_name(type(self).__name__)
        self._dtype_policy = dtype_policies.get(dtype or backend.floatx())
        self._dtype = self._dtype_policy.compute_dtype

    def add_variable(self, shape, initializer, dtype=None, aggregation="sum", name=None):
        """Creates a non-trainable state variable of this metric.

        Args:
            shape: the variable's shape (``()`` for a scalar).
            initializer: an initializer name (``"zeros"``), instance or callable.
            dtype: the variable's dtype (default: the metric's dtype).
            aggregation: how replicas combine it (``"sum"``, ``"mean"``, ...).
            name: the variable's name.
        """
        dtype = backend.standardize_dtype(dtype or self.dtype)
        init = initializers.get(initializer) if initializer is not None else initializers.get("zeros")
        with name_scope(self.name.replace("/", ">"), caller=self):
            variable = backend.Variable(init, shape=tuple(shape), dtype=dtype, trainable=False,
                                        aggregation=aggregation, name=name)
        self._variables.append(variable)
        self._initial_values[id(variable)] = (init, tuple(shape), dtype)
        return variable

    def add_weight(self, shape=(), initializer=None, dtype=None, name=None):
        """``add_variable`` with Keras's ``add_weight`` argument order (shape defaults to ``()``)."""
        return self.add_variable(shape, initializer, dtype=dtype, name=name)

    @property
    def variables(self):
        """This metric's state variables, then those of metrics held in its attributes (as Keras)."""
        state = self._tracked_state()
        result = _unique(self._own_state(), [])
        for metric in state["metric"]:
            _unique(metric.variables, result)
        return result

    def _own_state(self):
        """Variables from ``add_variable``, then any other variables held in attributes."""
        return _unique(self._tracked_state()["variable"], list(self.__dict__.get("_variables", ())))

    @property
    def dtype(self):
        return self._dtype

    def reset_state(self):
        """Sets every state variable back to its initial value."""
        for item in self._own_state():
            init = self._initial_values.get(id(item))
            if init is None:
                item.assign(ops.zeros(item.shape, dtype=item.dtype))
            else:
                fn, shape, dtype = init
                item.assign(fn(shape, dtype=dtype))
        for metric in self._tracked_state()["metric"]:
            metric.reset_state()

    # -- the contract -----------------------------------------------------------------
    def update_state(self, *args, **kwargs):
        """Accumulates statistics; subclasses override it."""
        raise TypeError(f"{type(self).__name__} must implement `update_state` (it is abstract in Metric).")

    def result(self):
        """The metric's value from the accumulated state; subclasses override it."""
        raise TypeError(f"{type(self).__name__} must implement `result` (it is abstract in Metric).")

    def __call__(self, *args, **kwargs):
        """``update_state(*args, **kwargs)`` then ``result()``."""
        self.update_state(*args, **kwargs)
        return self.result()

    # -- functional helpers: run on explicit state values -----------------------------
    def stateless_update_state(self, metric_variables, *args, **kwargs):
        """Returns the variable values after ``update_state`` starting from ``metric_variables``."""
        scope = self._scope(metric_variables)
        with scope:
            self.update_state(*args, **kwargs)
        return [_current(scope, v) for v in self.variables]

    def stateless_result(self, metric_variables):
        """``result()`` computed from the given variable values."""
        with self._scope(metric_variables):
            return self.result()

    def stateless_reset_state(self):
        """The variable values ``reset_state`` would set, without changing the metric."""
        scope = backend.StatelessScope()
        with scope:
            self.reset_state()
        return [_current(scope, v) for v in self.variables]

    def _scope(self, metric_variables):
        variables = self.variables
        if len(metric_variables) != len(variables):
            raise ValueError(
                f"Metric '{self.name}': expected {len(variables)} variable values, "
                f"received {len(metric_variables)}."
            )
        return backend.StatelessScope(list(zip(variables, metric_variables)))

    # -- config -----------------------------------------------------------------------
    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name}>"


def _unique(items, into):
    """Appends to ``into`` the items of ``items`` it does not hold yet; returns ``into``."""
    for item in items:
        if not any(item is r for r in into):
            into.append(item)
    return into


def _current(scope, variable):
    value = scope.get_current_value(variable)
    return variable.value if value is None else value


def _reading_variables(result_fn):
    """Wraps ``result`` so a returned Variable is read now (in the current scope), not later."""
    if getattr(result_fn, "_reads_variables", False):
        return result_fn

    @functools.wraps(result_fn)
    def result(self):
        return _read(result_fn(self))

    result._reads_variables = True
    return result


def _read(value):
    if getattr(value, "_is_lamina_variable", False):
        return value.value
    if isinstance(value, dict):
        return {k: _read(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_read(v) for v in value)
    return value
