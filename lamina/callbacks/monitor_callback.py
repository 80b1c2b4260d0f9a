"""``MonitorCallback``: shared logic for callbacks that watch one logged quantity for improvement."""

import warnings

import numpy as np

from lamina.callbacks.callback import Callback

_MAXIMIZED = ("acc", "auc", "precision", "recall", "f1", "fbeta", "iou", "r2", "top_k", "true_positive",
              "true_negative", "cosine_similarity")
_MINIMIZED = ("loss", "error", "crossentropy", "hinge", "poisson", "divergence", "false_positive",
              "false_negative", "log_cosh")


class MonitorCallback(Callback):
    """Base of ``EarlyStopping``, ``ModelCheckpoint`` and ``ReduceLROnPlateau`` (abstract).

    Args:
        monitor: the logged quantity, e.g. ``"val_loss"``.
        mode: ``"min"``, ``"max"``, or ``"auto"`` (the direction from the metric or its name).
        baseline: an initial best value, or None to take the first one seen.
        min_delta: the smallest change that counts as an improvement.
    """

    def __init__(self, monitor="val_loss", mode="auto", baseline=None, min_delta=0):
        super().__init__()
        if mode not in ("auto", "min", "max"):
            warnings.warn(f"{type(self).__name__}: mode '{mode}' is unknown; using 'auto'.", stacklevel=2)
            mode = "auto"
        self.monitor = monitor
        self.mode = mode
        self.best = baseline
        self.min_delta = abs(min_delta)
        self.monitor_op = None

    def _set_monitor_op(self):
        direction = self.mode if self.mode != "auto" else _direction(self.monitor, self._model)
        if direction is None:
            raise ValueError(
                f"{type(self).__name__} received monitor={self.monitor!r}, but cannot tell whether it should be "
                "maximized or minimized. Pass mode='max' to keep the highest value or mode='min' for the lowest.")
        self.monitor_op = np.greater if direction == "max" else np.less
        self._sign = 1.0 if direction == "max" else -1.0

    def _is_improvement(self, value, reference):
        if reference is None:
            return True
        return bool(self.monitor_op(value - self._sign * self.min_delta, reference))


def _direction(monitor, model):
    name = monitor[4:] if monitor.startswith("val_") else monitor
    if name == "loss":
        return "min"
    for metric in _all_metrics(model):
        if getattr(metric, "name", None) == name and hasattr(metric, "_direction"):
            return "max" if metric._direction == "up" else "min"
    lowered = name.lower()
    if any(key in lowered for key in _MINIMIZED) or lowered in ("mse", "mae", "mape", "msle", "rmse"):
        return "min"
    if any(key in lowered for key in _MAXIMIZED):
        return "max"
    return None


def _all_metrics(model):
    out, stack = [], list(getattr(model, "metrics", None) or [])
    while stack:
        metric = stack.pop()
        out.append(metric)
        stack.extend(getattr(metric, "metrics", None) or [])
    return out


def to_float(value):
    """A logged value as a Python float (backend tensors and NumPy scalars included)."""
    from lamina import backend

    return float(np.asarray(backend.convert_to_numpy(value)))
