"""``plot_model`` / ``model_to_dot``: pictures of a model's layer graph.

``model_to_dot`` returns Graphviz DOT text. ``plot_model`` draws the graph itself with Pillow
(layers placed in rows by depth, arrows from inputs to outputs), so it works without Graphviz;
a ``.dot`` file name writes the DOT text instead.
"""

import os

from lamina.backend import KerasTensor, tree


def _graph(model):
    """Layers with their depth (longest path from an input) and the edges between them."""
    graph = getattr(model, "_functional", None) or model
    nodes = getattr(graph, "_nodes", None)
    layers = list(getattr(graph, "_graph_layers", None) or model.layers)
    edges = []
    if nodes is None:
        edges = [(a, b) for a, b in zip(layers, layers[1:])]
    else:
        node_set = set(id(n) for n in nodes)
        for layer in layers:
            for node in layer._inbound_nodes:
                if id(node) not in node_set:
                    continue
                for t in node.input_tensors:
                    src = t._keras_history[0]
                    if (src, layer) not in edges:
                        edges.append((src, layer))
    depth = {id(layer): 0 for layer in layers}
    for _ in layers:
        for src, dst in edges:
            depth[id(dst)] = max(depth[id(dst)], depth[id(src)] + 1)
    return layers, edges, depth


def _label(layer, show_shapes, show_dtype, show_layer_names, show_layer_activations, show_trainable):
    cls = getattr(layer, "_display_class", type(layer).__name__)
    lines = [f"{layer.name} ({cls})" if show_layer_names else cls]
    if show_layer_activations and hasattr(layer, "activation"):
        lines.append(f"activation: {getattr(layer.activation, '__name__', layer.activation)}")
    if show_shapes and layer._inbound_nodes:
        outs = [t for t in tree.flatten(layer._inbound_nodes[0].outputs) if isinstance(t, KerasTensor)]
        if outs:
            shapes = ", ".join(str(tuple(t.shape)) for t in outs)
            lines.append(f"output: {shapes}")
            if show_dtype:
                lines.append(f"dtype: {outs[0].dtype}")
    if show_trainable:
        lines.append(f"trainable: {layer.trainable}")
    return lines


def model_to_dot(model, show_shapes=False, show_dtype=False, show_layer_names=True, rankdir="TB",
                 show_layer_activations=False, show_trainable=False, **kwargs):
    """Returns the model's layer graph as Graphviz DOT text."""
    if rankdir not in ("TB", "LR"):
        raise ValueError(f"model_to_dot: rankdir must be 'TB' or 'LR'. Received: rankdir={rankdir!r}")
    layers, edges, _ = _graph(model)
    out = [f'digraph "{model.name}" {{', f"  rankdir={rankdir};", '  node [shape=record, fontname="Helvetica"];']
    for layer in layers:
        text = "\\n".join(_label(layer, show_shapes, show_dtype, show_layer_names, show_layer_activations,
                                 show_trainable)).replace('"', "'")
        out.append(f'  "{layer.name}" [label="{text}"];')
    for src, dst in edges:
        out.append(f'  "{src.name}" -> "{dst.name}";')
    out.append("}")
    return "\n".join(out)


def plot_model(model, to_file="model.png", show_shapes=False, show_dtype=False, show_layer_names=False, rankdir="TB",
               expand_nested=False, dpi=200, show_layer_activations=False, show_trainable=False, **kwargs):
    """Draws the model's layer graph to an image file (PNG, JPEG ...) or a ``.dot`` file.

    Args:
        model: a built model.
        to_file: output path; the format follows the extension.
        show_shapes / show_dtype / show_layer_names / show_layer_activations / show_trainable:
            what each box shows.
        rankdir: ``"TB"`` (top to bottom) or ``"LR"`` (left to right).

    Example:
        >>> lamina.utils.plot_model(model, "my_first_model.png", show_shapes=True)
    """
    to_file = os.fspath(to_file)
    if to_file.endswith(".dot"):
        with open(to_file, "w") as f:
            f.write(model_to_dot(model, show_shapes, show_dtype, show_layer_names, rankdir,
                                 show_layer_activations, show_trainable))
        return None
    from PIL import Image, ImageDraw, ImageFont

    layers, edges, depth = _graph(model)
    font = ImageFont.load_default()
    labels = {id(l): _label(l, show_shapes, show_dtype, show_layer_names, show_layer_activations, show_trainable)
              for l in layers}
    line_h = 14
    pad = 8
    sizes = {}
    probe = ImageDraw.Draw(Image.new("RGB", (1, 1)))
    for layer in layers:
        lines = labels[id(layer)]
        width = max(probe.textlength(t, font=font) for t in lines)
        sizes[id(layer)] = (int(width) + 2 * pad, line_h * len(lines) + 2 * pad)
    rows = {}
    for layer in layers:
        rows.setdefault(depth[id(layer)], []).append(layer)
    gap = 40
    boxes = {}
    row_extent = []
    for d in sorted(rows):
        main = sum(sizes[id(l)][0] for l in rows[d]) + gap * (len(rows[d]) - 1)
        cross = max(sizes[id(l)][1] for l in rows[d])
        row_extent.append((d, main, cross))
    canvas_main = max(e[1] for e in row_extent) + 2 * gap
    offset = gap
    for d, main, cross in row_extent:
        pos = (canvas_main - main) // 2
        for layer in rows[d]:
            w, h = sizes[id(layer)]
            boxes[id(layer)] = (pos, offset, w, h) if rankdir == "TB" else (offset, pos, w, h)
            pos += (w if rankdir == "TB" else h) + gap
        offset += cross + gap if rankdir == "TB" else max(sizes[id(l)][0] for l in rows[d]) + gap
    width = max(x + w for x, y, w, h in boxes.values()) + gap
    height = max(y + h for x, y, w, h in boxes.values()) + gap
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    for src, dst in edges:
        sx, sy, sw, sh = boxes[id(src)]
        dx, dy, dw, dh = boxes[id(dst)]
        start = (sx + sw // 2, sy + sh) if rankdir == "TB" else (sx + sw, sy + sh // 2)
        end = (dx + dw // 2, dy) if rankdir == "TB" else (dx, dy + dh // 2)
        draw.line([start, end], fill="black", width=1)
        ex, ey = end
        head = [(ex, ey), (ex - 4, ey - 7), (ex + 4, ey - 7)] if rankdir == "TB" else [(ex, ey), (ex - 7, ey - 4), (ex - 7, ey + 4)]
        draw.polygon(head, fill="black")
    for layer in layers:
        x, y, w, h = boxes[id(layer)]
        draw.rectangle([x, y, x + w, y + h], outline="black", fill="#eef3fb")
        for i, text in enumerate(labels[id(layer)]):
            draw.text((x + pad, y + pad + i * line_h), text, fill="black", font=font)
    tmp = f"{to_file}.tmp-{os.getpid()}"
    fmt = (os.path.splitext(to_file)[1].lstrip(".") or "png").lower()
    fmt = {"jpg": "jpeg"}.get(fmt, fmt)
    try:
        image.save(tmp, format=fmt, dpi=(dpi, dpi))
        os.replace(tmp, to_file)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)
    return image
