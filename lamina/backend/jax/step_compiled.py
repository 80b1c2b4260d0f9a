"""A step traced once as pure JAX functions, for each way the executor runs it.

``_Compiled`` holds the traced programs of one step function: a single step, ``k``
stacked steps in a ``lax.scan``, steps that gather rows of device-resident arrays, and a
loop whose trip count is an argument. ``_Rebound`` lends them to another model of the same
structure (``trainers/step_key.py`` decides when that is sound).
"""

import jax
import jax.numpy as jnp

from lamina.backend.common import tree
from lamina.backend.common.stateless_scope import StatelessScope
from lamina.backend.jax.step_data import _gather, _to_array


class _Compiled:
    """The traced functions and state layout for one step function."""

    def __init__(self, step_fn, mutable, readonly, template, shareable):
        self.step_fn = step_fn
        self.mutable = mutable
        self.readonly = readonly
        self.template = template  # ShapeDtypeStructs of the logs of one step
        self.shareable = shareable
        self.single = jax.jit(self._single, donate_argnums=(0,))
        self.fused = {}

    def _single(self, mut_vals, ro_vals, data):
        pairs = list(zip(self.mutable, mut_vals)) + list(zip(self.readonly, ro_vals))
        with StatelessScope(pairs) as scope:
            out = self.step_fn(data)
        mut_ids = {id(v) for v in self.mutable}
        stray = [v.path for v in scope.assigned_variables() if id(v) not in mut_ids]
        if stray:
            raise RuntimeError(
                f"The step assigned variables {stray} that were read-only when it was first traced. "
                "A step must assign the same variables on every call.")
        new = tuple(jnp.asarray(scope.get_current_value(v), dtype=m.dtype)
                    for v, m in zip(self.mutable, mut_vals))
        return new, tree.map_structure(_to_array, out)

    def indexed_fn(self, stacked, collect):
        """Steps that gather their batch from device-resident arrays by row indices."""
        key = ("indexed", stacked, collect)
        fn = self.fused.get(key)
        if fn is None:
            if not stacked:
                def run(mut_vals, ro_vals, resident, idx):
                    return self._single(mut_vals, ro_vals, _gather(resident, idx))
            else:
                inner = self._fused_body(collect)

                def run(mut_vals, ro_vals, resident, idx):
                    return inner(mut_vals, ro_vals, idx, lambda i: _gather(resident, i))
            fn = self.fused[key] = jax.jit(run, donate_argnums=(0,))
        return fn

    def _fused_body(self, collect):
        def run(mut_vals, ro_vals, xs, load):
            if collect == "last":
                zeros = tree.map_structure(
                    lambda s: None if s is None else jnp.zeros(s.shape, s.dtype), self.template)

                def body(carry, x):
                    new, out = self._single(carry[0], ro_vals, load(x))
                    return (new, out), None

                (new, out), _ = jax.lax.scan(body, (tuple(mut_vals), zeros), xs)
                return new, out

            def body(carry, x):
                return self._single(carry, ro_vals, load(x))

            return jax.lax.scan(body, tuple(mut_vals), xs)
        return run

    def loop_fn(self, masked):
        """Up to ``K`` steps in one call on rows of device-resident arrays. The trip count is
        an argument, so any number of steps up to ``K`` runs the same compiled program.
        ``masked`` steps also receive a row mask (``row < valid[i]``) for padded batches."""
        key = ("loop", masked)
        fn = self.fused.get(key)
        if fn is None:
            def run(mut_vals, ro_vals, resident, idx, valid, n):
                zeros = tree.map_structure(
                    lambda s: None if s is None else jnp.zeros(s.shape, s.dtype), self.template)

                def body(i, carry):
                    rows = idx[i]
                    data = _gather(resident, rows)
                    if masked:
                        data = (data, jnp.arange(rows.shape[0]) < valid[i])
                    return self._single(carry[0], ro_vals, data)

                return jax.lax.fori_loop(0, n, body, (tuple(mut_vals), zeros))
            fn = self.fused[key] = jax.jit(run, donate_argnums=(0,))
        return fn

    def rows_fn(self, masked):
        """One step on rows of device-resident arrays, outside any loop (XLA's CPU
        convolutions run many times slower inside a loop); ``masked`` as in ``loop_fn``."""
        key = ("rows", masked)
        fn = self.fused.get(key)
        if fn is None:
            def run(mut_vals, ro_vals, resident, rows, valid):
                data = _gather(resident, rows)
                if masked:
                    data = (data, jnp.arange(rows.shape[0]) < valid)
                return self._single(mut_vals, ro_vals, data)
            fn = self.fused[key] = jax.jit(run, donate_argnums=(0,))
        return fn

    def fused_fn(self, collect):
        fn = self.fused.get(collect)
        if fn is None:
            body = self._fused_body(collect)

            def run(mut_vals, ro_vals, stacked):
                return body(mut_vals, ro_vals, stacked, lambda data: data)

            fn = self.fused[collect] = jax.jit(run, donate_argnums=(0,))
        return fn


class _Rebound:
    """A shared compiled step used with another model's variables (same structure)."""

    def __init__(self, compiled, mutable, readonly):
        self._compiled = compiled
        self.mutable = mutable
        self.readonly = readonly
        self.single = compiled.single
        self.shareable = True

    def fused_fn(self, collect):
        return self._compiled.fused_fn(collect)

    def indexed_fn(self, stacked, collect):
        return self._compiled.indexed_fn(stacked, collect)

    def loop_fn(self, masked):
        return self._compiled.loop_fn(masked)

    def rows_fn(self, masked):
        return self._compiled.rows_fn(masked)


def _discover(step_fn, collect_state, data):
    """Traces the step abstractly to learn which variables it assigns (and creates)."""
    state = list(collect_state())
    created = False
    info = {}
    for _ in range(5):
        def probe(values, batch):
            with StatelessScope(list(zip(state, values))) as scope:
                out = step_fn(batch)
            info["assigned"] = scope.assigned_variables()
            return tree.map_structure(_to_array, out)

        template = jax.eval_shape(probe, [v.value for v in state], data)
        ids = {id(v) for v in state}
        new = [v for v in collect_state() if id(v) not in ids]
        new += [v for v in info["assigned"] if id(v) not in ids and all(v is not n for n in new)]
        if not new:
            break
        _check_concrete(new)
        created = True
        state = state + new
    assigned = {id(v) for v in info["assigned"]}
    mutable = [v for v in state if id(v) in assigned]
    readonly = [v for v in state if id(v) not in assigned]
    return mutable, readonly, template, not created


def _check_concrete(variables):
    for v in variables:
        if isinstance(v._value, jax.core.Tracer):
            raise RuntimeError(
                f"Variable '{v.path}' was created inside a compiled step from a traced value, so it "
                "has no concrete initial value. Create it before training (e.g. call "
                "`optimizer.build(variables)` or create the metric in `__init__`), or pass an "
                "initializer callable rather than a computed tensor.")

