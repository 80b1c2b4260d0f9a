"""When two models may share a compiled step: a key that provably determines the computation.

A compiled step is a trace of Python code: the layers' ``call``, the loss, the metrics and
the optimizer's update, run once with the first model's objects. Another model may reuse
that trace only if running its own Python code would have traced the same program. A
model's config says that for lamina's built-in classes, whose behaviour is a function of
their config. It does not for user code: a closure ``make(w)`` serializes as its name
whatever ``w`` holds, a custom layer's ``call`` may read an attribute missing from its
config, and a class redefined in a notebook keeps its old name.

So the key is the config (layer names stripped, so folds of a cross-validation match) plus
the *identity* of every piece of user code the step can reach:

- a model containing a layer whose class is not lamina's gets no key (its ``call`` can
  read anything; it compiles on its own);
- user functions and objects found in a built-in layer, loss, metric or optimizer
  (an activation, a regularizer, a ``Lambda``'s function, a loss closure) enter the key by
  identity, so a different closure object is a different key; the cache holds them, so an
  identity is never reused while its entry lives;
- values captured by a closure of lamina's own enter the key by value.

When the walk meets something it cannot classify, it gives up: no key, compile afresh.
"""

import json
import types

import numpy as np

from lamina.layers import _tracking

_PRIMITIVES = (str, int, float, bool, complex, type(None))
_ARRAY_BYTES_BY_VALUE = 1 << 20


class _Unkeyable(Exception):
    """The walk met something whose effect on the computation it cannot vouch for."""


class Identity:
    """Compares and hashes by object identity, holding the object so its id stays unique."""

    __slots__ = ("obj",)

    def __init__(self, obj):
        self.obj = obj

    def __eq__(self, other):
        return isinstance(other, Identity) and other.obj is self.obj

    def __hash__(self):
        return id(self.obj)

    def __repr__(self):
        return f"Identity({type(self.obj).__name__} at {id(self.obj):#x})"


def is_lamina_code(obj):
    """True for lamina's own classes, instances of them, and functions defined in lamina."""
    module = getattr(obj, "__module__", None) if isinstance(obj, (type, types.FunctionType)) \
        else getattr(type(obj), "__module__", None)
    return isinstance(module, str) and (module == "lamina" or module.startswith("lamina."))


class _Walker:
    """Collects the user code reachable from an object, and the values lamina closures hold."""

    def __init__(self):
        self.identities = []
        self.values = []
        self._seen = set()

    def user(self, obj):
        if not any(i.obj is obj for i in self.identities):
            self.identities.append(Identity(obj))

    def walk(self, obj, depth=0):
        if isinstance(obj, _PRIMITIVES):
            return
        if depth > 12:
            raise _Unkeyable("nesting too deep")
        if id(obj) in self._seen:
            return
        self._seen.add(id(obj))
        if isinstance(obj, (list, tuple, set, frozenset)):
            for item in obj:
                self.walk(item, depth + 1)
        elif isinstance(obj, dict):
            for key, item in obj.items():
                self.walk(key, depth + 1)
                self.walk(item, depth + 1)
        elif isinstance(obj, np.ndarray):
            self._array(obj)
        elif isinstance(obj, np.generic):
            return
        elif isinstance(obj, type):
            if not is_lamina_code(obj):
                self.user(obj)
        elif _is_state_or_graph(obj):
            return
        elif _is_backend_tensor(obj):
            self._array(_to_numpy(obj))
        elif isinstance(obj, (types.FunctionType, types.MethodType)):
            self._function(obj, depth)
        elif isinstance(obj, (types.BuiltinFunctionType, types.ModuleType)):
            return  # C functions and modules: fixed code
        elif _is_layer(obj):
            return  # sub-layers are walked on their own by the caller
        elif is_lamina_code(obj):
            self.walk_attributes(obj, depth)
        else:
            self.user(obj)

    def walk_attributes(self, obj, depth=0):
        # lamina's bookkeeping (graph nodes, caches, compiled steps) does not describe the
        # computation; the variables' shapes, dtypes and trainable flags are part of the
        # executor's own key.
        skip = _tracking.untracked_names(obj) if isinstance(obj, _tracking.Tracked) else ()
        for name, value in getattr(obj, "__dict__", {}).items():
            if name not in skip:
                self.walk(value, depth + 1)

    def _function(self, fn, depth):
        if isinstance(fn, types.MethodType):
            self.walk(fn.__self__, depth + 1)
            fn = fn.__func__
        if not is_lamina_code(fn):
            self.user(fn)
            return
        # A closure made by lamina (a loss wrapped around user settings): what it captured
        # decides what it computes.
        for cell in fn.__closure__ or ():
            try:
                content = cell.cell_contents
            except ValueError:  # an empty cell
                continue
            if isinstance(content, _PRIMITIVES):
                self.values.append(repr(content))
            else:
                self.walk(content, depth + 1)
        for default in fn.__defaults__ or ():
            if not isinstance(default, _PRIMITIVES):
                self.walk(default, depth + 1)

    def _array(self, arr):
        if arr.dtype.kind in "biufc" and arr.nbytes <= _ARRAY_BYTES_BY_VALUE:
            self.values.append((arr.dtype.str, arr.shape, arr.tobytes().hex()))
        else:
            self.user(arr)


def _is_backend_tensor(obj):
    from lamina import backend

    return backend.is_tensor(obj)


def _to_numpy(x):
    from lamina import backend

    return np.asarray(backend.convert_to_numpy(x))


def _is_layer(obj):
    from lamina.layers.layer import Layer

    return isinstance(obj, Layer)


def _is_state_or_graph(obj):
    from lamina.backend import KerasTensor
    from lamina.backend.common.variables import Variable
    from lamina.layers.node import Node

    return isinstance(obj, (Variable, KerasTensor, Node))


def _collect_names(config, names):
    if isinstance(config, dict):
        name = config.get("name")
        if isinstance(name, str) and name not in names:
            names[name] = len(names)
        for value in config.values():
            _collect_names(value, names)
    elif isinstance(config, (list, tuple)):
        for value in config:
            _collect_names(value, names)
    return names


def _strip_names(config, names):
    if isinstance(config, dict):
        return {k: _strip_names(v, names) for k, v in config.items()}
    if isinstance(config, (list, tuple)):
        return [_strip_names(v, names) for v in config]
    if isinstance(config, str) and config in names:
        return f"<layer {names[config]}>"
    return config


def structure_key(model, mode):
    """A hashable key such that models with equal keys trace the same ``mode`` step, or None.

    Only plain Functional and Sequential models made of lamina's layers get a key: a
    subclass may override ``train_step`` or hold extra state, and a user layer's ``call``
    may read anything.
    """
    from lamina.models.functional import Functional
    from lamina.models.sequential import Sequential

    cls = type(model)
    if cls not in (Functional, Sequential):
        return None
    layers = list(model._flatten_layers(include_self=False))
    if not all(is_lamina_code(layer) for layer in layers):
        return None
    walker = _Walker()
    try:
        for layer in layers:
            walker.walk_attributes(layer)
        walker.walk(getattr(model, "_compile_config", None) or {})
        for attr in ("optimizer", "_compile_loss", "_compile_metrics"):
            walker.walk(getattr(model, attr, None))
        raw = model.get_config()
        names = _collect_names(raw, {layer.name: i for i, layer in enumerate(model._flatten_layers())})
        config = _strip_names(raw, names)
        compile_config = _strip_names(model._compile_key_config(), names)
        text = json.dumps([cls.__name__, config, compile_config, mode], sort_keys=True, default=repr)
    except _Unkeyable:
        return None
    except Exception:
        return None
    if "object at 0x" in text:
        return None  # something printed by identity: not a structural description
    return (text, tuple(walker.values), tuple(walker.identities))
