"""InputSpec: what a layer accepts (rank, fixed axes, dtype), checked with clear errors."""

import numpy as np

from lamina.backend.common.tree import flatten


class InputSpec:
    """Describes the inputs a layer accepts.

    Args:
        dtype: expected dtype, or None.
        shape: expected full shape (None for free dims).
        ndim / min_ndim / max_ndim: rank constraints.
        axes: dict mapping axis index to a required size, e.g. ``{-1: 64}``.
        allow_last_axis_squeeze: accept inputs whose last axis of size 1 was dropped.
        name: the input's name, for messages.
    """

    def __init__(self, dtype=None, shape=None, ndim=None, max_ndim=None, min_ndim=None, axes=None,
                 allow_last_axis_squeeze=False, name=None, optional=False):
        self.dtype = dtype
        self.shape = None if shape is None else tuple(shape)
        self.ndim = len(self.shape) if self.shape is not None else ndim
        self.max_ndim = max_ndim
        self.min_ndim = min_ndim
        self.axes = dict(axes or {})
        self.allow_last_axis_squeeze = allow_last_axis_squeeze
        self.name = name
        self.optional = optional

    def get_config(self):
        return {"dtype": self.dtype, "shape": self.shape, "ndim": self.ndim, "max_ndim": self.max_ndim,
                "min_ndim": self.min_ndim, "axes": self.axes}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        parts = [f"{k}={v}" for k, v in self.get_config().items() if v not in (None, {})]
        return f"InputSpec({', '.join(parts)})"


def check_input_before_build(layer, args):
    """Checks an unbuilt ``layer``'s first positional input against its ``input_spec``
    before ``build`` reads the input's shape, when that input is a scalar or a string:
    ``Dense(2)("hello")`` then says which layer got what, instead of failing inside
    ``build`` on a shape ``()``. Other inputs reach ``build``, whose own messages are more
    specific, and the spec is checked after it.

    Example:
        >>> check_input_before_build(lamina.layers.Dense(2), (np.zeros((3, 4)),))
    """
    if layer.built or layer.input_spec is None or not args:
        return
    x = args[0]
    if isinstance(x, (str, bytes)):  # a bare string has no shape to check; as an array it has ()
        x = np.asarray(x)
    if hasattr(x, "shape") and len(x.shape) == 0:
        assert_input_compatibility(layer.input_spec, x, layer.name)


def _received(x, shape):
    """``Full shape received: ...``, with the value itself for a scalar (a string or number
    given where a batch of features was expected)."""
    text = f"Full shape received: {shape}"
    if not shape and hasattr(x, "item") and not hasattr(x, "_keras_history"):
        try:
            text += f" (the value {x.item()!r} of type {type(x.item()).__name__})"
        except (TypeError, ValueError, RuntimeError):
            pass
    return text


def assert_input_compatibility(input_spec, inputs, layer_name):
    if input_spec is None:
        return
    specs = input_spec if isinstance(input_spec, (list, tuple)) else [input_spec]
    flat = flatten(inputs)
    if len(specs) != len(flat) and len(specs) > 1:
        raise ValueError(
            f"Layer '{layer_name}' expects {len(specs)} input(s), but it received {len(flat)} input tensors."
        )
    for i, (spec, x) in enumerate(zip(specs, flat)):
        if spec is None or x is None:
            continue
        shape = tuple(x.shape) if hasattr(x, "shape") else None
        if shape is None:
            continue
        where = f"Input {i} of layer '{layer_name}'"
        ndim = len(shape)
        if spec.ndim is not None and not spec.allow_last_axis_squeeze and ndim != spec.ndim:
            raise ValueError(
                f"{where} is incompatible with the layer: expected ndim={spec.ndim}, found ndim={ndim}. "
                f"{_received(x, shape)}"
            )
        if spec.max_ndim is not None and ndim > spec.max_ndim:
            raise ValueError(
                f"{where} is incompatible with the layer: expected max_ndim={spec.max_ndim}, found "
                f"ndim={ndim}. Full shape received: {shape}"
            )
        if spec.min_ndim is not None and ndim < spec.min_ndim:
            raise ValueError(
                f"{where} is incompatible with the layer: expected min_ndim={spec.min_ndim}, found "
                f"ndim={ndim}. {_received(x, shape)}"
            )
        for axis, size in spec.axes.items():
            if size is None:
                continue
            if -ndim <= axis < ndim and shape[axis] is not None and shape[axis] != size:
                raise ValueError(
                    f"{where} is incompatible with the layer: expected axis {axis} of the input shape "
                    f"to have value {size}, but received input with shape {shape}"
                )
        if spec.shape is not None:
            for expected, got in zip(spec.shape, shape):
                if expected is not None and got is not None and expected != got:
                    raise ValueError(
                        f"{where} is incompatible with the layer: expected shape={spec.shape}, found "
                        f"shape={shape}"
                    )
