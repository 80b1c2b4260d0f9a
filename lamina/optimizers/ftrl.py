"""FTRL-Proximal: follow the regularized leader, for wide sparse linear models."""

from lamina import ops
from lamina.optimizers.base_optimizer import Optimizer


class Ftrl(Optimizer):
    """FTRL with online L1/L2 regularization and optional L2 shrinkage.

    Args:
        learning_rate: a float, a schedule, or a callable. Defaults to 0.001.
        learning_rate_power: <= 0; how the per-coordinate rate falls (0 keeps it fixed).
        initial_accumulator_value: the accumulators' starting value (>= 0).
        l1_regularization_strength: L1 strength (>= 0).
        l2_regularization_strength: L2 (stabilization) strength (>= 0).
        l2_shrinkage_regularization_strength: L2 magnitude penalty added to the gradient (>= 0).
        beta: the paper's beta.
        **kwargs: the base optimizer arguments (``weight_decay``, ``clipnorm``, ``use_ema``, ``name``...).

    Example:
        >>> opt = lamina.optimizers.Ftrl(learning_rate=0.1, l1_regularization_strength=0.01)
    """

    def __init__(self, learning_rate=0.001, learning_rate_power=-0.5, initial_accumulator_value=0.1,
                 l1_regularization_strength=0.0, l2_regularization_strength=0.0,
                 l2_shrinkage_regularization_strength=0.0, beta=0.0, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        checks = {"initial_accumulator_value": initial_accumulator_value,
                  "l1_regularization_strength": l1_regularization_strength,
                  "l2_regularization_strength": l2_regularization_strength,
                  "l2_shrinkage_regularization_strength": l2_shrinkage_regularization_strength}
        for key, value in checks.items():
            if value < 0.0:
                raise ValueError(f"Ftrl: `{key}` must be positive or zero. Received: {key}={value}")
        if learning_rate_power > 0.0:
            raise ValueError(f"Ftrl: `learning_rate_power` must be negative or zero. Received: "
                             f"learning_rate_power={learning_rate_power}")
        self.learning_rate_power = learning_rate_power
        self.initial_accumulator_value = initial_accumulator_value
        self.l1_regularization_strength = l1_regularization_strength
        self.l2_regularization_strength = l2_regularization_strength
        self.l2_shrinkage_regularization_strength = l2_shrinkage_regularization_strength
        self.beta = beta

    def build(self, var_list):
        if self.built:
            return
        super().build(var_list)
        self._accumulators, self._linears = self.add_optimizer_variables(
            var_list, ["accumulator", "linear"], initializer=[float(self.initial_accumulator_value), "zeros"])

    def update_step(self, gradient, variable, learning_rate):
        lr = ops.cast(learning_rate, variable.dtype)
        gradient = ops.cast(gradient, variable.dtype)
        index = self._get_variable_index(variable)
        accum, linear = self._accumulators[index], self._linears[index]
        power = -self.learning_rate_power
        l2 = self.l2_regularization_strength + self.beta / (2.0 * lr)
        shrunk_grad = gradient + 2 * self.l2_shrinkage_regularization_strength * variable.value
        new_accum = accum.value + ops.square(gradient)
        sigma = (ops.power(new_accum, power) - ops.power(accum.value, power)) / lr
        linear.assign(linear.value + (shrunk_grad - sigma * variable.value))
        quadratic = ops.power(new_accum, power) / lr + 2 * l2
        l1 = self.l1_regularization_strength
        linear_clipped = ops.clip(linear.value, -l1, l1)
        variable.assign((linear_clipped - linear.value) / quadratic)
        accum.assign(new_accum)

    def get_config(self):
        config = super().get_config()
        config.update({
            "learning_rate_power": self.learning_rate_power,
            "initial_accumulator_value": self.initial_accumulator_value,
            "l1_regularization_strength": self.l1_regularization_strength,
            "l2_regularization_strength": self.l2_regularization_strength,
            "l2_shrinkage_regularization_strength": self.l2_shrinkage_regularization_strength,
            "beta": self.beta,
        })
        return config
