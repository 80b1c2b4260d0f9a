"""Torch fast path for optimizer updates: multi-tensor (``torch._foreach_*``) kernels.

The trainer runs torch eagerly, so an optimizer written as a Python loop of small ops per
variable pays the dispatch cost of every op for every weight. These functions update a
whole list of weights with a handful of fused calls instead. They write the weights and
slots in place, so they run only outside a ``StatelessScope`` (each returns False there,
and the optimizer falls back to its ``update_step`` written in ``lamina.ops``).

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

FUSED_UPDATES = True


def update_scope():
    """The context optimizer updates run in: no autograd graph is recorded."""
    return torch.no_grad()


def _tensors(variables):
    return [v._value for v in variables]


def _grads(grads, params):
    return [g if g.dtype == p.dtype else g.to(p.dtype) for g, p in zip(grads, params)]


def _can_fuse(variables):
    return bool(variables) and not in_stateless_scope()


def _float(x):
    # Scalars (a learning-rate Variable, a schedule's value, the step count) become Python
    # numbers, the form the foreach kernels take; on CPU reading one costs about a microsecond.
    return float(x.value if hasattr(x, "_is_lamina_variable") else x)


def weight_decay_update(variables, learning_rate, weight_decay):
    """``w -= w * weight_decay * learning_rate`` for every variable; False if not fused."""
    if not _can_fuse(variables):
        return False
    with torch.no_grad():
        factor = 1.0 - _float(weight_decay) * _float(learning_rate)
        torch._foreach_mul_(_tensors(variables), factor)
    return True


def sgd_update(variables, grads, momentums, learning_rate, momentum, nesterov):
    """SGD with optional (Nesterov) momentum, in place; ``momentums`` may be empty."""
    if not _can_fuse(variables):
        return False
    learning_rate = _float(learning_rate)
    with torch.no_grad():
        params = _tensors(variables)
        grads = _grads(grads, params)
        if not momentums:
            torch._foreach_add_(params, grads, alpha=-learning_rate)
            return True
        m = _tensors(momentums)
        torch._foreach_mul_(m, momentum)
        torch._foreach_add_(m, grads, alpha=-learning_rate)
        if nesterov:
            torch._foreach_add_(params, m, alpha=momentum)
            torch._foreach_add_(params, grads, alpha=-learning_rate)
        else:
            torch._foreach_add_(params, m)
    return True


def rmsprop_update(variables, grads, velocities, momentums, average_gradients, learning_rate, rho, momentum,
                   epsilon, centered):
    """RMSprop (optionally centered, with momentum), in place."""
    if not _can_fuse(variables):
        return False
    learning_rate = _float(learning_rate)
    with torch.no_grad():
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
    return True


def adam_update(variables, grads, momentums, velocities, velocity_hats, learning_rate, beta_1, beta_2, epsilon,
                iterations):
    """Adam (AMSGrad when ``velocity_hats`` is non-empty) after ``iterations`` earlier steps, in place."""
    if not _can_fuse(variables):
        return False
    step = _float(iterations) + 1.0
    learning_rate = _float(learning_rate)
    with torch.no_grad():
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
    return True
