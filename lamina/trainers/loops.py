"""The one fit / evaluate / predict loop. A backend supplies only its step executor, whose
contract (capabilities and methods) is ``backend/common/step_executor.py``; how the loop
builds and feeds it is ``pipeline.py``."""

import warnings

import numpy as np

from lamina import backend
from lamina.backend import tree
from lamina.backend.common import config
from lamina.models import host_split
from lamina.trainers import state as state_lib
from lamina.trainers import state_steps
from lamina.trainers import step_key
from lamina.trainers.data_adapters import get_data_adapter, train_validation_split, unpack_x_y_sample_weight
from lamina.trainers.data_adapters.data_utils import drop_unused_input_keys
from lamina.trainers.epoch_iterator import EpochIterator
from lamina.trainers.pipeline import (
    StepLogsSwitch,
    executor_class,
    make_executor,
    make_pipeline,
    prepare_fn,
    symbolic_build,
    use_jit,
)


# -- callbacks ---------------------------------------------------------------------------
def _callback_list(model, callbacks, verbose, epochs, steps, add_history):
    from lamina.callbacks import CallbackList

    return CallbackList(callbacks, add_history=add_history, add_progbar=verbose != 0, model=model,
                        verbose=verbose, epochs=epochs, steps=steps)


def _needs_every_batch(callback_list):
    """Whether some callback needs each batch on its own (then steps are not fused)."""
    return callback_list.needs_every_batch()


def _has_batch_hooks(callback_list):
    return callback_list.has_batch_hooks()


def _resolve_verbose(verbose):
    if verbose == "auto":
        return 1
    if verbose not in (0, 1, 2, True, False):
        raise ValueError(f"`verbose` must be 'auto', 0, 1 or 2. Received: verbose={verbose!r}")
    return int(verbose)


def _capped_epochs(epochs):
    limit = config.max_epochs()
    if limit is not None and limit < epochs:
        warnings.warn(f"fit: limiting epochs to {limit} (lamina.config.set_max_epochs). Received: epochs={epochs}",
                      stacklevel=3)
        return limit
    return epochs


def _capped_steps(steps, adapter):
    """``steps`` (None: the whole data) capped by ``lamina.config.set_max_steps_per_epoch``."""
    limit = config.max_steps_per_epoch()
    if limit is None:
        return steps
    available = steps if steps is not None else adapter.num_batches
    if available is None or limit < available:
        return limit
    return steps


def pythonify_logs(logs):
    """Logs with every value a Python float (nested dicts flattened)."""
    out = {}
    for key, value in (logs or {}).items():
        if isinstance(value, dict):
            out.update(pythonify_logs(value))
            continue
        try:
            arr = np.asarray(backend.convert_to_numpy(value))
            out[key] = float(arr) if arr.size == 1 else arr
        except (TypeError, ValueError):
            out[key] = value
    return out


# -- fit ---------------------------------------------------------------------------------
def fit(model, x=None, y=None, batch_size=None, epochs=1, verbose="auto", callbacks=None,
        validation_split=0.0, validation_data=None, shuffle=True, class_weight=None,
        sample_weight=None, initial_epoch=0, steps_per_epoch=None, validation_steps=None,
        validation_batch_size=None, validation_freq=1):
    model._assert_compiled("fit")
    model.make_train_function()
    verbose = _resolve_verbose(verbose)
    epochs = _capped_epochs(epochs)
    if validation_split and validation_data is None:
        (x, y, sample_weight), validation_data = train_validation_split((x, y, sample_weight), validation_split)
    x = _check_inputs(model, x)
    adapter = get_data_adapter(x, y, sample_weight, batch_size=batch_size, shuffle=shuffle,
                               class_weight=class_weight)
    val_adapter = None
    if validation_data is not None:
        val_adapter = _validation_adapter(validation_data, validation_batch_size or batch_size)
    steps_per_epoch = _capped_steps(steps_per_epoch, adapter)
    steps = steps_per_epoch if steps_per_epoch is not None else adapter.num_batches
    cbs = _callback_list(model, callbacks, verbose, epochs, steps, add_history=True)
    fuse_ok = not _needs_every_batch(cbs) and not host_split.has_host_layers(model)
    batch_hooks = _has_batch_hooks(cbs)
    symbolic_build(model, adapter, "train")
    executor, policy, iterator = make_pipeline(model, adapter, "train", steps_per_epoch, dict(
        allow_fusion=fuse_ok, decision_key=_decision_key(model, "train", adapter), steps_hint=steps))
    model.stop_training = False
    model._fit_executor = executor
    cbs.on_train_begin()
    if getattr(model, "_initial_epoch", None) is not None:
        initial_epoch = model._initial_epoch  # set by BackupAndRestore when resuming
    training_logs = {}
    epoch_logs = {}
    step_logs = StepLogsSwitch(model, batch_hooks, "train")
    try:
        for epoch in range(initial_epoch, epochs):
            model.reset_metrics()
            cbs.on_epoch_begin(epoch)
            logs = None
            ran = False
            for step, n, data, stacked in iterator.enumerate_epoch():
                ran = True
                last = step + n - 1
                if batch_hooks:
                    cbs.on_train_batch_begin(last)
                logs = policy.run(n, data, stacked)
                if batch_hooks:
                    if not fuse_ok:
                        executor.sync_to_model()
                        logs = pythonify_logs(logs)
                    cbs.on_train_batch_end(last, logs)
                if model.stop_training:
                    break
            executor.sync_to_model()
            if not ran:  # the data ran out
                model.stop_training = True
                break
            epoch_logs = pythonify_logs(logs if logs is not None else model.get_metrics_result())
            if val_adapter is not None and _should_validate(epoch, validation_freq):
                val_logs = _run_evaluation(model, val_adapter, validation_steps, cbs, verbose=0)
                epoch_logs.update({"val_" + k: v for k, v in val_logs.items()})
            cbs.on_epoch_end(epoch, epoch_logs)
            training_logs = epoch_logs
            if model.stop_training:
                break
    finally:
        step_logs.close()
        executor.finish()
        model._fit_executor = None
    cbs.on_train_end(logs=training_logs)
    return model.history


def _should_validate(epoch, freq):
    if isinstance(freq, int):
        return (epoch + 1) % freq == 0
    return (epoch + 1) in freq


def _validation_adapter(validation_data, batch_size):
    if isinstance(validation_data, (tuple, list)) and len(validation_data) in (2, 3) and not _is_source(validation_data[0]):
        vx, vy, vsw = unpack_x_y_sample_weight(tuple(validation_data))
        return get_data_adapter(vx, vy, vsw, batch_size=batch_size, shuffle=False)
    if isinstance(validation_data, (tuple, list)):
        raise ValueError(
            "`validation_data` must be a tuple `(x_val, y_val)` or `(x_val, y_val, val_sample_weight)`, "
            f"or a dataset. Received a {type(validation_data).__name__} of {len(validation_data)} elements.")
    return get_data_adapter(validation_data, batch_size=batch_size, shuffle=False)


def _is_source(x):
    from lamina.trainers.data_adapters import _is_dataset_source

    return _is_dataset_source(x)


def _decision_key(model, mode, adapter):
    key = step_key.structure_key(model, "any")
    if key is None:
        key = ("model", id(model))
    return (key, mode, getattr(adapter, "batch_size", None), backend.backend())


def _check_inputs(model, x):
    """``x`` with dict keys that name no input dropped (with a warning, as Keras does); clear
    errors for missing input names and strings fed to numeric inputs."""
    names = getattr(model, "input_names", None)
    inputs = getattr(model, "_input_tensors", None)
    if not names or inputs is None:
        return x
    if isinstance(x, dict):
        expected = list(model._inputs_struct.keys()) if isinstance(getattr(model, "_inputs_struct", None), dict) else names
        unknown = sorted(set(x) - set(expected))
        missing = [n for n in expected if n not in x]
        if missing:
            raise ValueError(
                f"Model '{model.name}' expects inputs named {expected}. Received keys {sorted(x)} "
                f"(unknown: {unknown}, missing: {missing}).")
        x = drop_unused_input_keys(x, expected, model.name)
        flat = [(n, x[n], t) for n, t in zip(expected, inputs)] if len(expected) == len(inputs) else []
    elif isinstance(x, (list, tuple)) and len(inputs) > 1:
        if len(x) != len(inputs):
            raise ValueError(
                f"Model '{model.name}' expects {len(inputs)} inputs {names}, but received a list of {len(x)} arrays.")
        flat = list(zip(names, x, inputs))
    elif isinstance(x, np.ndarray) and len(inputs) == 1:
        flat = [(names[0], x, inputs[0])]
    else:
        flat = []
    if host_split.has_host_layers(model):
        return x
    for name, value, tensor in flat:
        if not isinstance(value, np.ndarray):
            continue
        if value.dtype.kind in "USO" and tensor.dtype != "string":
            raise ValueError(
                f"Model '{model.name}': input '{name}' expects dtype {tensor.dtype}, but received an array "
                f"of dtype {value.dtype} (strings). Convert the data to numbers, or put a string "
                "preprocessing layer (TextVectorization, StringLookup) at the start of the model.")
        shape = tuple(tensor.shape)[1:]
        got = tuple(value.shape)[1:]
        if len(shape) != len(got) or any(e is not None and e != g for e, g in zip(shape, got)):
            raise ValueError(
                f"Model '{model.name}': input '{name}' expects arrays of shape {(None,) + shape}, "
                f"but received an array of shape {tuple(value.shape)}.")
    return x


# -- evaluate ----------------------------------------------------------------------------
def _run_evaluation(model, adapter, steps, cbs, verbose):
    steps = _capped_steps(steps, adapter)
    symbolic_build(model, adapter, "test")
    test_fuse = not _needs_every_batch(cbs) and not host_split.has_host_layers(model)
    hooks = _has_batch_hooks(cbs)
    executor, policy, iterator = make_pipeline(model, adapter, "test", steps, dict(
        allow_fusion=test_fuse, decision_key=_decision_key(model, "test", adapter),
        steps_hint=steps or adapter.num_batches))
    model.reset_metrics()
    cbs.on_test_begin()
    logs = None
    step_logs = StepLogsSwitch(model, hooks, "test")
    try:
        for step, n, data, stacked in iterator.enumerate_epoch():
            last = step + n - 1
            if hooks:
                cbs.on_test_batch_begin(last)
            logs = policy.run(n, data, stacked)
            if hooks:
                if not test_fuse:
                    executor.sync_to_model()
                    logs = pythonify_logs(logs)
                cbs.on_test_batch_end(last, logs)
    finally:
        step_logs.close()
        executor.finish()
    logs = pythonify_logs(logs if logs is not None else model.get_metrics_result())
    cbs.on_test_end(logs)
    return logs


def evaluate(model, x=None, y=None, batch_size=None, verbose="auto", sample_weight=None, steps=None,
             callbacks=None, return_dict=False):
    model._assert_compiled("evaluate")
    model.make_test_function()
    verbose = _resolve_verbose(verbose)
    x = _check_inputs(model, x)
    adapter = get_data_adapter(x, y, sample_weight, batch_size=batch_size, shuffle=False)
    steps = _capped_steps(steps, adapter)
    n = steps if steps is not None else adapter.num_batches
    cbs = _callback_list(model, callbacks, verbose, 1, n, add_history=False)
    logs = _run_evaluation(model, adapter, steps, cbs, verbose)
    return format_results(model, logs, return_dict)


def format_results(model, logs, return_dict):
    if return_dict:
        return dict(logs)
    names = [n for n in model.metrics_names if n in logs]
    names += [k for k in logs if k not in names]
    values = [logs[k] for k in names]
    return values[0] if len(values) == 1 else values


# -- predict -----------------------------------------------------------------------------
def _fast_forward(model):
    cache = model._step_cache.setdefault("predict_fast", {})
    fn = cache.get("fn")
    if fn is None:
        variables = state_lib.collect_state(model) if use_jit(model) else []
        fn = executor_class().make_forward(state_steps.stateful_step(model, "predict", executor_class()),
                                            variables)
        cache["fn"] = fn
        cache["version"] = _weights_version(model)
    return fn


def _weights_version(model):
    """Which variables the model has (recomputed only after an attribute holding a layer,
    container, variable or metric was set somewhere)."""
    from lamina.layers import _tracking

    cached = model._step_cache.get("weights_version")
    if cached is not None and cached[0] == _tracking._version[0]:
        return cached[1]
    version = tuple(id(v) for v in model.variables)
    model._step_cache["weights_version"] = (_tracking._version[0], version)
    return version


def _small_single_batch(x, batch_size):
    if isinstance(x, np.ndarray):
        return x.dtype.kind not in "USO" and x.ndim >= 1 and x.shape[0] <= (batch_size or 32)
    if isinstance(x, (list, tuple, dict)) and x:
        leaves = tree.flatten(x)
        return all(isinstance(v, np.ndarray) and v.dtype.kind not in "USO" and v.ndim >= 1 for v in leaves) and \
            len({v.shape[0] for v in leaves}) == 1 and leaves[0].shape[0] <= (batch_size or 32)
    return False


def predict(model, x, batch_size=None, verbose="auto", steps=None, callbacks=None):
    if (verbose == 0 and callbacks is None and steps is None and _small_single_batch(x, batch_size)
            and not host_split.has_host_layers(model) and model.built):
        fn = _fast_forward(model)
        if model._step_cache["predict_fast"].get("version") == _weights_version(model):
            out = fn((x,) if isinstance(x, (list, tuple)) else x)
            return tree.map_structure(backend.convert_to_numpy, out)
        model._step_cache.pop("predict_fast", None)
    verbose = _resolve_verbose(verbose)
    adapter = get_data_adapter(x, batch_size=batch_size, shuffle=False)
    steps = _capped_steps(steps, adapter)
    n = steps if steps is not None else adapter.num_batches
    cbs = _callback_list(model, callbacks, verbose, 1, n, add_history=False)
    fuse = not _needs_every_batch(cbs) and not host_split.has_host_layers(model)
    hooks = _has_batch_hooks(cbs)
    executor, policy, iterator = make_pipeline(model, adapter, "predict", steps, dict(
        allow_fusion=fuse, decision_key=_decision_key(model, "predict", adapter), steps_hint=n))
    outputs = []
    cbs.on_predict_begin()
    try:
        for step, k, data, stacked in iterator.enumerate_epoch():
            last = step + k - 1
            if hooks:
                cbs.on_predict_batch_begin(last)
            out = policy.run(k, data, stacked)
            out = tree.map_structure(backend.convert_to_numpy, out)
            if stacked:
                out = tree.map_structure(lambda a: a.reshape((-1,) + a.shape[2:]), out)
            outputs.append(out)
            if hooks:
                cbs.on_predict_batch_end(last, {"outputs": out})
    finally:
        executor.finish()
    cbs.on_predict_end()
    if not outputs:
        raise ValueError(
            "predict() received no batches: the input is empty or the dataset yielded nothing. "
            f"Received x of type {type(x).__name__}.")
    return tree.map_structure(lambda *parts: np.concatenate(parts, axis=0), *outputs)


def predict_on_batch(model, x):
    if host_split.has_host_layers(model):
        x = host_split.prepare_batch(model, x)
    executor = make_executor(model, "predict")
    data = executor_class().convert_batch((x,) if isinstance(x, (list, tuple)) else x)
    out = executor.run(1, data, False)
    executor.finish()
    return tree.map_structure(backend.convert_to_numpy, out)


class StepFunction:
    """One ``mode`` step of ``model`` (what ``make_train_function`` and friends return):
    called on a batch, or on an iterator whose next batch it takes, it runs the step
    through the backend's executor and returns the logs (or the outputs, for predict). The
    model's variables hold the new state afterwards."""

    def __init__(self, model, mode):
        self.model = model
        self.mode = mode
        self._executor = None

    def __call__(self, data):
        if hasattr(data, "__next__"):
            data = next(data)
        model = self.model
        if self.mode != "predict":
            model._assert_compiled(f"{self.mode}_function")
        x, y, sample_weight = unpack_x_y_sample_weight(data)
        if host_split.has_host_layers(model):
            x = host_split.prepare_batch(model, x)
            data = (x,) if y is None and sample_weight is None else (
                (x, y) if sample_weight is None else (x, y, sample_weight))
        if self._executor is None:
            adapter = get_data_adapter(x, y, sample_weight, batch_size=_num_rows(x), shuffle=False)
            symbolic_build(model, adapter, self.mode)
            self._executor = make_executor(model, self.mode)
        executor = self._executor
        out = executor.run(1, executor.convert_batch(data), False)
        executor.finish()
        return out


def on_batch(model, mode, x, y, sample_weight, class_weight, return_dict):
    model._assert_compiled(f"{mode}_on_batch")
    if mode == "train":
        model.make_train_function()
    else:
        model.make_test_function()
    adapter = get_data_adapter(x, y, sample_weight, batch_size=_num_rows(x), shuffle=False,
                               class_weight=class_weight)
    symbolic_build(model, adapter, mode)
    executor = make_executor(model, mode)
    if mode == "test":
        model.reset_metrics()
    logs = None
    for _, n, data, stacked in EpochIterator(adapter, None, None, prepare_fn(model, executor),
                                             prefetch=0).enumerate_epoch():
        logs = executor.run(n, data, stacked)
    executor.finish()
    return format_results(model, pythonify_logs(logs), return_dict)


def _num_rows(x):
    leaves = tree.flatten(x) if isinstance(x, (list, tuple, dict)) else [x]
    return int(np.shape(leaves[0])[0]) if leaves else 1
