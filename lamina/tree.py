"""``lamina.tree``: nested structures (lists, tuples, dicts) of leaves."""

from lamina.backend.common.tree import flatten, is_nested, map_structure, pack_sequence_as, traverse  # noqa: F401
