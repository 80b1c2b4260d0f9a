"""``LearningRateScheduler``: set the learning rate at the start of each epoch from a function."""

import numbers

from lamina.callbacks.callback import Callback
from lamina.callbacks.monitor_callback import to_float
from lamina.utils.io_utils import print_msg


class LearningRateScheduler(Callback):
    """Calls ``schedule(epoch, lr)`` at each epoch start and sets the optimizer's rate to its result.

    Args:
        schedule: a function of the 0-based epoch and the current rate (a float) that returns
            the new rate; a function of the epoch alone also works.
        verbose: 1 prints the new rate each epoch.

    Example:
        >>> def halve_after_two(epoch, lr):
        ...     return lr if epoch < 2 else lr * 0.5
        >>> x, y = np.ones((8, 3)), np.ones((8, 1))
        >>> model = lamina.Sequential([lamina.Input((3,)), lamina.layers.Dense(1)])
        >>> model.compile(optimizer="sgd", loss="mse")
        >>> _ = model.fit(x, y, epochs=5, callbacks=[LearningRateScheduler(halve_after_two)], verbose=0)
        >>> float(model.optimizer.learning_rate)  # 0.01 halved in epochs 2, 3 and 4
        0.00125
    """

    def __init__(self, schedule, verbose=0):
        super().__init__()
        self.schedule = schedule
        self.verbose = verbose

    def on_epoch_begin(self, epoch, logs=None):
        optimizer = self.model.optimizer
        if not hasattr(optimizer, "learning_rate"):
            raise ValueError('LearningRateScheduler: the optimizer must have a "learning_rate" attribute.')
        current = to_float(optimizer.learning_rate)
        try:
            lr = self.schedule(epoch, current)
        except TypeError:  # a schedule of the epoch alone (the older form)
            lr = self.schedule(epoch)
        if hasattr(lr, "shape") or hasattr(lr, "_is_lamina_variable"):
            lr = to_float(lr)
        if not isinstance(lr, numbers.Real):
            raise ValueError(f"LearningRateScheduler: the schedule must return a float. Received: lr={lr!r} of "
                             f"type {type(lr).__name__}")
        optimizer.learning_rate = float(lr)
        if self.verbose > 0:
            print_msg(f"\nEpoch {epoch + 1}: LearningRateScheduler setting learning rate to {float(lr)}.")

    def on_epoch_end(self, epoch, logs=None):
        if logs is not None:
            logs["learning_rate"] = to_float(self.model.optimizer.learning_rate)
