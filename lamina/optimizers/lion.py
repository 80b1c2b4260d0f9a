"""Lion: the sign of an interpolated momentum as the update."""

from lamina import ops
from lamina.optimizers.base_optimizer import Optimizer


class Lion(Optimizer):
    """Lion (EvoLved Sign Momentum): ``w -= lr * sign(beta_1 * m + (1 - beta_1) * g)``.

    Every element moves by exactly ``lr``, so Lion usually wants a 3-10x smaller learning
    rate than Adam.

    Args:
        learning_rate: a float, a schedule, or a callable. Defaults to 0.001.
        beta_1: interpolation factor of the update direction, in (0, 1].
        beta_2: decay of the momentum, in (0, 1].
        **kwargs: the base optimizer arguments (``weight_decay``, ``clipnorm``, ``use_ema``, ``name``...).

    Example:
        >>> opt = lamina.optimizers.Lion(learning_rate=1e-4)
    """

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.99, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        if not 0 < beta_1 <= 1:
            raise ValueError(f"Lion: `beta_1` must be in (0, 1]. Received: beta_1={beta_1}")
        self.beta_1 = beta_1
        self.beta_2 = beta_2

    def build(self, var_list):
        if self.built:
            return
        super().build(var_list)
        self._momentums = self.add_optimizer_variables(var_list, "momentum")

    def update_step(self, gradient, variable, learning_rate):
        dtype = variable.dtype
        lr = ops.cast(learning_rate, dtype)
        gradient = ops.cast(gradient, dtype)
        beta_1 = ops.cast(self.beta_1, dtype)
        beta_2 = ops.cast(self.beta_2, dtype)
        m = self._momentums[self._get_variable_index(variable)]
        variable.assign(variable.value - lr * ops.sign(m.value * beta_1 + gradient * (1.0 - beta_1)))
        m.assign(m.value * beta_2 + gradient * (1.0 - beta_2))

    def get_config(self):
        config = super().get_config()
        config.update({"beta_1": self.beta_1, "beta_2": self.beta_2})
        return config
