"""lamina.tree against keras.tree on the same structures: results and which inputs raise."""

import collections

import pytest

import lamina
from tests.conftest import keras_or_skip

Point = collections.namedtuple("Point", ["x", "y"])
STRUCTURES = [
    5, None, [1, (2, 3)], {"b": [1, 2], "a": None, "c": {"d": 4}}, Point(1, [2, 3]),
    collections.OrderedDict([("z", 1), ("a", (2,))]), [[], (), {}],
]


def _same_call(fn_name, *args, **kwargs):
    keras = keras_or_skip()
    ours, theirs = getattr(lamina.tree, fn_name), getattr(keras.tree, fn_name)
    try:
        expected = theirs(*args, **kwargs)
    except (ValueError, TypeError) as e:
        with pytest.raises(type(e)):
            ours(*args, **kwargs)
        return None
    got = ours(*args, **kwargs)
    assert got == expected and type(got) is type(expected), (fn_name, args, got, expected)
    return got


@pytest.mark.parametrize("structure", STRUCTURES)
def test_walks_match_keras(structure):
    for name in ("flatten", "flatten_with_path", "lists_to_tuples", "is_nested"):
        _same_call(name, structure)
    _same_call("map_structure", lambda x: None if x is None else x * 10, structure)
    _same_call("map_structure", lambda x: x, structure, none_is_leaf=False)
    _same_call("map_shape_structure", lambda s: ("shape", tuple(s)) if isinstance(s, (list, tuple)) else s,
               structure)
    _same_call("traverse", lambda x: None, structure)
    _same_call("traverse", lambda x: None, structure, top_down=False)
    _same_call("pack_sequence_as", structure, list(range(len(lamina.tree.flatten(structure)))))


@pytest.mark.parametrize("a,b", [
    ([1, 2], [3, 4]), ([1, 2], (1, 2)), ([1, 2], [1, [2]]), ({"a": 1}, {"b": 1}), ([None], [1]),
    ({"a": 1}, collections.OrderedDict(a=2)), (Point(1, 2), (1, 2)), ([1, 2], [1]),
])
def test_structure_and_path_checks_match_keras(a, b):
    _same_call("assert_same_structure", a, b)
    _same_call("assert_same_paths", a, b)
    try:
        keras_or_skip().tree.assert_same_structure(a, b)
    except ValueError:
        # Keras's map_structure checks this on JAX but not on torch (another tree engine there);
        # lamina follows the documented contract on both: mismatched structures raise.
        with pytest.raises(ValueError):
            lamina.tree.map_structure(lambda x, y: (x, y), a, b)
    else:
        _same_call("map_structure", lambda x, y: (x, y), a, b)


@pytest.mark.parametrize("shallow,deep", [
    ([0, 0], [[1, 2], {"a": 3}]), ({"a": 0}, {"a": [1], "b": 2}), ([0, 0], (1, 2)), ([0, [0]], [1, 2]),
    ({"a": 0, "b": [0]}, {"b": [(1, 2)], "a": [3]}),
])
def test_map_structure_up_to_matches_keras(shallow, deep):
    _same_call("map_structure_up_to", shallow, lambda x: ("leaf", str(x)), deep)


def test_traverse_replaces_and_prunes():
    keras = keras_or_skip()
    tree = [1, [2, 3], {"a": [4]}]
    for top_down in (True, False):
        seen_ours, seen_keras = [], []
        lamina.tree.traverse(seen_ours.append, tree, top_down=top_down)
        keras.tree.traverse(seen_keras.append, tree, top_down=top_down)
        assert seen_ours == seen_keras
    assert lamina.tree.traverse(lambda x: lamina.tree.MAP_TO_NONE if x == [2, 3] else None, tree) == \
        [1, None, {"a": [4]}]
    assert lamina.tree.traverse(lambda x: "n" if x == [4] else None, tree, top_down=False) == [1, [2, 3], {"a": "n"}]


def test_errors_name_the_function():
    with pytest.raises(TypeError, match="map_structure: `func` must be callable"):
        lamina.tree.map_structure(3, [1])
    with pytest.raises(ValueError, match="map_structure: expected at least one structure"):
        lamina.tree.map_structure(abs)
    with pytest.warns(DeprecationWarning, match="check_types"):
        lamina.tree.assert_same_structure([1], [2], check_types=True)
