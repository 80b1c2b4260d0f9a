"""Every public op documents each of its parameters in a Google-style ``Args:`` section."""

import importlib
import inspect
import re

import pytest

_NAMESPACES = (
    "lamina.ops",
    "lamina.ops.nn",
    "lamina.ops.math",
    "lamina.ops.linalg",
    "lamina.ops.image",
    "lamina.ops.numpy",
)
_ENTRY = re.compile(r"\*{0,2}(\w+)\s*(?:\([^)]*\))?\s*:")


def _public_ops():
    """Functions defined in lamina and reachable from the op namespaces, deduplicated by identity."""
    found = {}
    for module_name in _NAMESPACES:
        module = importlib.import_module(module_name)
        for name in sorted(dir(module)):
            if name.startswith("_"):
                continue
            obj = getattr(module, name)
            if inspect.isfunction(obj) and (obj.__module__ or "").startswith("lamina"):
                found.setdefault(id(obj), (f"{module_name}.{name}", obj))
    return sorted(found.values(), key=lambda item: item[0])


def _parameters(fn):
    """Parameter names of ``fn``, without ``self``, ``*args`` and ``**kwargs``."""
    skip = (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD)
    return [p.name for p in inspect.signature(fn).parameters.values() if p.kind not in skip and p.name != "self"]


def _documented(doc):
    """Names listed in the ``Args:`` section of a docstring, or None when there is no such section."""
    lines = inspect.cleandoc(doc or "").splitlines()
    try:
        start = next(i for i, line in enumerate(lines) if line.strip() == "Args:" and not line.startswith(" "))
    except StopIteration:
        return None
    names, entry_indent = set(), None
    for line in lines[start + 1:]:
        if not line.strip():
            continue
        indent = len(line) - len(line.lstrip())
        if indent == 0:
            break
        if entry_indent is None:
            entry_indent = indent
        if indent == entry_indent:
            match = _ENTRY.match(line.strip())
            if match:
                names.add(match.group(1))
    return names


def _missing(fn):
    """Problems with ``fn``'s ``Args:`` section as a message, or "" when every parameter is named."""
    params = _parameters(fn)
    if not params:
        return ""
    names = _documented(fn.__doc__)
    if names is None:
        return f"no `Args:` section; parameters to document: {params}"
    missing = [p for p in params if p not in names]
    return f"`Args:` does not name {missing}" if missing else ""


_OPS = _public_ops()


def test_the_op_namespaces_are_collected():
    from lamina import ops

    collected = {id(fn) for _, fn in _OPS}
    assert len(_OPS) > 100, f"expected the public ops of {_NAMESPACES}; found {len(_OPS)}"
    for fn in (ops.add, ops.nn.relu, ops.linalg.qr, ops.image.resize, ops.math.top_k, ops.numpy.einsum):
        assert id(fn) in collected, f"{fn.__module__}.{fn.__name__} was not collected"


@pytest.mark.parametrize("name,fn", _OPS, ids=[name for name, _ in _OPS])
def test_op_docstring_names_every_parameter(name, fn):
    problem = _missing(fn)
    assert not problem, f"{name} ({fn.__module__}.{fn.__qualname__}): {problem}"


def test_every_op_at_once_lists_what_is_missing():
    problems = [f"{name}: {p}" for name, fn in _OPS if (p := _missing(fn))]
    assert not problems, f"{len(problems)} public ops miss Args entries:\n" + "\n".join(problems)


def test_checker_catches_a_missing_parameter():
    def planted(x, axis=None, keepdims=False, *args, **kwargs):
        """Planted op.

        Args:
            x: input tensor.
            keepdims: whether to keep the axis; the word axis: here is a
                continuation line, not an entry.
        """

    assert _missing(planted) == "`Args:` does not name ['axis']"


def test_checker_catches_a_missing_section_and_accepts_a_complete_one():
    def undocumented(x, axis=None):
        """Summary only, mentioning x: and axis: in prose."""

    def documented(x, axis=None, *operands):
        """Complete.

        Args:
            x: input tensor.
            axis (int): the axis.
            *operands: extra tensors.

        Returns:
            A tensor.
        """

    assert _missing(undocumented) == "no `Args:` section; parameters to document: ['x', 'axis']"
    assert _missing(documented) == ""
