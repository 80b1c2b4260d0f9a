"""``SwapEMAWeights``: evaluate with the optimizer's moving-average weights."""

from lamina.callbacks.callback import Callback


class SwapEMAWeights(Callback):
    """Swaps in the EMA weights (``optimizer(use_ema=True)``) for evaluation, then swaps back.

    Args:
        swap_on_epoch: also swap around each epoch end, so other callbacks (a
            ``ModelCheckpoint`` placed after this one) see the EMA weights.

    Example:
        >>> x, y = np.ones((8, 3)), np.ones((8, 1))
        >>> model = lamina.Sequential([lamina.Input((3,)), lamina.layers.Dense(1)])
        >>> model.compile(optimizer=lamina.optimizers.SGD(use_ema=True), loss="mse")
        >>> _ = model.fit(x, y, validation_split=0.25, callbacks=[lamina.callbacks.SwapEMAWeights()], verbose=0)
    """

    _fusion_safe = True

    def __init__(self, swap_on_epoch=False):
        super().__init__()
        self.swap_on_epoch = swap_on_epoch
        self._swapped = False

    def _swap(self):
        model = self.model
        optimizer = getattr(model, "optimizer", None)
        if optimizer is None or not getattr(optimizer, "use_ema", False):
            raise ValueError("SwapEMAWeights needs an optimizer created with use_ema=True. Received: "
                             f"optimizer={optimizer!r}")
        optimizer.swap_ema_weights(model.trainable_variables)
        self._swapped = not self._swapped

    def on_test_begin(self, logs=None):
        if not self._swapped:
            self._swap()

    def on_test_end(self, logs=None):
        if self._swapped:
            self._swap()

    def on_epoch_begin(self, epoch, logs=None):
        if self.swap_on_epoch and self._swapped:
            self._swap()

    def on_epoch_end(self, epoch, logs=None):
        if self.swap_on_epoch and not self._swapped:
            self._swap()

    def on_train_end(self, logs=None):
        if self._swapped:
            self._swap()
