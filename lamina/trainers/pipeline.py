"""How the loop runs steps on a backend: the executor for a model's step, and the
pipeline that feeds it (device-resident rows and one compiled loop where the executor
keeps rows on the device, host batches otherwise). The executor contract is
``backend/common/step_executor.py``."""

import weakref

import numpy as np

from lamina import backend
from lamina.backend import tree
from lamina.models import host_split
from lamina.trainers import row_padding
from lamina.trainers import state as state_lib
from lamina.trainers import state_steps
from lamina.trainers import step_key
from lamina.trainers.data_adapters import unpack_x_y_sample_weight
from lamina.trainers.epoch_iterator import EpochIterator
from lamina.trainers.steps_policy import StepsPolicy


# -- executors -------------------------------------------------------------------------
def executor_class():
    """The backend's executor class (``backend.step`` loads with the backend's first use)."""
    return backend.step.StepExecutor


# Per-adapter facts the loop keeps while an adapter lives (one fit): the device-resident
# copy of its arrays, and the model it was built for.
_RESIDENT = weakref.WeakKeyDictionary()
_BUILT_FOR = weakref.WeakKeyDictionary()


def use_jit(model):
    if model.run_eagerly:
        return False
    if model.jit_compile == "auto":
        return executor_class().compiles_by_default
    return bool(model.jit_compile)


def make_executor(model, mode, row_mask=False):
    """The backend executor running ``model``'s ``mode`` step (train / test / predict).
    ``row_mask``: the step takes ``(data, row_mask)`` (batches padded to full size)."""
    if row_mask:
        step_fn = row_padding.masked_step(model, mode)
    else:
        step_fn = state_steps.stateful_step(model, mode, executor_class())
    jit = use_jit(model)
    key = step_key.structure_key(model, mode) if jit else None
    if key is not None and row_mask:
        key = (key, "row_mask")
    cache_name = mode + ("/row_mask" if row_mask else "")
    _guard_optimizer_builds(model)
    return executor_class()(step_fn, lambda: state_lib.collect_state(model), cache_key=key,
                       local_cache=model._step_cache.setdefault(cache_name, {}), jit=jit,
                       collect="stack" if mode == "predict" else "last", row_mask=row_mask,
                       training=mode == "train", user_gradients=mode == "train" and _user_train_step(model))


def _user_train_step(model):
    from lamina.trainers.trainer import Trainer

    return type(model).train_step is not Trainer.train_step


def _guard_optimizer_builds(model):
    """Makes optimizers that build lazily (inside a custom ``train_step``) create their slots
    with concrete values even when the first step is being traced."""
    for optimizer in state_lib.find_optimizers(model):
        if getattr(optimizer, "built", False) or "build" in vars(optimizer):
            continue
        original = optimizer.build

        def build(var_list, _original=original):
            with executor_class().eager_creation():
                return _original(var_list)

        optimizer.build = build


_RESIDENT_LIMIT_BYTES = 1 << 30


class _IndexedRunner:
    """Runs steps on rows of arrays kept on the device (no per-batch host copies). Like an
    executor, a runner declares ``fuses_steps`` and has ``run(n, unit, stacked)``, which is
    all that ``StepsPolicy`` uses."""

    fuses_steps = True

    def __init__(self, executor, resident):
        self.executor = executor
        self.resident = resident

    def run(self, n, idx, stacked):
        return self.executor.run_indexed(n, idx, stacked, self.resident)


class _LoopRunner(_IndexedRunner):
    """Runs ``(rows, valid)`` units: several steps through one compiled loop (any count up
    to the policy's ``max_k``, one program), or a single step through a loop-free program while the
    policy times it or has found it faster. A partial batch that is not padded runs alone."""

    def __init__(self, executor, resident):
        super().__init__(executor, resident)
        self.policy = None

    def run(self, n, unit, stacked):
        convert = self.executor.convert_batch
        if not stacked:
            return self.executor.run_indexed(n, convert(unit), False, self.resident)
        rows, valid = unit
        if n == 1 and not self.policy.loop_active:
            return self.executor.run_rows(convert(rows[0]), convert(valid[0]), self.resident)
        rows, valid = convert(_pad_unit(unit, self.policy.max_k))
        return self.executor.run_loop(n, rows, valid, self.resident)


def _is_array_adapter(adapter):
    from lamina.trainers.data_adapters.array_adapter import ArrayDataAdapter

    return isinstance(adapter, ArrayDataAdapter)


def _can_keep_resident(model, adapter, jit):
    """Whether the adapter's arrays can live on the device, batches gathered there."""
    if not (jit and _is_array_adapter(adapter)
            and executor_class().keeps_rows_on_device
            and not host_split.has_host_layers(model)):
        return False
    return sum(a.nbytes for a in tree.flatten(adapter.arrays()) if a is not None) <= _RESIDENT_LIMIT_BYTES


def make_pipeline(model, adapter, mode, steps, policy_args):
    """The executor, StepsPolicy and EpochIterator for ``adapter``: array data goes to the
    device once and batches are gathered there when the executor supports it; training and
    evaluation then run any number of steps through one compiled loop, with a partial last
    batch padded to full size where the model's rows are independent."""
    jit = use_jit(model)
    resident_ok = _can_keep_resident(model, adapter, jit)
    loop = resident_ok and mode != "predict"
    pad = loop and row_padding.can_pad(model, mode)
    executor = make_executor(model, mode, row_mask=pad)
    if not resident_ok:
        policy = StepsPolicy(model.steps_per_execution, executor, **policy_args)
        # Slicing in-memory arrays for an eager step is cheaper than handing batches over
        # from a thread; datasets and generators (and compiled steps) keep the thread.
        inline = _is_array_adapter(adapter) and executor.prefers_inline_batches
        return executor, policy, EpochIterator(adapter, steps, policy.get_k, prepare_fn(model, executor),
                                               prefetch=0 if inline else 2)
    resident = _RESIDENT.get(adapter)
    if resident is None:  # validation data is moved once per fit, not every epoch
        resident = _RESIDENT[adapter] = executor.make_resident(adapter.arrays())
    if not loop:
        runner = _IndexedRunner(executor, resident)
        policy = StepsPolicy(model.steps_per_execution, runner, **policy_args)
        prepare = lambda n, idx, stacked: executor.convert_batch(idx)  # noqa: E731
        return executor, policy, EpochIterator(adapter, steps, policy.get_k, prepare, indexed=True, prefetch=0)
    runner = _LoopRunner(executor, resident)
    policy = runner.policy = StepsPolicy(model.steps_per_execution, runner, loop=True, **policy_args)
    iterator = EpochIterator(adapter, steps, policy.get_k, None, indexed="loop", pad_rows=pad, prefetch=0)
    return executor, policy, iterator


def _pad_unit(unit, size):
    rows, valid = unit
    n = rows.shape[0]
    if n < size:
        rows = np.concatenate([rows, np.zeros((size - n, rows.shape[1]), rows.dtype)])
        valid = np.concatenate([valid, np.zeros(size - n, valid.dtype)])
    return rows, valid


def prepare_fn(model, executor):
    has_host = host_split.has_host_layers(model)

    def prepare(n, data, stacked):
        if has_host:
            x, y, sw = unpack_x_y_sample_weight(data)
            x = host_split.prepare_batch(model, x)
            data = (x,) if y is None and sw is None else ((x, y) if sw is None else (x, y, sw))
        return executor.convert(n, data, stacked)

    return prepare


def _first_batch(adapter):
    for _, data, _ in adapter.iter_units(lambda: 1, 1):
        return data
    return None


def symbolic_build(model, adapter, mode):
    """Builds the model, the compiled metrics and the optimizer before the first step, so
    compiled steps create no variables (and can be shared between models)."""
    if _BUILT_FOR.get(adapter) is model:
        return
    _BUILT_FOR[adapter] = model
    first = adapter.peek() if hasattr(adapter, "peek") else _first_batch(adapter)
    if first is None:
        return
    x, y, _ = unpack_x_y_sample_weight(first)
    try:
        if host_split.has_host_layers(model):
            x = host_split.prepare_batch(model, x)
        spec = tree.map_structure(lambda a: None if a is None else backend.KerasTensor(
            (None,) + tuple(np.shape(a))[1:], dtype=backend.standardize_dtype(np.asarray(a).dtype)), x)
        y_pred = model.compute_output_spec(spec) if model.built else model(spec)
        if mode in ("train", "test") and y is not None:
            if model._compile_loss is not None:
                model._build_output_trackers(y_pred)
            model._build_compiled_metrics(y, y_pred)
    except Exception as e:  # the first traced step builds whatever is missing
        import os
        if os.environ.get("LAMINA_DEBUG_BUILD"):
            raise e
    if mode == "train" and model.optimizer is not None and hasattr(model.optimizer, "build"):
        if not getattr(model.optimizer, "built", False) and model.trainable_variables:
            model.optimizer.build(model.trainable_variables)


class StepLogsSwitch:
    """Eager default steps skip building a logs dict every step when nothing reads it (the
    loop reads the metrics once at the end); compiled steps build them for free, and an
    overridden step (which may use what ``super().train_step`` returns) always gets them."""

    def __init__(self, model, batch_hooks, mode):
        self.model = model
        self.previous = getattr(model, "_step_logs", True)
        custom = row_padding.overridden(model, mode + "_step")
        model._step_logs = bool(batch_hooks) or executor_class().logs_are_free or custom

    def close(self):
        self.model._step_logs = self.previous
