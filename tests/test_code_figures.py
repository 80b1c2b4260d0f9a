"""tools/code_figures.py: lamina has no module-level import cycles, and the counter finds one."""

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _code_figures():
    spec = importlib.util.spec_from_file_location("code_figures", ROOT / "tools" / "code_figures.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _write(root, files):
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def test_lamina_has_no_module_level_import_cycles():
    figures = _code_figures()
    cycles = figures.import_cycles(figures.import_graph(ROOT / "lamina"))
    assert cycles == [], "module-level import cycles:\n" + "\n".join(" -> ".join(c) for _, c in cycles)


def test_a_cycle_in_a_small_package_is_found(tmp_path):
    _write(tmp_path / "pkg", {
        "__init__.py": "",
        "a.py": "from pkg.b import g\n\ndef f():\n    return g()\n",
        "b.py": "import os\nfrom . import c\n\ndef g():\n    return 1\n",
        "c.py": "from pkg import a\n",
        # Imports inside functions or under TYPE_CHECKING run later, so they make no cycle.
        "d.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from pkg import e\n\n"
                "def h():\n    from pkg import e\n",
        "e.py": "from pkg.d import h\n",
    })
    figures = _code_figures()
    graph = figures.import_graph(tmp_path / "pkg")
    assert graph["pkg.b"] == {"pkg.c"}
    assert graph["pkg.d"] == set()
    cycles = figures.import_cycles(graph)
    assert cycles == [(["pkg.a", "pkg.b", "pkg.c"], ["pkg.a", "pkg.b", "pkg.c", "pkg.a"])]


def test_figures_print(capsys):
    figures = _code_figures()
    assert figures.main([str(ROOT / "lamina")]) == 0
    out = capsys.readouterr().out
    assert "longest file: lamina/" in out
    assert "longest function: lamina/" in out
    assert "module-level import cycles: " in out
    assert "repeated blocks (6+ lines): " in out


def test_repeated_blocks_fall_back_to_window_hashes(tmp_path, monkeypatch):
    block = "".join(f"    x{i} = x{i - 1} + {i}\n" for i in range(1, 8))
    _write(tmp_path / "pkg", {"__init__.py": "", "a.py": "def f(x0):\n" + block, "b.py": "def g(x0):\n" + block,
                              "c.py": "def h(y):\n    return y\n"})
    figures = _code_figures()
    monkeypatch.setattr(figures.shutil, "which", lambda name: None)
    count, how = figures.repeated_blocks(tmp_path / "pkg", figures.python_files(tmp_path / "pkg"))
    assert (count, how) == (2, "normalized 6-line windows found in more than one place")
