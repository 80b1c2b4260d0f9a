"""RMSprop: divide the gradient by a running root mean square of recent gradients."""

from lamina import ops
from lamina.optimizers.base_optimizer import Optimizer


class RMSprop(Optimizer):
    """RMSprop: ``v = rho * v + (1 - rho) * g**2;  w -= lr * g / sqrt(v + epsilon)``.

    Args:
        learning_rate: a float, a schedule, or a callable. Defaults to 0.001.
        rho: the discounting factor of the squared-gradient average.
        momentum: if > 0, the increments are accumulated with this momentum.
        epsilon: a small constant for numerical stability.
        centered: normalize by the estimated variance (subtract the mean gradient's square).
        **kwargs: the base optimizer arguments (``weight_decay``, ``clipnorm``, ``use_ema``, ``name``...).

    Example:
        >>> opt = lamina.optimizers.RMSprop(learning_rate=0.01, centered=True)
    """

    def __init__(self, learning_rate=0.001, rho=0.9, momentum=0.0, epsilon=1e-7, centered=False, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.rho = rho
        self.momentum = momentum
        self.epsilon = epsilon
        self.centered = centered

    def build(self, var_list):
        if self.built:
            return
        super().build(var_list)
        self._velocities = self.add_optimizer_variables(var_list, "velocity")
        self._momentums = self.add_optimizer_variables(var_list, "momentum") if self.momentum > 0 else []
        self._average_gradients = (
            self.add_optimizer_variables(var_list, "average_gradient") if self.centered else [])

    def update_step(self, gradient, variable, learning_rate):
        lr = ops.cast(learning_rate, variable.dtype)
        gradient = ops.cast(gradient, variable.dtype)
        index = self._get_variable_index(variable)
        velocity = self._velocities[index]
        rho = self.rho
        velocity.assign(rho * velocity.value + (1 - rho) * ops.square(gradient))
        if self.centered:
            average = self._average_gradients[index]
            average.assign(rho * average.value + (1 - rho) * gradient)
            denominator = velocity.value - ops.square(average.value) + self.epsilon
        else:
            denominator = velocity.value + self.epsilon
        increment = lr * gradient / ops.sqrt(denominator)
        if self.momentum > 0:
            momentum = self._momentums[index]
            momentum.assign(self.momentum * momentum.value + increment)
            variable.assign(variable.value - momentum.value)
        else:
            variable.assign(variable.value - increment)

    def _fused_arguments(self):
        slots = {"velocities": self._velocities, "momentums": self._momentums,
                 "average_gradients": self._average_gradients}
        return "rmsprop", slots, {"rho": self.rho, "momentum": self.momentum, "epsilon": self.epsilon,
                                  "centered": self.centered}

    def get_config(self):
        config = super().get_config()
        config.update({"rho": self.rho, "momentum": self.momentum, "epsilon": self.epsilon,
                       "centered": self.centered})
        return config
