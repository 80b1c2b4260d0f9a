"""Keras's JAX step contract, ``train_step(self, state, data)``, run as a stateful step.

On JAX, Keras 3 lets a subclass write its steps as pure functions of the state:

- ``train_step(state, data)``: state ``(trainable, non_trainable, optimizer, metrics)``
  variable values, returns ``(logs, state)``;
- ``test_step(state, data)``: state ``(trainable, non_trainable, metrics)``, returns
  ``(logs, state)``;
- ``predict_step(state, data)``: state ``(trainable, non_trainable)``, returns
  ``(outputs, non_trainable)``.

lamina's executors run stateful steps inside a ``StatelessScope``. So such a step is
wrapped: the wrapper reads the variables' current values (the scope's, when compiled),
calls the user's step and assigns the state it returns. The executor sees an ordinary
step, and the step runs fused in the compiled loop like any other.
"""

import inspect

_STATE_ARITY = {}


def takes_state(model, mode):
    """Whether ``model``'s ``<mode>_step`` has the ``(self, state, data)`` form (two
    required positional arguments after ``self``), decided once per class."""
    cls = type(model)
    key = (cls, mode)
    found = _STATE_ARITY.get(key)
    if found is None:
        params = list(inspect.signature(getattr(cls, mode + "_step")).parameters.values())[1:]
        required = [p for p in params if p.default is p.empty
                    and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
        found = _STATE_ARITY[key] = len(required) == 2
    return found


def state_groups(model, mode):
    """The variable lists making up the ``mode`` step's state, in Keras's order."""
    groups = [model.trainable_variables, model.non_trainable_variables]
    if mode == "train":
        groups.append(model.optimizer.variables if model.optimizer is not None else [])
    if mode in ("train", "test"):
        groups.append(model.metrics_variables)
    return groups


def stateful_step(model, mode, executor_class):
    """The ``mode`` step of ``model`` as a function of ``data`` alone that reads and assigns
    the model's variables (a ``(state, data)`` step wrapped; others returned as they are)."""
    step = getattr(model, mode + "_step")
    if not takes_state(model, mode):
        return step
    if not executor_class.takes_state_steps:
        raise TypeError(
            f"Model '{model.name}': `{mode}_step(self, state, data)` is the JAX form of a custom step "
            f"(Keras 3's JAX trainer). This backend's form is `{mode}_step(self, data)`, which reads and "
            "assigns the model's variables directly; write the step that way to run it here (that form "
            "also runs on JAX).")

    def run(data):
        groups = state_groups(model, mode)
        old = tuple([v.value for v in group] for group in groups)
        out, new = step(old, data)
        if mode == "predict":
            _assign(model, mode, [groups[1]], [old[1]], [new], ("non_trainable_variables",))
            return out
        names = ("trainable_variables", "non_trainable_variables", "optimizer_variables",
                 "metrics_variables") if mode == "train" else (
                     "trainable_variables", "non_trainable_variables", "metrics_variables")
        if not isinstance(new, (list, tuple)) or len(new) != len(groups):
            raise ValueError(
                f"Model '{model.name}': `{mode}_step(state, data)` must return `(logs, state)` with state "
                f"{_tuple_of(names)}. Received a state of type {type(new).__name__}"
                + (f" with {len(new)} entries." if isinstance(new, (list, tuple)) else "."))
        _assign(model, mode, groups, old, new, names)
        # The guide's steps return the last metric's result; the loop reports every metric.
        return out if isinstance(out, dict) else model.get_metrics_result()

    return run


def _assign(model, mode, groups, old, new, names):
    for name, variables, before, after in zip(names, groups, old, new):
        after = list(after)
        if len(after) != len(variables):
            raise ValueError(
                f"Model '{model.name}': `{mode}_step(state, data)` returned {len(after)} values for "
                f"{name}; the model has {len(variables)}.")
        for variable, previous, value in zip(variables, before, after):
            if value is not previous:  # unchanged state stays read-only in the compiled step
                variable.assign(value)


def _tuple_of(names):
    return "(" + ", ".join(names) + ")"
