"""``History``: records the epoch logs of ``fit`` (returned by ``fit``)."""

from lamina.callbacks.callback import Callback


class History(Callback):
    """Collects each epoch's logs into ``history`` (``{name: [value per epoch]}``).

    ``fit`` adds one automatically and returns it.

    Example:
        >>> x, y = np.ones((8, 3)), np.ones((8, 1))
        >>> model = lamina.Sequential([lamina.Input((3,)), lamina.layers.Dense(1)])
        >>> model.compile(optimizer="sgd", loss="mse")
        >>> history = model.fit(x, y, epochs=2, verbose=0)
        >>> len(history.history["loss"]), history.epoch
        (2, [0, 1])
    """

    _fusion_safe = True  # needs no per-batch view, so fused steps stay on

    def __init__(self):
        super().__init__()
        self.history = {}
        self.epoch = []

    def on_train_begin(self, logs=None):
        self.epoch = []
        if self.model is not None:
            self.model.history = self

    def on_epoch_end(self, epoch, logs=None):
        self.epoch.append(epoch)
        for key, value in (logs or {}).items():
            self.history.setdefault(key, []).append(value)
        if self.model is not None:
            self.model.history = self
