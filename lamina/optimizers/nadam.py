"""Nadam: Adam with Nesterov momentum."""

from lamina import ops
from lamina.optimizers.base_optimizer import Optimizer


class Nadam(Optimizer):
    """Nadam: Adam with Nesterov momentum (with the 0.96 momentum-warmup schedule).

    Args:
        learning_rate: a float, a schedule, or a callable. Defaults to 0.001.
        beta_1: decay of the first-moment estimate.
        beta_2: decay of the second-moment estimate.
        epsilon: a small constant for numerical stability.
        **kwargs: the base optimizer arguments (``weight_decay``, ``clipnorm``, ``use_ema``, ``name``...).

    Example:
        >>> opt = lamina.optimizers.Nadam(learning_rate=0.002)
    """

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon

    def build(self, var_list):
        if self.built:
            return
        dtype = var_list[0].dtype if var_list else None
        super().build(var_list)
        self._momentums, self._velocities = self.add_optimizer_variables(var_list, ["momentum", "velocity"])
        # The running product of the momentum schedule, shared by all variables.
        self._u_product = self.add_variable((), initializer="ones", dtype=dtype, name="u_product")

    def _update_variables(self, grads, variables, learning_rate):
        dtype = self._u_product.dtype
        step = ops.cast(self.iterations + 1, dtype)
        self._u_product.assign(self._u_product.value * self.beta_1 * (1.0 - 0.5 * ops.power(0.96, step)))
        super()._update_variables(grads, variables, learning_rate)

    def update_step(self, gradient, variable, learning_rate):
        dtype = variable.dtype
        lr = ops.cast(learning_rate, dtype)
        gradient = ops.cast(gradient, dtype)
        step = ops.cast(self.iterations + 1, dtype)
        next_step = ops.cast(self.iterations + 2, dtype)
        decay = ops.cast(0.96, dtype)
        beta_1 = ops.cast(self.beta_1, dtype)
        beta_2 = ops.cast(self.beta_2, dtype)
        u_t = beta_1 * (1.0 - 0.5 * ops.power(decay, step))
        u_t_1 = beta_1 * (1.0 - 0.5 * ops.power(decay, next_step))
        u_product_t = ops.cast(self._u_product.value, dtype)
        u_product_t_1 = u_product_t * u_t_1
        beta_2_power = ops.power(beta_2, step)
        index = self._get_variable_index(variable)
        m, v = self._momentums[index], self._velocities[index]
        m.assign(m.value + (gradient - m.value) * (1 - beta_1))
        v.assign(v.value + (ops.square(gradient) - v.value) * (1 - beta_2))
        m_hat = u_t_1 * m.value / (1 - u_product_t_1) + (1 - u_t) * gradient / (1 - u_product_t)
        v_hat = v.value / (1 - beta_2_power)
        variable.assign(variable.value - m_hat * lr / (ops.sqrt(v_hat) + self.epsilon))

    def get_config(self):
        config = super().get_config()
        config.update({"beta_1": self.beta_1, "beta_2": self.beta_2, "epsilon": self.epsilon})
        return config
