"""Torch fast path for optimizer updates: multi-tensor (``torch._foreach_*``) kernels.

The trainer runs torch eagerly, so an optimizer written as a Python loop of small ops per
variable pays the dispatch cost of every op for every weight. The kernels below update a
whole list of weights with a handful of fused calls instead.

They are reached through one hook, ``fused_update(kernel, ...)``, which the base optimizer
calls (``Optimizer._fused_arguments`` names the kernel). Each kernel computes exactly what
its optimizer's ``update_step`` computes (the generic definition, in ``lamina/optimizers/``);
``tests/optimizers/test_behaviour.py::test_backend_fast_path_matches_update_step`` holds
each one to that definition and to Keras 3. The kernels write weights and slots in place,
so the hook declines (returns False) inside a ``StatelessScope``, and the optimizer runs its
``update_step`` written in ``lamina.ops``.

Flush-to-zero: after a few hundred Adam/RMSprop steps most of the second-moment slots
become subnormal floats, and x86 CPUs compute on subnormals tens of times slower (XLA
flushes them already; flushing measured 1.56x faster on the seed's MLP, perf-baseline
lesson 4). Values below ~1e-38 become 0, which no optimizer here can tell apart from a
subnormal. The switch is global, so it has one owner: the torch step executor
(``lamina/backend/torch/step.py``) turns it on for training and off when ``fit`` ends.
This module does not touch it, or the two would leave it in an order-dependent state.
"""

import torch

from lamina.backend.common.stateless_scope import in_stateless_scope


def update_scope():
    """The context optimizer updates run in: no autograd graph is recorded."""
    return torch.no_grad()


def _tensors(variables):
    return [v._value for v in variables]


def _grads(grads, params):
    return [g if g.dtype == p.dtype else g.to(p.dtype) for g, p in zip(grads, params)]


def _float(x):
    # Scalars (a learning-rate Variable, a schedule's value, the step count) become Python
    # numbers, the form the foreach kernels take; on CPU reading one costs about a microsecond.
    return float(x.value if hasattr(x, "_is_lamina_variable") else x)


def _weight_decay(variables, grads, learning_rate, weight_decay):
    """``w -= w * weight_decay * learning_rate`` for every variable (``grads`` is unused)."""
    factor = 1.0 - _float(weight_decay) * _float(learning_rate)
    torch._foreach_mul_(_tensors(variables), factor)


def _sgd(variables, grads, learning_rate, momentums, momentum, nesterov):
    """``SGD.update_step``: optional (Nesterov) momentum; ``momentums`` may be empty."""
    learning_rate = _float(learning_rate)
    params = _tensors(variables)
    grads = _grads(grads, params)
    if not momentums:
        torch._foreach_add_(params, grads, alpha=-learning_rate)
        return
    m = _tensors(momentums)
    torch._foreach_mul_(m, momentum)
    torch._foreach_add_(m, grads, alpha=-learning_rate)
    if nesterov:
        torch._foreach_add_(params, m, alpha=momentum)
        torch._foreach_add_(params, grads, alpha=-learning_rate)
    else:
        torch._foreach_add_(params, m)


def _rmsprop(variables, grads, learning_rate, velocities, momentums, average_gradients, rho, momentum, epsilon,
             centered):
    """``RMSprop.update_step``: optionally centered, with momentum."""
    learning_rate = _float(learning_rate)
    params = _tensors(variables)
    grads = _grads(grads, params)
    vel = _tensors(velocities)
    torch._foreach_mul_(vel, rho)
    torch._foreach_addcmul_(vel, grads, grads, value=1.0 - rho)
    if centered:
        avg = _tensors(average_gradients)
        torch._foreach_lerp_(avg, grads, 1.0 - rho)
        denom = torch._foreach_sub(vel, torch._foreach_mul(avg, avg))
        torch._foreach_add_(denom, epsilon)
    else:
        denom = torch._foreach_add(vel, epsilon)
    torch._foreach_sqrt_(denom)
    if momentum > 0:
        mom = _tensors(momentums)
        torch._foreach_mul_(mom, momentum)
        torch._foreach_addcdiv_(mom, grads, denom, value=learning_rate)
        torch._foreach_sub_(params, mom)
    else:
        torch._foreach_addcdiv_(params, grads, denom, value=-learning_rate)


def _adam(variables, grads, learning_rate, momentums, velocities, velocity_hats, beta_1, beta_2, epsilon,
          iterations):
    """``Adam.update_step`` (AMSGrad when ``velocity_hats`` is non-empty) after ``iterations`` earlier steps."""
    step = _float(iterations) + 1.0
    learning_rate = _float(learning_rate)
    params = _tensors(variables)
    grads = _grads(grads, params)
    m, v = _tensors(momentums), _tensors(velocities)
    alpha = learning_rate * (1.0 - beta_2**step) ** 0.5 / (1.0 - beta_1**step)
    torch._foreach_lerp_(m, grads, 1.0 - beta_1)
    torch._foreach_lerp_(v, torch._foreach_mul(grads, grads), 1.0 - beta_2)
    if velocity_hats:
        v_hat = _tensors(velocity_hats)
        torch._foreach_maximum_(v_hat, v)
        v = v_hat
    denom = torch._foreach_sqrt(v)
    torch._foreach_add_(denom, epsilon)
    torch._foreach_addcdiv_(params, m, denom, value=-alpha)


_KERNELS = {"weight_decay": _weight_decay, "sgd": _sgd, "rmsprop": _rmsprop, "adam": _adam}


def fused_update(kernel, variables, grads, learning_rate, slots=None, **hyperparameters):
    """The optimizer fast-path hook: runs the kernel named ``kernel`` on all ``variables`` at once.

    Args:
        kernel: ``"weight_decay"``, ``"sgd"``, ``"rmsprop"`` or ``"adam"`` (what an optimizer's
            ``_fused_arguments`` names).
        variables: the weights to update in place.
        grads: their gradients (None for ``"weight_decay"``).
        learning_rate: a number, a scalar tensor or a Variable.
        slots: the kernel's slot lists (``{"momentums": [...], ...}``), one slot per variable or [].
        **hyperparameters: the kernel's other arguments (``beta_1``, ``momentum``...).

    Returns:
        True when the update was made; False (nothing changed) for an unknown kernel, no
        variables, or inside a ``StatelessScope``.
    """
    fn = _KERNELS.get(kernel)
    if fn is None or not variables or in_stateless_scope():
        return False
    with torch.no_grad():
        fn(variables, grads, learning_rate, **(slots or {}), **hyperparameters)
    return True
