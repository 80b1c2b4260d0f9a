"""``TerminateOnNaN``: stop training as soon as the loss is NaN or infinite."""

import numpy as np

from lamina import backend
from lamina.callbacks.callback import Callback


class TerminateOnNaN(Callback):
    """Sets ``model.stop_training`` when a batch's loss is NaN or infinite.

    With fused steps it sees the loss every few batches, which is enough to stop the run.

    Example:
        >>> model.fit(x, y, epochs=10, callbacks=[lamina.callbacks.TerminateOnNaN()], verbose=0)
    """

    _fusion_safe = True

    def on_batch_end(self, batch, logs=None):
        loss = (logs or {}).get("loss")
        if loss is None:
            return
        if not np.all(np.isfinite(np.asarray(backend.convert_to_numpy(loss), dtype="float64"))):
            print(f"Batch {batch}: Invalid loss, terminating training")
            self.model.stop_training = True
