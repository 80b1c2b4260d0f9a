"""``CallbackList``: calls one hook on every callback, adding History and ProgbarLogger when asked."""

from lamina.callbacks.callback import Callback, overrides_batch_hooks


class CallbackList(Callback):
    """A container that forwards every hook to its callbacks, in order.

    Args:
        callbacks: a list of ``Callback`` objects (or None).
        add_history: append a ``History`` callback if there is none.
        add_progbar: put a ``ProgbarLogger`` first if there is none.
        model: the model every callback acts on.
        **params: run parameters passed to ``set_params`` (``verbose``, ``epochs``, ``steps``).

    Example:
        >>> model = lamina.Sequential([lamina.Input((3,)), lamina.layers.Dense(1)])
        >>> cbs = lamina.callbacks.CallbackList([lamina.callbacks.EarlyStopping()], add_history=True,
        ...                                     model=model, epochs=3, steps=10)
        >>> cbs.on_train_begin()
    """

    def __init__(self, callbacks=None, add_history=False, add_progbar=False, model=None, **params):
        super().__init__()
        if isinstance(callbacks, Callback):
            callbacks = [callbacks]
        self.callbacks = list(callbacks or [])
        for cb in self.callbacks:
            if not isinstance(cb, Callback):
                raise TypeError(f"CallbackList: every callback must be a lamina.callbacks.Callback. Received "
                                f"{cb!r} of type {type(cb).__name__}.")
        if add_history and not any(type(cb).__name__ == "History" for cb in self.callbacks):
            from lamina.callbacks.history import History

            self.callbacks.append(History())
        if add_progbar and not any(type(cb).__name__ == "ProgbarLogger" for cb in self.callbacks):
            from lamina.callbacks.progbar_logger import ProgbarLogger

            self.callbacks.insert(0, ProgbarLogger())
        if model is not None:
            self.set_model(model)
        if params:
            self.set_params(params)

    def append(self, callback):
        self.callbacks.append(callback)

    def __iter__(self):
        return iter(self.callbacks)

    def __len__(self):
        return len(self.callbacks)

    def set_params(self, params):
        self.params = params
        for cb in self.callbacks:
            cb.set_params(params)

    def set_model(self, model):
        self._model = model
        for cb in self.callbacks:
            cb.set_model(model)

    def has_batch_hooks(self):
        """Whether any callback overrides a batch-level hook (so the loop must call them)."""
        return any(overrides_batch_hooks(cb) for cb in self.callbacks)

    def needs_every_batch(self):
        """Whether some callback needs each batch on its own (then ``fit`` does not fuse steps)."""
        return any(overrides_batch_hooks(cb) and not getattr(cb, "_fusion_safe", False) for cb in self.callbacks)

    def _call(self, hook, *args, logs=None):
        logs = {} if logs is None else logs
        for cb in self.callbacks:
            getattr(cb, hook)(*args, logs=logs)

    def on_batch_begin(self, batch, logs=None):
        self._call("on_train_batch_begin", batch, logs=logs)

    def on_batch_end(self, batch, logs=None):
        self._call("on_train_batch_end", batch, logs=logs)

    def on_epoch_begin(self, epoch, logs=None):
        self._call("on_epoch_begin", epoch, logs=logs)

    def on_epoch_end(self, epoch, logs=None):
        self._call("on_epoch_end", epoch, logs=logs)

    def on_train_batch_begin(self, batch, logs=None):
        self._call("on_train_batch_begin", batch, logs=logs)

    def on_train_batch_end(self, batch, logs=None):
        self._call("on_train_batch_end", batch, logs=logs)

    def on_test_batch_begin(self, batch, logs=None):
        self._call("on_test_batch_begin", batch, logs=logs)

    def on_test_batch_end(self, batch, logs=None):
        self._call("on_test_batch_end", batch, logs=logs)

    def on_predict_batch_begin(self, batch, logs=None):
        self._call("on_predict_batch_begin", batch, logs=logs)

    def on_predict_batch_end(self, batch, logs=None):
        self._call("on_predict_batch_end", batch, logs=logs)

    def on_train_begin(self, logs=None):
        self._call("on_train_begin", logs=logs)

    def on_train_end(self, logs=None):
        self._call("on_train_end", logs=logs)

    def on_test_begin(self, logs=None):
        self._call("on_test_begin", logs=logs)

    def on_test_end(self, logs=None):
        self._call("on_test_end", logs=logs)

    def on_predict_begin(self, logs=None):
        self._call("on_predict_begin", logs=logs)

    def on_predict_end(self, logs=None):
        self._call("on_predict_end", logs=logs)
