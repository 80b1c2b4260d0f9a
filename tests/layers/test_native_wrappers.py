"""TorchModuleWrapper, JaxLayer and FlaxLayer: trained by fit, saved and reloaded, wrong backend refused.

Each wrapper's tests run on its backend; on the other backend they skip and a test checks
the refusal instead.
"""

import numpy as np
import pytest

import lamina
from lamina import layers

BACKEND = lamina.backend.backend()
on_torch = pytest.mark.skipif(BACKEND != "torch", reason="TorchModuleWrapper runs on the torch backend only")
on_jax = pytest.mark.skipif(BACKEND != "jax", reason="JaxLayer and FlaxLayer run on the JAX backend only")


def _data(n=16, d=3, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, d)).astype("float32")
    y = (x @ np.array([[1.0], [-2.0], [0.5]], dtype="float32") + 0.3).astype("float32")
    return x, y


def _one_sgd_step(w, b, x, y, lr):
    """One full-batch SGD step of mean squared error for ``x @ w + b`` (NumPy, by hand)."""
    err = x @ w + b - y
    grad_w = 2.0 * x.T @ err / err.size
    grad_b = 2.0 * err.sum(axis=0) / err.size
    return w - lr * grad_w, b - lr * grad_b


def _fit_one_step(model, x, y, lr=0.1):
    model.compile(optimizer=lamina.optimizers.SGD(lr), loss="mse")
    return model.fit(x, y, batch_size=len(x), epochs=1, shuffle=False, verbose=0)


def _losses_decrease(model, x, y, factor=0.5):
    model.compile(optimizer=lamina.optimizers.SGD(0.05), loss="mse")
    losses = model.fit(x, y, batch_size=4, epochs=8, verbose=0).history["loss"]
    assert losses[-1] < factor * losses[0], losses


# -- TorchModuleWrapper ------------------------------------------------------------------
@on_torch
def test_torch_module_parameters_are_the_layer_weights_and_share_storage():
    import torch

    module = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.BatchNorm1d(4), torch.nn.Linear(4, 1))
    layer = layers.TorchModuleWrapper(module)
    assert [v.shape for v in layer.trainable_weights] == [(4, 3), (4,), (4,), (4,), (1, 4), (1,)]
    assert [v.name for v in layer.non_trainable_weights] == ["1.running_mean", "1.running_var",
                                                             "1.num_batches_tracked"]
    layer.trainable_weights[0].assign(np.ones((4, 3)))
    np.testing.assert_array_equal(module[0].weight.detach().numpy(), np.ones((4, 3)))
    assert list(layer.parameters())[0] is module[0].weight


@on_torch
def test_torch_module_trains_in_fit_one_step_equals_hand_computation():
    import torch

    x, y = _data()
    module = torch.nn.Linear(3, 1)
    inputs = lamina.Input((3,))
    model = lamina.Model(inputs, layers.TorchModuleWrapper(module)(inputs))
    w0, b0 = module.weight.detach().numpy().T.copy(), module.bias.detach().numpy().copy()
    _fit_one_step(model, x, y)
    w1, b1 = _one_sgd_step(w0, b0, x, y, 0.1)
    np.testing.assert_allclose(module.weight.detach().numpy().T, w1, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(module.bias.detach().numpy(), b1, rtol=1e-5, atol=1e-6)
    _losses_decrease(model, x, y)


@on_torch
def test_torch_batchnorm_statistics_update_in_fit_and_eval_mode_in_predict():
    import torch

    x, y = _data()
    module = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.BatchNorm1d(4), torch.nn.Linear(4, 1))
    model = lamina.Sequential([lamina.Input((3,)), layers.TorchModuleWrapper(module)])
    _fit_one_step(model, x, y)
    stats = {v.name: v.numpy() for v in model.non_trainable_weights}
    assert stats["1.num_batches_tracked"] == 1 and not np.allclose(stats["1.running_mean"], 0)
    module.eval()
    with torch.no_grad():
        expected = module(torch.from_numpy(x)).numpy()
    np.testing.assert_allclose(model.predict(x, verbose=0), expected, rtol=1e-5, atol=1e-6)
    assert model.non_trainable_weights[2].numpy() == 1  # predict leaves the statistics alone


@on_torch
def test_torch_lazy_module_is_materialized_on_first_build():
    import torch

    inputs = lamina.Input((5,))
    outputs = layers.TorchModuleWrapper(torch.nn.LazyLinear(2))(inputs)
    model = lamina.Model(inputs, outputs)
    assert model.output_shape == (None, 2)
    assert [v.shape for v in model.trainable_weights] == [(2, 5), (2,)]
    x = np.random.rand(4, 5).astype("float32")
    y = np.random.rand(4, 2).astype("float32")
    model.compile(optimizer="sgd", loss="mse")
    before = model.get_weights()[0].copy()
    model.fit(x, y, verbose=0)
    assert not np.allclose(model.get_weights()[0], before)


@on_torch
def test_torch_output_shape_argument_skips_inference_and_round_trips():
    import torch

    layer = layers.TorchModuleWrapper(torch.nn.Linear(3, 2), output_shape=(None, 2))
    assert layer.compute_output_spec(lamina.KerasTensor((None, 3))).shape == (None, 2)
    config = layer.get_config()
    assert config["output_shape"] == [None, 2] and isinstance(config["module"], str)
    copy = layers.TorchModuleWrapper.from_config(config, safe_mode=False)
    assert copy.output_shape == (None, 2)
    np.testing.assert_array_equal(copy.get_weights()[0], layer.get_weights()[0])


def _torch_model():
    import torch

    torch.manual_seed(0)
    module = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.BatchNorm1d(4), torch.nn.Tanh(),
                                 torch.nn.Linear(4, 1))
    inputs = lamina.Input((3,))
    return lamina.Model(inputs, layers.TorchModuleWrapper(module, name="wrapped")(inputs))


@on_torch
def test_torch_keras_file_loads_only_with_safe_mode_off(tmp_path):
    x, y = _data()
    model = _torch_model()
    _losses_decrease(model, x, y)
    expected = model.predict(x, verbose=0)
    path = str(tmp_path / "m.keras")
    model.save(path)
    with pytest.raises(ValueError, match="TorchModuleWrapper 'wrapped'.*safe_mode is on"):
        lamina.saving.load_model(path)
    loaded = lamina.saving.load_model(path, safe_mode=False)
    np.testing.assert_allclose(loaded.predict(x, verbose=0), expected, rtol=1e-6, atol=1e-6)
    for a, b in zip(loaded.get_weights(), model.get_weights()):
        np.testing.assert_array_equal(a, b)


@on_torch
def test_torch_weights_file_round_trip_under_state_dict_keys(tmp_path):
    import h5py

    x, y = _data()
    model = _torch_model()
    _losses_decrease(model, x, y)
    path = str(tmp_path / "w.weights.h5")
    model.save_weights(path)
    with h5py.File(path) as f:
        keys = sorted(f["layers/torch_module_wrapper/vars"].keys())
    assert keys == sorted(["0.weight", "0.bias", "1.weight", "1.bias", "1.running_mean", "1.running_var",
                           "1.num_batches_tracked", "3.weight", "3.bias"])
    fresh = _torch_model()
    fresh.layers[-1].module[0].weight.data.zero_()
    fresh.load_weights(path)
    np.testing.assert_allclose(fresh.predict(x, verbose=0), model.predict(x, verbose=0), rtol=1e-6, atol=1e-6)


@on_torch
def test_torch_wrapper_refuses_a_non_module():
    with pytest.raises(ValueError, match="TorchModuleWrapper 'w': `module` must be a torch.nn.Module.*Received"):
        layers.TorchModuleWrapper(lambda x: x, name="w")


@on_torch
@pytest.mark.parametrize("cls", ["JaxLayer", "FlaxLayer"])
def test_jax_wrappers_refuse_the_torch_backend(cls):
    with pytest.raises(ValueError, match=f"{cls} runs only on the jax backend; the active backend is 'torch'"):
        getattr(layers, cls)(lambda inputs: inputs)


# -- JaxLayer ----------------------------------------------------------------------------
@lamina.saving.register_keras_serializable(package="native_tests")
def linear_call(params, inputs):
    return inputs @ params["w"] + params["b"]


@lamina.saving.register_keras_serializable(package="native_tests")
def linear_init(rng, inputs):
    import jax

    return {"w": jax.random.normal(rng, (inputs.shape[-1], 1)) * 0.1, "b": np.zeros((1,), "float32")}


@lamina.saving.register_keras_serializable(package="native_tests")
def centered_call(params, state, rng, inputs, training):
    """A linear map of inputs centred by a running mean (state), with noise in training (rng)."""
    import jax
    import jax.numpy as jnp

    if training:
        mean = 0.5 * state["mean"] + 0.5 * jnp.mean(inputs, axis=0)
        inputs = inputs + 1e-3 * jax.random.normal(rng, inputs.shape)
    else:
        mean = state["mean"]
    return (inputs - mean) @ params["w"] + params["b"], {"mean": mean}


@lamina.saving.register_keras_serializable(package="native_tests")
def centered_init(rng, inputs):
    params = linear_init(rng, inputs)
    return params, {"mean": np.zeros((inputs.shape[-1],), "float32")}


def _jax_model(call_fn=linear_call, init_fn=linear_init, **kwargs):
    inputs = lamina.Input((3,))
    return lamina.Model(inputs, layers.JaxLayer(call_fn, init_fn=init_fn, name="jax_layer", **kwargs)(inputs))


@on_jax
def test_jax_layer_trains_in_fit_one_step_equals_hand_computation():
    x, y = _data()
    model = _jax_model()
    layer = model.layers[-1]
    assert [v.shape for v in layer.trainable_weights] == [(1,), (3, 1)]  # jax tree order: b, w
    b0, w0 = (v.numpy().copy() for v in layer.trainable_weights)
    _fit_one_step(model, x, y)
    w1, b1 = _one_sgd_step(w0, b0, x, y, 0.1)
    np.testing.assert_allclose(layer.params["w"].numpy(), w1, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(layer.params["b"].numpy(), b1, rtol=1e-5, atol=1e-6)
    _losses_decrease(model, x, y)


@on_jax
def test_jax_layer_with_given_params_and_state_updates_state_in_training():
    import jax.numpy as jnp

    x, y = _data()
    layer = layers.JaxLayer(centered_call, params={"w": jnp.zeros((3, 1)), "b": jnp.zeros((1,))},
                            state={"mean": jnp.zeros((3,))}, seed=1)
    assert layer.built and [v.trainable for v in layer.weights] == [True, True, False]
    model = lamina.Sequential([lamina.Input((3,)), layer])
    _fit_one_step(model, x, y)
    np.testing.assert_allclose(layer.state["mean"].numpy(), 0.5 * x.mean(axis=0), rtol=1e-5)
    before = layer.state["mean"].numpy()
    model.predict(x, verbose=0)
    np.testing.assert_array_equal(layer.state["mean"].numpy(), before)  # inference keeps the state


@on_jax
def test_jax_layer_saves_and_reloads_with_equal_predictions(tmp_path):
    x, y = _data()
    model = _jax_model(centered_call, centered_init, seed=3)
    _losses_decrease(model, x, y)
    expected = model.predict(x, verbose=0)
    path = str(tmp_path / "m.keras")
    model.save(path)
    loaded = lamina.saving.load_model(path)  # the functions are registered by name
    np.testing.assert_allclose(loaded.predict(x, verbose=0), expected, rtol=1e-6, atol=1e-6)
    assert loaded.layers[-1].get_config()["call_fn"]["config"] == "native_tests>centered_call"
    fresh = _jax_model(centered_call, centered_init, seed=3)
    model.save_weights(str(tmp_path / "w.weights.h5"))
    fresh.load_weights(str(tmp_path / "w.weights.h5"))
    np.testing.assert_allclose(fresh.predict(x, verbose=0), expected, rtol=1e-6, atol=1e-6)


@on_jax
def test_jax_layer_unregistered_function_loads_only_through_custom_objects():
    def my_call(params, inputs):
        return inputs @ params["w"] + params["b"]

    layer = layers.JaxLayer(my_call, init_fn=linear_init)
    config = lamina.layers.serialize(layer)
    with pytest.raises(TypeError, match="Could not locate function 'my_call'.*custom_objects"):
        lamina.layers.deserialize(config)
    copy = lamina.layers.deserialize(config, custom_objects={"my_call": my_call})
    assert copy.call_fn is my_call and copy.init_fn is linear_init


@on_jax
def test_jax_layer_checks_its_functions():
    with pytest.raises(ValueError, match="JaxLayer 'j': unsupported argument `x` in `call_fn`"):
        layers.JaxLayer(lambda params, x: x, init_fn=linear_init, name="j")
    with pytest.raises(ValueError, match="`init_fn`, `params` and `state` cannot all be None"):
        layers.JaxLayer(linear_call)
    with pytest.raises(ValueError, match="native_serialization_platforms is for exporting through TensorFlow"):
        layers.JaxLayer(linear_call, init_fn=linear_init, native_serialization_platforms=["cpu"])


@on_jax
def test_torch_wrapper_refuses_the_jax_backend():
    with pytest.raises(ValueError, match="TorchModuleWrapper runs only on the torch backend; the active backend "
                                         "is 'jax'"):
        layers.TorchModuleWrapper(object())


# -- FlaxLayer ---------------------------------------------------------------------------
def _flax_module_class():
    nn = pytest.importorskip("flax.linen")

    class DenseBN(nn.Module):
        features: int = 1

        @nn.compact
        def __call__(self, inputs, training=False):
            x = nn.Dense(4)(inputs)
            x = nn.BatchNorm(use_running_average=not training, momentum=0.5)(x)
            x = nn.Dropout(0.1, deterministic=not training)(nn.tanh(x))
            return nn.Dense(self.features)(x)

        def get_config(self):
            return {"features": self.features}

        @classmethod
        def from_config(cls, config):
            return cls(**config)

    return DenseBN


@on_jax
def test_flax_layer_trains_params_and_updates_batch_stats_in_fit():
    module_cls = _flax_module_class()
    x, y = _data()
    inputs = lamina.Input((3,))
    model = lamina.Model(inputs, layers.FlaxLayer(module_cls())(inputs))
    layer = model.layers[-1]
    assert {v.shape for v in layer.non_trainable_weights} == {(4,)} and len(layer.non_trainable_weights) == 2
    assert len(layer.trainable_weights) == 6
    stats = [v.numpy().copy() for v in layer.non_trainable_weights]
    _losses_decrease(model, x, y, factor=0.8)  # batch norm and dropout on batches of 4: a noisy descent
    assert not any(np.allclose(a, v.numpy()) for a, v in zip(stats, layer.non_trainable_weights))


@on_jax
def test_flax_layer_one_step_equals_hand_computation():
    nn = pytest.importorskip("flax.linen")
    x, y = _data()
    inputs = lamina.Input((3,))
    model = lamina.Model(inputs, layers.FlaxLayer(nn.Dense(1))(inputs))
    layer = model.layers[-1]
    w0, b0 = layer.params["params"]["kernel"].numpy().copy(), layer.params["params"]["bias"].numpy().copy()
    _fit_one_step(model, x, y)
    w1, b1 = _one_sgd_step(w0, b0, x, y, 0.1)
    np.testing.assert_allclose(layer.params["params"]["kernel"].numpy(), w1, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(layer.params["params"]["bias"].numpy(), b1, rtol=1e-5, atol=1e-6)


@on_jax
def test_flax_layer_saves_and_reloads_with_equal_predictions(tmp_path):
    module_cls = _flax_module_class()
    x, y = _data()
    inputs = lamina.Input((3,))
    model = lamina.Model(inputs, layers.FlaxLayer(module_cls(features=1), name="flax")(inputs))
    _losses_decrease(model, x, y, factor=0.8)
    expected = model.predict(x, verbose=0)
    path = str(tmp_path / "m.keras")
    model.save(path)
    with pytest.raises(TypeError, match="Could not locate class 'DenseBN'"):
        lamina.saving.load_model(path)
    loaded = lamina.saving.load_model(path, custom_objects={"DenseBN": module_cls})
    np.testing.assert_allclose(loaded.predict(x, verbose=0), expected, rtol=1e-6, atol=1e-6)


@on_jax
def test_flax_layer_given_variables_and_unserializable_module():
    nn = pytest.importorskip("flax.linen")
    import jax

    module = nn.Dense(2)
    variables = module.init(jax.random.PRNGKey(0), np.ones((1, 3), "float32"))
    layer = layers.FlaxLayer(module, variables=variables, name="given")
    np.testing.assert_allclose(layer(np.ones((1, 3), "float32")), module.apply(variables, np.ones((1, 3))),
                               rtol=1e-6)
    with pytest.raises(ValueError, match="FlaxLayer 'given'.*Dense has no get_config"):
        layer.get_config()
    with pytest.raises(ValueError, match="FlaxLayer: `module` must be a flax.linen.Module"):
        layers.FlaxLayer(object())
