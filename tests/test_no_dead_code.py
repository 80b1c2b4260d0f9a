"""No dead public code: every public module-level function and class in ``lamina/`` is used.

Static (ast + text search, no imports), so it runs in a few seconds. A public (non-underscore)
module-level ``def`` or ``class`` counts as used when any of these holds:

- its name occurs somewhere in ``lamina/`` other than inside its own definition and other than
  on the ``def``/``class`` line of a same-named definition (so the JAX and torch copies of a
  backend function do not keep each other alive, and a docstring example does not keep its
  own function alive);
- it is part of a public namespace: defined in a public package's ``__init__.py``, in a
  top-level module (``lamina/random.py`` is ``lamina.random``), or in a module that a public
  package's ``__init__`` star-imports or imports as a submodule (``lamina.applications.resnet``),
  which is how Keras public API names such as ``resnet.preprocess_input`` are reached.

Tests and benches do not count as users. ``lamina.backend.jax``/``torch``/``common`` are
implementation packages: their public surface is what ``lamina.backend`` and ``lamina.ops``
take from them, which the text search sees.
"""

import ast
import collections
import pathlib
import re

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
LAMINA = ROOT / "lamina"

# Packages that are implementation, not namespaces a user imports.
PRIVATE_PACKAGES = {("lamina", "backend", "jax"), ("lamina", "backend", "torch"), ("lamina", "backend", "common")}

# Unused today, kept on purpose: "path::name" -> why.
EXCEPTIONS = {}

_TOKEN = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _module_parts(path):
    parts = path.relative_to(ROOT).with_suffix("").parts
    return parts[:-1] if parts[-1] == "__init__" else parts


def _is_public_package(parts):
    return not any(p.startswith("_") for p in parts) and not any(
        parts[:len(private)] == private for private in PRIVATE_PACKAGES)


def _public_modules(trees):
    """Dotted names of modules reachable as ``lamina.<...>`` namespaces."""
    public = set()
    for path, tree in trees.items():
        parts = _module_parts(path)
        if path.name == "__init__.py" and _is_public_package(parts):
            public.add(".".join(parts))
            for node in ast.walk(tree):
                if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                    for alias in node.names:
                        # `from pkg.mod import *` and `from pkg import submodule` expose a module.
                        public.add(node.module if alias.name == "*" else f"{node.module}.{alias.name}")
                elif isinstance(node, ast.Import):
                    public.update(alias.name for alias in node.names)
        elif len(parts) == 2 and not parts[1].startswith("_"):
            public.add(".".join(parts))  # lamina/random.py is lamina.random
    return public


def _unused():
    trees, lines = {}, {}
    for path in sorted(LAMINA.rglob("*.py")):
        text = path.read_text()
        trees[path], lines[path] = ast.parse(text), text.splitlines()
    public_modules = _public_modules(trees)
    definitions = collections.defaultdict(list)  # name -> [(path, first line, last line)]
    for path, tree in trees.items():
        if ".".join(_module_parts(path)) in public_modules:
            continue
        for node in tree.body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node.name[0] != "_":
                definitions[node.name].append((path, node.lineno, node.end_lineno))
    occurrences = collections.defaultdict(list)
    for path, text_lines in lines.items():
        for number, line in enumerate(text_lines, 1):
            for token in set(_TOKEN.findall(line)) & definitions.keys():
                occurrences[token].append((path, number))
    unused = []
    for name, defs in definitions.items():
        def_lines = {(path, first) for path, first, _ in defs}
        for path, first, last in defs:
            if not any((p, n) not in def_lines and not (p == path and first <= n <= last)
                       for p, n in occurrences[name]):
                unused.append(f"{path.relative_to(ROOT)}::{name}")
    return sorted(unused)


@pytest.fixture(scope="module")
def unused():
    return _unused()


def test_every_public_function_and_class_is_used(unused):
    unused = [u for u in unused if u not in EXCEPTIONS]
    assert not unused, ("Public functions/classes that nothing in lamina/ uses or exports (remove them, make "
                        "them private, or add a reasoned entry to EXCEPTIONS):\n  " + "\n  ".join(unused))


def test_every_exception_is_still_unused(unused):
    stale = sorted(set(EXCEPTIONS) - set(unused))
    assert not stale, f"These are used (or gone) now; remove them from EXCEPTIONS: {stale}"


def test_the_search_finds_a_planted_dead_function(tmp_path, monkeypatch):
    package = tmp_path / "lamina"
    (package / "sub").mkdir(parents=True)
    (package / "__init__.py").write_text("from lamina.sub.api import exported\n")
    (package / "sub" / "__init__.py").write_text("")
    (package / "sub" / "api.py").write_text(
        "def exported():\n    return helper()\n\n\ndef helper():\n    return 1\n\n\n"
        "def dead():\n    '''Example: dead()'''\n    return dead\n")
    (package / "sub" / "twin_a.py").write_text("def twin():\n    pass\n")
    (package / "sub" / "twin_b.py").write_text("def twin():\n    pass\n")
    monkeypatch.setitem(globals(), "ROOT", tmp_path)
    monkeypatch.setitem(globals(), "LAMINA", package)
    assert _unused() == ["lamina/sub/api.py::dead", "lamina/sub/twin_a.py::twin", "lamina/sub/twin_b.py::twin"]
