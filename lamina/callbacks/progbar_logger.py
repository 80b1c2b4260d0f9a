"""``ProgbarLogger``: prints progress bars for fit, evaluate and predict."""

from lamina.callbacks.callback import Callback
from lamina.utils.progbar import Progbar
from lamina.utils.io_utils import print_msg


class ProgbarLogger(Callback):
    """Prints a progress bar (``verbose=1``) or one line per epoch (``verbose=2``).

    ``fit``, ``evaluate`` and ``predict`` add one when ``verbose`` is not 0. It reads the
    step logs only when it redraws, so it does not slow fused steps down.

    Example:
        >>> x, y = np.ones((8, 3)), np.ones((8, 1))
        >>> model = lamina.Sequential([lamina.Input((3,)), lamina.layers.Dense(1)])
        >>> model.compile(optimizer="sgd", loss="mse")
        >>> _ = model.fit(x, y, epochs=1, verbose=0, callbacks=[ProgbarLogger()])
    """

    _fusion_safe = True

    def __init__(self):
        super().__init__()
        self.verbose = 1
        self.epochs = 1
        self.target = None
        self.progbar = None
        self._in_fit = False

    def set_params(self, params):
        super().set_params(params)
        verbose = params.get("verbose", 1)
        self.verbose = 1 if verbose == "auto" else int(verbose)
        self.epochs = params.get("epochs", 1)
        self.target = params.get("steps")

    def _reset(self):
        self.progbar = None

    def _bar(self):
        if self.progbar is None:
            self.progbar = Progbar(self.target, verbose=self.verbose, stateful_metrics={"*"},
                                   unit_name="step")
        return self.progbar

    def _update(self, batch, logs, finalize=False):
        bar = self._bar()
        bar.update(batch + 1, _displayable(logs), finalize=finalize)

    # -- fit ---------------------------------------------------------------------------
    def on_train_begin(self, logs=None):
        self._in_fit = True

    def on_epoch_begin(self, epoch, logs=None):
        self._reset()
        if self.verbose and self.epochs > 1:
            print_msg(f"Epoch {epoch + 1}/{self.epochs}")

    def on_train_batch_end(self, batch, logs=None):
        self._last_step = batch
        self._update(batch, logs)

    def on_epoch_end(self, epoch, logs=None):
        bar = self._bar()
        seen = bar._seen if bar._seen else (self.target or 0)
        if self.target is None:
            self.target = seen  # learnt from the first epoch
            bar.target = seen
        bar.update(seen, _displayable(logs), finalize=True)

    def on_train_end(self, logs=None):
        self._in_fit = False

    # -- evaluate / predict --------------------------------------------------------------
    def on_test_begin(self, logs=None):
        if not self._in_fit:
            self._reset()

    def on_test_batch_end(self, batch, logs=None):
        if not self._in_fit:
            self._update(batch, logs)

    def on_test_end(self, logs=None):
        if not self._in_fit:
            bar = self._bar()
            bar.update(bar._seen or (self.target or 0), _displayable(logs), finalize=True)

    def on_predict_begin(self, logs=None):
        self._reset()

    def on_predict_batch_end(self, batch, logs=None):
        self._update(batch, None)

    def on_predict_end(self, logs=None):
        bar = self._bar()
        bar.update(bar._seen or (self.target or 0), None, finalize=True)


def _displayable(logs):
    return {k: v for k, v in (logs or {}).items() if k != "outputs"}
