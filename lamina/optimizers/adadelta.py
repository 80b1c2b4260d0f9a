"""Adadelta: steps scaled by running RMS of updates over running RMS of gradients."""

from lamina import ops
from lamina.optimizers.base_optimizer import Optimizer


class Adadelta(Optimizer):
    """Adadelta: scales steps by the ratio of running RMS of updates to running RMS of gradients.

    Args:
        learning_rate: a float, a schedule, or a callable. Defaults to 0.001.
        rho: the decay rate of both running averages.
        epsilon: a small constant for numerical stability.
        **kwargs: the base optimizer arguments (``weight_decay``, ``clipnorm``, ``use_ema``, ``name``...).

    Example:
        >>> opt = lamina.optimizers.Adadelta(learning_rate=1.0, rho=0.95)
    """

    def __init__(self, learning_rate=0.001, rho=0.95, epsilon=1e-7, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.rho = rho
        self.epsilon = epsilon

    def build(self, var_list):
        if self.built:
            return
        super().build(var_list)
        self._accumulated_grads, self._accumulated_delta_vars = self.add_optimizer_variables(
            var_list, ["accumulated_grad", "accumulated_delta_var"])

    def update_step(self, gradient, variable, learning_rate):
        lr = ops.cast(learning_rate, variable.dtype)
        gradient = ops.cast(gradient, variable.dtype)
        index = self._get_variable_index(variable)
        acc_grad, acc_delta = self._accumulated_grads[index], self._accumulated_delta_vars[index]
        rho = self.rho
        acc_grad.assign(rho * acc_grad.value + (1 - rho) * ops.square(gradient))
        delta = -(ops.sqrt(acc_delta.value + self.epsilon) * gradient) / ops.sqrt(acc_grad.value + self.epsilon)
        acc_delta.assign(rho * acc_delta.value + (1 - rho) * ops.square(delta))
        variable.assign(variable.value + lr * delta)

    def get_config(self):
        config = super().get_config()
        config.update({"rho": self.rho, "epsilon": self.epsilon})
        return config
