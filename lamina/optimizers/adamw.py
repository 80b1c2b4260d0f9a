"""AdamW: Adam with decoupled weight decay."""

from lamina.optimizers.adam import Adam


class AdamW(Adam):
    """Adam with decoupled weight decay (``w -= w * weight_decay * lr`` before each step).

    Args:
        learning_rate: a float, a schedule, or a callable. Defaults to 0.001.
        weight_decay: the decay rate; must be set. Defaults to 0.004.
        beta_1, beta_2, epsilon, amsgrad: as in ``Adam``.
        **kwargs: the other base optimizer arguments.

    Example:
        >>> opt = lamina.optimizers.AdamW(weight_decay=0.01)
        >>> opt.exclude_from_weight_decay(var_names=["bias"])
    """

    def __init__(self, learning_rate=0.001, weight_decay=0.004, beta_1=0.9, beta_2=0.999, epsilon=1e-7,
                 amsgrad=False, **kwargs):
        if weight_decay is None:
            raise ValueError("AdamW: `weight_decay` must be set (it is what distinguishes AdamW from Adam). "
                             "Received: weight_decay=None")
        super().__init__(learning_rate=learning_rate, beta_1=beta_1, beta_2=beta_2, epsilon=epsilon,
                         amsgrad=amsgrad, weight_decay=weight_decay, **kwargs)
