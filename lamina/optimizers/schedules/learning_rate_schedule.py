"""Learning-rate schedules: functions of the optimizer's step, written in ``lamina.ops``.

Each is evaluated inside the training step (``optimizer.learning_rate`` calls it with
``optimizer.iterations``), so it uses no Python branching on tensor values.
"""

import math

from lamina import backend, ops


class LearningRateSchedule:
    """Base class of schedules (abstract): subclasses implement ``__call__(step)`` and ``get_config``.

    Example:
        >>> class Halving(LearningRateSchedule):
        ...     def __init__(self, initial_learning_rate):
        ...         self.initial_learning_rate = initial_learning_rate
        ...     def __call__(self, step):
        ...         return self.initial_learning_rate / (ops.cast(step, "float32") + 1.0)
        ...     def get_config(self):
        ...         return {"initial_learning_rate": self.initial_learning_rate}
        >>> opt = lamina.optimizers.SGD(learning_rate=Halving(0.1))
    """

    def get_config(self):
        """The constructor arguments (subclasses override this)."""
        raise TypeError(f"Learning rate schedule '{type(self).__name__}' must override `get_config()` to be "
                        "serialized.")

    @classmethod
    def from_config(cls, config):
        return cls(**config)


def _check_positive(cls, name, value):
    if value <= 0:
        raise ValueError(f"{cls}: argument `{name}` must be > 0. Received: {name}={value}")


def _start(initial_learning_rate, step):
    lr = ops.convert_to_tensor(initial_learning_rate)
    dtype = backend.standardize_dtype(ops.dtype(lr))
    if not backend.is_float_dtype(dtype):
        dtype = backend.floatx()
        lr = ops.cast(lr, dtype)
    return lr, dtype, ops.cast(step, dtype)


class _RateDecay(LearningRateSchedule):
    """Shared by ExponentialDecay and InverseTimeDecay: the same arguments, and a decay
    exponent ``step / decay_steps`` (floored when ``staircase``)."""

    def __init__(self, initial_learning_rate, decay_steps, decay_rate, staircase=False, name=None):
        _check_positive(type(self).__name__, "decay_steps", decay_steps)
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.decay_rate = decay_rate
        self.staircase = staircase
        self.name = name or type(self).__name__

    def _progress(self, step):
        lr, dtype, step = _start(self.initial_learning_rate, step)
        p = step / ops.cast(self.decay_steps, dtype)
        return lr, dtype, (ops.floor(p) if self.staircase else p)

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate, "decay_steps": self.decay_steps,
                "decay_rate": self.decay_rate, "staircase": self.staircase, "name": self.name}


class ExponentialDecay(_RateDecay):
    """``initial_learning_rate * decay_rate ** (step / decay_steps)``.

    Args:
        initial_learning_rate: the rate at step 0.
        decay_steps: steps per factor of ``decay_rate``; must be > 0.
        decay_rate: the decay factor.
        staircase: decay in whole steps of ``decay_steps`` (integer division).
        name: an optional name.

    Example:
        >>> schedule = ExponentialDecay(0.1, decay_steps=1000, decay_rate=0.96)
        >>> float(schedule(1000))   # 0.096
        0.096
    """

    def __init__(self, initial_learning_rate, decay_steps, decay_rate, staircase=False, name="ExponentialDecay"):
        super().__init__(initial_learning_rate, decay_steps, decay_rate, staircase, name)

    def __call__(self, step):
        lr, dtype, p = self._progress(step)
        return lr * ops.power(ops.cast(self.decay_rate, dtype), p)


class PiecewiseConstantDecay(LearningRateSchedule):
    """``values[0]`` up to ``boundaries[0]`` (inclusive), ``values[1]`` up to ``boundaries[1]``, ...

    Args:
        boundaries: increasing step boundaries.
        values: one more value than boundaries.
        name: an optional name.

    Example:
        >>> schedule = PiecewiseConstantDecay([100, 200], [1.0, 0.5, 0.1])
        >>> float(schedule(150))    # 0.5
        0.5
    """

    def __init__(self, boundaries, values, name="PiecewiseConstant"):
        if len(boundaries) != len(values) - 1:
            raise ValueError(
                "PiecewiseConstantDecay: `values` must have one more element than `boundaries`. Received: "
                f"boundaries={boundaries} of length {len(boundaries)}, values={values} of length {len(values)}")
        self.boundaries = boundaries
        self.values = values
        self.name = name

    def __call__(self, step):
        values = [ops.convert_to_tensor(v) for v in self.values]
        dtype = ops.dtype(values[0])
        step = ops.convert_to_tensor(step)
        result = ops.cast(step <= self.boundaries[0], dtype) * values[0]
        result = result + ops.cast(step > self.boundaries[-1], dtype) * values[-1]
        for low, high, value in zip(self.boundaries[:-1], self.boundaries[1:], values[1:-1]):
            inside = ops.logical_and(step > low, step <= high)
            result = result + ops.cast(inside, dtype) * value
        return result

    def get_config(self):
        return {"boundaries": self.boundaries, "values": self.values, "name": self.name}


class PolynomialDecay(LearningRateSchedule):
    """Decays polynomially from ``initial_learning_rate`` to ``end_learning_rate`` over ``decay_steps``.

    Args:
        initial_learning_rate: the rate at step 0.
        decay_steps: the length of the decay; must be > 0.
        end_learning_rate: the final rate.
        power: the polynomial's power.
        cycle: restart the decay past ``decay_steps`` (over a longer multiple of it).
        name: an optional name.

    Example:
        >>> schedule = PolynomialDecay(0.1, decay_steps=100, end_learning_rate=0.01)
        >>> float(schedule(50))     # 0.055
        0.055
    """

    def __init__(self, initial_learning_rate, decay_steps, end_learning_rate=0.0001, power=1.0, cycle=False,
                 name="PolynomialDecay"):
        _check_positive("PolynomialDecay", "decay_steps", decay_steps)
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.end_learning_rate = end_learning_rate
        self.power = power
        self.cycle = cycle
        self.name = name

    def __call__(self, step):
        lr, dtype, step = _start(self.initial_learning_rate, step)
        end = ops.cast(self.end_learning_rate, dtype)
        decay_steps = ops.cast(self.decay_steps, dtype)
        if self.cycle:
            multiplier = ops.where(ops.equal(step, 0), ops.ones_like(step), ops.ceil(step / decay_steps))
            decay_steps = decay_steps * multiplier
        else:
            step = ops.minimum(step, decay_steps)
        p = step / decay_steps
        return (lr - end) * ops.power(1 - p, ops.cast(self.power, dtype)) + end

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate, "decay_steps": self.decay_steps,
                "end_learning_rate": self.end_learning_rate, "power": self.power, "cycle": self.cycle,
                "name": self.name}


class InverseTimeDecay(_RateDecay):
    """``initial_learning_rate / (1 + decay_rate * step / decay_steps)``.

    Args:
        initial_learning_rate: the rate at step 0.
        decay_steps: how often the decay is applied; must be > 0.
        decay_rate: the decay rate.
        staircase: apply the decay in whole steps of ``decay_steps``.
        name: an optional name.

    Example:
        >>> schedule = InverseTimeDecay(0.1, decay_steps=1.0, decay_rate=0.5)
        >>> float(schedule(2))      # 0.05
        0.05
    """

    def __init__(self, initial_learning_rate, decay_steps, decay_rate, staircase=False, name="InverseTimeDecay"):
        super().__init__(initial_learning_rate, decay_steps, decay_rate, staircase, name)

    def __call__(self, step):
        lr, dtype, p = self._progress(step)
        return lr / (1.0 + ops.cast(self.decay_rate, dtype) * p)


class CosineDecay(LearningRateSchedule):
    """Optional linear warmup, then a cosine decay down to ``alpha`` times the starting rate.

    Args:
        initial_learning_rate: the rate at step 0.
        decay_steps: the length of the cosine decay; must be > 0.
        alpha: the final rate as a fraction of the rate the decay starts from.
        name: an optional name.
        warmup_target: if set, the rate rises linearly to it over ``warmup_steps``, then decays.
        warmup_steps: the length of the warmup.

    Example:
        >>> schedule = CosineDecay(0.0, decay_steps=100, warmup_target=0.1, warmup_steps=10)
        >>> float(schedule(10))     # 0.1, the peak
        0.1
    """

    def __init__(self, initial_learning_rate, decay_steps, alpha=0.0, name="CosineDecay", warmup_target=None,
                 warmup_steps=0):
        _check_positive("CosineDecay", "decay_steps", decay_steps)
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.alpha = alpha
        self.name = name
        self.warmup_target = warmup_target
        self.warmup_steps = warmup_steps

    def _decay(self, step, decay_steps, start, dtype):
        fraction = step / decay_steps
        cosine = 0.5 * (1.0 + ops.cos(ops.cast(math.pi, dtype) * fraction))
        return start * ((1 - self.alpha) * cosine + self.alpha)

    def __call__(self, step):
        lr, dtype, step = _start(self.initial_learning_rate, step)
        decay_steps = ops.cast(self.decay_steps, dtype)
        if self.warmup_target is None:
            return self._decay(ops.minimum(step, decay_steps), decay_steps, lr, dtype)
        target = ops.cast(self.warmup_target, dtype)
        warmup_steps = ops.cast(self.warmup_steps, dtype)
        step = ops.minimum(step, decay_steps + warmup_steps)
        # Both branches are computed and one is selected, so the schedule traces as one program.
        safe_warmup = ops.maximum(warmup_steps, ops.ones_like(warmup_steps))
        warm = (target - lr) * (step / safe_warmup) + lr
        decayed = self._decay(step - warmup_steps, decay_steps, target, dtype)
        return ops.where(step < warmup_steps, warm, decayed)

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate, "decay_steps": self.decay_steps,
                "alpha": self.alpha, "name": self.name, "warmup_target": self.warmup_target,
                "warmup_steps": self.warmup_steps}


class CosineDecayRestarts(LearningRateSchedule):
    """Cosine decay with warm restarts (SGDR): each period is ``t_mul`` times longer than the last.

    Args:
        initial_learning_rate: the rate at step 0.
        first_decay_steps: the length of the first period; must be > 0.
        t_mul: the period length factor.
        m_mul: the factor applied to the starting rate of each new period.
        alpha: the minimum rate as a fraction of ``initial_learning_rate``.
        name: an optional name.

    Example:
        >>> schedule = CosineDecayRestarts(0.1, first_decay_steps=10)
        >>> float(schedule(10))     # 0.1 again: the first restart
        0.1
    """

    def __init__(self, initial_learning_rate, first_decay_steps, t_mul=2.0, m_mul=1.0, alpha=0.0,
                 name="SGDRDecay"):
        _check_positive("CosineDecayRestarts", "first_decay_steps", first_decay_steps)
        self.initial_learning_rate = initial_learning_rate
        self.first_decay_steps = first_decay_steps
        self._t_mul = t_mul
        self._m_mul = m_mul
        self.alpha = alpha
        self.name = name

    def __call__(self, step):
        lr, dtype, step = _start(self.initial_learning_rate, step)
        fraction = step / ops.cast(self.first_decay_steps, dtype)
        t_mul = ops.cast(self._t_mul, dtype)
        if self._t_mul == 1.0:
            restarts = ops.floor(fraction)
            fraction = fraction - restarts
        else:
            restarts = ops.floor(ops.log(1.0 - fraction * (1.0 - t_mul)) / ops.log(t_mul))
            done = (1.0 - ops.power(t_mul, restarts)) / (1.0 - t_mul)
            fraction = (fraction - done) / ops.power(t_mul, restarts)
        m_factor = ops.power(ops.cast(self._m_mul, dtype), restarts)
        cosine = 0.5 * m_factor * (1.0 + ops.cos(ops.cast(math.pi, dtype) * fraction))
        return lr * ((1 - self.alpha) * cosine + self.alpha)

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate, "first_decay_steps": self.first_decay_steps,
                "t_mul": self._t_mul, "m_mul": self._m_mul, "alpha": self.alpha, "name": self.name}


def serialize(learning_rate_schedule):
    """The schedule's Keras-style config dict.

    Example:
        >>> serialize(ExponentialDecay(0.1, 100, 0.9))["class_name"]
        'ExponentialDecay'
    """
    from lamina.saving import serialization_lib

    return serialization_lib.serialize_keras_object(learning_rate_schedule)


def deserialize(config, custom_objects=None):
    """Rebuilds a schedule from ``serialize`` output.

    Example:
        >>> deserialize(serialize(ExponentialDecay(0.1, 100, 0.9))).decay_rate
        0.9
    """
    from lamina.saving import serialization_lib

    return serialization_lib.deserialize_keras_object(
        config, custom_objects=custom_objects,
        module_objects={k: v for k, v in globals().items() if isinstance(v, type)})
