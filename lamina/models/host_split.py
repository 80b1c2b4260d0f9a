"""Host preprocessing for models that take raw strings.

JAX and torch have no string tensors, so layers that read strings (TextVectorization,
StringLookup, Hashing on strings ...) run on the host in NumPy. The trainer calls
``prepare_batch(model, x)`` on each batch, on the host, before the compiled step; it runs the
model's host part and returns what the device part consumes.

The host part of a Functional model is every node whose layer runs on the host
(``layer._runs_on_host``) and whose inputs are model inputs or outputs of other host nodes.
``prepare_batch`` runs it in NumPy and returns a *prepared batch*: a flat dict
``{"__lamina_host__:<i>": array}`` holding the tensors the device part reads (the i-th boundary
tensor of the plan). A dict of arrays is a pytree for ``jax.jit`` and a plain structure for
torch. ``Functional.call`` recognises it (``prepared_values``) and runs the rest of the graph
from those values.
"""

import numpy as np

from lamina.backend import KerasTensor, name_scope, tree

PREFIX = "__lamina_host__:"


def has_host_layers(model):
    """Whether any layer of ``model`` must run on the host (``layer._runs_on_host``)."""
    cached = getattr(model, "_host_layers_flag", None)
    if cached is None:
        layers = model._flatten_layers() if hasattr(model, "_flatten_layers") else []
        cached = any(getattr(layer, "_runs_on_host", False) for layer in layers)
        try:
            object.__setattr__(model, "_host_layers_flag", cached)
        except AttributeError:
            pass
    return cached


def prepare_batch(model, x):
    """Returns ``x`` ready for the compiled part of ``model`` (unchanged when there is no host part)."""
    if not has_host_layers(model):
        return x
    return run_host_part(model, x)



class HostPlan:
    """Which nodes run on the host and which tensors cross to the device."""

    def __init__(self, model):
        input_ids = {id(t) for t in model._input_tensors}
        host_made = set(input_ids)
        self.host_nodes = []
        for node in model._nodes:
            if node.is_input:
                continue
            layer = node.layer
            if getattr(layer, "_runs_on_host", False) and all(id(t) in host_made for t in node.input_tensors):
                self.host_nodes.append(node)
                host_made.update(id(t) for t in node.output_tensors)
            elif getattr(layer, "_runs_on_host", False) or _has_nested_host_layers(layer):
                raise ValueError(
                    f"Model '{model.name}': layer '{layer.name}' runs on the host (NumPy) but is not applied "
                    "directly to the model inputs or to other host preprocessing layers, so the model cannot "
                    "be split into a host part and a compiled part. Apply host preprocessing layers "
                    "(TextVectorization, StringLookup, Hashing, ...) right after the Inputs."
                )
        self.host_node_ids = {id(n) for n in self.host_nodes}
        needed, seen = [], set()
        consumers = [n for n in model._nodes if not n.is_input and id(n) not in self.host_node_ids]
        candidates = [t for n in consumers for t in n.input_tensors] + list(model._output_tensors)
        for t in candidates:
            if id(t) in host_made and id(t) not in seen:
                seen.add(id(t))
                needed.append(t)
        self.boundary = needed
        self.boundary_ids = {id(t): i for i, t in enumerate(needed)}


def _has_nested_host_layers(layer):
    flatten = getattr(layer, "_flatten_layers", None)
    if flatten is None:
        return False
    return any(getattr(l, "_runs_on_host", False) for l in flatten(include_self=False))


def graph_model(model):
    """The Functional graph behind ``model`` (itself, a built Sequential's graph, or None)."""
    from lamina.models.functional import Functional  # functional imports this module

    if isinstance(model, Functional):
        return model
    inner = getattr(model, "_functional", None)
    return inner if isinstance(inner, Functional) else None


def plan_of(model):
    plan = model.__dict__.get("_host_plan")
    if plan is None or plan[0] is not model._nodes:
        try:
            plan = (model._nodes, HostPlan(model))
        except ValueError as error:
            plan = (model._nodes, error)
        object.__setattr__(model, "_host_plan", plan)
    if isinstance(plan[1], ValueError):
        raise plan[1]
    return plan[1]


def _device_ready(value):
    """A host result as an array the compiled step can take (int64 narrowed where the backend does)."""
    from lamina.layers.preprocessing._host import backend_int_dtype, to_numpy

    arr = to_numpy(value)
    if arr.dtype.kind in "iu":
        return arr.astype(backend_int_dtype("int64"), copy=False)
    if arr.dtype == np.float64:
        return arr.astype(np.float32)
    return arr


def run_host_part(model, x):
    """Runs the host part of ``model`` on the raw batch ``x``; returns a prepared batch.

    Models that are not graphs (subclassed models) are returned ``x`` unchanged: their host
    layers run inside ``call``.
    """
    graph = graph_model(model)
    if graph is None:
        if hasattr(model, "_functional") and getattr(model, "_functional", None) is None and hasattr(x, "shape"):
            model._maybe_build((x,), {})
            graph = graph_model(model)
        if graph is None:
            return x
    if is_prepared(x):
        return x
    plan = plan_of(graph)
    from lamina.models.functional import _adjust_rank

    flat = graph._flatten_call_inputs(x, check=False)
    flat = [_adjust_rank(t, np.asarray(v) if isinstance(v, (list, str)) else v)
            for t, v in zip(graph._input_tensors, flat)]
    values = {}
    for tensor, value in zip(graph._input_tensors, flat):
        values[id(tensor)] = value
    for node in plan.host_nodes:
        args = tree.map_structure(lambda a: _lookup(values, a), node.call_args)
        kwargs = {k: v for k, v in node.call_kwargs.items() if k not in ("training", "mask")}
        kwargs = tree.map_structure(lambda a: _lookup(values, a), kwargs)
        layer = node.layer
        host_args = tuple(_as_numpy_structure(a) for a in args)
        with _name_scope(layer):
            layer._maybe_build(host_args, kwargs)
        outputs = layer._call_numpy(*host_args, **kwargs)
        for tensor, value in zip(node.output_tensors, tree.flatten(outputs)):
            values[id(tensor)] = value
    return {f"{PREFIX}{i}": _device_ready(values[id(t)]) for i, t in enumerate(plan.boundary)}


def prepare_eager_call(model, x):
    """``x`` with the host part already run, for a direct call of ``model`` (unchanged when the
    model's host layers do not form a part that can run first; they then run eagerly)."""
    if is_prepared(x):
        return x
    graph = graph_model(model)
    if graph is None:
        return x
    try:
        plan_of(graph)
    except ValueError:
        return x
    return run_host_part(model, x)


def _name_scope(layer):
    return name_scope(layer.name, caller=layer)


def _lookup(values, a):
    return values[id(a)] if isinstance(a, KerasTensor) else a


def _as_numpy_structure(a):
    from lamina.layers.preprocessing._host import to_numpy

    if isinstance(a, (list, tuple)):
        return type(a)(to_numpy(v) for v in a)
    return to_numpy(a)


def is_prepared(x):
    return isinstance(x, dict) and bool(x) and all(isinstance(k, str) and k.startswith(PREFIX) for k in x)


def prepared_values(model, x):
    """For a batch made by ``prepare_batch``: ``(values by tensor id, ids of host nodes to skip)``;
    ``None`` for any other input."""
    if not is_prepared(x):
        return None
    plan = plan_of(model)
    if len(x) != len(plan.boundary):
        raise ValueError(
            f"Model '{model.name}': the prepared batch has {len(x)} entries, but the model's device part reads "
            f"{len(plan.boundary)} tensors."
        )
    values = {id(t): x[f"{PREFIX}{i}"] for i, t in enumerate(plan.boundary)}
    return values, plan.host_node_ids
