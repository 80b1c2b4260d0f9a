"""Finding everything a step reads or writes, and a structural key for sharing compiled steps."""

import json

from lamina.backend import tree


def _is_optimizer(x):
    return hasattr(x, "apply_gradients") and hasattr(x, "variables") and not isinstance(x, type)


def _is_metric(x):
    from lamina.metrics import Metric

    return isinstance(x, Metric)


def find_optimizers(model):
    """``model.optimizer`` plus optimizers held in the model's attributes (a GAN's two)."""
    found = []
    candidates = [getattr(model, "optimizer", None)] + list(vars(model).values())
    for value in candidates:
        items = value if isinstance(value, (list, tuple)) else (value,)
        for item in items:
            if item is not None and _is_optimizer(item) and not any(item is f for f in found):
                found.append(item)
    return found


def find_attribute_metrics(model):
    """Metrics held in attributes of ``model`` and its sub-layers (a subclass's own trackers).
    Remembered until an attribute holding a layer, a container or a metric is set."""
    from lamina.layers import _tracking

    cache = getattr(model, "__dict__", {}).get("_attribute_metrics")
    if cache is not None and cache[0] == _tracking._version[0]:
        return list(cache[1])
    found = _scan_attribute_metrics(model)
    if hasattr(model, "__dict__"):
        object.__setattr__(model, "_attribute_metrics", (_tracking._version[0], tuple(found)))
    return found


def _scan_attribute_metrics(model):
    found = []
    layers = model._flatten_layers() if hasattr(model, "_flatten_layers") else [model]
    for layer in layers:
        for key, value in vars(layer).items():
            if key.startswith("_compile") or key in ("_loss_tracker", "_output_loss_trackers", "_attribute_metrics"):
                continue
            items = value if isinstance(value, (list, tuple)) else (value,)
            for item in items:
                try:
                    ok = _is_metric(item)
                except ImportError:
                    ok = False
                if ok and not any(item is f for f in found):
                    found.append(item)
    return found


def collect_state(model):
    """Every Variable a step may read or assign, in a stable order."""
    out, seen = [], set()

    def add(variables):
        for v in variables:
            if id(v) not in seen:
                seen.add(id(v))
                out.append(v)

    add(model.trainable_variables)
    add(model.non_trainable_variables)
    for optimizer in find_optimizers(model):
        add(optimizer.variables)
    for metric in model.metrics:
        add(metric.variables)
    return out


def _collect_names(config, names):
    if isinstance(config, dict):
        name = config.get("name")
        if isinstance(name, str) and name not in names:
            names[name] = len(names)
        for value in config.values():
            _collect_names(value, names)
    elif isinstance(config, (list, tuple)):
        for value in config:
            _collect_names(value, names)
    return names


def _strip_names(config, names):
    if isinstance(config, dict):
        return {k: _strip_names(v, names) for k, v in config.items()}
    if isinstance(config, (list, tuple)):
        return [_strip_names(v, names) for v in config]
    if isinstance(config, str) and config in names:
        return f"<layer {names[config]}>"
    return config


def structure_key(model, mode):
    """A description of ``model``'s computation that ignores layer names, or None.

    Only Functional and Sequential models, whose config fully describes the computation,
    get a key; subclassed models keep their compiled steps to themselves.
    """
    from lamina.models.functional import Functional
    from lamina.models.sequential import Sequential

    if not isinstance(model, (Functional, Sequential)):
        return None
    cls = type(model)
    if cls not in (Functional, Sequential):
        return None  # a subclass may override train_step or hold extra state
    try:
        raw = model.get_config()
        names = _collect_names(raw, {layer.name: i for i, layer in enumerate(model._flatten_layers())})
        config = _strip_names(raw, names)
        compile_config = _strip_names(model._compile_key_config(), names)
        text = json.dumps([cls.__name__, config, compile_config, mode], sort_keys=True, default=repr)
    except Exception:
        return None
    if "object at 0x" in text:
        return None  # something printed by identity: not a structural description
    return text
