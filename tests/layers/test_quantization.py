"""Quantization (int8, int4, float8) of Dense, EinsumDense and Embedding: the variables, the
numbers and the files, against real Keras 3 where it is installed."""

import warnings

import numpy as np
import pytest

import lamina
from lamina import backend, dtype_policies, layers, quantizers
from tests.conftest import keras_or_skip

RNG = np.random.RandomState(0)


def _np(x):
    return np.asarray(backend.convert_to_numpy(x))


def _dense(lib):
    inputs = lib.Input((16,))
    return inputs, lib.layers.Dense(6, activation="relu")(inputs), RNG.randn(5, 16).astype("float32")


def _einsum(lib):
    inputs = lib.Input((3, 16))
    out = lib.layers.EinsumDense("abc,cde->abde", output_shape=(3, 2, 5), bias_axes="de")(inputs)
    return inputs, out, RNG.randn(4, 3, 16).astype("float32")


def _einsum_left(lib):  # a kernel whose contracted axis is not the first
    inputs = lib.Input((3, 16))
    out = lib.layers.EinsumDense("abc,dc->abd", output_shape=(3, 7))(inputs)
    return inputs, out, RNG.randn(2, 3, 16).astype("float32")


def _embedding(lib):
    inputs = lib.Input((5,), dtype="int32")
    return inputs, lib.layers.Embedding(20, 12)(inputs), RNG.randint(0, 20, size=(4, 5)).astype("int32")


BUILDERS = {"dense": _dense, "einsum": _einsum, "einsum_left": _einsum_left, "embedding": _embedding}
CASES = [(b, m) for b in BUILDERS for m in ("int8", "int4", "float8")
         if not (b == "embedding" and m == "float8") and not (b == "einsum_left" and m == "float8")]
# A config per case label: int4 sub-channel (Keras's default, block 128) and per-channel.
CONFIGS = {"int4_channel": lambda q: q.Int4QuantizationConfig(block_size=None),
           "int4_block8": lambda q: q.Int4QuantizationConfig(block_size=8)}


def _pair(builder, keras):
    """The same float model in lamina and in Keras (same weights), and an input."""
    k_in, k_out, x = BUILDERS[builder](keras)
    k_model = keras.Model(k_in, k_out)
    inputs, outputs, _ = BUILDERS[builder](lamina)
    model = lamina.Model(inputs, outputs)
    for v in k_model.weights:  # a non-zero bias, so that it is checked too
        v.assign(RNG.randn(*v.shape).astype("float32") * 0.5)
    model.set_weights([keras.ops.convert_to_numpy(w) for w in k_model.weights])
    return model, k_model, x


@pytest.mark.parametrize("builder,mode", CASES + [("dense", "int4_channel"), ("einsum", "int4_block8"),
                                                  ("embedding", "int4_block8")])
def test_quantized_variables_and_outputs_equal_keras(builder, mode):
    keras = keras_or_skip()
    model, k_model, x = _pair(builder, keras)
    float_out = _np(model(x))
    config = CONFIGS[mode](quantizers) if mode in CONFIGS else None
    k_config = CONFIGS[mode](keras.quantizers) if mode in CONFIGS else None
    base = mode.split("_")[0]
    model.quantize(base if config is None else None, config=config)
    k_model.quantize(base if k_config is None else None, config=k_config)
    ours, theirs = model.layers[1], k_model.layers[1]
    assert ours.dtype_policy.get_config() == theirs.dtype_policy.get_config()
    assert type(ours.dtype_policy).__name__ == type(theirs.dtype_policy).__name__
    got = [(w.name, tuple(w.shape), w.dtype, w.trainable) for w in ours.weights]
    want = [(w.name, tuple(w.shape), w.dtype, w.trainable) for w in theirs.weights]
    assert sorted(got) == sorted(want)
    for w in theirs.weights:
        mine = next(v for v in ours.weights if v.name == w.name)
        np.testing.assert_allclose(_np(mine), keras.ops.convert_to_numpy(w), rtol=1e-6, atol=1e-6, err_msg=w.name)
    out = _np(model(x))
    np.testing.assert_allclose(out, keras.ops.convert_to_numpy(k_model(x)), rtol=1e-5, atol=1e-5)
    # Close to the float model: int8 within 1% of the output range, int4 / float8 within 15%.
    err = np.abs(out - float_out).max() / np.abs(float_out).max()
    assert err < (0.01 if base == "int8" else 0.15), err


@pytest.mark.parametrize("builder,mode", [("dense", "int8"), ("einsum", "int4"), ("embedding", "int4"),
                                          ("dense", "float8"), ("embedding", "int8")])
def test_quantized_files_move_both_ways_with_keras(builder, mode, tmp_path):
    keras = keras_or_skip()
    model, k_model, x = _pair(builder, keras)
    k_model.quantize(mode)
    expected = keras.ops.convert_to_numpy(k_model(x))
    k_model.save(str(tmp_path / "k.keras"))
    k_model.save_weights(str(tmp_path / "k.weights.h5"))

    loaded = lamina.saving.load_model(str(tmp_path / "k.keras"))
    assert loaded.layers[1].quantization_mode == mode
    np.testing.assert_allclose(_np(loaded(x)), expected, rtol=1e-5, atol=1e-5)
    model.quantize(mode)
    model.load_weights(str(tmp_path / "k.weights.h5"))
    np.testing.assert_allclose(_np(model(x)), expected, rtol=1e-5, atol=1e-5)

    model.save(str(tmp_path / "l.keras"))
    model.save_weights(str(tmp_path / "l.weights.h5"))
    back = keras.saving.load_model(str(tmp_path / "l.keras"))
    np.testing.assert_allclose(keras.ops.convert_to_numpy(back(x)), expected, rtol=1e-5, atol=1e-5)
    k_model.load_weights(str(tmp_path / "l.weights.h5"))
    np.testing.assert_allclose(keras.ops.convert_to_numpy(k_model(x)), expected, rtol=1e-5, atol=1e-5)
    again = lamina.saving.load_model(str(tmp_path / "l.keras"))
    np.testing.assert_allclose(_np(again(x)), expected, rtol=1e-5, atol=1e-5)


def _weight_bytes(model):
    return sum(_np(w).nbytes for w in model.weights)


def test_int8_weights_take_a_quarter_of_the_memory_and_stay_close():
    inputs = lamina.Input((512,))
    hidden = layers.Dense(512, activation="relu")(inputs)
    model = lamina.Model(inputs, layers.Dense(256)(hidden))
    x = RNG.randn(32, 512).astype("float32")
    float_out, float_bytes = _np(model(x)), _weight_bytes(model)
    model.quantize("int8")
    int8_bytes = _weight_bytes(model)
    assert 3.9 < float_bytes / int8_bytes < 4.0, (float_bytes, int8_bytes)  # 1,313,792 -> 334,848 bytes
    err = np.abs(_np(model(x)) - float_out).max() / np.abs(float_out).max()
    assert err < 0.02, err  # measured 0.0104 (two layers; inputs and weights both int8)


@pytest.mark.parametrize("mode", ["int8", "int4", "float8"])
def test_einsum_with_an_ellipsis_quantizes(mode):
    # (Keras 3.15 cannot quantize an equation with "...": its equation analysis fails.)
    inputs = lamina.Input((2, 3, 16))
    model = lamina.Model(inputs, layers.EinsumDense("...c,dc->...d", output_shape=7, bias_axes="d")(inputs))
    x = RNG.randn(4, 2, 3, 16).astype("float32")
    float_out = _np(model(x))
    model.quantize(mode)
    if mode == "int8":
        assert tuple(model.layers[1].kernel_scale.shape) == (1, 1, 1, 7)
    err = np.abs(_np(model(x)) - float_out).max() / np.abs(float_out).max()
    assert err < (0.01 if mode == "int8" else 0.15), err


def test_int4_packs_two_values_per_byte():
    inputs = lamina.Input((512,))
    model = lamina.Model(inputs, layers.Dense(256)(inputs))
    float_bytes = _weight_bytes(model)
    model.quantize("int4")
    assert 7.0 < float_bytes / _weight_bytes(model) < 8.0


def test_int8_model_trains_bias_lora_and_earlier_layers():
    inputs = lamina.Input((8,))
    first = layers.Dense(8, name="first")
    last = layers.Dense(3, name="last")
    model = lamina.Model(inputs, last(first(inputs)))
    last_quantized = lamina.Model(inputs, model.outputs)
    last.quantize("int8")
    last.enable_lora(2)
    assert [w.name for w in last.trainable_weights] == ["bias", "lora_kernel_a", "lora_kernel_b"]
    before = [_np(w).copy() for w in (first.kernel, last.bias, last.lora_kernel_b, last._kernel)]
    last_quantized.compile(optimizer=lamina.optimizers.SGD(0.1), loss="mse")
    x, y = RNG.randn(32, 8).astype("float32"), RNG.randn(32, 3).astype("float32")
    last_quantized.fit(x, y, epochs=2, batch_size=8, verbose=0)
    after = [_np(w) for w in (first.kernel, last.bias, last.lora_kernel_b, last._kernel)]
    assert not np.allclose(before[0], after[0])  # the inputs' gradient passes the int8 layer
    assert not np.allclose(before[1], after[1]) and not np.allclose(before[2], after[2])
    np.testing.assert_array_equal(before[3], after[3])  # the int8 kernel is frozen


def test_int8_lora_is_merged_and_requantized_when_saved(tmp_path):
    inputs = lamina.Input((8,))
    layer = layers.Dense(4)
    model = lamina.Model(inputs, layer(inputs))
    model.quantize("int8")
    layer.enable_lora(2)
    layer.lora_kernel_b.assign(RNG.randn(2, 4).astype("float32") * 0.1)
    x = RNG.randn(6, 8).astype("float32")
    expected = _np(model(x))
    model.save_weights(str(tmp_path / "m.weights.h5"))
    plain_in = lamina.Input((8,))
    plain = lamina.Model(plain_in, layers.Dense(4)(plain_in))
    plain.quantize("int8")
    plain.load_weights(str(tmp_path / "m.weights.h5"))
    err = np.abs(_np(plain(x)) - expected).max()
    assert err < 0.02 * np.abs(expected).max(), err


def test_float8_fit_updates_scales_and_histories_as_keras_does():
    keras = keras_or_skip()
    model, k_model, x = _pair("dense", keras)
    model.quantize("float8")
    k_model.quantize("float8")
    y = RNG.randn(5, 6).astype("float32")
    for m, opt in ((model, lamina.optimizers.SGD(0.01)), (k_model, keras.optimizers.SGD(0.01))):
        m.compile(optimizer=opt, loss="mse")
        m.fit(x, y, batch_size=5, epochs=2, verbose=0)
    ours, theirs = model.layers[1], k_model.layers[1]
    for name in ("inputs_scale", "kernel_scale", "outputs_grad_scale", "inputs_amax_history",
                 "kernel_amax_history", "outputs_grad_amax_history", "kernel", "bias"):
        np.testing.assert_allclose(_np(getattr(ours, name)), keras.ops.convert_to_numpy(getattr(theirs, name)),
                                   rtol=1e-5, atol=1e-6, err_msg=name)
    assert _np(ours.inputs_amax_history)[:2].max() > 0


def test_policies_and_quantizers_configs_equal_keras():
    keras = keras_or_skip()
    for name in ("int8_from_float32", "int4_from_mixed_bfloat16", "int4/64_from_float32", "float8_from_float32"):
        ours, theirs = dtype_policies.get(name), keras.dtype_policies.get(name)
        assert (type(ours).__name__, ours.name, ours.get_config()) == \
               (type(theirs).__name__, theirs.name, theirs.get_config())
        assert (ours.compute_dtype, ours.variable_dtype, ours.quantization_mode) == \
               (theirs.compute_dtype, theirs.variable_dtype, theirs.quantization_mode)
        assert dtype_policies.serialize(ours) == keras.dtype_policies.serialize(theirs)
        assert dtype_policies.deserialize(keras.dtype_policies.serialize(theirs)) == ours
    for lib_map in (None, "bfloat16"):
        ours, theirs = dtype_policies.DTypePolicyMap(lib_map), keras.dtype_policies.DTypePolicyMap(lib_map)
        ours["a/b"] = f"int8_from_{lib_map or 'float32'}"
        theirs["a/b"] = f"int8_from_{lib_map or 'float32'}"
        assert dtype_policies.serialize(ours) == keras.dtype_policies.serialize(theirs)
        assert dtype_policies.deserialize(dtype_policies.serialize(ours))["a/b"].quantization_mode == "int8"
    for make in (lambda q: q.Int8QuantizationConfig(), lambda q: q.Int4QuantizationConfig(block_size=32),
                 lambda q: q.Float8QuantizationConfig(), lambda q: q.AbsMaxQuantizer(axis=0, value_range=(-8, 7)),
                 lambda q: q.Int8QuantizationConfig(weight_quantizer=q.AbsMaxQuantizer(axis=0),
                                                    activation_quantizer=None)):
        config = quantizers.serialize(make(quantizers))
        assert _lists(config) == _lists(keras.quantizers.serialize(make(keras.quantizers)))
        assert quantizers.serialize(quantizers.deserialize(config)) == config


def _lists(config):
    if isinstance(config, dict):
        return {k: _lists(v) for k, v in config.items()}
    return [_lists(v) for v in config] if isinstance(config, (list, tuple)) else config


def test_quantizer_functions_equal_keras():
    keras = keras_or_skip()
    kq = keras.quantizers
    k_np = keras.ops.convert_to_numpy
    x = (RNG.randn(7, 9) * np.logspace(-4, 3, 9)).astype("float32")
    for axis in (0, (0, 1)):
        ours, theirs = quantizers.abs_max_quantize(x, axis), kq.abs_max_quantize(x, axis)
        for a, b in zip(ours, theirs):
            np.testing.assert_array_equal(_np(a), k_np(b))
    ints = RNG.randint(-8, 8, size=(5, 6)).astype("int8")
    for axis in (0, 1):
        packed, shape, n = quantizers.pack_int4(ints, axis=axis)
        k_packed, k_shape, k_n = kq.pack_int4(ints, axis=axis)
        np.testing.assert_array_equal(_np(packed), k_np(k_packed))
        assert (shape, n) == (k_shape, k_n)
        np.testing.assert_array_equal(_np(quantizers.unpack_int4(packed, n, axis=axis)), ints)
    wide = np.concatenate([RNG.randn(400) * 100, RNG.randn(400) * 1e-3, RNG.randn(200) * 1e4]).astype("float32")
    for fmt in ("float8_e4m3fn", "float8_e5m2"):
        for scale in (1.0, 0.37):
            np.testing.assert_array_equal(_np(quantizers.quantize_and_dequantize(wide, scale, fmt, "float32")),
                                          k_np(kq.quantize_and_dequantize(wide, scale, fmt, "float32")), err_msg=fmt)
    history = np.zeros(8, "float32")
    history[:3] = [1.0, 5.0, 2.0]
    np.testing.assert_array_equal(_np(quantizers.compute_float8_amax_history(x, history)),
                                  k_np(kq.compute_float8_amax_history(x, history)))
    for amax in (3.0, 0.0):
        np.testing.assert_allclose(_np(quantizers.compute_float8_scale(np.float32(amax), np.float32(0.5), 448.0)),
                                   k_np(kq.compute_float8_scale(np.float32(amax), np.float32(0.5), 448.0)))
    for axis, low, high in ((None, -1.0, 2.0), (1, np.full(9, -0.5, "float32"), np.linspace(0.1, 3, 9).astype("float32"))):
        ours = quantizers.fake_quant_with_min_max_vars(x, low, high, num_bits=4, narrow_range=axis is None, axis=axis)
        theirs = kq.fake_quant_with_min_max_vars(x, low, high, num_bits=4, narrow_range=axis is None, axis=axis)
        np.testing.assert_allclose(_np(ours), k_np(theirs), rtol=1e-6, atol=1e-6)


def test_fake_quant_gradients_pass_inside_the_range_and_go_to_the_limits_outside():
    x = lamina.Variable(np.array([-2.0, 0.2, 0.5, 3.0], "float32"))
    low, high = lamina.Variable(np.float32(-1.0)), lamina.Variable(np.float32(1.0))
    loss = lambda: lamina.ops.sum(quantizers.fake_quant_with_min_max_vars(x, low, high))  # noqa: E731
    _, (dx, dlow, dhigh) = lamina.ops.value_and_grad(loss, [x, low, high])
    np.testing.assert_allclose(_np(dx), [0, 1, 1, 0])
    assert float(_np(dlow)) == 1.0 and float(_np(dhigh)) == 1.0


def test_errors_name_the_layer_and_the_problem():
    layer = layers.Dense(3, name="d")
    with pytest.raises(ValueError, match="'d'.*isn't built"):
        layer.quantize("int8")
    layer.build((None, 4))
    with pytest.raises(ValueError, match="invalid quantization mode.*mode='int2'"):
        layer.quantize("int2")
    with pytest.raises(ValueError, match="contradictory.*mode='int8'.*config.mode='int4'"):
        layer.quantize("int8", config=quantizers.Int4QuantizationConfig())
    with pytest.raises(NotImplementedError, match="gptq.*calibration"):
        layer.quantize("gptq")
    layer.quantize("int8")
    with pytest.raises(ValueError, match="'d' is already quantized.*int8_from_float32"):
        layer.quantize("int4")
    with pytest.raises(ValueError, match="'q'.*QuantizationConfig.*Received: quantization_config="):
        layers.Dense(3, quantization_config={"mode": "int8"}, name="q")

    class MyDense(layers.Dense):
        pass

    sub = MyDense(2)
    sub.build((None, 3))
    with pytest.raises(NotImplementedError, match="MyDense"):
        sub.quantize("int8")
    sub.quantize("int8", type_check=False)
    assert sub.quantization_mode == "int8"
    emb = lamina.Sequential([lamina.Input((2,), dtype="int32"), layers.Embedding(4, 3, name="e")])
    with pytest.warns(UserWarning, match="'e' cannot be quantized with mode='float8'"):
        emb.quantize("float8")
    assert emb.layers[0].quantization_mode is None


def test_filters_and_setting_a_quantized_policy():
    model = lamina.Sequential([lamina.Input((4,)), layers.Dense(4, name="keep"), layers.Dense(2, name="q_me")])
    model.quantize("int4", filters=lambda layer: layer.name.startswith("q_"))
    assert [layer.quantization_mode for layer in model.layers] == [None, "int4"]
    model.layers[0].dtype_policy = "int8_from_float32"
    assert model.layers[0].kernel.dtype == "int8" and model.layers[0].quantization_mode == "int8"
    config = model.layers[1].get_config()
    assert config["quantization_config"]["class_name"] == "Int4QuantizationConfig"
    clone = layers.Dense.from_config(config)
    clone.build((None, 4))
    assert [(w.name, tuple(w.shape)) for w in clone.weights] == \
           [(w.name, tuple(w.shape)) for w in model.layers[1].weights]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = model.predict(np.ones((2, 4), "float32"), verbose=0)
    assert out.shape == (2, 2)
