"""``lamina.tree``: nested structures of leaves, as Keras 3's ``keras.tree`` treats them.

Lists, tuples, namedtuples and dicts (``OrderedDict``, ``defaultdict``) are nodes; anything
else, None included, is a leaf. Dict children are visited in sorted-key order (an
``OrderedDict`` in insertion order), the order ``flatten`` returns.
"""

import collections
import warnings

from lamina.backend.common import tree as _tree


class MAP_TO_NONE:
    """Returned by a ``traverse`` function to replace a sub-tree with None (a None return
    means "leave it as it is")."""


def is_nested(structure):
    """Whether ``structure`` is a list, tuple or dict (a node rather than a leaf).

    Example:
        >>> lamina.tree.is_nested([1, 2]), lamina.tree.is_nested(None)
        (True, False)
    """
    return isinstance(structure, (list, tuple, dict))


def flatten(structure):
    """The leaves of ``structure`` in order.

    Example:
        >>> lamina.tree.flatten({"b": [1, (2, 3)], "a": None})
        [None, 1, 2, 3]
    """
    return _tree.flatten(structure)


def pack_sequence_as(structure, flat_sequence):
    """``flat_sequence`` shaped like ``structure`` (the inverse of ``flatten``).

    Example:
        >>> lamina.tree.pack_sequence_as({"a": 0, "b": [0, 0]}, [1, 2, 3])
        {'a': 1, 'b': [2, 3]}
    """
    return _tree.pack_sequence_as(structure, flat_sequence)


def _keys(node):
    if isinstance(node, dict):
        return list(node) if isinstance(node, collections.OrderedDict) else sorted(node, key=str)
    return range(len(node))


def _rebuild(node, keys, values):
    if isinstance(node, dict):
        by_key = dict(zip(keys, values))
        items = [(k, by_key[k]) for k in node]
        if isinstance(node, collections.defaultdict):
            return type(node)(node.default_factory, items)
        return type(node)(items)
    if isinstance(node, tuple) and hasattr(node, "_fields"):
        return type(node)(*values)
    return type(node)(values)


def _check_node(expected, received, function):
    """Raises unless ``received`` is a node of the same kind and size as ``expected``."""
    if isinstance(expected, dict):
        if not isinstance(received, dict):
            raise ValueError(f"{function}: expected a dict, got {received!r}.")
        if set(expected) != set(received):
            raise ValueError(
                f"{function}: dictionary key mismatch; expected keys {sorted(expected, key=str)}, got keys "
                f"{sorted(received, key=str)}.")
        return
    if type(received) is not type(expected):
        raise ValueError(f"{function}: expected an instance of {type(expected).__name__}, got {received!r}.")
    if len(received) != len(expected):
        raise ValueError(f"{function}: {type(expected).__name__} arity mismatch; expected {len(expected)} "
                         f"items, got {len(received)}: {received!r}.")


def assert_same_structure(a, b, check_types=None):
    """Raises ``ValueError`` unless ``a`` and ``b`` are nested the same way.

    Node types must match (a list is not a tuple, namedtuple classes must be the same), except
    that every kind of dict is alike when the keys are. Leaves may differ.

    Args:
        a: a nested structure.
        b: a nested structure.
        check_types: deprecated in Keras 3 and without effect there too; passing it warns.
            ``assert_same_paths`` is the looser check.

    Example:
        >>> lamina.tree.assert_same_structure([(0, 1)], [(2, 3)])
        >>> lamina.tree.assert_same_structure([0, 1], (0, 1))
        Traceback (most recent call last):
        ...
        ValueError: assert_same_structure: expected an instance of list, got (0, 1).
    """
    if check_types is not None:
        warnings.warn("assert_same_structure: the `check_types` argument is deprecated and has no effect; use "
                      "assert_same_paths for a check that treats lists and tuples alike.",
                      DeprecationWarning, stacklevel=2)
    _assert_same(a, b)


def _assert_same(a, b):
    if not is_nested(a):
        if is_nested(b):
            raise ValueError(f"assert_same_structure: expected a leaf, got the nested structure {b!r}.")
        return
    _check_node(a, b, "assert_same_structure")
    for key in _keys(a):
        _assert_same(a[key], b[key])


def flatten_with_path(structure):
    """``(path, leaf)`` pairs in ``flatten`` order; a path is the tuple of keys and indices
    that leads to the leaf.

    Example:
        >>> lamina.tree.flatten_with_path({"b": [1, 2], "a": 3})
        [(('a',), 3), (('b', 0), 1), (('b', 1), 2)]
    """
    out = []

    def walk(node, path):
        if is_nested(node):
            for key in _keys(node):
                walk(node[key], path + (key,))
        else:
            out.append((path, node))

    walk(structure, ())
    return out


def assert_same_paths(a, b):
    """Raises ``ValueError`` unless ``a`` and ``b`` have the same leaf paths (lists, tuples and
    namedtuples count as alike; only the keys and indices matter).

    Example:
        >>> lamina.tree.assert_same_paths({"a": [1, 2]}, {"a": (3, 4)})
    """
    paths_a = {path for path, _ in flatten_with_path(a)}
    paths_b = {path for path, _ in flatten_with_path(b)}
    if paths_a != paths_b:
        raise ValueError(
            "assert_same_paths: `a` and `b` don't have the same paths.\n"
            f"Paths in `a` missing in `b`: {sorted(paths_a - paths_b, key=str)}\n"
            f"Paths in `b` missing in `a`: {sorted(paths_b - paths_a, key=str)}")


def map_structure(func, *structures, none_is_leaf=True):
    """Applies ``func`` to the corresponding leaves of ``structures`` (which must be nested
    the same way) and returns the results in the first one's shape.

    Args:
        func: called with one leaf from each structure.
        *structures: one or more nested structures.
        none_is_leaf: when False, a None in the first structure stays None and ``func`` is
            not called for it.

    Example:
        >>> lamina.tree.map_structure(lambda x, y: x + y, [1, (2, 3)], [10, (20, 30)])
        [11, (22, 33)]
    """
    if not callable(func):
        raise TypeError(f"map_structure: `func` must be callable. Received: func={func!r}")
    if not structures:
        raise ValueError("map_structure: expected at least one structure. Received none.")
    for other in structures[1:]:
        _assert_same(structures[0], other)

    def walk(*nodes):
        first = nodes[0]
        if is_nested(first):
            keys = list(_keys(first))
            return _rebuild(first, keys, [walk(*(n[k] for n in nodes)) for k in keys])
        if first is None and not none_is_leaf:
            return None
        return func(*nodes)

    return walk(*structures)


def map_structure_up_to(shallow_structure, func, *structures):
    """Like ``map_structure``, but stops at the leaves of ``shallow_structure``: ``func``
    receives whatever sub-trees of ``structures`` sit there.

    Example:
        >>> lamina.tree.map_structure_up_to([0, 0], len, [[1, 2], {"a": 3}])
        [2, 1]
    """
    if not callable(func):
        raise TypeError(f"map_structure_up_to: `func` must be callable. Received: func={func!r}")
    if not structures:
        raise ValueError("map_structure_up_to: expected at least one structure. Received none.")

    def walk(shallow, *nodes):
        if not is_nested(shallow):
            return func(*nodes)
        for node in nodes:
            _check_node(shallow, node, "map_structure_up_to")
        keys = list(_keys(shallow))
        return _rebuild(shallow, keys, [walk(shallow[k], *(n[k] for n in nodes)) for k in keys])

    return walk(shallow_structure, *structures)


def traverse(func, structure, top_down=True):
    """Calls ``func`` on every sub-tree and leaf of ``structure``, depth first, and returns the
    structure with replacements.

    Top-down (parents first): a None result goes on into the sub-tree; anything else replaces
    it and its children are skipped. Bottom-up (children first): a None result keeps the
    (rebuilt) sub-tree; anything else replaces it. Return ``MAP_TO_NONE`` to put a None there.

    Example:
        >>> seen = []
        >>> lamina.tree.traverse(seen.append, [(1, 2), [3]])
        [(1, 2), [3]]
        >>> seen
        [[(1, 2), [3]], (1, 2), 1, 2, [3], 3]
        >>> lamina.tree.traverse(lambda x: lamina.tree.MAP_TO_NONE if x == 2 else None, [1, [2, 3]])
        [1, [None, 3]]
    """
    if not callable(func):
        raise TypeError(f"traverse: `func` must be callable. Received: func={func!r}")

    def result(value, original):
        if value is None:
            return original
        return None if value is MAP_TO_NONE else value

    def down(node):
        value = func(node)
        if value is not None:
            return None if value is MAP_TO_NONE else value
        if not is_nested(node):
            return node
        keys = list(_keys(node))
        return _rebuild(node, keys, [down(node[k]) for k in keys])

    def up(node):
        if is_nested(node):
            keys = list(_keys(node))
            node = _rebuild(node, keys, [up(node[k]) for k in keys])
        return result(func(node), node)

    return down(structure) if top_down else up(structure)


def lists_to_tuples(structure):
    """``structure`` with every list made a tuple (dicts and tuples kept).

    Example:
        >>> lamina.tree.lists_to_tuples({"a": [1, [2]], "b": (3, [4])})
        {'a': (1, (2,)), 'b': (3, (4,))}
    """
    if isinstance(structure, list):
        return tuple(lists_to_tuples(v) for v in structure)
    if is_nested(structure):
        keys = list(_keys(structure))
        return _rebuild(structure, keys, [lists_to_tuples(structure[k]) for k in keys])
    return structure


def _is_shape(x):
    return isinstance(x, (list, tuple)) and all(e is None or (isinstance(e, int) and not isinstance(e, bool))
                                                for e in x)


def map_shape_structure(func, structure):
    """Like ``map_structure``, but a list or tuple of ints and Nones counts as one leaf (a
    shape) and is passed to ``func`` whole.

    Example:
        >>> lamina.tree.map_shape_structure(len, {"a": (1, 2), "b": [(3,), (4, None, 6)]})
        {'a': 2, 'b': [1, 3]}
    """
    if _is_shape(structure) or not is_nested(structure):
        return func(structure)
    keys = list(_keys(structure))
    return _rebuild(structure, keys, [map_shape_structure(func, structure[k]) for k in keys])
