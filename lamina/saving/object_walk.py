"""Which objects hold state, the paths Keras 3 gives them, and their own variables.

The path scheme is Keras 3's (``saving_lib._walk_saveable``): a Functional or Sequential
model yields ``layers`` first; then every attribute in sorted order, public names before
``_private`` ones. Objects inside lists and dicts are named by a per-container counter of
their snake-cased class name (``dense``, ``dense_1``), not by ``layer.name``. An object
reached twice keeps its first path.
"""

from lamina.backend.common import naming
from lamina.layers import _tracking
from lamina.layers.layer import Layer

def is_metric(obj):
    return callable(getattr(obj, "update_state", None)) and callable(getattr(obj, "result", None))


def is_optimizer(obj):
    return (not isinstance(obj, Layer) and callable(getattr(obj, "apply_gradients", None))
            and hasattr(obj, "variables"))


def is_saveable(obj):
    """Layers (and models) and optimizers hold state; metrics are not saved (as in Keras)."""
    if isinstance(obj, type) or is_metric(obj):
        return False
    return isinstance(obj, Layer) or is_optimizer(obj) or callable(getattr(obj, "save_own_variables", None))


def _name_key(name):
    return (name.startswith("_"), name)


def _is_graph_model(obj):
    from lamina.models.functional import Functional
    from lamina.models.sequential import Sequential

    return isinstance(obj, (Functional, Sequential))


def children(obj):
    """``(attribute, value)`` pairs of ``obj`` that hold saveables or containers of them."""
    if _is_graph_model(obj):
        yield "layers", obj.layers
    if not isinstance(obj, Layer):
        # An optimizer's state is its own `variables`; one that wraps another
        # (LossScaleOptimizer) also holds it as a child, as Keras saves `inner_optimizer`.
        if is_optimizer(obj):
            for key in sorted(vars(obj), key=_name_key):
                if is_optimizer(vars(obj)[key]):
                    yield key, vars(obj)[key]
        return
    for key, value in sorted(_tracking.state_attributes(obj), key=lambda item: _name_key(item[0])):
        if is_saveable(value) or _holds_saveable(value):
            yield key, value


def _holds_saveable(value):
    return isinstance(value, (list, tuple, dict)) and any(is_saveable(item) for item in _tracking.leaves(value))


def walk(root):
    """Yields ``(path, obj)`` for ``root`` and every saveable under it, in Keras's order.

    Example:
        >>> inputs = lamina.Input((3,))
        >>> model = lamina.Model(inputs, lamina.layers.Dense(1)(lamina.layers.Dense(4)(inputs)))
        >>> model.compile(optimizer="sgd", loss="mse")
        >>> [p for p, _ in walk(model)]
        ['', 'layers/input_layer', 'layers/dense', 'layers/dense_1', 'optimizer']
    """
    visited = set()
    yield from _walk(root, "", visited)


def _join(path, name):
    return f"{path}/{name}" if path else name


def _walk(obj, path, visited):
    if id(obj) in visited:
        return
    visited.add(id(obj))
    yield path, obj
    for key, value in children(obj):
        if is_saveable(value):
            yield from _walk(value, _join(path, key), visited)
        else:
            yield from _walk_container(value, _join(path, key), visited)


def _walk_container(container, path, visited):
    # Keras names the saveables directly in a list or dict; lamina also saves those in nested
    # containers (Keras skips them), counted as if the nesting were flat, so nothing is lost.
    used = {}
    for item in _tracking.leaves(container):
        if is_saveable(item):
            name = naming.to_snake_case(type(item).__name__)
            if name in used:
                used[name] += 1
                name = f"{name}_{used[name]}"
            else:
                used[name] = 0
            yield from _walk(item, _join(path, name), visited)


# -- own variables ----------------------------------------------------------------------------
def own_variables(obj):
    """The variables ``obj`` saves itself: a layer's own (trainable first), an optimizer's all."""
    if is_optimizer(obj):
        return list(obj.variables)
    if isinstance(obj, Layer):
        own = obj._tracked()[1]
        return [v for v in own if v.trainable] + [v for v in own if not v.trainable]
    return []


def object_name(obj):
    name = getattr(obj, "name", None)
    return name if isinstance(name, str) else None
