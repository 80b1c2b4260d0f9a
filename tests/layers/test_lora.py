"""LoRA on Dense, EinsumDense and Embedding: training, saving, config, and parity with Keras 3."""

import warnings

import numpy as np
import pytest

import lamina
from lamina import backend, layers
from tests.conftest import keras_or_skip

RNG = np.random.RandomState(0)


def _np(x):
    return np.asarray(backend.convert_to_numpy(x))


# Each case: a lamina layer factory (taking LoRA kwargs), the matching Keras factory, a
# sample input, and the weight attribute LoRA adapts.
def _dense(lib, **kw):
    return lib.layers.Dense(3, **kw)


def _einsum(lib, **kw):
    return lib.layers.EinsumDense("abc,cde->abde", output_shape=(None, 2, 3), bias_axes="de", **kw)


def _embedding(lib, **kw):
    return lib.layers.Embedding(7, 4, **kw)


CASES = {
    "dense": (_dense, lambda: RNG.randn(4, 5).astype("float32"), "kernel"),
    "einsum_dense": (_einsum, lambda: RNG.randn(2, 3, 5).astype("float32"), "kernel"),
    "embedding": (_embedding, lambda: RNG.randint(0, 7, size=(3, 4)).astype("int32"), "embeddings"),
}


def _randomize_factors(layer, target):
    for s in "ab":
        factor = getattr(layer, f"lora_{target}_{s}")
        factor.assign(RNG.randn(*factor.shape).astype("float32"))


@pytest.mark.parametrize("case", sorted(CASES))
def test_effective_weight_is_weight_plus_scaled_product(case):
    make, sample, target = CASES[case]
    x = sample()
    layer = make(lamina, lora_rank=2, lora_alpha=6)
    layer(x)
    assert layer.lora_enabled and layer.lora_rank == 2 and layer.lora_alpha == 6
    _randomize_factors(layer, target)
    base = _np(getattr(layer, "_" + target))
    a, b = _np(getattr(layer, f"lora_{target}_a")), _np(getattr(layer, f"lora_{target}_b"))
    expected = base + 3.0 * np.matmul(a, b)
    np.testing.assert_allclose(_np(getattr(layer, target)), expected, rtol=1e-5, atol=1e-5)
    plain = make(lamina)
    plain(x)
    plain.set_weights([expected] + [_np(w) for w in layer.weights if w.path.endswith("bias")])
    np.testing.assert_allclose(_np(layer(x)), _np(plain(x)), rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("case", sorted(CASES))
def test_enable_lora_freezes_the_weight_and_trains_only_the_factors(case):
    make, sample, target = CASES[case]
    x = sample()
    layer = make(lamina)
    layer(x)
    weight = getattr(layer, target)
    assert weight.trainable
    layer.enable_lora(2, a_initializer="ones")
    assert not weight.trainable
    names = sorted(w.path.split("/")[-1] for w in layer.trainable_weights)
    assert names == sorted(["bias"] * hasattr(layer, "bias") + [f"lora_{target}_a", f"lora_{target}_b"])
    assert [w.path.split("/")[-1] for w in layer.non_trainable_weights] == [target]

    inputs = lamina.Input(x.shape[1:], dtype=str(x.dtype))
    model = lamina.Model(inputs, layer(inputs))
    y = RNG.randn(*model.predict(x, verbose=0).shape).astype("float32")
    before_out = model.predict(x, verbose=0)  # b starts at zero: LoRA does not change the output
    frozen = _np(weight).copy()
    model.compile(optimizer=lamina.optimizers.SGD(0.1), loss="mse")
    model.fit(x, y, epochs=3, verbose=0)
    np.testing.assert_array_equal(_np(weight), frozen)
    assert np.abs(_np(getattr(layer, f"lora_{target}_b"))).max() > 0
    assert not np.allclose(model.predict(x, verbose=0), before_out)


def test_constructor_lora_rank_and_config_round_trip():
    layer = layers.Dense(3, lora_rank=2, lora_alpha=8)
    config = layer.get_config()
    assert (config["lora_rank"], config["lora_alpha"], config["quantization_config"]) == (2, 8, None)
    assert "lora_rank" not in layers.Dense(3).get_config()
    clone = layers.Dense.from_config(config)
    clone.build((None, 4))
    assert clone.lora_enabled and clone.lora_alpha == 8 and clone.lora_kernel_a.shape == (4, 2)
    assert layers.Dense(3, lora_rank=2).get_config()["lora_alpha"] == 2  # alpha defaults to the rank


@pytest.mark.parametrize("case", sorted(CASES))
def test_weights_file_holds_the_merged_weight(case, tmp_path):
    make, sample, target = CASES[case]
    x = sample()

    def model_of(layer):
        inputs = lamina.Input(x.shape[1:], dtype=str(x.dtype))
        return lamina.Model(inputs, layer(inputs))

    lora = model_of(make(lamina, lora_rank=2, lora_alpha=4))
    _randomize_factors(lora.layers[1], target)
    expected = lora.predict(x, verbose=0)
    path = str(tmp_path / "w.weights.h5")
    lora.save_weights(path)

    plain = model_of(make(lamina))
    plain.load_weights(path)  # two values (weight, bias), as a non-LoRA layer saves them
    np.testing.assert_allclose(plain.predict(x, verbose=0), expected, rtol=1e-5, atol=1e-5)

    again = model_of(make(lamina, lora_rank=2, lora_alpha=4))
    again.load_weights(path)
    np.testing.assert_allclose(again.predict(x, verbose=0), expected, rtol=1e-5, atol=1e-5)
    for s in "ab":  # the merged weight already carries the update
        assert not np.any(_np(getattr(again.layers[1], f"lora_{target}_{s}")))

    archive = str(tmp_path / "m.keras")
    lora.save(archive)
    restored = lamina.saving.load_model(archive)
    assert restored.layers[1].lora_enabled and restored.layers[1].lora_alpha == 4
    np.testing.assert_allclose(restored.predict(x, verbose=0), expected, rtol=1e-5, atol=1e-5)


def test_load_checks_shapes_before_assigning():
    layer = layers.Dense(3, lora_rank=2)
    layer.build((None, 4))
    before = _np(layer._kernel).copy()
    with pytest.raises(ValueError, match=r"dense/kernel.*\(4, 3\).*\(5, 3\)"):
        layer.load_own_variables({"0": np.zeros((5, 3), "float32"), "1": np.zeros((3,), "float32")})
    with pytest.raises(ValueError, match=r"expected 2 saved values"):
        layer.load_own_variables({"0": np.zeros((4, 3), "float32")})
    np.testing.assert_array_equal(_np(layer._kernel), before)


def test_enable_lora_errors_name_the_layer_and_argument():
    unbuilt = layers.Dense(3, name="head")
    with pytest.raises(ValueError, match="'head'.*before the layer is built"):
        unbuilt.enable_lora(2)
    built = layers.Dense(3, name="head2")
    built.build((None, 4))
    with pytest.raises(ValueError, match="'head2'.*positive integer for rank. Received: rank=0"):
        built.enable_lora(0)
    built.enable_lora(2)
    with pytest.raises(ValueError, match="'head2'.*already enabled"):
        built.enable_lora(2)
    constrained = layers.Dense(3, kernel_constraint="non_neg", name="c")
    constrained.build((None, 4))
    with pytest.raises(ValueError, match="'c'.*kernel_constraint"):
        constrained.enable_lora(2)
    with pytest.raises(ValueError, match="lora_rank=-1"):
        layers.Dense(3, lora_rank=-1)
    with pytest.raises(ValueError, match="lora_alpha='x'"):
        layers.Embedding(3, 2, lora_rank=2, lora_alpha="x")


@pytest.mark.parametrize("cls,args", [("Dense", (3,)), ("EinsumDense", ("ab,bc->ac", 3)), ("Embedding", (5, 3))])
def test_quantization_config_that_is_not_a_config_is_refused(cls, args):
    getattr(layers, cls)(*args, quantization_config=None)
    getattr(layers, cls)(*args, quantization_config=lamina.quantizers.Int8QuantizationConfig())
    with pytest.raises(ValueError, match=f"{cls} layer 'q'.*quantization_config.*Received: quantization_config="):
        getattr(layers, cls)(*args, quantization_config={"mode": "int8"}, name="q")


def test_embedding_input_length_warns_as_keras_does_and_checks_the_length():
    # Keras 3 warns that input_length is deprecated and otherwise ignores it. lamina warns the
    # same way and, as the argument meant in Keras 2, refuses inputs of another length.
    with pytest.warns(UserWarning, match="'emb'.*input_length"):
        layer = layers.Embedding(5, 3, input_length=4, name="emb")
    assert layer(np.zeros((2, 4), "int32")).shape == (2, 4, 3)
    with pytest.warns(UserWarning):
        other = layers.Embedding(5, 3, input_length=4, name="emb2")
    with pytest.raises(ValueError, match=r"'emb2'.*length 4.*\(2, 6\)"):
        other(np.zeros((2, 6), "int32"))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        layers.Embedding(5, 3)  # no warning without it


# -- parity with real Keras 3 ------------------------------------------------------------------
@pytest.mark.parametrize("case", sorted(CASES))
def test_same_weights_give_the_same_output_as_keras_lora(case):
    keras = keras_or_skip()
    make, sample, target = CASES[case]
    x = sample()
    ours, theirs = make(lamina), make(keras)
    ours(x)
    theirs(x)
    # Keras's Dense and Embedding drop a constructor lora_alpha (their build calls
    # enable_lora(rank) without it), so both sides enable LoRA explicitly here.
    ours.enable_lora(2, lora_alpha=5)
    theirs.enable_lora(2, lora_alpha=5)
    _randomize_factors(ours, target)
    by_name = {w.path.split("/")[-1]: _np(w) for w in ours.weights}
    for w in theirs.weights:
        w.assign(by_name[w.path.split("/")[-1]])
    np.testing.assert_allclose(_np(ours(x)), keras.ops.convert_to_numpy(theirs(x)), rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(_np(getattr(ours, target)), keras.ops.convert_to_numpy(getattr(theirs, target)),
                               rtol=1e-5, atol=1e-5)
    assert ours.get_config()["lora_alpha"] == theirs.get_config()["lora_alpha"] == 5


@pytest.mark.parametrize("case", sorted(CASES))
def test_keras_lora_files_load_in_lamina_and_back(case, tmp_path):
    keras = keras_or_skip()
    make, sample, target = CASES[case]
    x = sample()
    k_in = keras.Input(x.shape[1:], dtype=str(x.dtype))
    k_layer = make(keras, lora_rank=2)
    k_model = keras.Model(k_in, k_layer(k_in))
    for s in "ab":
        factor = getattr(k_layer, f"lora_{target}_{s}")
        factor.assign(RNG.randn(*factor.shape).astype("float32"))
    expected = keras.ops.convert_to_numpy(k_model(x))
    k_model.save(str(tmp_path / "k.keras"))
    k_model.save_weights(str(tmp_path / "k.weights.h5"))

    ours = lamina.saving.load_model(str(tmp_path / "k.keras"))
    assert ours.layers[1].lora_enabled
    np.testing.assert_allclose(ours.predict(x, verbose=0), expected, rtol=1e-5, atol=1e-5)
    inputs = lamina.Input(x.shape[1:], dtype=str(x.dtype))
    plain = lamina.Model(inputs, make(lamina)(inputs))
    plain.load_weights(str(tmp_path / "k.weights.h5"))
    np.testing.assert_allclose(plain.predict(x, verbose=0), expected, rtol=1e-5, atol=1e-5)

    _randomize_factors(ours.layers[1], target)
    ours_out = ours.predict(x, verbose=0)
    ours.save(str(tmp_path / "l.keras"))
    back = keras.saving.load_model(str(tmp_path / "l.keras"))
    assert back.layers[1].lora_enabled
    np.testing.assert_allclose(keras.ops.convert_to_numpy(back(x)), ours_out, rtol=1e-5, atol=1e-5)
    k_plain = keras.Model(k_in, make(keras)(k_in))
    ours.save_weights(str(tmp_path / "l.weights.h5"))
    k_plain.load_weights(str(tmp_path / "l.weights.h5"))
    np.testing.assert_allclose(keras.ops.convert_to_numpy(k_plain(x)), ours_out, rtol=1e-5, atol=1e-5)
