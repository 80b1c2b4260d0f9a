"""Adagrad: per-parameter rates from accumulated squared gradients."""

from lamina import ops
from lamina.optimizers.base_optimizer import Optimizer


class Adagrad(Optimizer):
    """Adagrad: ``acc += g**2;  w -= lr * g / sqrt(acc + epsilon)``.

    Args:
        learning_rate: a float, a schedule, or a callable. Defaults to 0.001.
        initial_accumulator_value: the accumulators' starting value (>= 0).
        epsilon: a small constant for numerical stability.
        **kwargs: the base optimizer arguments (``weight_decay``, ``clipnorm``, ``use_ema``, ``name``...).

    Example:
        >>> opt = lamina.optimizers.Adagrad(learning_rate=0.01)
    """

    def __init__(self, learning_rate=0.001, initial_accumulator_value=0.1, epsilon=1e-7, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.initial_accumulator_value = initial_accumulator_value
        self.epsilon = epsilon

    def build(self, var_list):
        if self.built:
            return
        super().build(var_list)
        self._accumulators = self.add_optimizer_variables(
            var_list, "accumulator", initializer=float(self.initial_accumulator_value))

    def update_step(self, gradient, variable, learning_rate):
        lr = ops.cast(learning_rate, variable.dtype)
        gradient = ops.cast(gradient, variable.dtype)
        accumulator = self._accumulators[self._get_variable_index(variable)]
        accumulator.assign(accumulator.value + ops.square(gradient))
        variable.assign(variable.value - lr * gradient / ops.sqrt(accumulator.value + self.epsilon))

    def get_config(self):
        config = super().get_config()
        config.update({"initial_accumulator_value": self.initial_accumulator_value, "epsilon": self.epsilon})
        return config
