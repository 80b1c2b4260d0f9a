"""The JAX step executor: runs a stateful step function as a pure, jitted function.

The step (``model.train_step`` and friends) is traced inside a ``StatelessScope`` that
binds every state variable (weights, optimizer slots, metric totals, seed states) to an
argument; what it assigns comes back as results (``step_compiled.py``). ``k`` steps run
inside one call, as a ``lax.scan`` over stacked batches or as a loop over rows of arrays
kept on the device (``step_data.py``). Traced functions are kept in a cache keyed by what
the step computes, so a new model of the same structure reuses them.
"""

import collections
import threading

import jax
import jax.numpy as jnp
import numpy as np

from lamina.backend.common import step_executor, tree
from lamina.backend.common.stateless_scope import StatelessScope
from lamina.backend.jax.step_compiled import _Compiled, _discover, _Rebound
from lamina.backend.jax.step_data import _host_array, _resident_leaf, _to_array, convert_batch

_SHARED = collections.OrderedDict()
_SHARED_LIMIT = 64
_lock = threading.Lock()


def clear_cache():
    """Forgets every shared compiled step (``clear_session`` calls it)."""
    with _lock:
        _SHARED.clear()


def _state_signature(variables):
    return tuple((v.shape, v.dtype, bool(v.trainable)) for v in variables)


def _first(stacked):
    return tree.map_structure(
        lambda a: None if a is None else jax.ShapeDtypeStruct(a.shape[1:], a.dtype), stacked)


def eager_creation():
    """A context in which ops run eagerly even inside a trace, so that variables created
    lazily during a traced step (optimizer slots, metrics) get concrete initial values."""
    return jax.ensure_compile_time_eval()


def block_until_ready(x):
    return jax.block_until_ready(x)


def make_forward(fn, variables):
    """A jitted ``fn(data)`` reading ``variables`` as arguments (for fast ``predict``);
    ``data`` is a structure of NumPy arrays, handed to the compiled call as they are."""
    variables = list(variables)

    def pure(values, data):
        with StatelessScope(list(zip(variables, values))):
            return tree.map_structure(_to_array, fn(data))

    jitted = jax.jit(pure)

    def forward(data):
        return jitted([v._value for v in variables], tree.map_structure(
            lambda a: None if a is None else _host_array(a), data))

    return forward


class StepExecutor(step_executor.StepExecutor):
    """Runs a step on JAX as a pure, jitted function of the state (see the contract in
    ``backend/common/step_executor.py`` for the arguments). ``jit=False`` runs it eagerly,
    assigning variables in place. ``training`` changes nothing on JAX."""

    compiles_by_default = True
    fuses_steps = True
    keeps_rows_on_device = True
    logs_are_free = True
    takes_state_steps = True

    convert_batch = staticmethod(convert_batch)
    eager_creation = staticmethod(eager_creation)
    make_forward = staticmethod(make_forward)
    block_until_ready = staticmethod(block_until_ready)

    def __init__(self, step_fn, collect_state, **kwargs):
        kwargs.setdefault("jit", True)
        super().__init__(step_fn, collect_state, **kwargs)
        self._compiled = None
        self._mut_vals = None
        self._ro_vals = None
        self._exposed = False

    # -- compiled functions -------------------------------------------------------
    def _get_compiled(self, data):
        if self._compiled is not None:
            return self._compiled
        state = list(self.collect_state())
        sig = _state_signature(state)
        local_key = ("local", sig)
        compiled = self.local_cache.get(local_key)
        shared_key = None
        if compiled is None and self.cache_key is not None:
            shared_key = (self.cache_key, sig)
            with _lock:
                entry = _SHARED.get(shared_key)
                if entry is not None:
                    _SHARED.move_to_end(shared_key)
            if entry is not None:
                positions = {id(v): i for i, v in enumerate(entry[1])}
                mutable = [state[positions[id(v)]] for v in entry[0].mutable]
                readonly = [state[positions[id(v)]] for v in entry[0].readonly]
                compiled = _Rebound(entry[0], mutable, readonly)
        if compiled is None:
            mutable, readonly, template, shareable = _discover(self.step_fn, self.collect_state, data)
            compiled = _Compiled(self.step_fn, mutable, readonly, template, shareable)
            if shareable and shared_key is not None:
                with _lock:
                    _SHARED[shared_key] = (compiled, state)
                    while len(_SHARED) > _SHARED_LIMIT:
                        _SHARED.popitem(last=False)
            local_key = ("local", _state_signature(list(self.collect_state())))
        self.local_cache[local_key] = compiled
        self._compiled = compiled
        return compiled

    # -- state ownership -----------------------------------------------------------
    def _load_state(self, compiled):
        if self._mut_vals is None:
            self._mut_vals = [v.value for v in compiled.mutable]
            self._ro_vals = tuple(v.value for v in compiled.readonly)
            self._exposed = True
        if self._exposed:
            # Variables may have been assigned since the last sync (callbacks, metric resets).
            for i, v in enumerate(compiled.mutable):
                # The variable keeps its buffer; the executor donates a private copy.
                self._mut_vals[i] = jax.device_put(v._value, may_alias=False)
            self._ro_vals = tuple(v._value for v in compiled.readonly)
            self._exposed = False

    def sync_to_model(self):
        """Writes the executor's current state into the model's variables."""
        if self._compiled is None or self._mut_vals is None or self._exposed:
            return
        for v, value in zip(self._compiled.mutable, self._mut_vals):
            v._direct_assign(value)
        self._exposed = True

    # -- running -------------------------------------------------------------------
    def run(self, n, data, stacked):
        """Runs ``n`` steps (``stacked``: ``data`` holds them on a leading axis)."""
        if not self.jit:
            return self._run_eager(n, data, stacked)
        compiled = self._compiled or self._get_compiled(_first(data) if stacked else data)
        self._load_state(compiled)
        if stacked:
            new, out = compiled.fused_fn(self.collect)(tuple(self._mut_vals), self._ro_vals, data)
        else:
            new, out = compiled.single(tuple(self._mut_vals), self._ro_vals, data)
        self._mut_vals = list(new)
        return out

    def make_resident(self, arrays):
        """Moves whole NumPy arrays (a structure) to the device once, for ``run_indexed``."""
        return tree.map_structure(lambda a: None if a is None else _resident_leaf(a), arrays)

    def run_indexed(self, n, idx, stacked, resident):
        """Runs ``n`` steps on the rows ``idx`` (shape ``(n, batch)`` when stacked) of ``resident``."""
        if not self.jit:
            data = tree.map_structure(lambda a: None if a is None else a[idx], resident)
            return self._run_eager(n, data, stacked)
        if self._compiled is None:
            spec = tree.map_structure(lambda a: None if a is None else jax.ShapeDtypeStruct(
                (idx.shape[-1],) + a.shape[1:], a.dtype), resident)
            self._get_compiled(spec)
        compiled = self._compiled
        self._load_state(compiled)
        fn = compiled.indexed_fn(stacked, self.collect)
        new, out = fn(tuple(self._mut_vals), self._ro_vals, resident, idx)
        self._mut_vals = list(new)
        return out

    def run_loop(self, n, idx, valid, resident):
        """Runs ``n`` steps on the rows ``idx[:n]`` (shape ``(K, batch)``) of ``resident``;
        ``valid[i]`` counts the real rows of step ``i`` (the rest are padding)."""
        compiled = self._compiled_for_rows(idx.shape[-1], resident)
        self._load_state(compiled)
        fn = compiled.loop_fn(self.row_mask)
        new, out = fn(tuple(self._mut_vals), self._ro_vals, resident, idx, valid, np.int32(n))
        self._mut_vals = list(new)
        return out

    def run_rows(self, rows, valid, resident):
        """Runs one step on the rows ``rows`` of ``resident``, ``valid`` of them real."""
        compiled = self._compiled_for_rows(rows.shape[-1], resident)
        self._load_state(compiled)
        new, out = compiled.rows_fn(self.row_mask)(tuple(self._mut_vals), self._ro_vals, resident, rows, valid)
        self._mut_vals = list(new)
        return out

    def _compiled_for_rows(self, batch, resident):
        if self._compiled is None:
            spec = tree.map_structure(lambda a: None if a is None else jax.ShapeDtypeStruct(
                (batch,) + a.shape[1:], a.dtype), resident)
            if self.row_mask:
                spec = (spec, jax.ShapeDtypeStruct((batch,), jnp.bool_))
            self._get_compiled(spec)
        return self._compiled

    def _run_eager(self, n, data, stacked):
        if not stacked:
            return tree.map_structure(_to_array, self.step_fn(data))
        outs = []
        for i in range(n):
            outs.append(tree.map_structure(_to_array, self.step_fn(tree.map_structure(
                lambda a: None if a is None else a[i], data))))
        if self.collect == "last":
            return outs[-1]
        return tree.map_structure(lambda *xs: jnp.stack(xs), *outs)
