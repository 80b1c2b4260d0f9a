"""Stochastic gradient descent, with optional (Nesterov) momentum."""

from lamina import ops
from lamina.optimizers.base_optimizer import Optimizer


class SGD(Optimizer):
    """Gradient descent: ``w -= learning_rate * g``, or with momentum ``m = momentum * m - lr * g; w += m``.

    Args:
        learning_rate: a float, a schedule, or a callable. Defaults to 0.01.
        momentum: a float in [0, 1] that accelerates descent and damps oscillations.
        nesterov: use Nesterov momentum.
        **kwargs: the base optimizer arguments (``weight_decay``, ``clipnorm``, ``use_ema``, ``name``...).

    Example:
        >>> opt = lamina.optimizers.SGD(learning_rate=0.1, momentum=0.9)
        >>> var = lamina.Variable([1.0, 2.0])
        >>> opt.apply([ops.convert_to_tensor([1.0, 1.0])], [var])
    """

    def __init__(self, learning_rate=0.01, momentum=0.0, nesterov=False, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        if not isinstance(momentum, (int, float)) or not 0 <= momentum <= 1:
            raise ValueError(f"SGD: `momentum` must be a float in [0, 1]. Received: momentum={momentum!r}")
        self.momentum = momentum
        self.nesterov = nesterov

    def build(self, var_list):
        if self.built:
            return
        super().build(var_list)
        self.momentums = self.add_optimizer_variables(var_list, "momentum") if self.momentum != 0 else []

    def update_step(self, gradient, variable, learning_rate):
        lr = ops.cast(learning_rate, variable.dtype)
        gradient = ops.cast(gradient, variable.dtype)
        if self.momentum == 0:
            variable.assign(variable.value - gradient * lr)
            return
        m = self.momentums[self._get_variable_index(variable)]
        momentum = ops.cast(self.momentum, variable.dtype)
        m.assign(m.value * momentum - gradient * lr)
        if self.nesterov:
            variable.assign(variable.value + (m.value * momentum - gradient * lr))
        else:
            variable.assign(variable.value + m.value)

    def _fused_arguments(self):
        return "sgd", {"momentums": self.momentums}, {"momentum": self.momentum, "nesterov": self.nesterov}

    def get_config(self):
        config = super().get_config()
        config.update({"momentum": self.momentum, "nesterov": self.nesterov})
        return config
