"""Finding everything a step reads or writes."""

from lamina.backend import tree
from lamina.layers import _tracking


def find_optimizers(model):
    """``model.optimizer`` plus optimizers held in the model's attributes (a GAN's two)."""
    found = [model.optimizer] if _tracking.kind_of(getattr(model, "optimizer", None)) == "optimizer" else []
    if isinstance(model, _tracking.Tracked):
        found += model._tracked_state()["optimizer"]
    return _tracking.unique(found)


def find_attribute_metrics(model):
    """Metrics held in attributes of ``model`` and its sub-layers (a subclass's own trackers);
    the compiled loss and metrics are bookkeeping, not attributes tracking sees. Remembered
    until tracked state changes."""
    if not isinstance(model, _tracking.Trackable):
        return list(model._tracked_state()["metric"]) if isinstance(model, _tracking.Tracked) else []
    cache = model.__dict__.get("_attribute_metrics")
    if cache is not None and cache[0] == _tracking._version[0]:
        return list(cache[1])
    found = _tracking.unique([m for layer in model._flatten_layers() for m in layer._tracked_state()["metric"]])
    model._set_untracked(_attribute_metrics=(_tracking._version[0], tuple(found)))
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
