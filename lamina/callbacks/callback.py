"""``Callback``: the base class of objects that ``fit``/``evaluate``/``predict`` call at fixed points."""

_BATCH_HOOKS = ("on_batch_begin", "on_batch_end", "on_train_batch_begin", "on_train_batch_end",
                "on_test_batch_begin", "on_test_batch_end", "on_predict_batch_begin", "on_predict_batch_end")


class Callback:
    """Base class of callbacks: override the hooks you need; each receives a ``logs`` dict.

    Hooks: ``on_{train,test,predict}_{begin,end}(logs)``, ``on_epoch_{begin,end}(epoch, logs)``,
    ``on_{train,test,predict}_batch_{begin,end}(batch, logs)``, and ``on_batch_{begin,end}``
    (what the train-batch hooks call unless they are overridden). ``self.model`` is the model
    being trained, with its variables current; ``self.params`` holds ``verbose``, ``epochs``
    and ``steps``.

    A callback that overrides a batch-level hook makes ``fit`` run (and sync) every batch
    separately; one that only reads the logs at batch ends can set ``_fusion_safe = True``
    to let the trainer keep fusing steps (it then sees logs every few batches).

    Example:
        >>> class PrintLoss(lamina.callbacks.Callback):
        ...     def on_epoch_end(self, epoch, logs=None):
        ...         print(epoch, round(logs["loss"], 4))
        >>> x, y = np.ones((8, 3)), np.ones((8, 1))
        >>> model = lamina.Sequential([lamina.Input((3,)), lamina.layers.Dense(1)])
        >>> model.compile(optimizer="sgd", loss="mse")
        >>> _ = model.fit(x, y, epochs=2, callbacks=[PrintLoss()], verbose=0)
        0 ...
        1 ...
    """

    _fusion_safe = False

    def __init__(self):
        self.params = None
        self._model = None
        self.validation_data = None

    def set_params(self, params):
        """Receives the run's parameters (``verbose``, ``epochs``, ``steps``)."""
        self.params = params

    def set_model(self, model):
        """Receives the model the callbacks act on."""
        self._model = model

    @property
    def model(self):
        """The model, with any state still held by a running compiled step written back first."""
        executor = getattr(self._model, "_fit_executor", None)
        if executor is not None and hasattr(executor, "sync_to_model"):
            executor.sync_to_model()
        return self._model

    def on_batch_begin(self, batch, logs=None):
        """Called at the start of a training batch (by ``on_train_batch_begin``)."""

    def on_batch_end(self, batch, logs=None):
        """Called at the end of a training batch (by ``on_train_batch_end``)."""

    def on_epoch_begin(self, epoch, logs=None):
        """Called at the start of an epoch of ``fit``."""

    def on_epoch_end(self, epoch, logs=None):
        """Called at the end of an epoch; ``logs`` holds the epoch's metrics (and ``val_*``)."""

    def on_train_batch_begin(self, batch, logs=None):
        """Called at the start of a training batch; defaults to ``on_batch_begin``."""
        self.on_batch_begin(batch, logs=logs)

    def on_train_batch_end(self, batch, logs=None):
        """Called at the end of a training batch with its logs; defaults to ``on_batch_end``."""
        self.on_batch_end(batch, logs=logs)

    def on_test_batch_begin(self, batch, logs=None):
        """Called at the start of an ``evaluate`` (or validation) batch."""

    def on_test_batch_end(self, batch, logs=None):
        """Called at the end of an ``evaluate`` (or validation) batch."""

    def on_predict_batch_begin(self, batch, logs=None):
        """Called at the start of a ``predict`` batch."""

    def on_predict_batch_end(self, batch, logs=None):
        """Called at the end of a ``predict`` batch; ``logs["outputs"]`` holds its outputs."""

    def on_train_begin(self, logs=None):
        """Called when ``fit`` starts."""

    def on_train_end(self, logs=None):
        """Called when ``fit`` ends."""

    def on_test_begin(self, logs=None):
        """Called when ``evaluate`` (or a validation pass) starts."""

    def on_test_end(self, logs=None):
        """Called when ``evaluate`` (or a validation pass) ends."""

    def on_predict_begin(self, logs=None):
        """Called when ``predict`` starts."""

    def on_predict_end(self, logs=None):
        """Called when ``predict`` ends."""


def overrides_batch_hooks(callback):
    """Whether ``callback``'s class overrides any batch-level hook of ``Callback``."""
    cls = type(callback)
    return any(getattr(cls, hook, None) is not getattr(Callback, hook) for hook in _BATCH_HOOKS)
