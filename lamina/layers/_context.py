"""Per-thread call state: the training flag seen by nested layers, and call depth."""

import threading

_state = threading.local()


def get_training():
    return getattr(_state, "training", None)


def call_depth():
    return getattr(_state, "depth", 0)


class CallContext:
    __slots__ = ("training", "_saved_training")

    def __init__(self, training):
        self.training = training

    def __enter__(self):
        self._saved_training = getattr(_state, "training", None)
        if self.training is not None:
            _state.training = self.training
        _state.depth = getattr(_state, "depth", 0) + 1
        return self

    def __exit__(self, *exc):
        _state.training = self._saved_training
        _state.depth -= 1
