"""Dataset loaders on small files made here, through the real download-and-cache path (a
``file://`` origin); results compared with Keras's own loaders reading the same files."""

import collections
import hashlib
import json
import pickle
import tarfile

import numpy as np
import pytest

import lamina
from tests.conftest import keras_or_skip


def _sha256(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _ragged(rows):
    out = np.empty(len(rows), dtype=object)
    out[:] = rows
    return out


def _sequences(rng, n):
    # Python ints, as in the published files (Keras's reader refuses NumPy scalars).
    return _ragged([[int(w) for w in rng.integers(1, 40, size=rng.integers(2, 12))] for _ in range(n)])


def _keras_reading(monkeypatch, module, path):
    """Keras's loader module, made to read ``path`` instead of downloading."""
    import importlib

    keras_or_skip()
    mod = importlib.import_module(f"keras.src.datasets.{module}")
    monkeypatch.setattr(mod, "get_file", lambda *args, **kwargs: str(path))
    return mod


def _load(monkeypatch, module, mirror, cache, hash_name="_HASH", **kwargs):
    monkeypatch.setattr(module, hash_name, _sha256(mirror))
    return module.load_data(origin=mirror.as_uri(), cache_dir=str(cache), **kwargs)


def _assert_same(ours, theirs):
    for a, b in zip(ours, theirs):
        for x, y in zip(a, b):
            assert len(x) == len(y)
            if x.dtype == object:
                assert [list(map(int, r)) for r in x] == [list(map(int, r)) for r in y]
            else:
                np.testing.assert_array_equal(x, y)


@pytest.mark.parametrize("kwargs", [{}, {"num_words": 20, "skip_top": 2}, {"maxlen": 8, "start_char": None},
                                    {"oov_char": None, "num_words": 15, "index_from": 0}])
def test_imdb_matches_keras(tmp_path, monkeypatch, kwargs):
    rng = np.random.default_rng(0)
    mirror = tmp_path / "imdb.npz"
    np.savez(mirror, x_train=_sequences(rng, 30), y_train=rng.integers(0, 2, 30),
             x_test=_sequences(rng, 20), y_test=rng.integers(0, 2, 20))
    ours = _load(monkeypatch, lamina.datasets.imdb, mirror, tmp_path / "c", **kwargs)
    theirs = _keras_reading(monkeypatch, "imdb", mirror).load_data(**kwargs)
    _assert_same(ours, theirs)
    assert (tmp_path / "c" / "datasets" / "imdb.npz").exists()  # cached under the Keras file name


@pytest.mark.parametrize("kwargs", [{}, {"num_words": 25, "test_split": 0.5}, {"maxlen": 9, "skip_top": 3}])
def test_reuters_matches_keras(tmp_path, monkeypatch, kwargs):
    rng = np.random.default_rng(1)
    mirror = tmp_path / "reuters.npz"
    np.savez(mirror, x=_sequences(rng, 40), y=rng.integers(0, 46, 40))
    ours = _load(monkeypatch, lamina.datasets.reuters, mirror, tmp_path / "c", **kwargs)
    theirs = _keras_reading(monkeypatch, "reuters", mirror).load_data(**kwargs)
    _assert_same(ours, theirs)
    assert lamina.datasets.reuters.get_label_names() == tuple(
        _keras_reading(monkeypatch, "reuters", mirror).get_label_names())


def test_dataset_files_holding_other_pickled_objects_are_refused(tmp_path, monkeypatch):
    evil = tmp_path / "reuters.npz"
    np.savez(evil, x=_ragged([[1, 2], collections.Counter()]), y=np.array([0, 1]))  # a class named in the stream
    with pytest.raises(pickle.UnpicklingError, match="Refusing to load collections.Counter"):
        _load(monkeypatch, lamina.datasets.reuters, evil, tmp_path / "c")


@pytest.mark.parametrize("module,fname", [("imdb", "imdb_word_index.json"), ("reuters", "reuters_word_index.json")])
def test_word_index(tmp_path, monkeypatch, module, fname):
    mirror = tmp_path / fname
    mirror.write_text(json.dumps({"the": 1, "film": 2}))
    mod = getattr(lamina.datasets, module)
    monkeypatch.setattr(mod, "_WORD_INDEX_HASH", hashlib.md5(mirror.read_bytes()).hexdigest())
    assert mod.get_word_index(origin=mirror.as_uri(), cache_dir=str(tmp_path / "c")) == {"the": 1, "film": 2}
    monkeypatch.setattr(mod, "_WORD_INDEX_HASH", "0" * 32)
    with pytest.raises(ValueError, match="does not match the expected hash"):
        mod.get_word_index(origin=mirror.as_uri(), cache_dir=str(tmp_path / "d"))


@pytest.mark.parametrize("kwargs", [{}, {"version": "small", "test_split": 0.25}])
def test_california_housing_matches_keras(tmp_path, monkeypatch, kwargs):
    rng = np.random.default_rng(2)
    mirror = tmp_path / "california_housing.npz"
    np.savez(mirror, x=rng.normal(size=(700, 8)).astype("float32"), y=rng.normal(size=(700,)).astype("float32"))
    ours = _load(monkeypatch, lamina.datasets.california_housing, mirror, tmp_path / "c", **kwargs)
    theirs = _keras_reading(monkeypatch, "california_housing", mirror).load_data(**kwargs)
    _assert_same(ours, theirs)
    assert len(ours[0][0]) + len(ours[1][0]) == (600 if kwargs else 700)
    with pytest.raises(ValueError, match="expected version 'small' or 'large'. Received: version='tiny'"):
        lamina.datasets.california_housing.load_data(version="tiny")


def _cifar100_archive(tmp_path, rng):
    folder = tmp_path / "src" / "cifar-100-python"
    folder.mkdir(parents=True)
    for name, n in (("train", 6), ("test", 4)):
        batch = {b"data": rng.integers(0, 256, size=(n, 3072), dtype=np.uint8),
                 b"fine_labels": [int(v) for v in rng.integers(0, 100, n)],
                 b"coarse_labels": [int(v) for v in rng.integers(0, 20, n)]}
        (folder / name).write_bytes(pickle.dumps(batch, protocol=4))
    archive = tmp_path / "cifar-100-python.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(folder, arcname="cifar-100-python")
    return archive


@pytest.mark.parametrize("label_mode", ["fine", "coarse"])
def test_cifar100_matches_keras(tmp_path, monkeypatch, label_mode):
    archive = _cifar100_archive(tmp_path, np.random.default_rng(3))
    ours = _load(monkeypatch, lamina.datasets.cifar100, archive, tmp_path / "c", label_mode=label_mode)
    theirs = _keras_reading(monkeypatch, "cifar100", tmp_path / "src").load_data(label_mode=label_mode)
    _assert_same(ours, theirs)
    assert ours[0][0].shape == (6, 32, 32, 3) and ours[1][1].shape == (4, 1)
    with pytest.raises(ValueError, match="label_mode 'fine' or 'coarse'"):
        lamina.datasets.cifar100.load_data(label_mode="medium")
