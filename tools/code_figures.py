"""Prints a few figures about the shape of the ``lamina`` package.

(a) the longest file and the longest function, in lines;
(b) the module-level import cycles among lamina's modules (only ``import`` / ``from`` statements
    that run when a module is imported: not those inside functions, nor under
    ``if TYPE_CHECKING:``);
(c) the number of repeated blocks of six or more lines: the ``duplicates`` command where it is on
    PATH, otherwise a count of normalized six-line windows that occur in more than one place.

Run from anywhere: ``python tools/code_figures.py [package_dir]`` (default: ``lamina`` beside
``tools/``).
"""

import argparse
import ast
import hashlib
import re
import shutil
import subprocess
import sys
from pathlib import Path

WINDOW = 6


def python_files(package_dir):
    return sorted(p for p in Path(package_dir).rglob("*.py") if "__pycache__" not in p.parts)


def module_name(path, package_dir):
    """``lamina/backend/jax/core.py`` -> ``lamina.backend.jax.core`` (a package is its ``__init__``)."""
    package_dir = Path(package_dir)
    parts = list(path.relative_to(package_dir.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


# -- (a) sizes ---------------------------------------------------------------------------
def longest_file(files):
    return max(((len(p.read_text().splitlines()), p) for p in files), key=lambda item: item[0])


def longest_function(files):
    best = (0, None, None)
    for path in files:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                lines = node.end_lineno - node.lineno + 1
                if lines > best[0]:
                    best = (lines, path, node.name)
    return best


# -- (b) import cycles ---------------------------------------------------------------------
def _is_type_checking(test):
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def module_level_imports(tree):
    """The import statements that run when the module is imported."""
    found = []

    def visit(statements):
        for node in statements:
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                found.append(node)
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            elif isinstance(node, ast.If) and _is_type_checking(node.test):
                visit(node.orelse)
            else:
                for field in ("body", "orelse", "finalbody", "handlers"):
                    visit(getattr(node, field, []) or [])

    visit(tree.body)
    return found


def _resolve_relative(current, is_package, level, target):
    base = current.split(".") if is_package else current.split(".")[:-1]
    base = base[: len(base) - (level - 1)] if level > 1 else base
    return ".".join(base + ([target] if target else []))


def import_graph(package_dir):
    """``{module: set of lamina modules it imports at module level}``."""
    files = python_files(package_dir)
    modules = {module_name(p, package_dir): p for p in files}
    graph = {}
    for name, path in modules.items():
        is_package = path.name == "__init__.py"
        edges = set()
        for node in module_level_imports(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            else:
                base = node.module or ""
                if node.level:
                    base = _resolve_relative(name, is_package, node.level, node.module)
                # ``from pkg import sub`` imports the submodule when there is one, else reads ``pkg``.
                targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in modules else base for a in node.names]
            edges.update(t for t in targets if t in modules and t != name)
        graph[name] = edges
    return graph


def import_cycles(graph):
    """The strongly connected groups of more than one module: ``[(modules, one cycle through them)]``.

    Each group counts as one cycle: in it every module imports, directly or not, every other.
    """
    index, low, on_stack, stack, groups = {}, {}, set(), [], []
    counter = [0]

    def connect(v):  # Tarjan's algorithm, iterative so deep graphs do not hit the recursion limit.
        work = [(v, iter(sorted(graph[v])))]
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter[0]
                    counter[0] += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                group = []
                while True:
                    w = stack.pop()
                    on_stack.discard(w)
                    group.append(w)
                    if w == node:
                        break
                if len(group) > 1:
                    groups.append(sorted(group))

    for v in sorted(graph):
        if v not in index:
            connect(v)
    return [(group, _cycle_through(graph, group)) for group in sorted(groups)]


def _cycle_through(graph, group):
    """A shortest cycle from the group's first module back to itself, inside the group."""
    start, members = group[0], set(group)
    previous, frontier = {start: None}, [start]
    while frontier:
        next_frontier = []
        for node in frontier:
            for child in sorted(graph[node] & members):
                if child == start:
                    path = [node]
                    while previous[path[-1]] is not None:
                        path.append(previous[path[-1]])
                    return list(reversed(path)) + [start]
                if child not in previous:
                    previous[child] = node
                    next_frontier.append(child)
        frontier = next_frontier
    return group


# -- (c) repeated blocks -------------------------------------------------------------------
def _normalized_lines(text):
    lines = []
    for line in text.splitlines():
        line = re.sub(r"\s+", " ", line.split("#", 1)[0]).strip()
        if line and not re.fullmatch(r"[()\[\]{}:,]*", line) and not line.startswith(("import ", "from ")):
            lines.append(line)
    return lines


def repeated_windows(files):
    """Normalized six-line windows that stand in more than one place (a rough stand-in)."""
    places = {}
    for path in files:
        lines = _normalized_lines(path.read_text())
        for i in range(len(lines) - WINDOW + 1):
            key = hashlib.sha1("\n".join(lines[i:i + WINDOW]).encode()).hexdigest()
            places[key] = places.get(key, 0) + 1
    return sum(1 for n in places.values() if n > 1)


def repeated_blocks(package_dir, files):
    """``(count, how it was counted)``."""
    tool = shutil.which("duplicates")
    if tool:
        out = subprocess.run([tool, "--repo", str(package_dir), "--seconds", "120"], capture_output=True,
                             text=True).stdout
        first = out.splitlines()[0] if out else ""
        match = re.match(r"(\d+) pairs", first)
        if match:
            return int(match.group(1)), f"pairs of places by `duplicates`: {first}"
        if first.startswith("no duplicates"):
            return 0, f"`duplicates`: {first}"
    return repeated_windows(files), "normalized 6-line windows found in more than one place"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("package_dir", nargs="?", default=Path(__file__).resolve().parent.parent / "lamina")
    args = parser.parse_args(argv)
    package_dir = Path(args.package_dir).resolve()
    files = python_files(package_dir)
    root = package_dir.parent

    lines, path = longest_file(files)
    print(f"longest file: {path.relative_to(root)} ({lines} lines)")
    lines, path, name = longest_function(files)
    print(f"longest function: {path.relative_to(root)}::{name} ({lines} lines)")

    cycles = import_cycles(import_graph(package_dir))
    print(f"module-level import cycles: {len(cycles)}")
    for group, cycle in cycles:
        print(f"  {len(group)} modules ({', '.join(group)}), e.g. " + " -> ".join(cycle))

    count, how = repeated_blocks(package_dir, files)
    print(f"repeated blocks (6+ lines): {count} ({how})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
