"""What ``save`` leaves on disk: accepted file names, file permissions, and no leftovers
from saves that were killed midway."""

import os
import stat
import subprocess
import sys
import time

import numpy as np
import pytest

import lamina
from tests.conftest import keras_or_skip


def _model(lib=lamina):
    model = lib.Sequential([lib.Input((3,)), lib.layers.Dense(2, name="d")])
    model.compile(optimizer="sgd", loss="mse")
    return model


def _hidden(folder):
    return sorted(n for n in os.listdir(folder) if n.startswith("."))


# -- file names -------------------------------------------------------------------------------
@pytest.mark.parametrize("name, zipped", [("m.txt", None), ("m.txt", True), ("model.pkl", None)])
def test_save_refuses_an_unknown_suffix_and_lists_the_valid_ones(tmp_path, name, zipped):
    with pytest.raises(ValueError, match=r"Unsupported file name.*'\.keras'.*'\.h5' or '\.hdf5'.*no suffix"):
        _model().save(str(tmp_path / name), zipped=zipped)
    assert os.listdir(tmp_path) == []  # nothing written, not even a temp file


def test_keras_refuses_the_same_name(tmp_path):
    keras = keras_or_skip()
    with pytest.raises(ValueError, match="m.txt"):
        _model(keras).save(str(tmp_path / "m.txt"))


def test_suffixless_path_and_zipped_false_still_save_folders(tmp_path):
    model = _model()
    x = np.ones((2, 3), "float32")
    for name, kwargs in (("saved_model", {}), ("m.txt", {"zipped": False})):
        model.save(str(tmp_path / name), **kwargs)
        assert os.path.isdir(tmp_path / name)
        restored = lamina.saving.load_model(str(tmp_path / name))
        np.testing.assert_allclose(restored.predict(x, verbose=0), model.predict(x, verbose=0), rtol=1e-6)


# -- permissions ----------------------------------------------------------------------------
def _save_everything(model, folder):
    """Every save path; returns the files and folders each wrote."""
    model.save(os.path.join(folder, "m.keras"))
    model.save(os.path.join(folder, "legacy.h5"))
    model.save(os.path.join(folder, "as_folder"))
    model.save_weights(os.path.join(folder, "w.weights.h5"))
    model.save_weights(os.path.join(folder, "ckpt"))
    lamina.Checkpoint(model=model).save(os.path.join(folder, "objects", "ckpt"))
    files = ["m.keras", "legacy.h5", "w.weights.h5", "ckpt.index", "ckpt.safetensors",
             os.path.join("as_folder", "config.json"), os.path.join("as_folder", "model.weights.h5")]
    files += [os.path.join("objects", n) for n in os.listdir(os.path.join(folder, "objects"))]
    return files, ["as_folder"]


@pytest.mark.skipif(os.name != "posix", reason="POSIX permission bits")
@pytest.mark.parametrize("umask", [0o022, 0o077, 0o002])
def test_saved_files_honour_the_umask(tmp_path, umask):
    model = _model()
    old = os.umask(umask)
    try:
        files, folders = _save_everything(model, str(tmp_path))
    finally:
        os.umask(old)
    assert "checkpoint" in os.listdir(tmp_path / "objects")  # the json state file is among them
    for name in files:
        assert stat.S_IMODE(os.stat(tmp_path / name).st_mode) == 0o666 & ~umask, name
    for name in folders:
        assert stat.S_IMODE(os.stat(tmp_path / name).st_mode) == 0o777 & ~umask, name


def test_keras_writes_0644_under_umask_022(tmp_path):
    keras = keras_or_skip()
    old = os.umask(0o022)
    try:
        _model(keras).save(str(tmp_path / "k.keras"))
        _model().save(str(tmp_path / "l.keras"))
    finally:
        os.umask(old)
    modes = {stat.S_IMODE(os.stat(tmp_path / n).st_mode) for n in ("k.keras", "l.keras")}
    assert modes == {0o644}


# -- leftovers of killed saves -----------------------------------------------------------------
_KILLED_WRITER = """
import os, sys
from lamina.saving import file_utils
with file_utils.atomic_write(sys.argv[1]) as tmp:
    with open(tmp, "wb") as f:
        f.write(b"x" * 65536)
    os._exit(9)  # dies mid-save, as a kill does: no cleanup runs
"""


def _age(path, seconds):
    past = time.time() - seconds
    os.utime(path, (past, past))


def test_next_save_removes_the_temp_file_of_a_killed_save(tmp_path):
    target = str(tmp_path / "m.keras")
    proc = subprocess.run([sys.executable, "-c", _KILLED_WRITER, target], cwd=os.getcwd(),
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 9, proc.stderr
    leftover = _hidden(tmp_path)
    assert len(leftover) == 1 and leftover[0].startswith(".m.keras.") and leftover[0].endswith(".tmp")
    assert os.path.getsize(tmp_path / leftover[0]) == 65536

    model = _model()
    model.save(target)
    assert _hidden(tmp_path) == leftover  # a fresh leftover is kept: its writer might be slow
    _age(tmp_path / leftover[0], 120)  # the writer is gone and it is over a minute old
    model.save(target)
    assert _hidden(tmp_path) == []
    assert sorted(os.listdir(tmp_path)) == ["m.keras"]


def test_cleanup_touches_only_our_stale_temp_files_for_that_path(tmp_path):
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    names = {
        f".m.keras.{dead.pid}-0123abcd.tmp": (120, False),  # dead writer, over a minute: removed
        f".m.keras.{os.getpid()}-0123abcd.tmp": (120, True),  # a live writer (us): kept
        f".m.keras.{dead.pid}-4567cdef.tmp": (5, True),  # dead writer but fresh: kept
        ".m.keras.ab12cd34.tmp": (7200, False),  # older pattern, over an hour: removed
        ".m.keras.ab12cd35.tmp": (600, True),  # older pattern, ten minutes: kept
        f".other.keras.{dead.pid}-0123abcd.tmp": (7200, True),  # another target: kept
        ".m.keras.notes.tmp": (7200, True),  # not our pattern: kept
        "m.keras.0123abcd.tmp": (7200, True),  # not hidden, not ours: kept
    }
    for name, (age, _) in names.items():
        (tmp_path / name).write_bytes(b"partial")
        _age(tmp_path / name, age)
    _model().save_weights(str(tmp_path / "m.keras.weights.h5"))  # another path: nothing removed
    assert all((tmp_path / n).exists() for n in names)
    _model().save(str(tmp_path / "m.keras"))
    kept = {n for n in names if (tmp_path / n).exists()}
    assert kept == {n for n, (_, keep) in names.items() if keep}


def test_stale_temp_folder_of_a_folder_save_is_removed(tmp_path):
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    stale = tmp_path / f".saved.{dead.pid}-0123abcd.tmp"
    stale.mkdir()
    (stale / "model.weights.h5").write_bytes(b"partial")
    _age(stale, 120)
    _model().save(str(tmp_path / "saved"))
    assert sorted(os.listdir(tmp_path)) == ["saved"]
