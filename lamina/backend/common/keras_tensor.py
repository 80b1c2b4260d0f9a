"""Symbolic tensors: a shape and a dtype, plus where they came from in a Functional graph."""

from lamina.backend.common import dtypes, naming


class KerasTensor:
    """A placeholder for a tensor in a model being built (``lamina.Input(...)``).

    It has a ``shape`` (``None`` for unknown dimensions) and a ``dtype``. Layers and
    ``lamina.ops`` accept it and return new KerasTensors, recording the graph.

    Example:
        >>> x = lamina.Input(shape=(3,))
        >>> y = lamina.ops.relu(x) * 2
        >>> y.shape
        (None, 3)
    """

    def __init__(self, shape, dtype="float32", sparse=False, name=None):
        self._shape = tuple(None if d is None else int(d) for d in shape)
        self._dtype = dtypes.standardize_dtype(dtype)
        self.sparse = bool(sparse)
        self.name = name or naming.auto_name("keras_tensor")
        self._keras_history = None
        self._keras_mask = None

    @property
    def shape(self):
        return self._shape

    @property
    def dtype(self):
        return self._dtype

    @property
    def ndim(self):
        return len(self._shape)

    def reshape(self, *shape):
        from lamina import ops

        if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
            shape = shape[0]
        return ops.reshape(self, shape)

    def __repr__(self):
        return f"<KerasTensor shape={self._shape}, dtype={self._dtype}, name={self.name}>"

    def __len__(self):
        raise TypeError(
            "A symbolic KerasTensor has no length. Use `tensor.shape[0]` (which may be None)."
        )

    def __bool__(self):
        raise TypeError(
            "A symbolic KerasTensor cannot be used as a Python boolean; use lamina.ops.cond "
            "or compute on concrete values."
        )

    def __iter__(self):
        raise TypeError("A symbolic KerasTensor cannot be iterated over.")

    def __array__(self, *args, **kwargs):
        raise TypeError(
            "A symbolic KerasTensor cannot be converted to a NumPy array. It has no value "
            "until the model is called on data."
        )

    def _op(name):
        def method(self, *args):
            from lamina import ops

            return getattr(ops, name)(self, *args)

        return method

    def _rop(name):
        def method(self, other):
            from lamina import ops

            return getattr(ops, name)(other, self)

        return method

    __add__ = _op("add")
    __radd__ = _rop("add")
    __sub__ = _op("subtract")
    __rsub__ = _rop("subtract")
    __mul__ = _op("multiply")
    __rmul__ = _rop("multiply")
    __truediv__ = _op("true_divide")
    __rtruediv__ = _rop("true_divide")
    __floordiv__ = _op("floor_divide")
    __rfloordiv__ = _rop("floor_divide")
    __mod__ = _op("mod")
    __rmod__ = _rop("mod")
    __pow__ = _op("power")
    __rpow__ = _rop("power")
    __matmul__ = _op("matmul")
    __rmatmul__ = _rop("matmul")
    __lt__ = _op("less")
    __le__ = _op("less_equal")
    __gt__ = _op("greater")
    __ge__ = _op("greater_equal")
    __and__ = _op("logical_and")
    __or__ = _op("logical_or")
    __xor__ = _op("logical_xor")
    __neg__ = _op("negative")
    __abs__ = _op("absolute")
    __invert__ = _op("logical_not")
    __getitem__ = _op("get_item")
    del _op, _rop

    def __pos__(self):
        return self


def is_keras_tensor(x):
    return isinstance(x, KerasTensor)


def any_symbolic(args, kwargs=None):
    """True when a KerasTensor appears anywhere in ``args`` / ``kwargs`` (nested)."""
    stack = list(args)
    if kwargs:
        stack.extend(kwargs.values())
    while stack:
        x = stack.pop()
        if isinstance(x, KerasTensor):
            return True
        if isinstance(x, (list, tuple)):
            stack.extend(x)
        elif isinstance(x, dict):
            stack.extend(x.values())
    return False
