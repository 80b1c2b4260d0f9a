"""Weight regularizers: callables returning a scalar penalty, added to ``layer.losses``."""

from lamina import ops
from lamina.utils._family import Family


class Regularizer:
    """Base class: subclasses implement ``__call__(x)`` and ``get_config``."""

    def __call__(self, x):
        return 0.0

    def get_config(self):
        return {}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


def _check(name, value):
    value = float(value)
    if value < 0:
        raise ValueError(f"Expected a non-negative {name}. Received: {name}={value}")
    return value


class L1L2(Regularizer):
    """``l1 * sum(|x|) + l2 * sum(x**2)``."""

    def __init__(self, l1=0.0, l2=0.0):
        self.l1 = _check("l1", l1)
        self.l2 = _check("l2", l2)

    def __call__(self, x):
        penalty = 0.0
        if self.l1:
            penalty = ops.add(penalty, ops.multiply(self.l1, ops.sum(ops.abs(x))))
        if self.l2:
            penalty = ops.add(penalty, ops.multiply(self.l2, ops.sum(ops.square(x))))
        return penalty

    def get_config(self):
        return {"l1": self.l1, "l2": self.l2}


class L1(Regularizer):
    """``l1 * sum(|x|)``."""

    def __init__(self, l1=0.01):
        self.l1 = _check("l1", l1)

    def __call__(self, x):
        return ops.multiply(self.l1, ops.sum(ops.abs(x)))

    def get_config(self):
        return {"l1": self.l1}


class L2(Regularizer):
    """``l2 * sum(x**2)``."""

    def __init__(self, l2=0.01):
        self.l2 = _check("l2", l2)

    def __call__(self, x):
        return ops.multiply(self.l2, ops.sum(ops.square(x)))

    def get_config(self):
        return {"l2": self.l2}


class OrthogonalRegularizer(Regularizer):
    """Pushes rows (or columns) of a 2-D weight towards orthonormality.

    Args:
        factor: penalty weight.
        mode: ``"rows"`` or ``"columns"``.
    """

    def __init__(self, factor=0.01, mode="rows"):
        if mode not in ("rows", "columns"):
            raise ValueError(f"OrthogonalRegularizer: mode must be 'rows' or 'columns'. Received: mode={mode!r}")
        self.factor = _check("factor", factor)
        self.mode = mode

    def __call__(self, x):
        if len(x.shape) != 2:
            raise ValueError(f"OrthogonalRegularizer needs a rank-2 weight. Received shape {tuple(x.shape)}")
        if self.mode == "columns":
            x = ops.transpose(x)
        norms = ops.sqrt(ops.maximum(ops.sum(ops.square(x), axis=1, keepdims=True), 1e-12))
        x = ops.divide(x, norms)
        product = ops.matmul(x, ops.transpose(x))
        n = x.shape[0]
        import numpy as np

        off = ops.multiply(product, ops.convert_to_tensor(1.0 - np.eye(n, dtype="float32")))
        return ops.multiply(self.factor, ops.divide(ops.sum(ops.abs(off)), n * (n - 1) if n > 1 else 1))

    def get_config(self):
        return {"factor": self.factor, "mode": self.mode}


l1_l2 = L1L2  # as in Keras 3: l1_l2() is L1L2(l1=0.0, l2=0.0)
l1 = L1
l2 = L2
orthogonal_regularizer = OrthogonalRegularizer

_FAMILY = Family("regularizer", Regularizer, (L1L2, L1, L2, OrthogonalRegularizer),
                 aliases={"l1": L1, "l2": L2, "l1_l2": L1L2})
_BY_NAME = _FAMILY.by_name


def serialize(regularizer):
    """The config dict of a regularizer."""
    return _FAMILY.serialize(regularizer)


def deserialize(config, custom_objects=None):
    """A regularizer from its config dict."""
    return _FAMILY.deserialize(config, custom_objects)


def get(identifier):
    """Returns a regularizer from a name, config, instance or callable (None stays None)."""
    return _FAMILY.get(identifier)
