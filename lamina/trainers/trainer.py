"""The training mixin of ``Model`` (compile / fit / evaluate / predict)."""


class Trainer:
    """Training state and loops; filled in by the trainers package."""

    def __init__(self):
        self.compiled = False
        self.optimizer = None
        self.stop_training = False
