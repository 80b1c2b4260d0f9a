"""KerasFileEditor against Keras's own on the same files: the weight tree, compare(), edits
and files that both frameworks load."""

import numpy as np
import pytest

import lamina
from tests.conftest import keras_or_skip


def _model(lib, units=4):
    model = lib.Sequential([lib.Input((3,)), lib.layers.Dense(units), lib.layers.BatchNormalization(),
                            lib.layers.Dense(2)])
    model.compile(optimizer="adam", loss="mse")
    return model


def _same_tree(a, b):
    b = {k: v for k, v in b.items() if not (isinstance(v, dict) and not v)}  # Keras keeps empty objects
    assert list(a) == list(b)
    for key in a:
        if isinstance(a[key], dict):
            _same_tree(a[key], b[key])
        else:
            np.testing.assert_array_equal(np.asarray(a[key]), np.asarray(b[key]))


def test_reads_the_tree_keras_reads(tmp_path, capsys):
    keras_or_skip()
    from keras.src.saving.file_editor import KerasFileEditor as KerasEditor

    model = _model(lamina)
    model.fit(np.ones((8, 3)), np.ones((8, 2)), verbose=0)
    model.save(tmp_path / "m.keras")
    ours = lamina.saving.KerasFileEditor(tmp_path / "m.keras")
    theirs = KerasEditor(str(tmp_path / "m.keras"))
    _same_tree(ours.weights_dict, theirs.weights_dict)
    assert ours.metadata["keras_version"] == theirs.metadata["keras_version"]
    ours.summary()
    out = capsys.readouterr().out
    assert "layers/" in out and "shape=(3, 4)" in out
    leaves = []
    lamina.tree.traverse(lambda x: leaves.append(x) if isinstance(x, np.ndarray) else None, ours.weights_dict)
    assert ours.compare(model) == {"status": "success", "error_count": 0, "match_count": len(leaves)}


def test_compare_reports_mismatches(tmp_path):
    model = _model(lamina)
    model.save_weights(tmp_path / "w.weights.h5")
    editor = lamina.saving.KerasFileEditor(tmp_path / "w.weights.h5")
    result = editor.compare(_model(lamina, units=5))
    # both dense kernels, the first bias and the 4 BatchNormalization vectors differ; the last bias and
    # the optimizer's iteration count and learning rate match
    assert result == {"status": "error", "error_count": 7, "match_count": 3}
    editor.delete_weight("dense", "1")
    assert editor.compare(model)["error_count"] == 1


def test_edits_make_a_file_both_frameworks_load(tmp_path):
    keras = keras_or_skip()
    old = _model(lamina)
    old.save_weights(tmp_path / "old.weights.h5")
    editor = lamina.saving.KerasFileEditor(tmp_path / "old.weights.h5")
    kernel, bias = np.full((4, 3), 0.5, "float32"), np.arange(3, dtype="float32")
    editor.delete_object("layers/dense_1")
    editor.add_object("layers/dense_1", {"0": kernel})
    editor.add_weights("dense_1", {"1": bias})
    editor.rename_object("batch_normalization", "bn")
    editor.rename_object("bn", "batch_normalization")
    editor.save(tmp_path / "new.weights.h5")
    for lib in (lamina, keras):
        new = lib.Sequential([lib.Input((3,)), lib.layers.Dense(4), lib.layers.BatchNormalization(),
                              lib.layers.Dense(3)])
        new.load_weights(tmp_path / "new.weights.h5")
        np.testing.assert_array_equal(np.asarray(new.layers[-1].kernel.numpy()), kernel)
        np.testing.assert_array_equal(np.asarray(new.layers[-1].bias.numpy()), bias)
        np.testing.assert_array_equal(np.asarray(new.layers[0].kernel.numpy()), old.layers[0].kernel.numpy())


def test_errors(tmp_path):
    _model(lamina).save_weights(tmp_path / "w.weights.h5")
    editor = lamina.saving.KerasFileEditor(tmp_path / "w.weights.h5")
    with pytest.raises(ValueError, match="expected a '.keras' or '.weights.h5' file"):
        lamina.saving.KerasFileEditor(tmp_path / "w.h5")
    with pytest.raises(ValueError, match="delete_object: no object named 'nope'"):
        editor.delete_object("nope")
    with pytest.raises(ValueError, match="add_object: path 'extra' not found"):
        editor.add_object("extra/dense", {"0": np.ones(1)})
    with pytest.raises(ValueError, match="expected `weights` to be a dict"):
        editor.add_weights("dense", [np.ones(1)])
    with pytest.raises(ValueError, match="object 'dense' has no weight '7'"):
        editor.delete_weight("dense", "7")
    with pytest.raises(ValueError, match="expected a name, not a path"):
        editor.rename_object("dense", "layers/x")
    with pytest.raises(ValueError, match="save: expected a '.weights.h5' file"):
        editor.save(tmp_path / "x.keras")
