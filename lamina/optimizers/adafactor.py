"""Adafactor: Adam-like steps with a factored (row x column) second moment."""

from lamina import ops
from lamina.optimizers.base_optimizer import Optimizer


class Adafactor(Optimizer):
    """Adafactor: keeps only row and column statistics of the squared gradient for matrices.

    Weights of rank >= 2 factor their last two dimensions; smaller ones keep a full
    second-moment slot (with two unused scalar placeholders, as Keras lays the state out).

    Args:
        learning_rate: a float, a schedule, or a callable. Defaults to 0.001.
        beta_2_decay: the decay exponent of the second-moment average.
        epsilon_1: added to squared gradients.
        epsilon_2: the lower bound of the weight scale.
        clip_threshold: the update's RMS is clipped to this.
        relative_step: cap the rate at ``1 / sqrt(step)`` (when the rate is a plain number).
        **kwargs: the base optimizer arguments (``weight_decay``, ``clipnorm``, ``use_ema``, ``name``...).

    Example:
        >>> opt = lamina.optimizers.Adafactor(learning_rate=0.01)
    """

    def __init__(self, learning_rate=0.001, beta_2_decay=-0.8, epsilon_1=1e-30, epsilon_2=1e-3, clip_threshold=1.0,
                 relative_step=True, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.beta_2_decay = beta_2_decay
        self.epsilon_1 = epsilon_1
        self.epsilon_2 = epsilon_2
        self.clip_threshold = clip_threshold
        self.relative_step = relative_step

    def build(self, var_list):
        if self.built:
            return
        super().build(var_list)
        self._r, self._c, self._v = [], [], []
        for var in var_list:
            if getattr(var, "overwrite_with_gradient", False):
                self._r.append(None)
                self._c.append(None)
                self._v.append(None)
                continue
            if len(var.shape) < 2:
                self._r.append(self.add_variable((), dtype="int32", name=var.name))
                self._c.append(self.add_variable((), dtype="int32", name=var.name))
            else:
                self._r.append(self.add_variable(var.shape[:-1], dtype=var.dtype, name=var.name))
                self._c.append(self.add_variable(var.shape[:-2] + var.shape[-1:], dtype=var.dtype,
                                                 name=var.name))
            self._v.append(self.add_variable_from_reference(var, "velocity"))

    @staticmethod
    def _rms(x):
        return ops.sqrt(ops.mean(ops.square(x)))

    def update_step(self, gradient, variable, learning_rate):
        dtype = variable.dtype
        lr = ops.cast(learning_rate, dtype)
        gradient = ops.cast(gradient, dtype)
        epsilon_2 = ops.cast(self.epsilon_2, dtype)
        step = ops.cast(self.iterations + 1, dtype)
        if hasattr(self._learning_rate, "_is_lamina_variable") and self.relative_step:
            lr = ops.minimum(lr, 1 / ops.sqrt(step))
        index = self._get_variable_index(variable)
        r, c, v = self._r[index], self._c[index], self._v[index]
        rho_t = ops.minimum(lr, 1 / ops.sqrt(step))
        alpha_t = ops.maximum(epsilon_2, self._rms(variable.value)) * rho_t
        grad_square = ops.square(gradient) + self.epsilon_1
        beta_2_t = 1 - ops.power(step, self.beta_2_decay)
        if len(variable.shape) >= 2:
            r.assign(beta_2_t * r.value + (1 - beta_2_t) * ops.mean(grad_square, axis=-1))
            c.assign(beta_2_t * c.value + (1 - beta_2_t) * ops.mean(grad_square, axis=-2))
            row_factor = ops.expand_dims(r.value / ops.mean(r.value, axis=-1, keepdims=True), axis=-1)
            v.assign(row_factor * ops.expand_dims(c.value, -2))
        else:
            v.assign(beta_2_t * v.value + (1 - beta_2_t) * grad_square)
        u_t = gradient / ops.sqrt(v.value)
        u_t_hat = u_t / ops.maximum(ops.cast(1.0, dtype), self._rms(u_t) / self.clip_threshold)
        variable.assign(variable.value - alpha_t * u_t_hat)

    def get_config(self):
        config = super().get_config()
        config.update({"beta_2_decay": self.beta_2_decay, "epsilon_1": self.epsilon_1, "epsilon_2": self.epsilon_2,
                       "clip_threshold": self.clip_threshold, "relative_step": self.relative_step})
        return config
