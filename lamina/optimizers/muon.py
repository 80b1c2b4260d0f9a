"""Muon: orthogonalized momentum for 2-D weights, AdamW for the rest."""

import re

from lamina import ops
from lamina.optimizers.base_optimizer import Optimizer


class Muon(Optimizer):
    """Muon (MomentUm Orthogonalized by Newton-Schulz), with AdamW for the weights it does not suit.

    A 2-D weight's (Nesterov) momentum is replaced by an approximation of the nearest
    semi-orthogonal matrix (``ns_steps`` Newton-Schulz iterations with coefficients
    ``muon_a``, ``muon_b``, ``muon_c``), scaled by ``rms_rate * sqrt(max(rows, cols))`` so
    the step's size matches Adam's. Weights that are not 2-D, embeddings (when
    ``exclude_embeddings``) and weights whose path matches one of ``exclude_layers`` take
    AdamW steps with ``learning_rate * adam_lr_ratio`` and ``adam_weight_decay`` instead.

    Args:
        learning_rate: a float, a schedule, or a callable. Defaults to 0.001.
        adam_beta_1: AdamW's first-moment decay.
        adam_beta_2: AdamW's second-moment decay.
        adam_weight_decay: the weight decay of the AdamW weights.
        epsilon: AdamW's stability constant.
        weight_decay: the weight decay of the Muon weights.
        exclude_layers: regular expressions; weights whose path matches one use AdamW.
        exclude_embeddings: whether weights with "embedding" in their path use AdamW.
        muon_a: first Newton-Schulz coefficient.
        muon_b: second Newton-Schulz coefficient.
        muon_c: third Newton-Schulz coefficient.
        adam_lr_ratio: the AdamW weights' learning rate as a fraction of ``learning_rate``.
        momentum: the Muon momentum.
        ns_steps: the number of Newton-Schulz iterations.
        nesterov: whether to orthogonalize the Nesterov look-ahead ``g + momentum * m``.
        rms_rate: the target update RMS (None: no rescaling).
        **kwargs: the other base optimizer arguments (``clipnorm``, ``use_ema``, ``name``...).

    Example:
        >>> v = lamina.Variable(np.eye(2, dtype="float32"))
        >>> opt = lamina.optimizers.Muon(learning_rate=0.01, weight_decay=None)
        >>> _ = opt.apply_gradients([(ops.convert_to_tensor([[1.0, 0.0], [0.0, 0.0]]), v)])
        >>> float(v[1, 1])  # an untouched direction of a Muon weight stays put
        1.0
    """

    def __init__(self, learning_rate=0.001, adam_beta_1=0.9, adam_beta_2=0.999, adam_weight_decay=0.004,
                 epsilon=1e-7, weight_decay=0.004, exclude_layers=None, exclude_embeddings=True, muon_a=3.4445,
                 muon_b=-4.7750, muon_c=2.0315, adam_lr_ratio=1, momentum=0.95, ns_steps=5, nesterov=True,
                 rms_rate=0.2, **kwargs):
        super().__init__(learning_rate=learning_rate, weight_decay=weight_decay, **kwargs)
        if isinstance(ns_steps, bool) or not isinstance(ns_steps, int) or ns_steps < 0:
            raise ValueError(f"Muon: `ns_steps` must be a non-negative integer. Received: ns_steps={ns_steps!r}")
        self.adam_beta_1 = adam_beta_1
        self.adam_beta_2 = adam_beta_2
        self.adam_weight_decay = adam_weight_decay
        self.epsilon = epsilon
        self.exclude_layers = list(exclude_layers or [])
        self.exclude_embeddings = exclude_embeddings
        self.muon_a = muon_a
        self.muon_b = muon_b
        self.muon_c = muon_c
        self.adam_lr_ratio = adam_lr_ratio
        self.momentum = momentum
        self.ns_steps = ns_steps
        self.nesterov = nesterov
        self.rms_rate = rms_rate

    def _uses_adamw(self, variable):
        if len(variable.shape) != 2:
            return True
        path = getattr(variable, "path", None) or str(variable.name)
        if self.exclude_embeddings and "embedding" in path.lower():
            return True
        return any(re.search(pattern, path) for pattern in self.exclude_layers)

    def build(self, var_list):
        if self.built:
            return
        super().build(var_list)
        self._momentums, self._velocities = [], []
        for variable in var_list:
            skip = getattr(variable, "overwrite_with_gradient", False)
            self._momentums.append(None if skip else self.add_variable_from_reference(variable, "momentum"))
            adamw = not skip and self._uses_adamw(variable)
            self._velocities.append(self.add_variable_from_reference(variable, "velocity") if adamw else None)

    def update_step(self, gradient, variable, learning_rate):
        index = self._get_variable_index(variable)
        m, v = self._momentums[index], self._velocities[index]
        if v is not None:
            self._adamw_step(gradient, variable, learning_rate * self.adam_lr_ratio, m, v)
            return
        m.assign(self.momentum * m.value + gradient)
        direction = gradient + self.momentum * m.value if self.nesterov else m.value
        update = learning_rate * self._orthogonalize(direction)
        if self.rms_rate is not None:
            rows, cols = update.shape[0], update.shape[1]
            update = update * (max(rows, cols) ** 0.5) * self.rms_rate
        variable.assign(variable.value - update)

    def _adamw_step(self, gradient, variable, learning_rate, m, v):
        dtype = variable.dtype
        lr = ops.cast(learning_rate, dtype)
        gradient = ops.cast(gradient, dtype)
        step = ops.cast(self.iterations + 1, dtype)
        beta_1_power = ops.power(ops.cast(self.adam_beta_1, dtype), step)
        beta_2_power = ops.power(ops.cast(self.adam_beta_2, dtype), step)
        alpha = lr * ops.sqrt(1 - beta_2_power) / (1 - beta_1_power)
        m.assign(m.value + (gradient - m.value) * (1 - self.adam_beta_1))
        v.assign(v.value + (ops.square(gradient) - v.value) * (1 - self.adam_beta_2))
        variable.assign(variable.value - m.value * alpha / (ops.sqrt(v.value) + self.epsilon))

    def _orthogonalize(self, x):
        """Newton-Schulz iterations towards the semi-orthogonal factor of ``x`` (on its wide orientation)."""
        tall = x.shape[-2] > x.shape[-1]
        if tall:
            x = ops.swapaxes(x, -2, -1)
        x = x / (ops.norm(x, axis=(-2, -1), keepdims=True) + 1e-7)
        for _ in range(self.ns_steps):
            gram = ops.matmul(x, ops.swapaxes(x, -2, -1))
            x = self.muon_a * x + ops.matmul(self.muon_b * gram + self.muon_c * ops.matmul(gram, gram), x)
        return ops.swapaxes(x, -2, -1) if tall else x

    def _apply_weight_decay(self, variables):
        for variable in variables:
            if not self._use_weight_decay(variable):
                continue
            decay = self.adam_weight_decay if self._uses_adamw(variable) else self.weight_decay
            if decay is None:
                continue
            lr = ops.cast(self.learning_rate, variable.dtype)
            variable.assign(variable.value - variable.value * ops.cast(decay, variable.dtype) * lr)

    def get_config(self):
        config = super().get_config()
        config.update({
            "adam_beta_1": self.adam_beta_1, "adam_beta_2": self.adam_beta_2, "epsilon": self.epsilon,
            "exclude_layers": self.exclude_layers, "muon_a": self.muon_a, "muon_b": self.muon_b,
            "muon_c": self.muon_c, "adam_lr_ratio": self.adam_lr_ratio, "momentum": self.momentum,
            "ns_steps": self.ns_steps, "nesterov": self.nesterov, "exclude_embeddings": self.exclude_embeddings,
            "adam_weight_decay": self.adam_weight_decay, "rms_rate": self.rms_rate,
        })
        return config
