"""Schedule-free AdamW: no learning-rate schedule; the weights interpolate an iterate and its average."""

from lamina import ops
from lamina.optimizers.base_optimizer import Optimizer


class ScheduleFreeAdamW(Optimizer):
    """AdamW without a schedule (Defazio et al., 2024).

    Three sequences are kept: ``z`` (the ``momentum`` slot) takes plain Adam-scaled gradient
    steps, ``x`` is the running uniform average of ``z``, and the model's weights hold
    ``y = (1 - beta_1) * z + beta_1 * x``, where the gradient is evaluated. ``x`` is not
    stored: it is recovered from ``y`` and ``z`` at each step.

    Args:
        learning_rate: a float, a schedule, or a callable. Defaults to 0.0025.
        beta_1: the interpolation between ``z`` and its average ``x``.
        beta_2: decay of the second-moment estimate.
        epsilon: a small constant added to the root of the second moment.
        warmup_steps: steps over which the learning rate rises linearly from 0 (0: none).
        **kwargs: the base optimizer arguments (``weight_decay``, ``clipnorm``, ``use_ema``, ``name``...).

    Example:
        >>> opt = lamina.optimizers.ScheduleFreeAdamW(warmup_steps=100)
        >>> opt.get_config()["warmup_steps"]
        100
    """

    def __init__(self, learning_rate=0.0025, beta_1=0.9, beta_2=0.999, epsilon=1e-8, warmup_steps=0, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        if isinstance(warmup_steps, bool) or not isinstance(warmup_steps, int) or warmup_steps < 0:
            raise ValueError("ScheduleFreeAdamW: `warmup_steps` must be a non-negative integer. "
                             f"Received: warmup_steps={warmup_steps!r}")
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.warmup_steps = warmup_steps

    def build(self, var_list):
        if self.built:
            return
        super().build(var_list)
        self._momentums, self._velocities = self.add_optimizer_variables(var_list, ["momentum", "velocity"])
        for z, variable in zip(self._momentums, var_list):
            if z is not None:
                z.assign(variable.value)  # z starts at the initial weights

    def update_step(self, gradient, variable, learning_rate):
        dtype = variable.dtype
        lr = ops.cast(learning_rate, dtype)
        gradient = ops.cast(gradient, dtype)
        step = ops.cast(self.iterations + 1, dtype)
        beta_1 = ops.cast(self.beta_1, dtype)
        beta_2 = ops.cast(self.beta_2, dtype)
        if self.warmup_steps > 0:
            lr = lr * ops.minimum(step / ops.cast(self.warmup_steps, dtype), 1.0)
        index = self._get_variable_index(variable)
        z, v = self._momentums[index], self._velocities[index]
        z_old = z.value
        v.assign(v.value + (ops.square(gradient) - v.value) * (1 - beta_2))
        denom = ops.sqrt(v.value / (1 - ops.power(beta_2, step))) + ops.cast(self.epsilon, dtype)
        z.assign(z_old - lr * gradient / denom)
        x_old = (variable.value - (1 - beta_1) * z_old) / beta_1
        weight = 1.0 / step
        x_new = (1 - weight) * x_old + weight * z.value
        variable.assign((1 - beta_1) * z.value + beta_1 * x_new)

    def get_config(self):
        config = super().get_config()
        config.update({"beta_1": self.beta_1, "beta_2": self.beta_2, "epsilon": self.epsilon,
                       "warmup_steps": self.warmup_steps})
        return config
