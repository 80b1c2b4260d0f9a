"""``LossScaleOptimizer``: dynamic loss scaling around another optimizer (mixed float16)."""

import numbers

from lamina import ops
from lamina.backend.common.stateless_scope import StatelessScope
from lamina.optimizers.base_optimizer import Optimizer

# Keras 3 once wrote these base arguments into this optimizer's config; a saved file may still
# hold them, at their defaults. Any other value belongs on the inner optimizer.
_BASE_DEFAULTS = {"weight_decay": None, "clipnorm": None, "global_clipnorm": None, "clipvalue": None,
                  "use_ema": False, "ema_momentum": 0.99, "ema_overwrite_frequency": None,
                  "loss_scale_factor": None, "gradient_accumulation_steps": None}


class LossScaleOptimizer(Optimizer):
    """Wraps an optimizer and scales the loss so that float16 gradients do not underflow.

    ``scale_loss`` multiplies the loss by the current scale before gradients are taken (the
    default ``train_step`` calls it); ``apply`` divides the gradients by it again. A step
    whose gradients hold an inf or NaN is skipped (weights, slots and ``iterations`` keep
    their values) and the scale is halved; after ``dynamic_growth_steps`` finite steps in a
    row it doubles. The choice is made with selects, not Python branches, so the step jits.
    ``compile`` wraps the optimizer in one under a ``"mixed_float16"`` policy.

    Args:
        inner_optimizer: the ``Optimizer`` that updates the weights.
        initial_scale: the first loss scale; high is better (a scale too high falls fast).
        dynamic_growth_steps: finite steps in a row after which the scale doubles.
        name: the optimizer's name, the prefix of its variables' paths.

    Example:
        >>> opt = lamina.optimizers.LossScaleOptimizer(lamina.optimizers.SGD(0.1), initial_scale=8.0)
        >>> w = lamina.Variable([1.0])
        >>> opt.apply([lamina.ops.convert_to_tensor([8.0])], [w])  # gradient of 8 * loss
        >>> float(w.numpy()[0]), int(opt.iterations.numpy())
        (0.9, 1)
        >>> opt.apply([lamina.ops.convert_to_tensor([float("inf")])], [w])  # skipped
        >>> float(w.numpy()[0]), float(opt.dynamic_scale.numpy())
        (0.9, 4.0)
    """

    def __init__(self, inner_optimizer, initial_scale=2.0**15, dynamic_growth_steps=2000, name=None, **kwargs):
        if not kwargs.pop("dynamic", True):
            raise ValueError("LossScaleOptimizer no longer supports `dynamic=False`; set `loss_scale_factor` "
                             "on the inner optimizer for a fixed scale. Received: dynamic=False")
        for key, default in _BASE_DEFAULTS.items():
            if key in kwargs and kwargs.pop(key) != default:
                raise ValueError(f"LossScaleOptimizer does not support `{key}`; set it on the "
                                 "`inner_optimizer` instead.")
        if kwargs:
            raise ValueError(f"LossScaleOptimizer: argument(s) not recognized: {sorted(kwargs)}")
        if not isinstance(inner_optimizer, Optimizer):
            raise TypeError("LossScaleOptimizer: `inner_optimizer` must be a lamina optimizer. Received: "
                            f"inner_optimizer={inner_optimizer!r} (of type {type(inner_optimizer).__name__})")
        if not isinstance(initial_scale, numbers.Real) or isinstance(initial_scale, bool) or initial_scale <= 0:
            raise ValueError("LossScaleOptimizer: `initial_scale` must be a positive number. Received: "
                             f"initial_scale={initial_scale!r}")
        if not isinstance(dynamic_growth_steps, numbers.Integral) or dynamic_growth_steps < 1:
            raise ValueError("LossScaleOptimizer: `dynamic_growth_steps` must be a positive integer. Received: "
                             f"dynamic_growth_steps={dynamic_growth_steps!r}")
        super().__init__(learning_rate=0.0, name=name)
        self.inner_optimizer = inner_optimizer
        self.initial_scale = initial_scale
        self.dynamic_growth_steps = dynamic_growth_steps
        # The inner optimizer must not scale a second time.
        self.inner_optimizer.loss_scale_factor = None

    def build(self, var_list):
        """Creates the scale and the good-step counter, then builds the inner optimizer."""
        var_list = list(var_list)
        self.step_counter = self.add_variable((), initializer="zeros", dtype="int32", name="step_counter")
        self.dynamic_scale = self.add_variable((), initializer=float(self.initial_scale), dtype="float32",
                                               name="dynamic_scale")
        if not self.inner_optimizer.built:
            self.inner_optimizer.build(var_list)
        super().build(var_list)

    @property
    def variables(self):
        """This optimizer's state (iteration, learning_rate, step_counter, dynamic_scale), then the inner one's."""
        return list(self._variables) + self.inner_optimizer.variables

    def scale_loss(self, loss):
        """``loss`` times the current scale (``initial_scale`` before the first step)."""
        return ops.multiply(loss, self.dynamic_scale.value if self.built else self.initial_scale)

    def apply(self, grads, trainable_variables=None):
        """Unscales ``grads`` and applies them with the inner optimizer if all are finite;
        otherwise leaves every variable as it was. Then updates the scale."""
        grads = list(grads)
        if not grads:
            return
        if not self.built:
            if trainable_variables is None:
                raise ValueError("LossScaleOptimizer.apply: called with gradients only, but the optimizer is not "
                                 "built. Pass `trainable_variables` or call `build(variables)` first.")
            self.build(trainable_variables)
        finite = self.check_finite(grads)
        scale = self.dynamic_scale.value
        variables = self._trainable_variables if trainable_variables is None else list(trainable_variables)
        unscaled = [g if g is None or getattr(v, "overwrite_with_gradient", False)
                    else ops.divide(g, scale)
                    for g, v in zip(grads, variables)]
        # Branch-free, so one traced step serves both cases: the inner update (weights, slots,
        # iterations) is computed in a scope and kept only when every gradient is finite.
        with StatelessScope() as scope:
            self.inner_optimizer.apply(unscaled, trainable_variables)
        for variable in scope.assigned_variables():
            variable.assign(ops.where(finite, scope.get_current_value(variable), variable.value))
        counter = self.step_counter.value
        grow = ops.logical_and(finite, ops.equal(counter, self.dynamic_growth_steps - 1))
        self.step_counter.assign(ops.where(ops.logical_and(finite, ops.logical_not(grow)), counter + 1, 0))
        self.dynamic_scale.assign(ops.where(finite, ops.where(grow, scale * 2.0, scale), scale * 0.5))

    def check_finite(self, grads):
        """A scalar boolean: True when no gradient holds an inf or NaN."""
        return ops.all(ops.stack([ops.all(ops.isfinite(g)) for g in grads if g is not None]))

    def update_step(self, gradient, variable, learning_rate):
        """One variable's update by the inner optimizer (``gradient`` already unscaled)."""
        self.inner_optimizer.update_step(gradient, variable, learning_rate)

    @property
    def learning_rate(self):
        """The inner optimizer's learning rate (settable)."""
        return self.inner_optimizer.learning_rate

    @learning_rate.setter
    def learning_rate(self, learning_rate):
        self.inner_optimizer.learning_rate = learning_rate

    lr = learning_rate

    @property
    def iterations(self):
        """The inner optimizer's step count: skipped steps do not count."""
        return self.inner_optimizer.iterations

    def finalize_variable_values(self, var_list):
        self.inner_optimizer.finalize_variable_values(var_list)

    def get_config(self):
        from lamina.saving import serialization_lib

        return {"name": self.name,
                "inner_optimizer": serialization_lib.serialize_keras_object(self.inner_optimizer),
                "initial_scale": self.initial_scale,
                "dynamic_growth_steps": self.dynamic_growth_steps}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from lamina import optimizers

        config = dict(config)
        inner = optimizers.deserialize(config.pop("inner_optimizer"), custom_objects=custom_objects)
        return cls(inner, **config)
