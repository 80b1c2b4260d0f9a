"""Nested structures (lists, tuples, dicts, None) of leaves: flatten, map, pack."""

import collections


def is_nested(x):
    return isinstance(x, (list, tuple, dict))


def flatten(structure):
    """Leaves of ``structure`` in order; dicts are visited in sorted-key order."""
    out = []
    _flatten_into(structure, out)
    return out


def _flatten_into(x, out):
    if isinstance(x, dict):
        for key in sorted(x, key=str) if not isinstance(x, collections.OrderedDict) else x:
            _flatten_into(x[key], out)
    elif isinstance(x, (list, tuple)):
        for item in x:
            _flatten_into(item, out)
    else:
        out.append(x)


def pack_sequence_as(structure, flat):
    flat = list(flat)
    result, used = _pack(structure, flat, 0)
    if used != len(flat):
        raise ValueError(f"Structure has {used} leaves but {len(flat)} values were given.")
    return result


def _pack(structure, flat, index):
    if isinstance(structure, dict):
        keys = sorted(structure, key=str) if not isinstance(structure, collections.OrderedDict) else list(structure)
        packed = {}
        for key in keys:
            packed[key], index = _pack(structure[key], flat, index)
        return type(structure)((k, packed[k]) for k in structure) if type(structure) is not dict else {k: packed[k] for k in structure}, index
    if isinstance(structure, (list, tuple)):
        items = []
        for item in structure:
            value, index = _pack(item, flat, index)
            items.append(value)
        if isinstance(structure, tuple) and hasattr(structure, "_fields"):
            return type(structure)(*items), index
        return type(structure)(items), index
    return flat[index], index + 1


def map_structure(fn, *structures):
    """Applies ``fn`` to corresponding leaves of ``structures``, keeping the first's shape."""
    flats = [flatten(s) for s in structures]
    if any(len(f) != len(flats[0]) for f in flats[1:]):
        raise ValueError("map_structure: the structures have different numbers of leaves.")
    return pack_sequence_as(structures[0], [fn(*leaves) for leaves in zip(*flats)])


def traverse(fn, structure):
    """Calls ``fn`` on every leaf (for side effects)."""
    for leaf in flatten(structure):
        fn(leaf)
