"""``model.summary()``: a rich table of layers, output shapes and parameter counts, in Keras 3's layout."""

import shutil

from lamina.backend import KerasTensor, dtypes, tree
from lamina.utils import io_utils


def _format_size(num_bytes):
    for unit, scale in (("GB", 1024**3), ("MB", 1024**2), ("KB", 1024)):
        if num_bytes >= scale:
            return f"{num_bytes / scale:.2f} {unit}"
    return f"{float(num_bytes):.2f} B"


def _count_and_size(variables):
    count = sum(v.size for v in variables)
    size = sum(v.size * dtypes.dtype_size(v.dtype) for v in variables)
    return count, size


def _shape_text(layer):
    nodes = getattr(layer, "_inbound_nodes", [])
    if not nodes:
        return "?"
    outputs = nodes[-1].outputs if len(nodes) == 1 else None
    if outputs is None:
        return "multiple"
    shapes = [t.shape for t in tree.flatten(outputs) if isinstance(t, KerasTensor)]
    if not shapes:
        return "?"
    text = [str(tuple(s)).replace(",)", ")") for s in shapes]
    return text[0] if len(text) == 1 else "[" + ", ".join(text) + "]"


def _is_sequential_like(model, layers):
    nodes = getattr(model, "_nodes", None)
    if type(model).__name__ == "Sequential":
        return True
    if nodes is None:
        return True
    for layer in layers:
        real = [n for n in layer._inbound_nodes if n in nodes]
        if len(real) > 1 or (real and len(real[0].input_tensors) > 1):
            return False
        if real and len(real[0].output_tensors) > 1:
            return False
    return len(getattr(model, "inputs", [])) <= 1 and len(getattr(model, "outputs", [])) <= 1


def _connections(layer, nodes):
    parts = []
    for node in layer._inbound_nodes:
        if node not in nodes:
            continue
        for t in node.input_tensors:
            src, node_index, tensor_index = t._keras_history
            parts.append(f"{src.name}[{node_index}][{tensor_index}]")
    return ",\n".join(parts) if parts else "-"


def print_summary(model, line_length=None, positions=None, print_fn=None, expand_nested=False,
                  show_trainable=False, layer_range=None):
    """Prints ``model``'s summary table; ``print_fn`` receives plain text (no colour)."""
    from rich import box
    from rich.console import Console
    from rich.table import Table

    sequential = type(model).__name__ == "Sequential"
    functional = hasattr(model, "_nodes") and not sequential
    if sequential and getattr(model, "_functional", None) is not None:
        graph = model._functional
        layers = list(model.layers)
        nodes = graph._nodes
    elif functional:
        graph = model
        layers = list(model.layers)
        nodes = model._nodes
    else:
        graph, layers, nodes = None, list(model.layers), []
    if layer_range is not None:
        names = [l.name for l in layers]
        start, end = names.index(layer_range[0]), names.index(layer_range[1])
        layers = layers[start:end + 1]
    seq_like = graph is None or _is_sequential_like(graph if not sequential else model, layers)
    if seq_like:
        default_width, default_positions = 88, [0.45, 0.80, 1.0]
        headers = ["Layer (type)", "Output Shape", "Param #"]
    else:
        default_width, default_positions = 108, [0.3, 0.56, 0.74, 1.0]
        headers = ["Layer (type)", "Output Shape", "Param #", "Connected to"]
    width = line_length or min(default_width, shutil.get_terminal_size((80, 24)).columns - 4)
    if show_trainable:
        width += 12
        headers.append("Trainable")
    positions = positions or default_positions
    if positions[-1] <= 1:
        positions = [int(width * p) for p in positions]
    widths = [positions[0]] + [positions[i] - positions[i - 1] for i in range(1, len(positions))]
    if show_trainable:
        widths.append(12)

    table = Table(box=box.HEAVY_HEAD, show_lines=True, width=width)
    for i, header in enumerate(headers):
        justify = "right" if header == "Param #" else "left"
        col_width = widths[i] if i < len(widths) else None
        table.add_column(header, justify=justify, width=col_width, no_wrap=False)

    for layer in layers:
        name = f"{layer.name} ({getattr(layer, '_display_class', type(layer).__name__)})"
        shape = _shape_text(layer)
        params = f"{layer.count_params():,}" if layer.built else "0 (unbuilt)"
        row = [name, shape, params]
        if not seq_like:
            row.append(_connections(layer, nodes))
        if show_trainable:
            row.append("Y" if layer.trainable else "N")
        table.add_row(*row)

    trainable_count, trainable_size = _count_and_size(model.trainable_weights)
    non_trainable_count, non_trainable_size = _count_and_size(model.non_trainable_weights)
    optimizer = getattr(model, "optimizer", None)
    optimizer_vars = list(getattr(optimizer, "variables", []) or []) if optimizer is not None else []
    optimizer_count, optimizer_size = _count_and_size(optimizer_vars)
    total_count = trainable_count + non_trainable_count + optimizer_count
    total_size = trainable_size + non_trainable_size + optimizer_size

    if print_fn is None and not io_utils.is_interactive_logging_enabled():
        print_fn = io_utils.print_msg
    console = Console(width=width + 4, highlight=False, force_terminal=False if print_fn else None,
                      color_system=None if print_fn else "auto", record=False)
    with console.capture() as capture:
        console.print(f'Model: "{model.name}"')
        console.print(table)
        console.print(f" Total params: {total_count:,} ({_format_size(total_size)})")
        console.print(f" Trainable params: {trainable_count:,} ({_format_size(trainable_size)})")
        console.print(f" Non-trainable params: {non_trainable_count:,} ({_format_size(non_trainable_size)})")
        if optimizer_vars:
            console.print(f" Optimizer params: {optimizer_count:,} ({_format_size(optimizer_size)})")
    text = capture.get()
    if print_fn is not None:
        for line in text.rstrip("\n").split("\n"):
            print_fn(line)
    else:
        print(text, end="")
