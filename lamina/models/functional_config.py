"""Functional models to and from Keras 3's config layout (layers with inbound nodes)."""

from lamina.backend import KerasTensor, tree
from lamina.saving.serialization_lib import deserialize_keras_object, serialize_keras_object


def _tensor_ref(tensor, node_ids):
    layer, node_index, tensor_index = tensor._keras_history
    return [layer.name, node_ids.get((id(layer), node_index), node_index), tensor_index]


def functional_get_config(model):
    # Node indices are renumbered to count only the nodes that belong to this model.
    node_ids = {}
    kept = {id(n) for n in model._nodes}
    for layer in model.layers:
        count = 0
        for i, node in enumerate(layer._inbound_nodes):
            if id(node) in kept or node.is_input:
                node_ids[(id(layer), i)] = count
                count += 1

    def serialize_arg(x):
        if isinstance(x, KerasTensor):
            return {"class_name": "__keras_tensor__",
                    "config": {"shape": list(x.shape), "dtype": x.dtype, "keras_history": _tensor_ref(x, node_ids)}}
        return serialize_keras_object(x)

    layer_configs = []
    for layer in model.layers:
        entry = serialize_keras_object(layer)
        entry["name"] = layer.name
        nodes = []
        for node in layer._inbound_nodes:
            if id(node) not in kept:
                continue
            args = tree.map_structure(serialize_arg, list(node.call_args))
            kwargs = {k: tree.map_structure(serialize_arg, v) for k, v in node.call_kwargs.items()}
            nodes.append({"args": args, "kwargs": kwargs})
        entry["inbound_nodes"] = nodes
        layer_configs.append(entry)

    def refs(struct):
        if isinstance(struct, dict):
            return {k: refs(v) for k, v in struct.items()}
        if isinstance(struct, (list, tuple)):
            return [refs(v) for v in struct]
        return _tensor_ref(struct, node_ids)

    return {"name": model.name, "trainable": model.trainable, "layers": layer_configs,
            "input_layers": refs(model._inputs_struct), "output_layers": refs(model._outputs_struct)}


def functional_from_config(cls, config, custom_objects=None):
    from lamina.layers.core.input_layer import InputLayer

    layers = {}
    pending = []
    for entry in config["layers"]:
        layer = deserialize_keras_object(entry, custom_objects=custom_objects)
        layers[entry.get("name", layer.name)] = layer
        pending.append((layer, list(entry.get("inbound_nodes", []))))
    outputs_by_node = {}
    for name, layer in layers.items():
        if isinstance(layer, InputLayer):
            outputs_by_node[(name, 0)] = [layer.output]

    def resolve(x):
        if isinstance(x, dict) and x.get("class_name") == "__keras_tensor__":
            name, node_index, tensor_index = x["config"]["keras_history"]
            return outputs_by_node[(name, node_index)][tensor_index]
        if isinstance(x, list) and len(x) in (3, 4) and isinstance(x[0], str) and isinstance(x[1], int):
            return outputs_by_node[(x[0], x[1])][x[2]]
        if isinstance(x, dict):
            return {k: resolve(v) for k, v in x.items()}
        if isinstance(x, list):
            return [resolve(v) for v in x]
        return x

    def ready(x):
        try:
            resolve(x)
            return True
        except KeyError:
            return False

    progress = True
    while progress and any(nodes for _, nodes in pending):
        progress = False
        for layer, nodes in pending:
            while nodes and not isinstance(layer, InputLayer):
                node = nodes[0]
                if isinstance(node, list):  # legacy Keras 2 form: [[name, node, tensor, kwargs], ...]
                    args_spec = [[n[0], n[1], n[2]] for n in node]
                    kwargs_spec = node[0][3] if node and len(node[0]) > 3 else {}
                    args_spec = [args_spec[0] if len(args_spec) == 1 else args_spec]
                else:
                    args_spec, kwargs_spec = node.get("args", []), node.get("kwargs", {})
                if not (ready(args_spec) and ready(kwargs_spec)):
                    break
                args = resolve(args_spec)
                kwargs = resolve(kwargs_spec)
                out = layer(*args, **kwargs)
                index = sum(1 for k in outputs_by_node if k[0] == layer.name)
                outputs_by_node[(layer.name, index)] = tree.flatten(out)
                nodes.pop(0)
                progress = True
            if isinstance(layer, InputLayer):
                nodes.clear()
    if any(nodes for _, nodes in pending):
        stuck = [layer.name for layer, nodes in pending if nodes]
        raise ValueError(f"Could not rebuild the Functional model: layers {stuck} have unresolvable inputs.")

    def outputs_of(refs):
        if isinstance(refs, dict):
            return {k: outputs_of(v) for k, v in refs.items()}
        if isinstance(refs, list) and refs and isinstance(refs[0], str):
            return outputs_by_node[(refs[0], refs[1])][refs[2]]
        return [outputs_of(r) for r in refs]

    inputs = outputs_of(config["input_layers"])
    outputs = outputs_of(config["output_layers"])
    # Keras 2 wrote single inputs/outputs as one-element lists; they mean a single tensor.
    if isinstance(inputs, list) and len(inputs) == 1:
        inputs = inputs[0]
    if isinstance(outputs, list) and len(outputs) == 1:
        outputs = outputs[0]
    from lamina.models.functional import Functional

    target = cls if issubclass(cls, Functional) else Functional
    return target(inputs, outputs, name=config.get("name"), trainable=config.get("trainable", True))


def keras_layer_order(inputs, outputs):
    """The layers of the graph from ``inputs`` to ``outputs`` in Keras's ``model.layers`` order.

    Keras sorts layers by depth (distance from the outputs, deepest first) and breaks ties by
    the order a depth-first walk from the outputs first meets them. Weight files, optimizer
    slots and legacy ``.h5`` loading all follow this order, so lamina uses the same one.
    """
    input_ids = {id(t) for t in inputs}
    first_seen, by_id = {}, {}
    finished, decreasing = set(), []

    def visit(tensor):
        layer, node_index, _ = tensor._keras_history
        node = layer._inbound_nodes[node_index]
        if id(node) in finished:
            return
        if id(layer) not in first_seen:
            first_seen[id(layer)] = len(first_seen)
            by_id[id(layer)] = layer
        if not node.is_input and id(tensor) not in input_ids:
            for parent_tensor in node.input_tensors:
                visit(parent_tensor)
        finished.add(id(node))
        decreasing.append(node)

    for tensor in outputs:
        visit(tensor)
    node_depth, layer_depth = {}, {}
    for node in reversed(decreasing):
        depth = max(node_depth.setdefault(id(node), 0), layer_depth.get(id(node.layer), 0))
        layer_depth[id(node.layer)] = depth
        node_depth[id(node)] = depth
        for parent in node.parent_nodes:
            node_depth[id(parent)] = max(depth + 1, node_depth.get(id(parent), 0))
    for tensor in inputs:
        layer = tensor._keras_history[0]
        if id(layer) not in layer_depth:
            layer_depth[id(layer)] = 0
            first_seen[id(layer)] = -1
            by_id[id(layer)] = layer
    ordered = []
    for depth in sorted(set(layer_depth.values()), reverse=True):
        ids = [i for i, d in layer_depth.items() if d == depth]
        ordered.extend(by_id[i] for i in sorted(ids, key=lambda i: first_seen[i]))
    return ordered
