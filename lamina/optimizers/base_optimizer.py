"""The optimizer base class: slots, learning rate, clipping, weight decay, EMA, accumulation.

A subclass implements ``build(var_list)`` (call ``super().build`` and create slots with
``add_variable_from_reference``) and ``update_step(gradient, variable, learning_rate)``
written in ``lamina.ops`` with every state change made through ``Variable.assign``. That
keeps one step functional inside a ``StatelessScope`` (so it jits on JAX).

``update_step`` is the one definition of an optimizer's math. A backend may speed it up
through one hook: a subclass's ``_fused_arguments()`` names a kernel of
``lamina.backend.optimizer.fused_update`` that computes the same update for all variables
at once (torch's multi-tensor kernels); the base class calls the hook and runs
``update_step`` whenever the backend declines (JAX, which fuses ``update_step`` under jit
already; inside a ``StatelessScope``).
"""

import functools
import numbers
import re
import warnings

from lamina import backend, ops
from lamina.backend.common import naming
from lamina.backend.common.stateless_scope import StatelessScope
from lamina.optimizers import _clipping
from lamina.optimizers.schedules import learning_rate_schedule

_BASE_ARGS = ("weight_decay", "clipnorm", "global_clipnorm", "clipvalue", "use_ema", "ema_momentum",
              "ema_overwrite_frequency", "loss_scale_factor", "gradient_accumulation_steps")


class Optimizer:
    """Base class of every optimizer (abstract: subclasses implement ``build`` and ``update_step``).

    Args:
        learning_rate: a float, a ``lamina.optimizers.schedules.LearningRateSchedule``, or a
            callable of no arguments returning the rate.
        weight_decay: if set, weights shrink by ``weight * weight_decay * learning_rate``
            before each update (see ``exclude_from_weight_decay``).
        clipnorm: clip each gradient to this L2 norm.
        clipvalue: clip each gradient element to ``[-clipvalue, clipvalue]``.
        global_clipnorm: clip all gradients together to this global L2 norm.
        use_ema: keep an exponential moving average of the weights.
        ema_momentum: the EMA's momentum.
        ema_overwrite_frequency: every this many steps, overwrite the weights with their EMA.
        loss_scale_factor: ``scale_loss`` multiplies by it and gradients are divided by it.
        gradient_accumulation_steps: apply the mean gradient of this many steps at once.
        name: the optimizer's name, the prefix of its variables' paths.

    Example:
        >>> class PlainSGD(lamina.optimizers.Optimizer):
        ...     def update_step(self, gradient, variable, learning_rate):
        ...         variable.assign_sub(ops.cast(learning_rate, variable.dtype) * gradient)
        >>> PlainSGD(learning_rate=0.1).apply([ops.ones((2,))], [lamina.Variable([1.0, 1.0])])
    """

    _tracked_kind = "optimizer"  # what attribute tracking sees (layers/_tracking.py)

    def __init__(self, learning_rate, weight_decay=None, clipnorm=None, clipvalue=None, global_clipnorm=None,
                 use_ema=False, ema_momentum=0.99, ema_overwrite_frequency=None, loss_scale_factor=None,
                 gradient_accumulation_steps=None, name=None, **kwargs):
        cls = type(self).__name__
        if not callable(getattr(self, "update_step", None)):
            raise TypeError(f"{cls} must define `update_step(self, gradient, variable, learning_rate)`, which "
                            "updates one variable (and its slots) from its gradient.")
        if kwargs.pop("decay", None) is not None:
            warnings.warn(f"{cls}: the argument `decay` is no longer supported and is ignored; use a "
                          "learning-rate schedule instead.", stacklevel=2)
        if kwargs:
            raise ValueError(f"{cls}: argument(s) not recognized: {sorted(kwargs)}")
        if sum(a is not None for a in (clipnorm, clipvalue, global_clipnorm)) > 1:
            raise ValueError(
                f"{cls}: only one of `clipnorm`, `clipvalue` and `global_clipnorm` can be set. Received: "
                f"clipnorm={clipnorm}, clipvalue={clipvalue}, global_clipnorm={global_clipnorm}")
        if gradient_accumulation_steps is not None and (
                not isinstance(gradient_accumulation_steps, numbers.Integral) or gradient_accumulation_steps < 2):
            raise ValueError(f"{cls}: `gradient_accumulation_steps` must be an integer >= 2. Received: "
                             f"gradient_accumulation_steps={gradient_accumulation_steps!r}")
        if use_ema and not 0 <= ema_momentum <= 1:
            raise ValueError(f"{cls}: `ema_momentum` must be in [0, 1]. Received: ema_momentum={ema_momentum}")
        if use_ema and ema_overwrite_frequency is not None and (
                not isinstance(ema_overwrite_frequency, numbers.Integral) or ema_overwrite_frequency < 1):
            raise ValueError(f"{cls}: `ema_overwrite_frequency` must be an integer >= 1 or None. Received: "
                             f"ema_overwrite_frequency={ema_overwrite_frequency!r}")
        self.name = naming.validate_name(name, "name") if name is not None else naming.auto_name(cls)
        self.weight_decay = weight_decay
        self.clipnorm = clipnorm
        self.clipvalue = clipvalue
        self.global_clipnorm = global_clipnorm
        self.use_ema = use_ema
        self.ema_momentum = ema_momentum
        self.ema_overwrite_frequency = ema_overwrite_frequency
        self.loss_scale_factor = loss_scale_factor
        self.gradient_accumulation_steps = gradient_accumulation_steps
        self.built = False
        self._variables = []
        self._trainable_variables = []
        self._variable_index = {}
        self._exclude_ids = set()
        self._exclude_pattern = None
        with backend.name_scope(self.name, caller=self):
            self._iterations = backend.Variable(0, name="iteration", dtype="int32", trainable=False,
                                                aggregation="only_first_replica")
        self._variables.append(self._iterations)
        self._learning_rate = self._make_learning_rate(learning_rate)

    # -- learning rate ------------------------------------------------------------
    def _make_learning_rate(self, learning_rate):
        if isinstance(learning_rate, learning_rate_schedule.LearningRateSchedule) or (
                callable(learning_rate) and not _is_number(learning_rate)):
            return learning_rate
        if not _is_number(learning_rate):
            raise ValueError(
                f"{type(self).__name__}: `learning_rate` should be a float, a LearningRateSchedule, or a "
                f"callable of no arguments returning the rate. Received: learning_rate={learning_rate!r}")
        with backend.name_scope(self.name, caller=self):
            variable = backend.Variable(float(learning_rate), name="learning_rate", dtype=backend.floatx(),
                                        trainable=False, aggregation="only_first_replica")
        self._variables.append(variable)
        return variable

    @property
    def learning_rate(self):
        """The current rate: a Variable (assignable), or a schedule evaluated at ``iterations``."""
        lr = self._learning_rate
        if isinstance(lr, learning_rate_schedule.LearningRateSchedule):
            return lr(self._iterations)
        if hasattr(lr, "_is_lamina_variable"):
            return lr
        return lr() if callable(lr) else lr

    @learning_rate.setter
    def learning_rate(self, learning_rate):
        previous = self._learning_rate
        is_var = hasattr(previous, "_is_lamina_variable")
        if isinstance(learning_rate, learning_rate_schedule.LearningRateSchedule) or (
                callable(learning_rate) and not _is_number(learning_rate)):
            self._learning_rate = learning_rate
            if is_var:
                self._variables.remove(previous)
            return
        if not is_var:
            raise TypeError(
                f"{type(self).__name__} was created with a schedule or callable `learning_rate`, so its rate "
                "cannot be set to a number. Create the optimizer with a float `learning_rate` to make it "
                f"settable. Received: learning_rate={learning_rate!r}")
        previous.assign(learning_rate)

    # tf.keras 2 spelled it ``lr``; kept as an alias so such code runs unchanged.
    lr = learning_rate

    @property
    def iterations(self):
        """The number of optimizer steps taken (applied updates when accumulating gradients)."""
        if self.gradient_accumulation_steps:
            return ops.floor_divide(self._iterations.value, self.gradient_accumulation_steps)
        return self._iterations

    @property
    def variables(self):
        """All optimizer state, in Keras order: iteration, learning_rate, then slots per weight."""
        return list(self._variables)

    # -- building -----------------------------------------------------------------
    def build(self, var_list):
        """Creates the slot variables for ``var_list`` (subclasses call ``super().build`` first).

        Args:
            var_list: the trainable variables this optimizer will update.
        """
        var_list = list(var_list)
        if self.use_ema:
            self._model_variables_moving_average = self.add_optimizer_variables(var_list, "average")
        if self.gradient_accumulation_steps:
            self._accumulated_gradients = self.add_optimizer_variables(var_list, "gradient_accumulator")
        self._variable_index = {id(v): i for i, v in enumerate(var_list)}
        self._trainable_variables = var_list
        self.built = True

    def add_variable(self, shape, initializer="zeros", dtype=None, aggregation="none", name=None):
        """Creates an optimizer variable (a non-trainable ``Variable`` under this optimizer's path).

        Args:
            shape: the shape.
            initializer: ``"zeros"``, ``"ones"``, a number, or an initializer callable.
            dtype: the dtype (defaults to ``floatx()``).
            aggregation: the variable's aggregation under distribution.
            name: the variable name.
        """
        dtype = dtype or backend.floatx()
        shape = tuple(shape)
        if isinstance(initializer, str) and initializer in ("zeros", "ones"):
            value = ops.zeros(shape, dtype=dtype) if initializer == "zeros" else ops.ones(shape, dtype=dtype)
        elif _is_number(initializer):
            value = ops.full(shape, initializer, dtype=dtype)
        else:
            from lamina import initializers

            value = initializers.get(initializer)
        with backend.name_scope(self.name, caller=self):
            variable = backend.Variable(value, shape=shape, dtype=dtype, trainable=False,
                                        aggregation=aggregation, name=name)
        self._variables.append(variable)
        return variable

    def add_variable_from_reference(self, reference_variable, name=None, initializer="zeros"):
        """A slot shaped like ``reference_variable``, named ``<its path with _>_<name>``.

        Example: ``add_variable_from_reference(dense.kernel, "momentum")`` creates
        ``adam/dense_kernel_momentum``.
        """
        prefix = getattr(reference_variable, "path", None) or str(reference_variable.name)
        full_name = f"{prefix.replace('/', '_').replace(':', '_')}_{name or 'var'}"
        return self.add_variable(reference_variable.shape, initializer=initializer,
                                 dtype=reference_variable.dtype, name=full_name)

    def add_optimizer_variables(self, trainable_variables, name, initializer="zeros"):
        """Slots for every variable; with a list of names they are interleaved per variable (Keras order).

        Returns one list per name (a tuple of lists when ``name`` is a list); variables with
        ``overwrite_with_gradient`` get ``None``.
        """
        names = [name] if isinstance(name, str) else list(name)
        inits = initializer if isinstance(initializer, (list, tuple)) else [initializer] * len(names)
        if len(inits) != len(names):
            raise ValueError(f"{type(self).__name__}.add_optimizer_variables: got {len(names)} names but "
                             f"{len(inits)} initializers. Received: name={name!r}, initializer={initializer!r}")
        out = tuple([] for _ in names)
        for variable in trainable_variables:
            for slots, slot_name, init in zip(out, names, inits):
                if getattr(variable, "overwrite_with_gradient", False):
                    slots.append(None)
                else:
                    slots.append(self.add_variable_from_reference(variable, slot_name, initializer=init))
        return out[0] if isinstance(name, str) else out

    def _get_variable_index(self, variable):
        return self._variable_index[id(variable)]

    # -- applying -------------------------------------------------------------------
    def apply_gradients(self, grads_and_vars):
        """Applies ``[(gradient, variable), ...]``; returns ``iterations``.

        Example:
            >>> v = lamina.Variable([1.0, 2.0])
            >>> opt = lamina.optimizers.SGD(learning_rate=0.1)
            >>> int(opt.apply_gradients([(ops.convert_to_tensor([1.0, -1.0]), v)]).numpy())
            1
            >>> np.round(ops.convert_to_numpy(v), 3).tolist()
            [0.9, 2.1]
        """
        grads, variables = zip(*grads_and_vars)
        self.apply(list(grads), list(variables))
        return self._iterations

    def apply(self, grads, trainable_variables=None):
        """Updates ``trainable_variables`` (or the variables it was built with) from ``grads``.

        Args:
            grads: gradients, one per variable (``None`` entries are skipped).
            trainable_variables: the variables; builds the optimizer on first use.
        """
        grads = list(grads)
        if not grads:
            return
        if trainable_variables is None:
            if not self.built:
                raise ValueError(f"{type(self).__name__}.apply: called with gradients only, but the optimizer "
                                 "is not built. Pass `trainable_variables` or call `build(variables)` first.")
            if len(grads) != len(self._trainable_variables):
                raise ValueError(f"{type(self).__name__}.apply: received {len(grads)} gradients, but the "
                                 f"optimizer was built for {len(self._trainable_variables)} variables.")
            variables = list(self._trainable_variables)
        else:
            variables = list(trainable_variables)
            if not self.built:
                with backend.name_scope(self.name, caller=self):
                    self.build(variables)
            unknown = [v.path for v in variables if id(v) not in self._variable_index]
            if unknown:
                raise ValueError(f"{type(self).__name__}.apply: unknown variables {unknown}. An optimizer only "
                                 "updates the variables it was built with; create a new optimizer for others.")
        with backend.optimizer.update_scope(), backend.name_scope(self.name, caller=self):
            grads, variables = self._filter_empty_gradients(grads, variables)
            grads, variables = self._overwrite_with_gradients(grads, variables)
            if grads:
                if self.loss_scale_factor is not None:
                    grads = [g / self.loss_scale_factor for g in grads]
                self._apply_updates(grads, variables)
                for variable in variables:
                    constraint = getattr(variable, "constraint", None)
                    if constraint is not None:
                        variable.assign(constraint(variable.value))
            self._iterations.assign(self._iterations.value + 1)

    def _filter_empty_gradients(self, grads, variables):
        kept = [(g, v) for g, v in zip(grads, variables) if g is not None]
        if not kept:
            raise ValueError(f"{type(self).__name__}: no gradients provided for any variable "
                             f"({[v.path for v in variables]}).")
        if len(kept) < len(grads):
            missing = [v.path for g, v in zip(grads, variables) if g is None]
            warnings.warn(f"Gradients do not exist for variables {missing} when minimizing the loss. If using "
                          "`model.compile()`, did you forget to provide a `loss` argument?", stacklevel=3)
        return [g for g, _ in kept], [v for _, v in kept]

    def _overwrite_with_gradients(self, grads, variables):
        keep_g, keep_v = [], []
        for g, v in zip(grads, variables):
            if getattr(v, "overwrite_with_gradient", False):
                v.assign(g)
            else:
                keep_g.append(g)
                keep_v.append(v)
        return keep_g, keep_v

    def _apply_updates(self, grads, variables):
        if self.gradient_accumulation_steps:
            self._accumulate_and_maybe_update(grads, variables)
        else:
            self._clipped_update(grads, variables)
        if self.use_ema:
            self._update_moving_averages()
            if self.ema_overwrite_frequency:
                overwrite = ops.equal(ops.mod(self.iterations + 1, self.ema_overwrite_frequency), 0)
                for var, average in zip(self._trainable_variables, self._model_variables_moving_average):
                    if average is not None:
                        var.assign(ops.where(overwrite, average.value, var.value))

    def _clipped_update(self, grads, variables):
        grads = self._clip_gradients(grads)
        self._apply_weight_decay(variables)
        self._update_variables(grads, variables, self.learning_rate)

    def _accumulate_and_maybe_update(self, grads, variables):
        # Branch-free, so one traced step serves both cases: the update is computed every
        # step inside an inner scope and kept only on every `steps`-th call.
        steps = self.gradient_accumulation_steps
        is_update = ops.equal(ops.mod(self._iterations.value + 1, steps), 0)
        accumulators = [self._accumulated_gradients[self._get_variable_index(v)] for v in variables]
        sums = [ops.add(g, a.value) for g, a in zip(grads, accumulators)]
        with StatelessScope() as scope:
            self._clipped_update([s / steps for s in sums], variables)
        for variable in scope.assigned_variables():
            variable.assign(ops.where(is_update, scope.get_current_value(variable), variable.value))
        for accumulator, total in zip(accumulators, sums):
            accumulator.assign(ops.where(is_update, ops.zeros_like(total), total))

    def _update_variables(self, grads, variables, learning_rate):
        fused = self._fused_arguments() if _fast_path_matches_update_step(type(self)) else None
        if fused is not None:
            kernel, slots, hyperparameters = fused
            index = [self._get_variable_index(v) for v in variables]
            slots = {key: [slot_list[i] for i in index] if slot_list else [] for key, slot_list in slots.items()}
            if backend.optimizer.fused_update(kernel, variables, grads, learning_rate, slots, **hyperparameters):
                return
        for gradient, variable in zip(grads, variables):
            self.update_step(gradient, variable, learning_rate)

    def _fused_arguments(self):
        """The backend fast-path hook: what ``backend.optimizer.fused_update`` needs, or None.

        A subclass whose ``update_step`` a backend kernel reproduces returns
        ``(kernel, slots, hyperparameters)``: the kernel's name (``"adam"``), its slot lists
        by argument name (``{"momentums": self._momentums, ...}``, one slot per built
        variable, or []), and its other keyword arguments. It is used only while the class
        that defines it also defines the ``update_step`` in effect, so a subclass that
        rewrites ``update_step`` never runs a kernel computing its parent's math.
        """
        return None

    def stateless_apply(self, optimizer_variables, grads, trainable_variables):
        """Functional ``apply``: takes and returns values, leaving the Variables untouched.

        Returns:
            ``(new_trainable_values, new_optimizer_values)``.
        """
        if not self.built:
            raise ValueError(f"{type(self).__name__}.stateless_apply: build the optimizer first with "
                             "`optimizer.build(trainable_variables)`.")
        variables = self.variables
        if len(optimizer_variables) != len(variables):
            raise ValueError(f"{type(self).__name__}.stateless_apply: expected {len(variables)} optimizer "
                             f"values (one per `optimizer.variables`). Received {len(optimizer_variables)}.")
        if len(trainable_variables) != len(self._trainable_variables):
            raise ValueError(f"{type(self).__name__}.stateless_apply: expected {len(self._trainable_variables)} "
                             f"trainable values. Received {len(trainable_variables)}.")
        mapping = list(zip(self._trainable_variables, trainable_variables)) + list(
            zip(variables, optimizer_variables))
        with StatelessScope(mapping) as scope:
            self.apply(grads)
        return ([scope.get_current_value(v) for v in self._trainable_variables],
                [scope.get_current_value(v) for v in variables])

    def scale_loss(self, loss):
        """Multiplies ``loss`` by ``loss_scale_factor`` when one is set."""
        return loss * self.loss_scale_factor if self.loss_scale_factor is not None else loss

    # -- clipping, weight decay, EMA ---------------------------------------------------
    def _clip_gradients(self, grads):
        if self.clipnorm and self.clipnorm > 0:
            return [_clipping.clip_by_norm(g, self.clipnorm) for g in grads]
        if self.global_clipnorm and self.global_clipnorm > 0:
            return _clipping.clip_by_global_norm(grads, self.global_clipnorm)
        if self.clipvalue and self.clipvalue > 0:
            return [ops.clip(g, -self.clipvalue, self.clipvalue) for g in grads]
        return grads

    def exclude_from_weight_decay(self, var_list=None, var_names=None):
        """Exempts variables from weight decay; call before the optimizer is built.

        Args:
            var_list: variables to exempt.
            var_names: substrings (regular expressions); a variable whose name contains one is exempt.

        Example:
            >>> opt = lamina.optimizers.AdamW()
            >>> opt.exclude_from_weight_decay(var_names=["bias", "gamma"])
        """
        if self.built:
            raise ValueError(f"{type(self).__name__}.exclude_from_weight_decay() can only be called before "
                             "the optimizer is built.")
        self._exclude_ids = {id(v) for v in var_list or ()}
        self._exclude_pattern = re.compile("|".join(set(var_names))) if var_names else None

    def _use_weight_decay(self, variable):
        if id(variable) in self._exclude_ids:
            return False
        return not (self._exclude_pattern is not None and self._exclude_pattern.search(variable.name))

    def _apply_weight_decay(self, variables):
        if self.weight_decay is None:
            return
        decayed = [v for v in variables if self._use_weight_decay(v)]
        if not decayed:
            return
        if backend.optimizer.fused_update("weight_decay", decayed, None, self.learning_rate,
                                          weight_decay=self.weight_decay):
            return
        for variable in decayed:
            lr = ops.cast(self.learning_rate, variable.dtype)
            variable.assign(variable.value - variable.value * ops.cast(self.weight_decay, variable.dtype) * lr)

    def _update_moving_averages(self):
        not_first = ops.not_equal(self.iterations, 0)
        for var, average in zip(self._trainable_variables, self._model_variables_moving_average):
            if average is None:
                continue
            momentum = ops.cast(not_first, var.dtype) * self.ema_momentum
            average.assign(momentum * average.value + (1 - momentum) * var.value)

    def finalize_variable_values(self, var_list):
        """At the end of training, writes the EMA into the weights (when ``use_ema``).

        Args:
            var_list: the model's trainable variables, in build order.
        """
        if self.use_ema:
            self._check_ema_length(var_list)
            for var, average in zip(var_list, self._model_variables_moving_average):
                if average is not None:
                    var.assign(average.value)

    def swap_ema_weights(self, var_list):
        """Exchanges the weights with their moving averages (call again to swap back).

        Used to evaluate with EMA weights and then resume training from the raw ones.
        """
        if not self.use_ema:
            raise ValueError(f"{type(self).__name__}.swap_ema_weights: the optimizer was created with "
                             "use_ema=False, so it keeps no moving averages.")
        self._check_ema_length(var_list)
        for var, average in zip(var_list, self._model_variables_moving_average):
            if average is not None:
                current = var.value + 0  # a copy: on torch `value` aliases the storage assign overwrites
                var.assign(average.value)
                average.assign(current)

    def _check_ema_length(self, var_list):
        if len(var_list) != len(self._model_variables_moving_average):
            raise ValueError(f"{type(self).__name__}: received {len(var_list)} variables, but the optimizer keeps "
                             f"moving averages for {len(self._model_variables_moving_average)}.")

    # -- state and config ---------------------------------------------------------------
    def set_weights(self, weights):
        """Sets every optimizer variable, in ``variables`` order."""
        if not self.built:
            raise ValueError(f"{type(self).__name__}.set_weights: the optimizer is not built yet; call "
                             "`optimizer.build(trainable_variables)` first.")
        variables = self.variables
        if len(weights) != len(variables):
            raise ValueError(f"{type(self).__name__}.set_weights: expected {len(variables)} arrays. "
                             f"Received {len(weights)}.")
        for variable, weight in zip(variables, weights):
            if tuple(variable.shape) != tuple(getattr(weight, "shape", ())):
                raise ValueError(f"{type(self).__name__}.set_weights: variable '{variable.path}' has shape "
                                 f"{variable.shape}; received a weight of shape {tuple(weight.shape)}.")
            variable.assign(weight)

    def get_weights(self):
        """The optimizer variables' values as NumPy arrays, in ``variables`` order."""
        return [v.numpy() for v in self.variables]

    def save_own_variables(self, store):
        """Writes the state into ``store`` under keys ``"0"``, ``"1"``, ... (the ``.weights.h5`` layout)."""
        for i, variable in enumerate(self.variables):
            store[str(i)] = variable.numpy()

    def load_own_variables(self, store):
        """Reads the state written by ``save_own_variables``; warns and skips on a count mismatch."""
        variables = self.variables
        if len(store.keys()) != len(variables):
            hint = " The optimizer is not built yet." if not self.built else ""
            warnings.warn(f"Skipping variable loading for optimizer '{self.name}': it has {len(variables)} "
                          f"variables but the saved one has {len(store.keys())}.{hint}", stacklevel=2)
            return
        for i, variable in enumerate(variables):
            variable.assign(store[str(i)])

    def get_config(self):
        """The constructor arguments; ``learning_rate`` is a float or a serialized schedule."""
        lr = self._learning_rate
        if isinstance(lr, learning_rate_schedule.LearningRateSchedule):
            lr = learning_rate_schedule.serialize(lr)
        elif hasattr(lr, "_is_lamina_variable"):
            lr = float(lr.numpy())
        else:
            from lamina.saving import serialization_lib

            lr = serialization_lib.serialize_keras_object(lr)
        config = {"name": self.name, "learning_rate": lr}
        config.update({key: getattr(self, key) for key in _BASE_ARGS})
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        """Creates an optimizer from ``get_config()`` output."""
        config = dict(config)
        for key in ("is_legacy_optimizer", "jit_compile"):  # tf.keras 2.11+ config keys with no meaning here
            config.pop(key, None)
        if isinstance(config.get("learning_rate"), dict):
            from lamina.saving import serialization_lib

            config["learning_rate"] = serialization_lib.deserialize_keras_object(
                config["learning_rate"], custom_objects=custom_objects)
        return cls(**config)

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name}, built={self.built}>"


@functools.cache
def _fast_path_matches_update_step(cls):
    # The class that supplies `_fused_arguments` must be the one that supplies `update_step`.
    owner = lambda name: next((c for c in cls.__mro__ if name in vars(c)), None)  # noqa: E731
    return owner("_fused_arguments") is owner("update_step")


def _is_number(x):
    return isinstance(x, numbers.Real) and not isinstance(x, bool)
