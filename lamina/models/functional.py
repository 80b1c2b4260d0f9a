"""Functional models: a graph of layer calls from Input tensors to outputs."""

from lamina import backend
from lamina.backend import KerasTensor, tree
from lamina.layers import _context, _tracking
from lamina.layers.core.input_layer import InputLayer
from lamina.layers._call_inputs import _convert_leaf
from lamina.layers.layer import Layer, _call_signature
from lamina.models import host_split
from lamina.models.model import Model


class Functional(Model):
    """A model defined by connecting layers: ``Model(inputs, outputs)``.

    Args:
        inputs: a KerasTensor from ``lamina.Input``, or a list or dict of them.
        outputs: KerasTensors reachable from ``inputs``, as one tensor, a list or a dict.
        name: the model's name.

    Example:
        >>> inputs = lamina.Input(shape=(784,))
        >>> x = lamina.layers.Dense(64, activation="relu")(inputs)
        >>> model = lamina.Model(inputs, lamina.layers.Dense(10)(x))
        >>> model.count_params()
        50890
    """

    _scoped_names = False
    _convert_input_args = False  # each input converts to its own Input's dtype (see _flatten_call_inputs)

    def __new__(cls, *args, **kwargs):
        return object.__new__(cls)

    def __init__(self, inputs, outputs, name=None, trainable=True, **kwargs):
        super().__init__(name=name, trainable=trainable, **kwargs)
        self._inputs_struct = _standardize_struct(inputs, "inputs", self.name)
        self._outputs_struct = _standardize_struct(outputs, "outputs", self.name)
        self._input_tensors = tree.flatten(self._inputs_struct)
        self._output_tensors = tree.flatten(self._outputs_struct)
        self._nodes, layers = _discover_graph(self._input_tensors, self._output_tensors, self.name)
        self._set_untracked(_graph_layers=layers)  # the sub-layers, read through `_layers` below
        self._has_masks = any(getattr(t, "_keras_mask", None) is not None
                              for node in self._nodes for t in node.output_tensors)
        names = {}
        for layer in layers:
            if layer.name in names and names[layer.name] is not layer:
                raise ValueError(
                    f'The name "{layer.name}" is used 2 times in the model. All layer names should be unique.'
                )
            names[layer.name] = layer
        self._set_untracked(_check_inputs=[_input_layer_of(t) for t in self._input_tensors])
        self.built = True

    # -- structure --------------------------------------------------------------
    @property
    def _layers(self):
        return self._graph_layers

    @property
    def layers(self):
        return list(self._graph_layers)

    def _child_names(self):
        return _tracking.children_by_layer_name(self)

    @property
    def inputs(self):
        return list(self._input_tensors)

    @property
    def outputs(self):
        return list(self._output_tensors)

    @property
    def input(self):
        return self._inputs_struct

    @property
    def output(self):
        return self._outputs_struct

    @property
    def input_names(self):
        return [t._keras_history[0].name for t in self._input_tensors]

    @property
    def output_names(self):
        if isinstance(self._outputs_struct, dict):
            return list(self._outputs_struct.keys())
        return [t._keras_history[0].name for t in self._output_tensors]

    @property
    def input_shape(self):
        shapes = [t.shape for t in self._input_tensors]
        return shapes[0] if len(shapes) == 1 else shapes

    @property
    def output_shape(self):
        shapes = [t.shape for t in self._output_tensors]
        return shapes[0] if len(shapes) == 1 else shapes

    # -- running ----------------------------------------------------------------
    def __call__(self, *args, **kwargs):
        if args and host_split.has_host_layers(self) and not backend.any_symbolic(args, kwargs):
            # Raw inputs go through the host (NumPy) part first, exactly as in fit/predict:
            # converting them to backend tensors up front would lose strings and int64 values.
            args = (host_split.prepare_eager_call(self, args[0]),) + args[1:]
        return super().__call__(*args, **kwargs)

    def call(self, inputs, training=None, mask=None):
        preset = host_split.prepared_values(self, inputs)
        flat = self._flatten_call_inputs(inputs) if preset is None else []
        masks = None
        if mask is not None:
            masks = tree.flatten(mask) if isinstance(mask, (list, tuple, dict)) else [mask]
        with _context.CallContext(training):
            return self._run_graph(flat, masks, _eager_call, preset)

    def compute_output_spec(self, inputs, training=None, mask=None):
        preset = host_split.prepared_values(self, inputs)
        flat = self._flatten_call_inputs(inputs, check=False) if preset is None else []
        return self._run_graph(flat, None, _spec_call, preset)

    def _run_graph(self, flat_inputs, input_masks, call_layer, preset=None):
        # ``preset``: values of the host part's outputs from a prepared batch (host_split), and
        # the host nodes that already ran.
        values, skip = (dict(preset[0]), preset[1]) if preset is not None else ({}, ())
        masks = {} if self._has_masks or input_masks is not None else None
        for i, (tensor, value) in enumerate(zip(self._input_tensors, flat_inputs)):
            values[id(tensor)] = value
            if masks is not None:
                m = input_masks[i] if input_masks is not None and i < len(input_masks) else None
                masks[id(tensor)] = m if m is not None else getattr(value, "_keras_mask", None)
        for node in self._nodes:
            if node.is_input or id(node) in skip or id(node.output_tensors[0]) in values:
                continue
            args, kwargs = _substitute(node.call_args, node.call_kwargs, values)
            layer = node.layer
            in_mask = None
            if masks is not None and node.call_args:
                in_mask = _lookup_mask(node.call_args[0], masks)
                if in_mask is not None and _call_signature(type(layer))["mask"] and kwargs.get("mask") is None:
                    kwargs["mask"] = in_mask
            outputs = call_layer(layer, args, kwargs)
            flat_out = tree.flatten(outputs)
            for tensor, value in zip(node.output_tensors, flat_out):
                values[id(tensor)] = value
            if masks is not None:
                out_mask = None
                if layer.supports_masking or type(layer).compute_mask is not Layer.compute_mask:
                    out_mask = layer.compute_mask(args[0] if args else None, in_mask)
                out_masks = out_mask if isinstance(out_mask, (list, tuple)) else [out_mask] * len(flat_out)
                for tensor, m in zip(node.output_tensors, out_masks):
                    masks[id(tensor)] = m
        try:
            flat_outputs = [values[id(t)] for t in self._output_tensors]
        except KeyError:
            raise ValueError(f"Model '{self.name}': an output could not be computed from the given inputs.") from None
        if masks is not None:
            from lamina.layers._call_inputs import _set_mask

            for t, v in zip(self._output_tensors, flat_outputs):
                if masks.get(id(t)) is not None:
                    _set_mask(v, masks[id(t)])
        return tree.pack_sequence_as(self._outputs_struct, flat_outputs)

    def _flatten_call_inputs(self, inputs, check=True):
        expected = self._input_tensors
        if isinstance(inputs, dict):
            names = [t._keras_history[0].name for t in expected]
            if isinstance(self._inputs_struct, dict):
                keys = list(self._inputs_struct.keys())
                flat_keys = tree.flatten({k: k for k in keys})
                names = flat_keys
            missing = [n for n in names if n not in inputs]
            if missing:
                raise ValueError(
                    f"Model '{self.name}' expects inputs named {names}, but the dict given is missing "
                    f"{missing}. Received keys: {sorted(inputs)}"
                )
            if check:  # keys naming no input are dropped with a warning, as Keras does
                from lamina.trainers.data_adapters.data_utils import drop_unused_input_keys

                inputs = drop_unused_input_keys(inputs, names, self.name)
            flat = [inputs[n] for n in names]
        elif isinstance(inputs, (list, tuple)):
            if len(expected) == 1:
                flat = [inputs[0]] if len(inputs) == 1 else [inputs]
            else:
                flat = list(inputs)
            if len(flat) != len(expected):
                raise ValueError(
                    f"Model '{self.name}' expects {len(expected)} input(s), but it received {len(flat)} input tensors."
                )
        else:
            flat = [inputs]
            if len(expected) != 1:
                raise ValueError(
                    f"Model '{self.name}' expects {len(expected)} inputs, but it received a single tensor."
                )
        if check:
            flat = [_adjust_rank(tensor, _to_input_dtype(tensor, value)) for tensor, value in zip(expected, flat)]
            for tensor, value in zip(expected, flat):
                _check_shape(self.name, tensor, value)
        return flat

    # -- access -----------------------------------------------------------------
    def get_layer(self, name=None, index=None):
        """Returns a layer by ``name`` or by position ``index`` in ``model.layers``."""
        if index is not None and name is not None:
            raise ValueError(f"get_layer: give either name or index, not both. Received name={name!r}, index={index!r}")
        if index is not None:
            if not -len(self.layers) <= index < len(self.layers):
                raise ValueError(
                    f"get_layer: index {index} is out of range; model '{self.name}' has {len(self.layers)} layers."
                )
            return self.layers[index]
        for layer in self.layers:
            if layer.name == name:
                return layer
        raise ValueError(
            f"No such layer: {name!r}. Existing layers in model '{self.name}' are: {[l.name for l in self.layers]}."
        )

    def get_config(self):
        from lamina.models.functional_config import functional_get_config

        return functional_get_config(self)

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from lamina.models.functional_config import functional_from_config

        return functional_from_config(cls, config, custom_objects=custom_objects)


# -- graph helpers ---------------------------------------------------------------
def _standardize_struct(struct, what, model_name):
    if isinstance(struct, KerasTensor):
        return struct
    if isinstance(struct, dict):
        return {k: _standardize_struct(v, what, model_name) for k, v in struct.items()}
    if isinstance(struct, (list, tuple)):
        items = [_standardize_struct(v, what, model_name) for v in struct]
        return items
    raise ValueError(
        f"Model '{model_name}': all {what} must be symbolic tensors (from lamina.Input or a layer call). "
        f"Received: {struct!r}"
    )


def _input_layer_of(tensor):
    layer = tensor._keras_history[0] if tensor._keras_history else None
    return layer if isinstance(layer, InputLayer) else None


def _discover_graph(inputs, outputs, model_name):
    """Nodes in execution order and the layers of the model (inputs first)."""
    input_ids = {id(t) for t in inputs}
    order, visited, layers = [], set(), []
    for t in inputs:
        if t._keras_history is None:
            raise ValueError(f"Model '{model_name}': input {t} does not come from lamina.Input or a layer.")

    def visit(tensor, path):
        history = tensor._keras_history
        if history is None:
            raise ValueError(
                f"Model '{model_name}': output tensor {tensor} was not produced by a lamina layer or op."
            )
        if id(tensor) in input_ids:
            return
        node = history[0]._inbound_nodes[history[1]]
        if id(node) in visited:
            return
        if id(node) in path:
            raise ValueError(f"Model '{model_name}': the graph has a cycle.")
        path.add(id(node))
        if node.is_input:
            raise ValueError(
                f"Model '{model_name}': the output depends on input '{history[0].name}', which is not among "
                "the model's inputs. Add it to `inputs`."
            )
        for parent in node.input_tensors:
            visit(parent, path)
        path.discard(id(node))
        visited.add(id(node))
        order.append(node)

    for t in outputs:
        visit(t, set())
    from lamina.models.functional_config import keras_layer_order

    return order, keras_layer_order(inputs, outputs)


def _substitute(args, kwargs, values):
    def sub(x):
        if isinstance(x, KerasTensor):
            return values[id(x)]
        return x

    if len(args) == 1 and isinstance(args[0], KerasTensor) and not kwargs:
        return (values[id(args[0])],), {}
    return tree.map_structure(sub, args), dict(tree.map_structure(sub, kwargs))


def _lookup_mask(arg, masks):
    if isinstance(arg, KerasTensor):
        return masks.get(id(arg))
    if isinstance(arg, (list, tuple)):
        found = [masks.get(id(a)) if isinstance(a, KerasTensor) else None for a in arg]
        return None if all(m is None for m in found) else found
    return None


def _eager_call(layer, args, kwargs):
    return layer(*args, **kwargs)


def _spec_call(layer, args, kwargs):
    sig = _call_signature(type(layer))
    if not sig["training"]:
        kwargs.pop("training", None)
    if not sig["mask"]:
        kwargs.pop("mask", None)
    return layer.compute_output_spec(*args, **kwargs)


def _to_input_dtype(tensor, value):
    # As Keras: a floating input takes its Input's float dtype, whatever the model's policy.
    dtype = tensor.dtype if backend.is_float_dtype(tensor.dtype) else None
    return _convert_leaf(value, dtype, python_values=True)


def _adjust_rank(tensor, value):
    """Like Keras 3: a batch one rank short of an input whose last axis is 1 gets that axis."""
    shape = getattr(value, "shape", None)
    if shape is None or len(shape) != len(tensor.shape) - 1 or tensor.shape[-1] != 1:
        return value
    if type(value).__module__ == "numpy":
        return value.reshape(tuple(value.shape) + (1,))
    from lamina import ops

    return ops.expand_dims(value, -1)


def _check_shape(model_name, tensor, value):
    if value is None or not hasattr(value, "shape"):
        return
    expected = tensor.shape
    got = tuple(value.shape)
    layer_name = tensor._keras_history[0].name if tensor._keras_history else tensor.name
    if len(got) != len(expected) or any(e is not None and g is not None and e != g for e, g in zip(expected, got)):
        raise ValueError(
            f"Input '{layer_name}' of model '{model_name}' is incompatible with the model: expected shape="
            f"{expected}, found shape={got}"
        )
