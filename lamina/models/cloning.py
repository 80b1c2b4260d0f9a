"""``clone_model``: the same architecture with new layers (and freshly initialized weights)."""

from lamina.backend import KerasTensor, tree
from lamina.layers.core.input_layer import Input, InputLayer


def _default_clone(layer):
    return layer.__class__.from_config(layer.get_config())


def clone_model(model, input_tensors=None, clone_function=None):
    """Builds a copy of ``model`` whose layers are new instances from their configs.

    Weights are not copied (call ``clone.set_weights(model.get_weights())`` for that).

    Args:
        model: a Functional, Sequential or subclassed model (subclassed ones are rebuilt
            with ``from_config(get_config())``).
        input_tensors: optional ``Input`` tensor(s) to build the clone on.
        clone_function: ``layer -> new layer``, applied to every non-input layer;
            defaults to ``layer.__class__.from_config(layer.get_config())``.

    Example:
        >>> model = lamina.Sequential([lamina.Input((3,)), lamina.layers.Dense(1)])
        >>> copy = lamina.models.clone_model(model)
        >>> copy.set_weights(model.get_weights())
    """
    from lamina.models.functional import Functional
    from lamina.models.sequential import Sequential

    clone_function = clone_function or _default_clone
    if isinstance(model, Sequential):
        return _clone_sequential(model, input_tensors, clone_function)
    if isinstance(model, Functional):
        return _clone_functional(model, input_tensors, clone_function)
    if input_tensors is not None or clone_function is not _default_clone:
        raise ValueError(
            f"clone_model: `input_tensors` and `clone_function` apply to Functional and Sequential models only; "
            f"model '{model.name}' is a subclassed {type(model).__name__}."
        )
    from lamina.saving.serialization_lib import deserialize_keras_object, serialize_keras_object

    config = serialize_keras_object(model)
    config.pop("compile_config", None)
    return deserialize_keras_object(config)


def _check_layer(new, old):
    from lamina.layers.layer import Layer

    if not isinstance(new, Layer):
        raise ValueError(
            f"clone_model: clone_function must return a Layer. For layer '{old.name}' it returned {new!r}."
        )
    return new


def _clone_sequential(model, input_tensors, clone_function):
    from lamina.models.sequential import Sequential

    layers = [_check_layer(clone_function(layer), layer) for layer in model.layers]
    stack_input = model._stack[0] if model._stack and isinstance(model._stack[0], InputLayer) else None
    if input_tensors is not None:
        inputs = tree.flatten(input_tensors)
        if len(inputs) != 1:
            raise ValueError(f"clone_model: Sequential model '{model.name}' takes one input tensor; got {len(inputs)}.")
        first = [inputs[0]]
    elif stack_input is not None and model._functional is not None:
        first = [Input(batch_shape=stack_input.batch_shape, dtype=stack_input.dtype, name=stack_input.name)]
    else:
        first = []
    return Sequential(first + layers, name=model.name, trainable=model.trainable)


def _clone_functional(model, input_tensors, clone_function):
    from lamina.models.functional import Functional

    old_inputs = model._input_tensors
    if input_tensors is not None:
        new_inputs = tree.flatten(input_tensors)
        if len(new_inputs) != len(old_inputs):
            raise ValueError(
                f"clone_model: model '{model.name}' has {len(old_inputs)} inputs, but {len(new_inputs)} "
                "input_tensors were given."
            )
        for t in new_inputs:
            if not isinstance(t, KerasTensor):
                raise ValueError(f"clone_model: input_tensors must be symbolic tensors from lamina.Input. Received: {t!r}")
    else:
        new_inputs = []
        for t in old_inputs:
            layer = t._keras_history[0]
            new_inputs.append(Input(batch_shape=t.shape, dtype=t.dtype, name=layer.name))
    mapping = {id(old): new for old, new in zip(old_inputs, new_inputs)}
    new_layers = {}

    def substitute(x):
        if isinstance(x, KerasTensor):
            return mapping[id(x)]
        return x

    for node in model._nodes:
        if node.is_input:
            continue
        layer = node.layer
        if id(layer) not in new_layers:
            new_layers[id(layer)] = _check_layer(clone_function(layer), layer)
        args = tree.map_structure(substitute, list(node.call_args))
        kwargs = {k: tree.map_structure(substitute, v) for k, v in node.call_kwargs.items()}
        outputs = new_layers[id(layer)](*args, **kwargs)
        for old, new in zip(node.output_tensors, [o for o in tree.flatten(outputs) if isinstance(o, KerasTensor)]):
            mapping[id(old)] = new
    inputs = tree.pack_sequence_as(model._inputs_struct, new_inputs) if not isinstance(
        model._inputs_struct, KerasTensor) else new_inputs[0]
    outputs = tree.map_structure(lambda t: mapping[id(t)], model._outputs_struct)
    return Functional(inputs, outputs, name=model.name, trainable=model.trainable)
