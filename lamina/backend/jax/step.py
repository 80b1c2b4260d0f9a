"""The JAX step executor: runs a stateful step function as a pure, jitted function.

The step (``model.train_step`` and friends) is traced inside a ``StatelessScope`` that
binds every state variable (weights, optimizer slots, metric totals, seed states) to an
argument; what it assigns comes back as results. ``k`` steps run inside one call as a
``lax.scan`` over ``k`` stacked batches. Traced functions are kept in a cache keyed by the
model's structure, so a new model with the same config reuses them.
"""

import collections
import threading

import jax
import jax.numpy as jnp
import numpy as np

from lamina.backend.common import tree
from lamina.backend.common.stateless_scope import StatelessScope

SUPPORTS_FUSION = True

_SHARED = collections.OrderedDict()
_SHARED_LIMIT = 64
_lock = threading.Lock()


def clear_cache():
    """Forgets every shared compiled step (``clear_session`` calls it)."""
    with _lock:
        _SHARED.clear()


def _to_array(x):
    if x is None:
        return None
    if hasattr(x, "_is_lamina_variable"):
        return x.value
    return jnp.asarray(x)


def _convert_leaf(x):
    if x is None or isinstance(x, jax.Array):
        return x
    return jax.device_put(_host_array(x))


def _host_array(x):
    """``x`` as a NumPy array of a dtype the device takes (float64 and int64 narrowed)."""
    arr = np.asarray(x)
    if arr.dtype.kind in "USO":
        raise ValueError(
            f"The JAX backend cannot hold strings in a tensor (received an array of dtype {arr.dtype} "
            f"and shape {arr.shape}). String inputs need a preprocessing layer (TextVectorization, "
            "StringLookup, Hashing) at the start of the model.")
    if arr.dtype == np.float64:
        arr = arr.astype(np.float32)
    elif arr.dtype == np.int64:
        arr = arr.astype(np.int32)
    return arr


def convert_batch(data):
    """Moves one batch (a structure of NumPy arrays) to the device."""
    return tree.map_structure(_convert_leaf, data)


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


def _gather(resident, rows):
    return tree.map_structure(lambda a: None if a is None else _take_rows(a, rows), resident)


def _take_rows(a, rows):
    if isinstance(a, _SharedRows):
        return a.take(rows)
    return jnp.take(a, rows, axis=0)


_ZERO_COPY_BYTES = 16 << 20
_ALIGN = 64


def _resident_leaf(x):
    arr = _host_array(x)
    if arr.nbytes <= _ZERO_COPY_BYTES or jax.default_backend() != "cpu" or arr.ndim == 0:
        return jax.device_put(_pad_rows(arr))
    return _SharedRows.share(np.ascontiguousarray(arr))


@jax.tree_util.register_pytree_node_class
class _SharedRows:
    """A large host array used by the CPU device in place, without a copy.

    The CPU device shares host memory that starts on a 64-byte boundary; NumPy's buffers
    usually start 16 bytes past one. So the array is held as a flat ``body`` from the first
    aligned element on (shared, not copied) plus a copy of the few ``head`` rows the skipped
    elements belong to, and rows are gathered from whichever holds them. Copying 188 MB
    (the seed's MNIST-sized data) took longer than a training epoch's fixed work.
    """

    def __init__(self, head, body, skip, row_shape):
        self.head = head
        self.body = body
        self.skip = skip
        self.row_shape = tuple(row_shape)

    @classmethod
    def share(cls, arr):
        row_shape = arr.shape[1:]
        row_size = int(np.prod(row_shape, dtype=np.int64)) if row_shape else 1
        flat = arr.reshape(-1)
        offset = (-flat.ctypes.data) % _ALIGN
        if offset % arr.itemsize or row_size == 0:
            return jax.device_put(arr)
        skip = offset // arr.itemsize
        head_rows = -(-skip // row_size)
        return cls(jax.device_put(arr[:head_rows]), jax.device_put(flat[skip:]), skip, row_shape)

    @property
    def shape(self):
        n = (self.skip + self.body.shape[0]) // max(1, self._row_size)
        return (n,) + self.row_shape

    @property
    def dtype(self):
        return self.body.dtype

    @property
    def _row_size(self):
        return int(np.prod(self.row_shape, dtype=np.int64)) if self.row_shape else 1

    def take(self, rows):
        size = self._row_size
        head_rows = self.head.shape[0]
        starts = jnp.maximum(rows, head_rows) * size - self.skip
        body = jax.vmap(lambda s: jax.lax.dynamic_slice(self.body, (s,), (size,)))(starts)
        body = body.reshape((rows.shape[0],) + self.row_shape)
        if head_rows == 0:
            return body
        head = jnp.take(self.head, jnp.minimum(rows, head_rows - 1), axis=0)
        in_head = (rows < head_rows).reshape((-1,) + (1,) * len(self.row_shape))
        return jnp.where(in_head, head, body)

    def tree_flatten(self):
        return (self.head, self.body), (self.skip, self.row_shape)

    @classmethod
    def tree_unflatten(cls, aux, children):
        return cls(children[0], children[1], *aux)


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


def eager_creation():
    """A context in which ops run eagerly even inside a trace, so that variables created
    lazily during a traced step (optimizer slots, metrics) get concrete initial values."""
    return jax.ensure_compile_time_eval()


def _check_concrete(variables):
    for v in variables:
        if isinstance(v._value, jax.core.Tracer):
            raise RuntimeError(
                f"Variable '{v.path}' was created inside a compiled step from a traced value, so it "
                "has no concrete initial value. Create it before training (e.g. call "
                "`optimizer.build(variables)` or create the metric in `__init__`), or pass an "
                "initializer callable rather than a computed tensor.")


def _state_signature(variables):
    return tuple((v.shape, v.dtype, bool(v.trainable)) for v in variables)


class StepExecutor:
    """Runs ``step_fn(data)`` (which reads and assigns lamina Variables) on JAX.

    Args:
        step_fn: the step, e.g. ``model.train_step``.
        collect_state: callable returning every Variable the step may read or assign.
        cache_key: hashable description of the model's structure; steps with equal keys
            (and equal state shapes) share compiled functions. ``None`` keeps them private.
        local_cache: a dict owned by the model, holding its own compiled steps.
        jit: compile the step; ``False`` runs it eagerly, assigning variables in place.
        collect: ``"last"`` keeps the outputs of the last fused step (logs), ``"stack"``
            keeps every step's outputs (predictions).
        row_mask: the step takes ``(data, row_mask)``, a boolean mask of the batch's real
            rows (``run_loop`` pads partial batches to full size).
    """

    supports_fusion = True

    def __init__(self, step_fn, collect_state, cache_key=None, local_cache=None, jit=True,
                 collect="last", row_mask=False):
        self.step_fn = step_fn
        self.row_mask = row_mask
        self.collect_state = collect_state
        self.cache_key = cache_key
        self.local_cache = local_cache if local_cache is not None else {}
        self.jit = jit
        self.collect = collect
        self._compiled = None
        self._mut_vals = None
        self._ro_vals = None
        self._exposed = False

    convert = staticmethod(lambda n, data, stacked: convert_batch(data))

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

    supports_resident = True

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
        fn = _indexed(compiled, stacked, self.collect)
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

    def finish(self):
        self.sync_to_model()


def _pad_rows(a):
    """Pads the first axis to a coarse bucket, so datasets of nearby sizes (cross-validation
    folds) share one compiled step; the padding rows are never indexed."""
    n = a.shape[0]
    if n <= 64 or a.nbytes > (16 << 20):
        return a  # large arrays: a recompile costs less than copying them
    step = 1 << max(0, (n - 1).bit_length() - 4)
    target = -(-n // step) * step
    if target == n:
        return a
    return np.concatenate([a, np.zeros((target - n,) + a.shape[1:], a.dtype)])


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


def _indexed(compiled, stacked, collect):
    return compiled.indexed_fn(stacked, collect)


def _first(stacked):
    return tree.map_structure(
        lambda a: None if a is None else jax.ShapeDtypeStruct(a.shape[1:], a.dtype), stacked)


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
