"""Weight constraints, applied to a variable after each optimizer update."""

from lamina import backend, ops
from lamina.utils._family import Family


class Constraint:
    """Base class: subclasses implement ``__call__(w)`` returning the projected weight."""

    def __call__(self, w):
        return w

    def get_config(self):
        return {}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


def _norm(w, axis):
    return ops.sqrt(ops.sum(ops.square(w), axis=axis, keepdims=True))


class MaxNorm(Constraint):
    """Rescales weights whose norm along ``axis`` exceeds ``max_value``."""

    def __init__(self, max_value=2, axis=0):
        self.max_value, self.axis = max_value, axis

    def __call__(self, w):
        norms = _norm(w, self.axis)
        desired = ops.clip(norms, 0, self.max_value)
        return ops.multiply(w, ops.divide(desired, ops.add(backend.epsilon(), norms)))

    def get_config(self):
        return {"max_value": self.max_value, "axis": self.axis}


class MinMaxNorm(Constraint):
    """Keeps norms along ``axis`` within ``[min_value, max_value]`` (blended by ``rate``)."""

    def __init__(self, min_value=0.0, max_value=1.0, rate=1.0, axis=0):
        self.min_value, self.max_value, self.rate, self.axis = min_value, max_value, rate, axis

    def __call__(self, w):
        norms = _norm(w, self.axis)
        desired = ops.add(ops.multiply(self.rate, ops.clip(norms, self.min_value, self.max_value)),
                          ops.multiply(1 - self.rate, norms))
        return ops.multiply(w, ops.divide(desired, ops.add(backend.epsilon(), norms)))

    def get_config(self):
        return {"min_value": self.min_value, "max_value": self.max_value, "rate": self.rate, "axis": self.axis}


class NonNeg(Constraint):
    """Sets negative weights to zero."""

    def __call__(self, w):
        return ops.multiply(w, ops.cast(ops.greater_equal(w, 0.0), backend.standardize_dtype(w.dtype)))


class UnitNorm(Constraint):
    """Scales weights to unit norm along ``axis``."""

    def __init__(self, axis=0):
        self.axis = axis

    def __call__(self, w):
        return ops.divide(w, ops.add(backend.epsilon(), _norm(w, self.axis)))

    def get_config(self):
        return {"axis": self.axis}


max_norm, min_max_norm, non_neg, unit_norm = MaxNorm, MinMaxNorm, NonNeg, UnitNorm

_FAMILY = Family("constraint", Constraint, (MaxNorm, MinMaxNorm, NonNeg, UnitNorm))
_BY_NAME = _FAMILY.by_name


def serialize(constraint):
    """The config dict of a constraint."""
    return _FAMILY.serialize(constraint)


def deserialize(config, custom_objects=None):
    """A constraint from its config dict."""
    return _FAMILY.deserialize(config, custom_objects)


def get(identifier):
    """Returns a constraint from a name, config, instance or callable (None stays None)."""
    return _FAMILY.get(identifier)
