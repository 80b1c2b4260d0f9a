"""What ``compile`` builds: the compiled loss and the compiled metrics, matched to outputs.

Losses, loss weights, metrics and sample weights may each be given once (shared by every
output), as a list in output order, or as a dict keyed by output name.
"""

from lamina import ops
from lamina.backend import tree
from lamina.trainers import row_padding


def _is_nested(x):
    return isinstance(x, (list, tuple, dict))


def flatten_outputs(value, output_names, what, model_name):
    """``value`` (one tensor, a list, or a dict keyed by output name) as a list in output order."""
    if isinstance(value, dict):
        unknown = sorted(set(value) - set(output_names))
        if unknown:
            raise ValueError(
                f"Model '{model_name}': {what} has keys {unknown} that are not output names. "
                f"Expected keys among the output names: {output_names}")
        return [value.get(name) for name in output_names]
    if isinstance(value, (list, tuple)) and len(output_names) > 1:
        if len(value) != len(output_names):
            raise ValueError(
                f"Model '{model_name}' has {len(output_names)} outputs {output_names}, but {what} "
                f"has {len(value)} entries.")
        return list(value)
    if isinstance(value, (list, tuple)) and len(value) == 1 and len(output_names) == 1:
        return [value[0]]
    return [value] * len(output_names) if len(output_names) > 1 and not _is_nested(value) else [value]


def output_names_of(model, y_pred):
    names = getattr(model, "output_names", None)
    n = len(tree.flatten(y_pred)) if _is_nested(y_pred) else 1
    if isinstance(y_pred, dict):
        return list(y_pred.keys()) if not names or set(names) != set(y_pred) else list(names)
    if names and len(names) == n:
        return list(names)
    return ["output"] if n == 1 else [f"output_{i + 1}" for i in range(n)]


def _flat_pred(y_pred, output_names):
    if isinstance(y_pred, dict):
        return [y_pred[name] for name in output_names]
    if isinstance(y_pred, (list, tuple)):
        return list(y_pred)
    return [y_pred]


def _resolve_loss(identifier):
    if identifier is None:
        return None
    from lamina import losses
    from lamina.losses.loss import LossFunctionWrapper

    loss = losses.get(identifier)
    if not isinstance(loss, losses.Loss) and callable(loss):
        name = identifier if isinstance(identifier, str) else getattr(loss, "__name__", None)
        loss = LossFunctionWrapper(loss, name=name)
    return loss


def _loss_name(loss, fallback):
    name = getattr(loss, "name", None) or getattr(loss, "__name__", None)
    return name or fallback


class CompileLoss:
    """The loss ``compile`` builds: ``total = sum(weight_i * loss_i) + regularization``.

    Args:
        loss: one loss (object, function or name), a list in output order, or a dict keyed
            by output name; ``None`` entries skip an output.
        loss_weights: scalars matching ``loss``'s structure (or one per output).
        output_names: the model's output names (dict keys of ``y`` and ``y_pred``).
    """

    def __init__(self, loss, loss_weights=None, output_names=None, model_name="model"):
        self._loss_spec = loss
        self._weights_spec = loss_weights
        self.output_names = output_names
        self.model_name = model_name
        self.built = False
        self.losses = []
        self.loss_weights = []

    def build(self, y_pred):
        if self.built:
            return
        names = self.output_names or ["output"]
        specs = flatten_outputs(self._loss_spec, names, "`loss`", self.model_name)
        if len(specs) != len(_flat_pred(y_pred, names)):
            raise ValueError(
                f"Model '{self.model_name}' has {len(_flat_pred(y_pred, names))} outputs but `loss` "
                f"gives {len(specs)} losses.")
        self.losses = [_resolve_loss(s) for s in specs]
        if self._weights_spec is None:
            self.loss_weights = [1.0] * len(self.losses)
        else:
            self.loss_weights = [1.0 if w is None else float(w) for w in flatten_outputs(
                self._weights_spec, names, "`loss_weights`", self.model_name)]
        self.built = True

    @property
    def active_outputs(self):
        return [i for i, loss in enumerate(self.losses) if loss is not None]

    def per_output(self, y_true, y_pred, sample_weight=None, row_mask=None):
        """The loss of each output that has one, as ``[(index, loss, weighted_loss)]``:
        ``loss`` is the output's own loss (what ``<name>_loss`` reports, as in Keras) and
        ``weighted_loss`` is ``loss_weights[index] * loss`` (what the total adds up).
        ``row_mask`` marks the real rows of a padded batch (see ``row_padding``)."""
        names = self.output_names or ["output"]
        self.build(y_pred)
        preds = _flat_pred(y_pred, names)
        trues = flatten_outputs(y_true, names, "`y`", self.model_name) if len(names) > 1 or isinstance(y_true, dict) else [y_true]
        if isinstance(sample_weight, (list, tuple, dict)) and len(names) > 1:
            weights = flatten_outputs(sample_weight, names, "`sample_weight`", self.model_name)
        else:
            weights = [sample_weight] * len(names)
        out = []
        for i in self.active_outputs:
            if trues[i] is None:
                raise ValueError(
                    f"Model '{self.model_name}': output '{names[i]}' has a loss but no target was given "
                    f"for it. Give `y` for every output with a loss, or set its loss to None.")
            weight = weights[i]
            if row_mask is not None:
                weight = row_padding.loss_weights(weight, row_mask, self.losses[i].reduction,
                                                  len(preds[i].shape) - 1)
            value = self.losses[i](trues[i], preds[i], weight) if weight is not None else self.losses[i](trues[i], preds[i])
            weighted = value * self.loss_weights[i] if self.loss_weights[i] != 1.0 else value
            out.append((i, value, weighted))
        return out

    def __call__(self, y_true, y_pred, sample_weight=None, regularization_losses=None):
        total = None
        for _, _, weighted in self.per_output(y_true, y_pred, sample_weight):
            total = weighted if total is None else total + weighted
        for extra in regularization_losses or ():
            extra = ops.cast(extra, "float32") if total is None else ops.cast(extra, total.dtype)
            total = extra if total is None else total + extra
        return total

    def get_config(self):
        return {"loss": self._loss_spec, "loss_weights": self._weights_spec}


def _resolve_metric(identifier, loss, y_true, y_pred, name_prefix=""):
    from lamina import metrics as metrics_module

    if identifier is None:
        return None
    if isinstance(identifier, str) and identifier.lower() in ("accuracy", "acc", "crossentropy", "ce"):
        metric = _resolve_accuracy(identifier, loss, y_true, y_pred)
    else:
        metric = metrics_module.get(identifier)
        if not isinstance(metric, metrics_module.Metric):
            name = identifier if isinstance(identifier, str) else getattr(metric, "__name__", "metric")
            metric = metrics_module.MeanMetricWrapper(metric, name=name)
        elif isinstance(identifier, str) and identifier[:1].islower():
            _rename(metric, identifier)  # Keras logs `metrics=["mae"]` under "mae"
    if name_prefix:
        _rename(metric, name_prefix + metric.name)
    return metric


def _resolve_accuracy(identifier, loss, y_true, y_pred):
    from lamina import metrics as metrics_module

    y_pred_shape = tuple(getattr(y_pred, "shape", ()))
    y_true_shape = tuple(getattr(y_true, "shape", ()))
    if identifier.lower() in ("accuracy", "acc"):
        return metrics_module.resolve_accuracy(identifier, loss=loss, y_true_shape=y_true_shape,
                                               y_pred_shape=y_pred_shape)
    loss_name = type(loss).__name__.lower() if loss is not None and not callable(getattr(loss, "__name__", None)) else ""
    loss_name += getattr(loss, "__name__", "") if loss is not None else ""
    ce = identifier.lower() in ("crossentropy", "ce")
    if "binary" in loss_name or (y_pred_shape and y_pred_shape[-1] == 1):
        cls = metrics_module.BinaryCrossentropy if ce else metrics_module.BinaryAccuracy
    elif "sparse" in loss_name or len(y_true_shape) < len(y_pred_shape) or (y_true_shape and y_true_shape[-1] == 1):
        cls = metrics_module.SparseCategoricalCrossentropy if ce else metrics_module.SparseCategoricalAccuracy
    else:
        cls = metrics_module.CategoricalCrossentropy if ce else metrics_module.CategoricalAccuracy
    return cls(name=identifier)


def _rename(metric, name):
    try:
        metric.name = name
    except AttributeError:
        metric._name = name


def _clone_metric(metric):
    try:
        return type(metric).from_config(metric.get_config())
    except Exception:
        return metric


class CompileMetrics:
    """The metrics ``compile`` builds, one list per output, updated together.

    Args:
        metrics: unweighted metrics (one, a list shared by all outputs, a list of lists in
            output order, or a dict keyed by output name).
        weighted_metrics: the same, updated with ``sample_weight``.
        output_names: the model's output names.
    """

    def __init__(self, metrics, weighted_metrics, output_names=None, model_name="model", loss=None):
        self._metrics_spec = metrics
        self._weighted_spec = weighted_metrics
        self.output_names = output_names
        self.model_name = model_name
        self._loss = loss
        self.built = False
        self.unweighted = []
        self.weighted = []

    def _per_output_specs(self, spec, names):
        if spec is None:
            return [[] for _ in names]
        if isinstance(spec, dict):
            flat = flatten_outputs(spec, names, "`metrics`", self.model_name)
            return [[] if s is None else (list(s) if isinstance(s, (list, tuple)) else [s]) for s in flat]
        if isinstance(spec, (list, tuple)):
            if len(names) > 1 and spec and all(isinstance(s, (list, tuple)) or s is None for s in spec):
                if len(spec) != len(names):
                    raise ValueError(
                        f"Model '{self.model_name}' has {len(names)} outputs but `metrics` has {len(spec)} lists.")
                return [[] if s is None else list(s) for s in spec]
            return [list(spec) for _ in names]
        return [[spec] for _ in names]

    def build(self, y_true, y_pred):
        if self.built:
            return
        names = self.output_names or ["output"]
        preds = _flat_pred(y_pred, names)
        trues = flatten_outputs(y_true, names, "`y`", self.model_name) if len(names) > 1 or isinstance(y_true, dict) else [y_true]
        losses = self._loss.losses if self._loss is not None and self._loss.built else [None] * len(names)
        seen = set()
        for store, spec in ((self.unweighted, self._metrics_spec), (self.weighted, self._weighted_spec)):
            for i, items in enumerate(self._per_output_specs(spec, names)):
                prefix = f"{names[i]}_" if len(names) > 1 else ""
                resolved = []
                for item in items:
                    if id(item) in seen and not isinstance(item, str):
                        item = _clone_metric(item)
                    seen.add(id(item))
                    metric = _resolve_metric(item, losses[i] if i < len(losses) else None,
                                             trues[i] if i < len(trues) else None, preds[i], prefix)
                    if metric is not None:
                        resolved.append(metric)
                store.append(resolved)
        self.built = True

    @property
    def metrics(self):
        out = []
        for group in self.unweighted + self.weighted:
            out.extend(group)
        return out

    def update_state(self, y_true, y_pred, sample_weight=None, row_mask=None):
        """Updates every metric with its output's ``(y_true, y_pred)``. ``row_mask`` marks
        the real rows of a padded batch (padded rows get weight 0)."""
        names = self.output_names or ["output"]
        self.build(y_true, y_pred)
        preds = _flat_pred(y_pred, names)
        trues = flatten_outputs(y_true, names, "`y`", self.model_name) if len(names) > 1 or isinstance(y_true, dict) else [y_true]
        if isinstance(sample_weight, (list, tuple, dict)) and len(names) > 1:
            weights = flatten_outputs(sample_weight, names, "`sample_weight`", self.model_name)
        else:
            weights = [sample_weight] * len(names)
        masked = None if row_mask is None else row_padding.weight_rows(None, row_mask)
        for i, group in enumerate(self.unweighted):
            for metric in group:
                if trues[i] is not None:
                    if masked is None:
                        metric.update_state(trues[i], preds[i])
                    else:
                        metric.update_state(trues[i], preds[i], sample_weight=masked)
        for i, group in enumerate(self.weighted):
            for metric in group:
                if trues[i] is not None:
                    weight = weights[i] if row_mask is None else row_padding.weight_rows(weights[i], row_mask)
                    metric.update_state(trues[i], preds[i], sample_weight=weight)

    def reset_state(self):
        for metric in self.metrics:
            metric.reset_state()

    def result(self):
        return {m.name: m.result() for m in self.metrics}

    @property
    def variables(self):
        out = []
        for metric in self.metrics:
            out.extend(metric.variables)
        return out

    def get_config(self):
        return {"metrics": self._metrics_spec, "weighted_metrics": self._weighted_spec}
