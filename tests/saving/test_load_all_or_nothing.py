"""Loading weights is all or nothing: a file that does not fit leaves every layer unchanged.

Dense, EinsumDense and Embedding load through their own ``load_own_variables`` (the merged
LoRA weight); what they read is checked with everything else before anything is assigned.
"""

import h5py
import numpy as np
import pytest

import lamina
from lamina import layers


def _model(lora=False):
    inputs = lamina.Input((3,))
    x = layers.Dense(4, name="first")(inputs)
    x = layers.BatchNormalization(name="norm")(x)
    x = layers.EinsumDense("ab,bc->ac", 4, bias_axes="c", name="einsum")(x)
    model = lamina.Model(inputs, layers.Dense(2, name="last")(x))
    if lora:
        model.get_layer("last").enable_lora(2)
    return model


def _weights(model):
    return {v.path: np.array(lamina.backend.convert_to_numpy(v.value)) for v in model.variables}


def _entry(h5file, layer_name):
    found = []
    h5file.visititems(lambda name, obj: found.append(name) if isinstance(obj, h5py.Group)
                      and obj.attrs.get("name") == layer_name else None)
    assert len(found) == 1, found
    return h5file[found[0]]


def _file(tmp_path, edit):
    source = _model()
    source.get_layer("norm").moving_mean.assign(np.full((4,), 5.0, "float32"))  # differs from a fresh model
    path = str(tmp_path / "w.weights.h5")
    source.save_weights(path)
    with h5py.File(path, "r+") as f:
        edit(_entry(f, "last"))
    return path


def _wrong_kernel(group):
    del group["0"]
    group.create_dataset("0", data=np.ones((4, 3), "float32"))


def _no_bias(group):
    del group["1"]


@pytest.mark.parametrize("lora", [False, True], ids=["plain", "lora"])
def test_a_wrong_kernel_shape_in_the_last_dense_changes_nothing(tmp_path, lora):
    path = _file(tmp_path, _wrong_kernel)
    model = _model(lora)
    if lora:  # non-zero factors, so a reset of them would show
        model.get_layer("last").lora_kernel_b.assign(np.ones((2, 2), "float32"))
    before = _weights(model)
    with pytest.raises(ValueError, match=r"'last'.*shape \(4, 2\).*shape \(4, 3\)"):
        model.load_weights(path)
    after = _weights(model)
    assert before.keys() == after.keys()
    for name in before:
        np.testing.assert_array_equal(after[name], before[name], err_msg=name)


@pytest.mark.parametrize("lora", [False, True], ids=["plain", "lora"])
def test_a_missing_bias_in_the_last_dense_changes_nothing(tmp_path, lora):
    path = _file(tmp_path, _no_bias)
    model = _model(lora)
    before = _weights(model)
    with pytest.raises(ValueError, match=r"'last' expected 2 variables.*has 1"):
        model.load_weights(path)
    for name, value in _weights(model).items():
        np.testing.assert_array_equal(value, before[name], err_msg=name)


def test_skip_mismatch_loads_the_rest_and_skips_the_last_dense(tmp_path):
    path = _file(tmp_path, _wrong_kernel)
    model = _model(lora=True)
    before = _weights(model)
    with pytest.warns(UserWarning, match="'last'"):
        model.load_weights(path, skip_mismatch=True)
    after = _weights(model)
    np.testing.assert_array_equal(after["norm/moving_mean"], np.full((4,), 5.0))
    for name in before:
        if name.startswith("last/"):
            np.testing.assert_array_equal(after[name], before[name], err_msg=name)


def test_a_fitting_file_loads_into_a_lora_layer(tmp_path):
    source = _model()
    path = str(tmp_path / "w.weights.h5")
    source.save_weights(path)
    model = _model(lora=True)
    model.get_layer("last").lora_kernel_b.assign(np.ones((2, 2), "float32"))
    model.load_weights(path)
    loaded = _weights(model)
    for name, value in _weights(source).items():
        np.testing.assert_array_equal(loaded[name], value, err_msg=name)
    np.testing.assert_array_equal(loaded["last/lora_kernel_b"], 0.0)  # the merged kernel carries the update


class _Fussy(layers.Layer):
    """A user layer with its own loader that assigns, then fails."""

    def build(self, input_shape):
        self.w = self.add_weight(shape=(2,), initializer="zeros", name="w")

    def call(self, x):
        return x + self.w

    def load_own_variables(self, store):
        self.w.assign(np.full((2,), 9.0, "float32"))
        raise ValueError("the stored format is too old")


def test_a_failing_user_loader_changes_nothing(tmp_path):
    def make():
        inputs = lamina.Input((2,))
        return lamina.Model(inputs, _Fussy(name="fussy")(layers.Dense(2, name="dense")(inputs)))

    path = str(tmp_path / "w.weights.h5")
    make().save_weights(path)
    model = make()
    before = _weights(model)
    with pytest.raises(ValueError, match="'fussy'.*too old"):
        model.load_weights(path)
    for name, value in _weights(model).items():
        np.testing.assert_array_equal(value, before[name], err_msg=name)
