"""``LambdaCallback``: a callback made from plain functions."""

from lamina.callbacks.callback import Callback

_EPOCH_HOOKS = ("on_epoch_begin", "on_epoch_end")
_BATCH_HOOKS = ("on_batch_begin", "on_batch_end", "on_train_batch_begin", "on_train_batch_end",
                "on_test_batch_begin", "on_test_batch_end", "on_predict_batch_begin", "on_predict_batch_end")
_RUN_HOOKS = ("on_train_begin", "on_train_end", "on_test_begin", "on_test_end", "on_predict_begin",
              "on_predict_end")


class LambdaCallback(Callback):
    """Calls the given functions at the matching hooks.

    Epoch hooks get ``(epoch, logs)``, batch hooks ``(batch, logs)``, begin/end hooks ``(logs)``.

    Args:
        on_epoch_begin, on_epoch_end, on_train_begin, on_train_end, on_train_batch_begin,
        on_train_batch_end: functions for those hooks.
        **kwargs: functions for any other hook (``on_batch_end``, ``on_test_begin``, ...).

    Example:
        >>> losses = []
        >>> cb = lamina.callbacks.LambdaCallback(on_epoch_end=lambda epoch, logs: losses.append(logs["loss"]))
        >>> x, y = np.ones((8, 3)), np.ones((8, 1))
        >>> model = lamina.Sequential([lamina.Input((3,)), lamina.layers.Dense(1)])
        >>> model.compile(optimizer="sgd", loss="mse")
        >>> _ = model.fit(x, y, epochs=2, callbacks=[cb], verbose=0)
        >>> len(losses)
        2
    """

    def __init__(self, on_epoch_begin=None, on_epoch_end=None, on_train_begin=None, on_train_end=None,
                 on_train_batch_begin=None, on_train_batch_end=None, **kwargs):
        super().__init__()
        functions = dict(on_epoch_begin=on_epoch_begin, on_epoch_end=on_epoch_end, on_train_begin=on_train_begin,
                         on_train_end=on_train_end, on_train_batch_begin=on_train_batch_begin,
                         on_train_batch_end=on_train_batch_end)
        unknown = sorted(set(kwargs) - set(_EPOCH_HOOKS + _BATCH_HOOKS + _RUN_HOOKS))
        if unknown:
            raise ValueError(f"LambdaCallback: unknown hook name(s) {unknown}. Known hooks: "
                             f"{sorted(_EPOCH_HOOKS + _BATCH_HOOKS + _RUN_HOOKS)}")
        functions.update(kwargs)
        self._functions = {k: f for k, f in functions.items() if f is not None}
        for name, fn in self._functions.items():
            if not callable(fn):
                raise TypeError(f"LambdaCallback: `{name}` must be callable. Received: {fn!r}")
        # Without batch functions nothing needs each batch, so fused training steps stay on.
        self._fusion_safe = not any(name in self._functions for name in _BATCH_HOOKS)

    def _run(self, name, *args):
        fn = self._functions.get(name)
        if fn is not None:
            fn(*args)

    def on_epoch_begin(self, epoch, logs=None):
        self._run("on_epoch_begin", epoch, logs)

    def on_epoch_end(self, epoch, logs=None):
        self._run("on_epoch_end", epoch, logs)

    def on_batch_begin(self, batch, logs=None):
        self._run("on_batch_begin", batch, logs)

    def on_batch_end(self, batch, logs=None):
        self._run("on_batch_end", batch, logs)

    def on_train_batch_begin(self, batch, logs=None):
        if "on_train_batch_begin" in self._functions:
            self._run("on_train_batch_begin", batch, logs)
        else:
            self.on_batch_begin(batch, logs)

    def on_train_batch_end(self, batch, logs=None):
        if "on_train_batch_end" in self._functions:
            self._run("on_train_batch_end", batch, logs)
        else:
            self.on_batch_end(batch, logs)

    def on_test_batch_begin(self, batch, logs=None):
        self._run("on_test_batch_begin", batch, logs)

    def on_test_batch_end(self, batch, logs=None):
        self._run("on_test_batch_end", batch, logs)

    def on_predict_batch_begin(self, batch, logs=None):
        self._run("on_predict_batch_begin", batch, logs)

    def on_predict_batch_end(self, batch, logs=None):
        self._run("on_predict_batch_end", batch, logs)

    def on_train_begin(self, logs=None):
        self._run("on_train_begin", logs)

    def on_train_end(self, logs=None):
        self._run("on_train_end", logs)

    def on_test_begin(self, logs=None):
        self._run("on_test_begin", logs)

    def on_test_end(self, logs=None):
        self._run("on_test_end", logs)

    def on_predict_begin(self, logs=None):
        self._run("on_predict_begin", logs)

    def on_predict_end(self, logs=None):
        self._run("on_predict_end", logs)
