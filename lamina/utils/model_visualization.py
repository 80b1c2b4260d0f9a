"""``plot_model`` / ``model_to_dot``: pictures of a model's layer graph.

``model_to_dot`` returns Graphviz DOT text. ``plot_model`` draws the graph itself with Pillow
(layers placed in rows by depth, arrows from inputs to outputs), so it works without Graphviz;
a ``.dot`` file name writes the DOT text instead.
"""

import os

from lamina.backend import KerasTensor, tree


def _graph(model):
    """Layers, and edges ``(src, dst, src_output, dst_input)`` between them (tensor positions)."""
    graph = getattr(model, "_functional", None) or model
    nodes = getattr(graph, "_nodes", None)
    layers = list(getattr(graph, "_graph_layers", None) or model.layers)
    edges = []
    if nodes is None:
        edges = [(a, b, 0, 0) for a, b in zip(layers, layers[1:])]
    else:
        node_set = set(id(n) for n in nodes)
        for layer in layers:
            for node in layer._inbound_nodes:
                if id(node) not in node_set:
                    continue
                for position, t in enumerate(node.input_tensors):
                    src, _, src_output = t._keras_history
                    if (src, layer, src_output, position) not in edges:
                        edges.append((src, layer, src_output, position))
    return graph, layers, edges


def _is_model(layer):
    from lamina.models.model import Model

    return isinstance(layer, Model)


class _Picture:
    """What is drawn: boxes (key -> layer), edges between keys, and clusters (one per expanded model)."""

    def __init__(self):
        self.boxes, self.edges, self.clusters = {}, [], []


def _flatten(model, expand_nested, picture, prefix=""):
    """Adds ``model``'s layers to ``picture``; a nested model is a box, or with ``expand_nested`` its layers.

    Returns, for ``model`` seen as one box, the keys that each of its inputs feeds and the key
    that makes each of its outputs (used to connect an expanded model to the graph around it).
    """
    graph, layers, edges = _graph(model)
    inputs = [] if prefix == "" else [l for l in layers if _is_input_layer(l)]
    entries, exits = {}, {}  # id(layer) -> per input position: keys; per output index: key
    for layer in layers:
        if layer in inputs:
            continue
        key = prefix + layer.name
        if expand_nested and _is_model(layer):
            before = set(picture.boxes)
            entries[id(layer)], exits[id(layer)] = _flatten(layer, True, picture, key + "/")
            picture.clusters.append((key, layer.name, [k for k in picture.boxes if k not in before]))
        else:
            picture.boxes[key] = layer
            entries[id(layer)], exits[id(layer)] = None, None

    def into(layer, position):
        keys = entries[id(layer)]
        if keys is None:
            return [prefix + layer.name]
        return keys[position] if position < len(keys) else [k for ks in keys for k in ks]

    def out_of(layer, index):
        keys = exits[id(layer)]
        if keys is None:
            return prefix + layer.name
        return keys[min(index, len(keys) - 1)]

    feeds = {id(l): [] for l in inputs}
    for src, dst, src_output, position in edges:
        if src in inputs:
            feeds[id(src)].extend(into(dst, position))
            continue
        for key in into(dst, position):
            edge = (out_of(src, src_output), key)
            if edge not in picture.edges:
                picture.edges.append(edge)
    if prefix == "":
        return None, None
    graph_inputs = list(getattr(graph, "inputs", None) or [])
    in_keys = [feeds.get(id(t._keras_history[0]), []) for t in graph_inputs] if graph_inputs else \
        [into(l, 0) for l in layers[:1]]
    graph_outputs = list(getattr(graph, "outputs", None) or [])
    out_keys = [out_of(t._keras_history[0], t._keras_history[2]) for t in graph_outputs] if graph_outputs else \
        [out_of(layers[-1], 0)]
    return in_keys, out_keys


def _is_input_layer(layer):
    from lamina.layers.core.input_layer import InputLayer

    return isinstance(layer, InputLayer)


def _depths(picture):
    depth = {key: 0 for key in picture.boxes}
    for _ in picture.boxes:
        for src, dst in picture.edges:
            depth[dst] = max(depth[dst], depth[src] + 1)
    return depth


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


def _picture(model, expand_nested):
    if not isinstance(expand_nested, bool):
        raise TypeError(f"expand_nested must be True or False. Received: expand_nested={expand_nested!r}")
    picture = _Picture()
    _flatten(model, expand_nested, picture)
    return picture


def _parent(key):
    return key.rsplit("/", 1)[0] + "/" if "/" in key else ""


def model_to_dot(model, show_shapes=False, show_dtype=False, show_layer_names=True, rankdir="TB",
                 expand_nested=False, dpi=200, show_layer_activations=False, show_trainable=False):
    """Returns the model's layer graph as Graphviz DOT text.

    Args: as ``plot_model``; ``dpi`` is written as the graph's ``dpi`` attribute.

    Example:
        >>> inputs = lamina.Input((3,), name="x")
        >>> model = lamina.Model(inputs, lamina.layers.Dense(2, name="out")(inputs))
        >>> '"x" -> "out"' in lamina.utils.model_to_dot(model)
        True
    """
    if rankdir not in ("TB", "LR"):
        raise ValueError(f"model_to_dot: rankdir must be 'TB' or 'LR'. Received: rankdir={rankdir!r}")
    picture = _picture(model, expand_nested)
    out = [f'digraph "{model.name}" {{', f"  rankdir={rankdir};", f"  dpi={dpi};",
           '  node [shape=record, fontname="Helvetica"];']
    clusters = {key: name for key, name, _ in picture.clusters}

    def emit(prefix, indent):
        for key, layer in picture.boxes.items():
            if _parent(key) == prefix:
                text = "\\n".join(_label(layer, show_shapes, show_dtype, show_layer_names, show_layer_activations,
                                          show_trainable)).replace('"', "'")
                out.append(f'{indent}"{key}" [label="{text}"];')
        for key, name in clusters.items():
            if _parent(key) == prefix:
                out.append(f'{indent}subgraph "cluster_{key}" {{')
                out.append(f'{indent}  label="{name}";')
                emit(key + "/", indent + "  ")
                out.append(f"{indent}}}")

    emit("", "  ")
    for src, dst in picture.edges:
        out.append(f'  "{src}" -> "{dst}";')
    out.append("}")
    return "\n".join(out)


def plot_model(model, to_file="model.png", show_shapes=False, show_dtype=False, show_layer_names=False, rankdir="TB",
               expand_nested=False, dpi=200, show_layer_activations=False, show_trainable=False):
    """Draws the model's layer graph to an image file (PNG, JPEG ...) or a ``.dot`` file.

    Args:
        model: a built model.
        to_file: output path; the format follows the extension.
        show_shapes / show_dtype / show_layer_names / show_layer_activations / show_trainable:
            what each box shows.
        rankdir: ``"TB"`` (top to bottom) or ``"LR"`` (left to right).
        expand_nested: draw the layers of nested models, framed and labelled with the model's
            name, instead of one box per nested model.
        dpi: the resolution recorded in the image (and in the DOT text).

    Example (not run as a doctest: it needs pydot and Graphviz):
        >>> lamina.utils.plot_model(model, "my_first_model.png", show_shapes=True)  # doctest: +SKIP
    """
    to_file = os.fspath(to_file)
    if to_file.endswith(".dot"):
        with open(to_file, "w") as f:
            f.write(model_to_dot(model, show_shapes, show_dtype, show_layer_names, rankdir, expand_nested, dpi,
                                 show_layer_activations, show_trainable))
        return None
    from PIL import Image, ImageDraw, ImageFont

    picture = _picture(model, expand_nested)
    depth = _depths(picture)
    font = ImageFont.load_default()
    labels = {key: _label(layer, show_shapes, show_dtype, show_layer_names, show_layer_activations, show_trainable)
              for key, layer in picture.boxes.items()}
    line_h = 14
    pad = 8
    sizes = {}
    probe = ImageDraw.Draw(Image.new("RGB", (1, 1)))
    for key, lines in labels.items():
        width = max(probe.textlength(t, font=font) for t in lines)
        sizes[key] = (int(width) + 2 * pad, line_h * len(lines) + 2 * pad)
    rows = {}
    for key in picture.boxes:
        rows.setdefault(depth[key], []).append(key)
    gap = 40
    boxes = {}
    row_extent = []
    for d in sorted(rows):
        main = sum(sizes[k][0 if rankdir == "TB" else 1] for k in rows[d]) + gap * (len(rows[d]) - 1)
        row_extent.append((d, main))
    canvas_main = max(e[1] for e in row_extent) + 2 * gap
    offset = gap
    for d, main in row_extent:
        pos = (canvas_main - main) // 2
        for key in rows[d]:
            w, h = sizes[key]
            boxes[key] = (pos, offset, w, h) if rankdir == "TB" else (offset, pos, w, h)
            pos += (w if rankdir == "TB" else h) + gap
        offset += max(sizes[k][1 if rankdir == "TB" else 0] for k in rows[d]) + gap
    width = max(x + w for x, y, w, h in boxes.values()) + gap
    height = max(y + h for x, y, w, h in boxes.values()) + gap
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    for key, name, members in sorted(picture.clusters, key=lambda c: c[0].count("/")):  # outer frames first
        margin = 6 * (1 + max(m.count("/") for m in members) - key.count("/")) if members else 6
        x0 = min(boxes[m][0] for m in members) - margin
        y0 = min(boxes[m][1] for m in members) - margin - line_h
        x1 = max(boxes[m][0] + boxes[m][2] for m in members) + margin
        y1 = max(boxes[m][1] + boxes[m][3] for m in members) + margin
        draw.rectangle([x0, y0, x1, y1], outline="#7a869a", fill=None)
        draw.text((x0 + 4, y0 + 2), name, fill="#44506a", font=font)
    for src, dst in picture.edges:
        sx, sy, sw, sh = boxes[src]
        dx, dy, dw, dh = boxes[dst]
        start = (sx + sw // 2, sy + sh) if rankdir == "TB" else (sx + sw, sy + sh // 2)
        end = (dx + dw // 2, dy) if rankdir == "TB" else (dx, dy + dh // 2)
        draw.line([start, end], fill="black", width=1)
        ex, ey = end
        head = [(ex, ey), (ex - 4, ey - 7), (ex + 4, ey - 7)] if rankdir == "TB" else [(ex, ey), (ex - 7, ey - 4), (ex - 7, ey + 4)]
        draw.polygon(head, fill="black")
    for key in picture.boxes:
        x, y, w, h = boxes[key]
        draw.rectangle([x, y, x + w, y + h], outline="black", fill="#eef3fb")
        for i, text in enumerate(labels[key]):
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
