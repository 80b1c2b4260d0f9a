"""Nodes: the record of one symbolic call of a layer, linking input and output KerasTensors."""

from lamina import backend
from lamina.backend import KerasTensor, tree


class Node:
    """One call of ``layer`` on symbolic inputs.

    Attributes:
        layer: the layer called.
        call_args / call_kwargs: the arguments as given (KerasTensors inside).
        input_tensors: the KerasTensors among the arguments, flattened.
        outputs: the output structure; ``output_tensors`` is it flattened.
    """

    def __init__(self, layer, call_args, call_kwargs, outputs):
        self.layer = layer
        self.call_args = call_args
        self.call_kwargs = call_kwargs
        self.input_tensors = [x for x in tree.flatten((call_args, call_kwargs)) if isinstance(x, KerasTensor)]
        self.outputs = outputs
        self.output_tensors = [x for x in tree.flatten(outputs) if isinstance(x, KerasTensor)]
        self.parent_nodes = []
        for x in self.input_tensors:
            history = x._keras_history
            if history is not None:
                parent = history[0]._inbound_nodes[history[1]]
                if parent not in self.parent_nodes:
                    self.parent_nodes.append(parent)
        node_index = len(layer._inbound_nodes)
        layer._inbound_nodes.append(self)
        for x in self.input_tensors:
            if x._keras_history is not None:
                x._keras_history[0]._outbound_nodes.append(self)
        for i, x in enumerate(self.output_tensors):
            x._keras_history = (layer, node_index, i)

    @property
    def is_input(self):
        return not self.input_tensors


def symbolic_call(layer, args, kwargs, mask):
    """Computes output KerasTensors for ``layer(*args, **kwargs)`` and records a Node."""
    outputs = layer.compute_output_spec(*args, **kwargs)
    outputs = tree.map_structure(_fresh, outputs)
    if layer.supports_masking or type(layer).compute_mask is not _base_compute_mask():
        out_mask = layer.compute_mask(args[0] if args else None, mask)
        if out_mask is not None:
            flat_out = [o for o in tree.flatten(outputs) if isinstance(o, KerasTensor)]
            masks = out_mask if isinstance(out_mask, (list, tuple)) else [out_mask] * len(flat_out)
            for o, m in zip(flat_out, masks):
                o._keras_mask = m
    Node(layer, args, kwargs, outputs)
    return outputs


def _fresh(x):
    # compute_output_spec may hand back an input tensor unchanged; a node needs new outputs.
    if isinstance(x, KerasTensor) and x._keras_history is not None:
        return KerasTensor(x.shape, dtype=x.dtype, sparse=x.sparse)
    return x


def _base_compute_mask():
    from lamina.layers.layer import Layer

    return Layer.compute_mask
