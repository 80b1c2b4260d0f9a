"""Backend selection, config file, and the rule that only lamina/backend imports jax/torch."""

import json
import os
import pathlib
import re
import subprocess
import sys

import pytest

import lamina

ROOT = pathlib.Path(__file__).resolve().parents[2]


def _run(code, **env):
    full_env = {k: v for k, v in os.environ.items() if k != "LAMINA_BACKEND"}
    full_env.update(env)
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=full_env, timeout=120)


def test_backend_name_matches_environment():
    assert lamina.backend.backend() == os.environ.get("LAMINA_BACKEND", "jax")


def test_unknown_backend_lists_valid_ones():
    result = _run("import lamina", LAMINA_BACKEND="tensorflow")
    assert result.returncode != 0
    assert "Unknown lamina backend 'tensorflow'" in result.stderr
    assert "jax, torch" in result.stderr


def test_config_file_chooses_backend_and_floatx(tmp_path):
    (tmp_path / "lamina.json").write_text(json.dumps({"backend": "torch", "floatx": "float64", "epsilon": 1e-5}))
    result = _run("import lamina; from lamina import backend as b; print(b.backend(), b.floatx(), b.epsilon())",
                  LAMINA_HOME=str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["torch", "float64", "1e-05"]


def test_environment_wins_over_config_file(tmp_path):
    (tmp_path / "lamina.json").write_text(json.dumps({"backend": "torch"}))
    result = _run("import lamina; print(lamina.backend.backend())", LAMINA_HOME=str(tmp_path), LAMINA_BACKEND="jax")
    assert result.stdout.strip() == "jax"


def test_import_does_not_load_the_other_engine():
    code = "import sys, lamina; print('torch' in sys.modules, 'jax' in sys.modules)"
    jax_run = _run(code, LAMINA_BACKEND="jax")
    assert jax_run.stdout.split() == ["False", "True"], jax_run.stderr
    torch_run = _run(code, LAMINA_BACKEND="torch")
    assert torch_run.stdout.split() == ["True", "False"], torch_run.stderr


def test_missing_engine_names_the_extra():
    code = "import sys; sys.modules['torch'] = None; import lamina"
    result = _run(code, LAMINA_BACKEND="torch")
    assert result.returncode != 0
    assert "pip install 'lamina[torch]'" in result.stderr


def test_only_backend_imports_jax_or_torch():
    pattern = re.compile(r"^\s*(import|from)\s+(jax|jaxlib|torch)\b", re.M)
    offenders = []
    for path in (ROOT / "lamina").rglob("*.py"):
        rel = path.relative_to(ROOT).as_posix()
        if rel.startswith("lamina/backend/"):
            continue
        if pattern.search(path.read_text()):
            offenders.append(rel)
    assert offenders == []


def test_no_keras_or_tensorflow_imports_in_lamina():
    pattern = re.compile(r"^\s*(import|from)\s+(keras|tensorflow|tf_keras)\b", re.M)
    offenders = [p.relative_to(ROOT).as_posix() for p in (ROOT / "lamina").rglob("*.py") if pattern.search(p.read_text())]
    assert offenders == []


def test_floatx_and_image_format_setters_validate():
    with pytest.raises(ValueError, match="floatx"):
        lamina.backend.set_floatx("float13")
    with pytest.raises(ValueError, match="channels_last"):
        lamina.backend.set_image_data_format("channels_middle")
