"""``RematScope``: rematerialization for the layers created inside it."""

import math
import threading

from lamina import backend
from lamina.backend import tree

_MODES = ("full", "activations", "larger_than", "list_of_layers", None)
_state = threading.local()


class RematMode:
    """The rematerialization settings a layer took from the scope it was created in."""

    def __init__(self, mode, output_size_threshold, layer_names):
        self.mode = mode
        self.output_size_threshold = output_size_threshold
        self.layer_names = tuple(layer_names)

    def __repr__(self):
        return (f"RematMode(mode={self.mode!r}, output_size_threshold={self.output_size_threshold}, "
                f"layer_names={list(self.layer_names)})")


class RematScope:
    """Layers created inside this scope recompute their activations in the backward pass
    instead of keeping them (see ``lamina.remat``), trading compute for memory.

    Args:
        mode: ``"full"`` (every layer), ``"activations"`` (only the ``activation`` function of
            layers that have one, as ``Dense(..., activation="relu")``), ``"larger_than"``
            (layers whose output has more than ``output_size_threshold`` elements, counting an
            unknown dimension as 1), ``"list_of_layers"`` (the layers named in
            ``layer_names``), or None (none; turns an enclosing scope off).
        output_size_threshold: the size limit of ``"larger_than"``.
        layer_names: the layer names of ``"list_of_layers"``.

    The setting is taken when a layer is created; it applies whenever the layer runs.

    Example:
        >>> with lamina.RematScope(mode="list_of_layers", layer_names=["big"]):
        ...     big, small = lamina.layers.Dense(64, name="big"), lamina.layers.Dense(2, name="small")
        >>> x = big(ops.ones((4, 8)))   # its activations are recomputed when differentiated
    """

    def __init__(self, mode="full", output_size_threshold=1024, layer_names=None):
        if mode not in _MODES:
            raise ValueError(f"RematScope: expected mode to be one of {list(_MODES)}. Received: mode={mode!r}")
        if isinstance(output_size_threshold, bool) or not isinstance(output_size_threshold, int) \
                or output_size_threshold < 0:
            raise ValueError("RematScope: expected a non-negative integer for output_size_threshold. Received: "
                             f"output_size_threshold={output_size_threshold!r}")
        if isinstance(layer_names, str):
            raise ValueError(f"RematScope: expected a list of layer names. Received: layer_names={layer_names!r}")
        self.mode = mode
        self.output_size_threshold = output_size_threshold
        self.layer_names = list(layer_names or [])

    def __enter__(self):
        _stack().append(self)
        return self

    def __exit__(self, *exc):
        _stack().pop()


def _stack():
    stack = getattr(_state, "stack", None)
    if stack is None:
        stack = _state.stack = []
    return stack


def current_remat_mode():
    """The innermost scope's settings, or None outside any scope (or in a ``mode=None`` one)."""
    stack = _stack()
    if not stack or stack[-1].mode is None:
        return None
    scope = stack[-1]
    return RematMode(scope.mode, scope.output_size_threshold, scope.layer_names)


def _output_size(layer, args, kwargs):
    def symbolic(x):
        return backend.KerasTensor(tuple(x.shape), dtype=backend.standardize_dtype(x.dtype)) \
            if backend.is_tensor(x) else x

    spec = layer.compute_output_spec(*tree.map_structure(symbolic, args), **tree.map_structure(symbolic, kwargs))
    return sum(math.prod(d or 1 for d in x.shape) for x in tree.flatten(spec) if isinstance(x, backend.KerasTensor))


def call_with_remat(layer, args, kwargs):
    """Runs ``layer.call`` as the layer's ``RematMode`` says (Layer.__call__ calls it)."""
    from lamina.ops._remat import remat

    mode = layer._remat_mode
    if mode.mode == "full" or (mode.mode == "list_of_layers" and layer.name in mode.layer_names) or (
            mode.mode == "larger_than" and _output_size(layer, args, kwargs) > mode.output_size_threshold):
        return remat(layer.call)(*args, **kwargs)
    activation = getattr(layer, "activation", None)
    if mode.mode == "activations" and callable(activation):
        object.__setattr__(layer, "activation", remat(activation))
        try:
            return layer.call(*args, **kwargs)
        finally:
            object.__setattr__(layer, "activation", activation)
    return layer.call(*args, **kwargs)
