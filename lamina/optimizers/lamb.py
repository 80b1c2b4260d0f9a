"""Lamb: Adam's direction, scaled per weight by the ratio of the weight's norm to the update's."""

from lamina import ops
from lamina.optimizers.base_optimizer import Optimizer


class Lamb(Optimizer):
    """Layer-wise adaptive Adam: each weight moves by ``lr * ||w|| / ||u|| * u``, ``u`` the Adam step.

    The trust ratio ``||w|| / ||u||`` is 1 where either norm is 0, so large-batch training
    keeps every layer's step in proportion to the layer's size.

    Args:
        learning_rate: a float, a schedule, or a callable. Defaults to 0.001.
        beta_1: decay of the first-moment estimate.
        beta_2: decay of the second-moment estimate.
        epsilon: a small constant added to the root of the second moment.
        **kwargs: the base optimizer arguments (``weight_decay``, ``clipnorm``, ``use_ema``, ``name``...).

    Example:
        >>> v = lamina.Variable([3.0, 4.0])
        >>> opt = lamina.optimizers.Lamb(learning_rate=0.1)
        >>> _ = opt.apply_gradients([(ops.convert_to_tensor([1.0, 1.0]), v)])
        >>> np.round(ops.convert_to_numpy(v), 3).tolist()  # the step has norm 0.1 * ||v|| = 0.5
        [2.646, 3.646]
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
        self._momentums, self._velocities = self.add_optimizer_variables(var_list, ["momentum", "velocity"])

    def update_step(self, gradient, variable, learning_rate):
        dtype = variable.dtype
        lr = ops.cast(learning_rate, dtype)
        gradient = ops.cast(gradient, dtype)
        step = ops.cast(self.iterations + 1, dtype)
        index = self._get_variable_index(variable)
        m, v = self._momentums[index], self._velocities[index]
        m.assign(m.value + (gradient - m.value) * (1 - self.beta_1))
        v.assign(v.value + (ops.square(gradient) - v.value) * (1 - self.beta_2))
        m_hat = m.value / (1.0 - ops.power(ops.cast(self.beta_1, dtype), step))
        v_hat = v.value / (1.0 - ops.power(ops.cast(self.beta_2, dtype), step))
        update = m_hat / (ops.sqrt(v_hat) + self.epsilon)
        w_norm = ops.sqrt(ops.sum(ops.square(variable.value)))
        u_norm = ops.sqrt(ops.sum(ops.square(update)))
        safe_u_norm = ops.where(u_norm > 0, u_norm, ops.ones_like(u_norm))
        ratio = ops.where(ops.logical_and(w_norm > 0, u_norm > 0), w_norm / safe_u_norm, ops.ones_like(w_norm))
        variable.assign(variable.value - ratio * lr * update)

    def get_config(self):
        config = super().get_config()
        config.update({"beta_1": self.beta_1, "beta_2": self.beta_2, "epsilon": self.epsilon})
        return config
