"""``TerminateOnNaN``: stop training as soon as the loss is NaN or infinite."""

import numpy as np

from lamina import backend
from lamina.callbacks.callback import Callback
from lamina.utils.io_utils import print_msg


class TerminateOnNaN(Callback):
    """Stops training when a batch's loss is NaN or infinite.

    With fused steps it sees the loss every few batches, which is enough to stop the run.

    Args:
        raise_error: False (default) stops gracefully by setting ``model.stop_training``, so
            ``on_train_end`` of every callback runs; True raises a ``RuntimeError`` at once,
            skipping that cleanup (to keep a backup intact, say), as in Keras 3.

    Example:
        >>> x, y = np.ones((8, 3)), np.ones((8, 1))
        >>> model = lamina.Sequential([lamina.Input((3,)), lamina.layers.Dense(1)])
        >>> model.compile(optimizer="sgd", loss="mse")
        >>> history = model.fit(x, y, epochs=2, callbacks=[lamina.callbacks.TerminateOnNaN()], verbose=0)
        >>> history.epoch  # a NaN loss would have stopped training early
        [0, 1]
    """

    _fusion_safe = True

    def __init__(self, raise_error=False):
        super().__init__()
        if not isinstance(raise_error, bool):
            raise TypeError(f"TerminateOnNaN: raise_error must be True or False. Received: raise_error={raise_error!r}")
        self.raise_error = raise_error

    def on_batch_end(self, batch, logs=None):
        loss = (logs or {}).get("loss")
        if loss is None:
            return
        if not np.all(np.isfinite(np.asarray(backend.convert_to_numpy(loss), dtype="float64"))):
            if self.raise_error:
                raise RuntimeError(f"TerminateOnNaN: NaN or Inf loss encountered at batch {batch}. Loss value: "
                                   f"{loss}. Terminating training immediately (raise_error=True).")
            print_msg(f"Batch {batch}: Invalid loss, terminating training")
            self.model.stop_training = True
