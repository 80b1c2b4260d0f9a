"""Adamax: Adam with the infinity norm in place of the second moment."""

from lamina import ops
from lamina.optimizers.base_optimizer import Optimizer


class Adamax(Optimizer):
    """Adamax: Adam with the infinity norm in place of the second moment.

    Args:
        learning_rate: a float, a schedule, or a callable. Defaults to 0.001.
        beta_1: decay of the first-moment estimate.
        beta_2: decay of the exponentially weighted infinity norm.
        epsilon: a small constant for numerical stability.
        **kwargs: the base optimizer arguments (``weight_decay``, ``clipnorm``, ``use_ema``, ``name``...).

    Example:
        >>> opt = lamina.optimizers.Adamax(learning_rate=0.002)
    """

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon

    def build(self, var_list):
        if self.built:
            return
        super().build(var_list)
        self._m, self._u = self.add_optimizer_variables(var_list, ["momentum", "norm"])

    def update_step(self, gradient, variable, learning_rate):
        dtype = variable.dtype
        lr = ops.cast(learning_rate, dtype)
        gradient = ops.cast(gradient, dtype)
        beta_1_power = ops.power(ops.cast(self.beta_1, dtype), ops.cast(self.iterations + 1, dtype))
        index = self._get_variable_index(variable)
        m, u = self._m[index], self._u[index]
        m.assign(m.value + (gradient - m.value) * (1 - self.beta_1))
        u.assign(ops.maximum(self.beta_2 * u.value, ops.abs(gradient)))
        variable.assign(variable.value - lr * m.value / ((1 - beta_1_power) * (u.value + self.epsilon)))

    def get_config(self):
        config = super().get_config()
        config.update({"beta_1": self.beta_1, "beta_2": self.beta_2, "epsilon": self.epsilon})
        return config
