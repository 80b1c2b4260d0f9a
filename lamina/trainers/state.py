"""Finding everything a step reads or writes."""

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
