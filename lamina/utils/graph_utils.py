"""Walking a Functional graph back from a symbolic tensor."""

from lamina.backend import KerasTensor


def get_source_inputs(tensor):
    """The ``Input`` tensors that ``tensor`` was computed from, in the order first met.

    Args:
        tensor: a symbolic tensor (``KerasTensor``); one made by no layer is its own source.

    Example:
        >>> a, b = lamina.Input((2,)), lamina.Input((2,))
        >>> y = lamina.layers.Dense(1)(lamina.layers.Add()([a, b]))
        >>> [x is a for x in lamina.utils.get_source_inputs(y)], [x is b for x in lamina.utils.get_source_inputs(y)]
        ([True, False], [False, True])
    """
    if not isinstance(tensor, KerasTensor):
        raise TypeError(f"get_source_inputs: expected a symbolic tensor (KerasTensor). Received: "
                        f"tensor of type {type(tensor).__name__}")
    sources = []
    seen = set()
    stack = [tensor]
    while stack:
        current = stack.pop()
        history = current._keras_history
        if history is None or not history[0]._inbound_nodes:
            node_inputs = None
        else:
            node = history[0]._inbound_nodes[history[1]]
            node_inputs = None if node.is_input else node.input_tensors
        if node_inputs is None:
            if id(current) not in seen:
                seen.add(id(current))
                sources.append(current)
            continue
        stack.extend(reversed(node_inputs))
    return sources
