"""LossScaleOptimizer: dynamic loss scaling (skip and halve on overflow, double after good steps),
its config and saved state, and parity with Keras 3's."""

import numpy as np
import pytest

import lamina
from lamina import layers, ops, optimizers
from tests.conftest import keras_or_skip


@pytest.fixture
def mixed_policy():
    lamina.mixed_precision.set_global_policy("mixed_float16")
    yield
    lamina.mixed_precision.set_global_policy("float32")


def _state(optimizer):
    return float(optimizer.dynamic_scale.numpy()), int(optimizer.step_counter.numpy()), int(
        optimizer.iterations.numpy())


def test_apply_skips_nonfinite_steps_and_adapts_the_scale():
    opt = optimizers.LossScaleOptimizer(optimizers.SGD(0.5, momentum=0.9), initial_scale=16.0,
                                        dynamic_growth_steps=2)
    w = lamina.Variable([1.0, 2.0])
    opt.apply([ops.convert_to_tensor([16.0, -32.0])], [w])  # scaled gradient of [1, -2]
    np.testing.assert_allclose(w.numpy(), [0.5, 3.0])
    assert _state(opt) == (16.0, 1, 1)
    momentum = opt.inner_optimizer.variables[-1].numpy().copy()
    opt.apply([ops.convert_to_tensor([np.nan, 1.0])], [w])
    np.testing.assert_allclose(w.numpy(), [0.5, 3.0])  # weights, slot and iterations untouched
    np.testing.assert_allclose(opt.inner_optimizer.variables[-1].numpy(), momentum)
    assert _state(opt) == (8.0, 0, 1)
    for _ in range(2):
        opt.apply([ops.convert_to_tensor([0.0, 0.0])], [w])
    assert _state(opt) == (16.0, 0, 3)  # two finite steps in a row: doubled, counter reset
    opt.apply([ops.convert_to_tensor([np.inf, 0.0])], [w])
    assert _state(opt) == (8.0, 0, 3)


def test_scale_loss_and_delegation():
    inner = optimizers.Adam(0.01, loss_scale_factor=4.0)
    opt = optimizers.LossScaleOptimizer(inner, initial_scale=8.0)
    assert inner.loss_scale_factor is None  # the wrapper scales; the inner must not again
    assert float(ops.convert_to_numpy(opt.scale_loss(ops.convert_to_tensor(2.0)))) == 16.0
    opt.learning_rate = 0.5
    assert float(ops.convert_to_numpy(inner.learning_rate)) == 0.5
    assert float(ops.convert_to_numpy(opt.learning_rate)) == 0.5
    opt.build([lamina.Variable([1.0])])
    assert [v.path for v in opt.variables][:4] == [f"{opt.name}/iteration", f"{opt.name}/learning_rate",
                                                   f"{opt.name}/step_counter", f"{opt.name}/dynamic_scale"]
    assert opt.variables[4:] == inner.variables


def test_constructor_errors():
    with pytest.raises(TypeError, match="inner_optimizer.*Received: inner_optimizer='adam'"):
        optimizers.LossScaleOptimizer("adam")
    with pytest.raises(ValueError, match="initial_scale.*Received: initial_scale=0"):
        optimizers.LossScaleOptimizer(optimizers.SGD(), initial_scale=0)
    with pytest.raises(ValueError, match="dynamic_growth_steps.*Received: dynamic_growth_steps=0"):
        optimizers.LossScaleOptimizer(optimizers.SGD(), dynamic_growth_steps=0)
    with pytest.raises(ValueError, match="does not support `clipnorm`"):
        optimizers.LossScaleOptimizer(optimizers.SGD(), clipnorm=1.0)
    with pytest.raises(ValueError, match="dynamic=False"):
        optimizers.LossScaleOptimizer(optimizers.SGD(), dynamic=False)


def test_config_round_trip():
    opt = optimizers.LossScaleOptimizer(optimizers.RMSprop(0.002, rho=0.8), initial_scale=128.0,
                                        dynamic_growth_steps=7, name="lso")
    config = opt.get_config()
    assert config["inner_optimizer"]["class_name"] == "RMSprop"
    assert set(config) == {"name", "inner_optimizer", "initial_scale", "dynamic_growth_steps"}
    again = optimizers.LossScaleOptimizer.from_config(config)
    assert again.get_config() == config
    assert isinstance(again.inner_optimizer, optimizers.RMSprop) and again.inner_optimizer.rho == 0.8
    entry = optimizers.serialize(opt)
    assert (entry["module"], entry["class_name"]) == ("keras.optimizers", "LossScaleOptimizer")
    assert optimizers.deserialize(entry).get_config() == config
    assert lamina.mixed_precision.LossScaleOptimizer is optimizers.LossScaleOptimizer


def test_keras_reads_our_config():
    keras = keras_or_skip()
    config = optimizers.LossScaleOptimizer(optimizers.SGD(0.1, momentum=0.5), initial_scale=64.0,
                                           dynamic_growth_steps=9).get_config()
    theirs = keras.optimizers.LossScaleOptimizer.from_config(dict(config))
    assert (theirs.initial_scale, theirs.dynamic_growth_steps) == (64.0, 9)
    assert theirs.inner_optimizer.momentum == 0.5


def _overflowing_model(optimizer, run_eagerly=False):
    model = lamina.Sequential([lamina.Input((4,)), layers.Dense(8), layers.Dense(1)])
    model.compile(optimizer=optimizer, loss="mse", run_eagerly=run_eagerly)
    return model


@pytest.mark.parametrize("run_eagerly", [False, True])
def test_overflowing_float16_step_is_skipped(mixed_policy, run_eagerly):
    model = _overflowing_model("sgd", run_eagerly)
    assert isinstance(model.optimizer, optimizers.LossScaleOptimizer)
    x = np.ones((8, 4), "float32")
    before = model.get_weights()
    # Targets near float16's limit: the scaled loss's gradient overflows in float16.
    model.fit(x, np.full((8, 1), 6e4, "float32"), batch_size=8, epochs=1, verbose=0)
    after = model.get_weights()
    assert all(np.isfinite(w).all() for w in after)
    for a, b in zip(before, after):
        np.testing.assert_array_equal(a, b)
    assert _state(model.optimizer) == (2.0**14, 0, 0)
    model.fit(x, np.ones((8, 1), "float32"), batch_size=8, epochs=1, verbose=0)
    assert all(np.isfinite(w).all() for w in model.get_weights())


@pytest.mark.parametrize("run_eagerly", [False, True])
def test_scale_grows_after_good_steps_in_fit(mixed_policy, run_eagerly):
    opt = optimizers.LossScaleOptimizer(optimizers.SGD(0.01), initial_scale=4.0, dynamic_growth_steps=3)
    model = _overflowing_model(opt, run_eagerly)
    assert model.optimizer is opt
    x = np.random.default_rng(0).normal(size=(28, 4)).astype("float32") * 0.1
    model.fit(x, np.zeros((28, 1), "float32"), batch_size=4, epochs=1, verbose=0)  # 7 steps
    assert _state(opt) == (16.0, 1, 7)


def test_compile_wraps_only_under_mixed_float16():
    for policy, wrapped in (("mixed_float16", True), ("mixed_bfloat16", False), ("float32", False)):
        lamina.mixed_precision.set_global_policy(policy)
        try:
            model = lamina.Sequential([lamina.Input((2,)), layers.Dense(1)])
            model.compile(optimizer="adam", loss="mse")
            assert isinstance(model.optimizer, optimizers.LossScaleOptimizer) == wrapped, policy
            model.compile(optimizer="adam", loss="mse", auto_scale_loss=False)
            assert isinstance(model.optimizer, optimizers.Adam), policy
        finally:
            lamina.mixed_precision.set_global_policy("float32")


def test_fixed_loss_scale_factor_scales_the_loss_in_fit():
    # Without a LossScaleOptimizer, `loss_scale_factor` scales the loss and unscales the
    # gradients: training matches the unscaled run.
    rng = np.random.default_rng(3)
    x, y = rng.normal(size=(16, 3)).astype("float32"), rng.normal(size=(16, 1)).astype("float32")
    weights = []
    for factor in (None, 64.0):
        model = lamina.Sequential([lamina.Input((3,)), layers.Dense(1, kernel_initializer="ones")])
        model.compile(optimizer=optimizers.SGD(0.1, loss_scale_factor=factor), loss="mse")
        model.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0)
        weights.append(model.get_weights())
    for a, b in zip(*weights):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def test_matches_keras_loss_scale_optimizer(mixed_policy):
    keras = keras_or_skip()
    keras.mixed_precision.set_global_policy("mixed_float16")
    try:
        rng = np.random.default_rng(7)
        x = rng.normal(size=(32, 5)).astype("float32")
        y = rng.normal(size=(32, 1)).astype("float32") * 3.0
        ours = lamina.Sequential([lamina.Input((5,)), layers.Dense(16, activation="relu"), layers.Dense(1)])
        theirs = keras.Sequential([keras.Input((5,)), keras.layers.Dense(16, activation="relu"),
                                   keras.layers.Dense(1)])
        theirs.set_weights(ours.get_weights())
        ours.compile(optimizer=optimizers.LossScaleOptimizer(optimizers.Adam(0.01), dynamic_growth_steps=3),
                     loss="mse")
        theirs.compile(optimizer=keras.optimizers.LossScaleOptimizer(keras.optimizers.Adam(0.01),
                                                                     dynamic_growth_steps=3), loss="mse")
        # A scale of 2**15 overflows at first: both skip steps and halve until it fits.
        ours.fit(x, y, batch_size=8, epochs=3, shuffle=False, verbose=0)
        theirs.fit(x, y, batch_size=8, epochs=3, shuffle=False, verbose=0)
        assert _state(ours.optimizer) == (float(theirs.optimizer.dynamic_scale.numpy()),
                                          int(theirs.optimizer.step_counter.numpy()),
                                          int(theirs.optimizer.iterations.numpy()))
        for a, b in zip(ours.get_weights(), theirs.get_weights()):
            np.testing.assert_allclose(a, b, rtol=2e-2, atol=2e-3)
        got = ours.predict(x, verbose=0)
        expected = theirs.predict(x, verbose=0)
        assert got.dtype == expected.dtype == np.float16
        np.testing.assert_allclose(got, expected, rtol=2e-2, atol=2e-2)
    finally:
        keras.mixed_precision.set_global_policy("float32")


@pytest.mark.parametrize("explicit", [False, True])
def test_saved_model_keeps_scale_and_counter(mixed_policy, tmp_path, explicit):
    opt = optimizers.LossScaleOptimizer(optimizers.Adam(1e-3), initial_scale=64.0, dynamic_growth_steps=3)
    model = lamina.Sequential([lamina.Input((3,)), layers.Dense(4), layers.Dense(1)])
    model.compile(optimizer=opt if explicit else "adam", loss="mse")
    model.fit(np.ones((20, 3), "float32"), np.ones((20, 1), "float32"), batch_size=4, epochs=1, verbose=0)
    path = str(tmp_path / "m.keras")
    model.save(path)
    # An explicitly compiled LossScaleOptimizer is in the compile config; an automatic one
    # comes back from compiling again under the mixed_float16 policy (as in Keras).
    lamina.mixed_precision.set_global_policy("float32" if explicit else "mixed_float16")
    loaded = lamina.saving.load_model(path)
    assert isinstance(loaded.optimizer, optimizers.LossScaleOptimizer)
    assert loaded.optimizer.get_config()["initial_scale"] == model.optimizer.get_config()["initial_scale"]
    saved = [v.numpy() for v in model.optimizer.variables]
    assert len(saved) == 4 + 2 + 8  # own 4, then Adam's iteration, rate and 2 slots per weight
    for a, b in zip(saved, [v.numpy() for v in loaded.optimizer.variables]):
        np.testing.assert_array_equal(a, b)
    assert int(loaded.optimizer.step_counter.numpy()) == int(model.optimizer.step_counter.numpy())


def test_keras_file_layout_both_ways(mixed_policy, tmp_path):
    keras = keras_or_skip()
    import h5py
    import zipfile

    model = lamina.Sequential([lamina.Input((3,)), layers.Dense(2)])
    model.compile(optimizer=optimizers.LossScaleOptimizer(optimizers.SGD(0.1), initial_scale=32.0), loss="mse")
    model.fit(np.ones((4, 3), "float32"), np.ones((4, 2), "float32"), verbose=0)
    path = str(tmp_path / "ours.keras")
    model.save(path)
    with zipfile.ZipFile(path) as archive:
        archive.extract("model.weights.h5", tmp_path)
    with h5py.File(tmp_path / "model.weights.h5") as f:
        assert len(f["optimizer/vars"]) == 6 and len(f["optimizer/inner_optimizer/vars"]) == 2
        assert "_compile_config" not in f
    theirs = keras.saving.load_model(path)
    assert type(theirs.optimizer).__name__ == "LossScaleOptimizer"
    np.testing.assert_array_equal([v.numpy() for v in theirs.optimizer.variables],
                                  [v.numpy() for v in model.optimizer.variables])
    back_path = str(tmp_path / "theirs.keras")
    theirs.save(back_path)
    back = lamina.saving.load_model(back_path)
    np.testing.assert_array_equal([v.numpy() for v in back.optimizer.variables],
                                  [v.numpy() for v in model.optimizer.variables])
