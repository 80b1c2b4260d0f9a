"""Lambda saves its function, a callable ``output_shape`` and ``mask`` as Keras 3 does, and loads them back.

Named functions are stored by reference and load in safe mode when registered; lambdas are
stored as bytecode and load only with ``safe_mode=False``. A Keras 3 config (and ``.keras``
file) with registered functions loads into lamina.
"""

import functools

import numpy as np
import pytest

import lamina
from lamina import layers, ops
from tests.conftest import keras_or_skip

# Steps 1 and 3 are all zeros, so a mask that drops zero steps keeps steps 0 and 2.
X = np.array([[[1.0, 2.0, 3.0], [0.0, 0.0, 0.0], [4.0, 5.0, 6.0], [0.0, 0.0, 0.0]]], "float32")
KEPT = np.concatenate([X, X], axis=-1)[:, [0, 2]].mean(axis=1)


@lamina.saving.register_keras_serializable(package="test_lambda")
def tile_twice(x):
    return ops.concatenate([x, x], axis=-1)


@lamina.saving.register_keras_serializable(package="test_lambda")
def double_width(shape):
    return tuple(shape[:-1]) + (2 * shape[-1],)


@lamina.saving.register_keras_serializable(package="test_lambda")
def nonzero_steps(inputs, mask=None):
    return ops.any(ops.not_equal(inputs, 0.0), axis=-1)


def _model(lib, function, output_shape, mask):
    inputs = lib.Input((4, 3))
    x = lib.layers.Lambda(function, output_shape=output_shape, mask=mask, name="lam")(inputs)
    return lib.Model(inputs, lib.layers.GlobalAveragePooling1D()(x))


def _out(model):
    return lamina.backend.convert_to_numpy(model(X))


def test_named_functions_round_trip_in_safe_mode(tmp_path):
    model = _model(lamina, tile_twice, double_width, nonzero_steps)
    np.testing.assert_allclose(_out(model), KEPT, rtol=1e-6)  # the mask acts
    config = model.get_layer("lam").get_config()
    assert config["output_shape"]["config"] == "test_lambda>double_width"
    assert config["mask"]["config"] == "test_lambda>nonzero_steps"
    path = str(tmp_path / "m.keras")
    model.save(path)
    loaded = lamina.saving.load_model(path)  # safe mode: references only
    lam = loaded.get_layer("lam")
    assert lam.mask is nonzero_steps and lam._output_shape is double_width and lam.function is tile_twice
    np.testing.assert_allclose(_out(loaded), KEPT, rtol=1e-6)
    assert lam.compute_output_spec(lamina.KerasTensor((None, 4, 3))).shape == (None, 4, 6)


def test_lambdas_load_only_with_safe_mode_off(tmp_path):
    model = _model(lamina, tile_twice, lambda s: tuple(s[:-1]) + (2 * s[-1],),
                   lambda inputs, mask=None: lamina.ops.any(lamina.ops.not_equal(inputs, 0.0), axis=-1))
    config = model.get_layer("lam").get_config()
    assert config["output_shape"]["class_name"] == "__lambda__" and config["mask"]["class_name"] == "__lambda__"
    path = str(tmp_path / "m.keras")
    model.save(path)
    with pytest.raises(ValueError, match="safe_mode"):
        lamina.saving.load_model(path)
    for dropped in ("output_shape", "mask"):  # each lambda is refused on its own (the function is a reference)
        with pytest.raises(ValueError, match="safe_mode"):
            layers.Lambda.from_config({k: v for k, v in config.items() if k != dropped})
    loaded = lamina.saving.load_model(path, safe_mode=False)
    np.testing.assert_allclose(_out(loaded), KEPT, rtol=1e-6)
    assert loaded.get_layer("lam").compute_output_spec(lamina.KerasTensor((None, 4, 3))).shape == (None, 4, 6)


def test_fixed_output_shape_and_arguments_round_trip():
    layer = layers.Lambda(lambda x, k: x * k, output_shape=(3,), arguments={"k": 2.0})
    config = layer.get_config()
    assert config["output_shape"] == [3] and config["arguments"] == {"k": 2.0}
    restored = layers.Lambda.from_config(config, safe_mode=False)
    assert restored._output_shape == (3,) and restored.arguments == {"k": 2.0}
    np.testing.assert_allclose(lamina.backend.convert_to_numpy(restored(np.ones((1, 3), "float32"))), 2.0)


@functools.cache
def _keras_functions():
    keras = keras_or_skip()
    register = keras.saving.register_keras_serializable(package="test_lambda")

    def tile_twice(x):
        return keras.ops.concatenate([x, x], axis=-1)

    def double_width(shape):
        return tuple(shape[:-1]) + (2 * shape[-1],)

    def nonzero_steps(inputs, mask=None):
        return keras.ops.any(keras.ops.not_equal(inputs, 0.0), axis=-1)

    return keras, register(tile_twice), register(double_width), register(nonzero_steps)


def test_keras_file_with_registered_functions_loads(tmp_path):
    keras, k_tile, k_width, k_mask = _keras_functions()
    theirs = _model(keras, k_tile, k_width, k_mask)
    expected = keras.ops.convert_to_numpy(theirs(X))
    np.testing.assert_allclose(expected, KEPT, rtol=1e-6)
    path = str(tmp_path / "k.keras")
    theirs.save(path)
    loaded = lamina.saving.load_model(path)
    lam = loaded.get_layer("lam")
    assert lam.function is tile_twice and lam._output_shape is double_width and lam.mask is nonzero_steps
    np.testing.assert_allclose(_out(loaded), expected, rtol=1e-6)


def test_keras_lambda_bytecode_loads_with_safe_mode_off():
    keras, k_tile, _, _ = _keras_functions()
    config = keras.layers.Lambda(k_tile, output_shape=lambda s: s, mask=lambda i, m=None: m).get_config()
    with pytest.raises(ValueError, match="safe_mode"):
        layers.Lambda.from_config(config)
    layer = layers.Lambda.from_config(config, safe_mode=False)
    assert layer.function is tile_twice
    assert layer._output_shape((None, 5)) == (None, 5) and layer.compute_mask(X, "m") == "m"
