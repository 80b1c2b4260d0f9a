"""JAX side of the optimizer fast path.

JAX jits the whole training step, so XLA already fuses the per-variable updates that
``lamina.ops`` emits; a hand-written multi-tensor kernel buys nothing. ``FUSED_UPDATES``
is therefore False and optimizers use their ``update_step``. The functions below carry the
same names and contract as the torch ones (so both backends can be checked against each
other); here they are plain loops that write through ``Variable.assign`` and so also work
inside a ``StatelessScope``.
"""

import contextlib

import jax.numpy as jnp

FUSED_UPDATES = False


def update_scope():
    """The context optimizer updates run in (nothing is needed on JAX)."""
    return contextlib.nullcontext()


def _value(x):
    return x.value if hasattr(x, "_is_lamina_variable") else x


def _grads(grads, variables):
    return [jnp.asarray(g, dtype=v.dtype) for g, v in zip(grads, variables)]


def weight_decay_update(variables, learning_rate, weight_decay):
    """``w -= w * weight_decay * learning_rate`` for every variable."""
    factor = 1.0 - _value(weight_decay) * _value(learning_rate)
    for v in variables:
        v.assign(v.value * factor)
    return True


def sgd_update(variables, grads, momentums, learning_rate, momentum, nesterov):
    """SGD with optional (Nesterov) momentum; ``momentums`` may be empty."""
    learning_rate = _value(learning_rate)
    for i, (var, g) in enumerate(zip(variables, _grads(grads, variables))):
        if not momentums:
            var.assign(var.value - learning_rate * g)
            continue
        m = momentums[i]
        m.assign(m.value * momentum - learning_rate * g)
        step = m.value * momentum - learning_rate * g if nesterov else m.value
        var.assign(var.value + step)
    return True


def rmsprop_update(variables, grads, velocities, momentums, average_gradients, learning_rate, rho, momentum,
                   epsilon, centered):
    """RMSprop (optionally centered, with momentum)."""
    learning_rate = _value(learning_rate)
    for i, (var, g) in enumerate(zip(variables, _grads(grads, variables))):
        vel = velocities[i]
        vel.assign(rho * vel.value + (1.0 - rho) * g * g)
        if centered:
            avg = average_gradients[i]
            avg.assign(rho * avg.value + (1.0 - rho) * g)
            denom = vel.value - avg.value**2 + epsilon
        else:
            denom = vel.value + epsilon
        increment = learning_rate * g / jnp.sqrt(denom)
        if momentum > 0:
            mom = momentums[i]
            mom.assign(momentum * mom.value + increment)
            increment = mom.value
        var.assign(var.value - increment)
    return True


def adam_update(variables, grads, momentums, velocities, velocity_hats, learning_rate, beta_1, beta_2, epsilon,
                iterations):
    """Adam (AMSGrad when ``velocity_hats`` is non-empty) after ``iterations`` earlier steps."""
    step = jnp.asarray(_value(iterations), jnp.float32) + 1.0
    learning_rate = _value(learning_rate)
    alpha = learning_rate * (1.0 - beta_2**step) ** 0.5 / (1.0 - beta_1**step)
    for i, (var, g) in enumerate(zip(variables, _grads(grads, variables))):
        m, v = momentums[i], velocities[i]
        m.assign(m.value + (g - m.value) * (1.0 - beta_1))
        v.assign(v.value + (g * g - v.value) * (1.0 - beta_2))
        second = v.value
        if velocity_hats:
            velocity_hats[i].assign(jnp.maximum(velocity_hats[i].value, second))
            second = velocity_hats[i].value
        var.assign(var.value - alpha * m.value / (jnp.sqrt(second) + epsilon))
    return True
