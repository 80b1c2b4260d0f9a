"""A text progress bar with per-step timing, in Keras's layout.

On a terminal the line is redrawn in place (at most every ``interval`` seconds); when the
output is not a terminal only finished lines are written, so logs stay readable. With
interactive logging off (``lamina.config.disable_interactive_logging()``) finished lines go
to the ``lamina`` logger instead.
"""

import os
import sys
import time

import numpy as np

from lamina.utils import io_utils


def _is_interactive(stream):
    try:
        return stream.isatty() or "ipykernel" in sys.modules
    except (AttributeError, ValueError):
        return False


def _format_time(seconds):
    if seconds >= 3600:
        return f"{int(seconds // 3600)}:{int(seconds % 3600 // 60):02d}:{int(seconds % 60):02d}"
    if seconds >= 60:
        return f"{int(seconds // 60)}:{int(seconds % 60):02d}"
    if seconds >= 1:
        return f"{seconds:.0f}s"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.0f}ms"
    return f"{seconds * 1e6:.0f}us"


def _to_float(value):
    if isinstance(value, (int, float)):
        return float(value)
    from lamina import backend

    arr = np.asarray(backend.convert_to_numpy(value)) if backend.is_tensor(value) else np.asarray(value)
    return float(arr) if arr.size == 1 else arr


def _format_value(value):
    if isinstance(value, float):
        return f"{value:.4f}" if abs(value) >= 1e-3 or value == 0 else f"{value:.4e}"
    return str(value)


class Progbar:
    """Displays progress over ``target`` steps.

    Args:
        target: total number of steps, or None when unknown.
        width: width of the bar in characters.
        verbose: 1 draws the bar, 2 prints one line when finished, 0 is silent.
        interval: minimum seconds between redraws.
        stateful_metrics: names whose values are shown as given; other values are averaged
            over the steps seen.
        unit_name: the word after the per-unit time (``"step"``).
        stream: where to write (default ``sys.stdout``).

    Example:
        >>> bar = lamina.utils.Progbar(10, verbose=1)
        >>> for i in range(10):
        ...     bar.update(i + 1, [("loss", 0.1 * i)])
        10/10 ━━━━━━━━━━━━━━━━━━━━ ... - loss: 0.4500
    """

    def __init__(self, target, width=20, verbose=1, interval=0.05, stateful_metrics=None,
                 unit_name="step", stream=None):
        self.target = target
        self.width = width
        self.verbose = verbose
        self.interval = interval
        self.stateful_metrics = set(stateful_metrics or ())
        self.unit_name = unit_name
        self.stream = stream or sys.stdout
        self._dynamic = _is_interactive(self.stream) or "LAMINA_PROGBAR_DYNAMIC" in os.environ
        self._values = {}
        self._order = []
        self._start = time.time()
        self._last_draw = 0.0
        self._seen = 0
        self._prev_len = 0
        self._done = False

    def update(self, current, values=None, finalize=None):
        """Moves the bar to step ``current`` with ``values`` (a dict or ``(name, value)`` pairs)."""
        if finalize is None:
            finalize = self.target is not None and current >= self.target
        items = values.items() if isinstance(values, dict) else (values or [])
        for name, value in items:
            if name not in self._values:
                self._order.append(name)
            if name in self.stateful_metrics or self.stateful_metrics == {"*"}:
                self._values[name] = ("last", value)
            else:
                steps = max(current - self._seen, 1)
                total, count = self._values[name][1] if name in self._values else (0.0, 0)
                self._values[name] = ("avg", (total + _to_float(value) * steps, count + steps))
        self._seen = current
        now = time.time()
        if self.verbose == 0 or self._done:
            return
        interactive = io_utils.is_interactive_logging_enabled()
        dynamic = self._dynamic and interactive
        if not finalize and (not dynamic or self.verbose != 1 or now - self._last_draw < self.interval):
            return
        self._last_draw = now
        line = self._render(current, now, finalize)
        if not interactive:
            io_utils.print_msg(line)
            self._done = True
            return
        if self.verbose == 1 and dynamic:
            pad = max(0, self._prev_len - len(line))
            self.stream.write("\r" + line + " " * pad)
            self._prev_len = len(line)
            if finalize:
                self.stream.write("\n")
        elif finalize:
            self.stream.write(line + "\n")
        self.stream.flush()
        if finalize:
            self._done = True

    def add(self, n, values=None):
        """Advances the bar by ``n`` steps."""
        self.update(self._seen + n, values)

    def _metric_text(self):
        parts = []
        for name in self._order:
            kind, value = self._values[name]
            if kind == "avg":
                total, count = value
                value = total / max(count, 1)
            else:
                value = _to_float(value)
            parts.append(f"{name}: {_format_value(value)}")
        return " - ".join(parts)

    def _render(self, current, now, finalize):
        elapsed = now - self._start
        per_unit = elapsed / current if current else 0.0
        metrics = self._metric_text()
        if self.verbose == 2:
            text = f"{current}/{self.target}" if self.target is not None else f"{current}"
            text += f" - {_format_time(elapsed)} - {_format_time(per_unit)}/{self.unit_name}"
            return text + (" - " + metrics if metrics else "")
        if self.target is not None:
            digits = len(str(self.target))
            text = f"{current:>{digits}}/{self.target} "
            filled = int(self.width * min(current, self.target) / max(self.target, 1))
            text += "\u2501" * filled + "\u2500" * (self.width - filled)
            if finalize:
                text += f" {_format_time(elapsed)} {_format_time(per_unit)}/{self.unit_name}"
            else:
                eta = per_unit * (self.target - current)
                text += f" {_format_time(eta)} {_format_time(per_unit)}/{self.unit_name}"
        else:
            text = f"{current} {_format_time(elapsed)} {_format_time(per_unit)}/{self.unit_name}"
        return text + (" - " + metrics if metrics else "")
