"""Adam: adaptive first and second moment estimates."""

from lamina import ops
from lamina.optimizers.base_optimizer import Optimizer


class Adam(Optimizer):
    """Adam: bias-corrected running means of the gradient and its square.

    Args:
        learning_rate: a float, a schedule, or a callable. Defaults to 0.001.
        beta_1: decay of the first-moment (mean) estimate.
        beta_2: decay of the second-moment (uncentered variance) estimate.
        epsilon: a small constant for numerical stability.
        amsgrad: use the AMSGrad variant (the maximum of past second moments).
        **kwargs: the base optimizer arguments (``weight_decay``, ``clipnorm``, ``use_ema``, ``name``...).

    Example:
        >>> v = lamina.Variable([1.0, 2.0])
        >>> opt = lamina.optimizers.Adam(learning_rate=0.1)
        >>> _ = opt.apply_gradients([(ops.convert_to_tensor([0.5, -3.0]), v)])
        >>> np.round(ops.convert_to_numpy(v), 3).tolist()
        [0.9, 2.1]
    """

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, amsgrad=False, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.amsgrad = amsgrad

    def build(self, var_list):
        if self.built:
            return
        super().build(var_list)
        self._momentums, self._velocities = self.add_optimizer_variables(var_list, ["momentum", "velocity"])
        self._velocity_hats = self.add_optimizer_variables(var_list, "velocity_hat") if self.amsgrad else []

    def update_step(self, gradient, variable, learning_rate):
        dtype = variable.dtype
        lr = ops.cast(learning_rate, dtype)
        gradient = ops.cast(gradient, dtype)
        step = ops.cast(self.iterations + 1, dtype)
        beta_1_power = ops.power(ops.cast(self.beta_1, dtype), step)
        beta_2_power = ops.power(ops.cast(self.beta_2, dtype), step)
        index = self._get_variable_index(variable)
        m, v = self._momentums[index], self._velocities[index]
        alpha = lr * ops.sqrt(1 - beta_2_power) / (1 - beta_1_power)
        m.assign(m.value + (gradient - m.value) * (1 - self.beta_1))
        v.assign(v.value + (ops.square(gradient) - v.value) * (1 - self.beta_2))
        second = v.value
        if self.amsgrad:
            v_hat = self._velocity_hats[index]
            v_hat.assign(ops.maximum(v_hat.value, second))
            second = v_hat.value
        variable.assign(variable.value - m.value * alpha / (ops.sqrt(second) + self.epsilon))

    def _fused_arguments(self):
        slots = {"momentums": self._momentums, "velocities": self._velocities, "velocity_hats": self._velocity_hats}
        return "adam", slots, {"beta_1": self.beta_1, "beta_2": self.beta_2, "epsilon": self.epsilon,
                               "iterations": self.iterations}

    def get_config(self):
        config = super().get_config()
        config.update({"beta_1": self.beta_1, "beta_2": self.beta_2, "epsilon": self.epsilon,
                       "amsgrad": self.amsgrad})
        return config
