"""On torch, every lamina layer and model is a ``torch.nn.Module`` (issue 12, item 2).

What PyTorch users reach for works on lamina models and stays in sync with lamina's
variables: ``parameters()`` / ``named_parameters()`` are the variables' own tensors,
``state_dict()`` / ``load_state_dict()``, ``zero_grad()``, ``to()``, ``train()`` / ``eval()``,
freezing. Keras 3's torch guide (``loss.backward()`` then ``optimizer.apply`` with
``v.value.grad``) runs in ``fit``, and a lamina model trains in a plain PyTorch loop.
"""

import numpy as np
import pytest

import lamina
from lamina import layers
from lamina.backend.common.config import backend as BACKEND

pytestmark = pytest.mark.skipif(BACKEND() != "torch", reason="layers are torch Modules on the torch backend")

torch = pytest.importorskip("torch")


def _data(n=128, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 8)).astype("float32")
    y = (x @ rng.normal(size=(8, 1)) + 0.1).astype("float32")
    return x, y


def _mlp(seed=1, bn=False):
    lamina.utils.set_random_seed(seed)
    stack = [lamina.Input((8,)), layers.Dense(16, activation="relu", name="hidden")]
    if bn:
        stack.append(layers.BatchNormalization(name="bn"))
    return lamina.Sequential(stack + [layers.Dense(1, name="out")])


class Blocks(lamina.Model):
    def __init__(self):
        super().__init__()
        self.blocks = []
        for width in (4, 3):
            self.blocks.append(layers.Dense(width))
        self.heads = {"a": layers.Dense(1), "b": layers.Dense(2)}
        self.norm = layers.LayerNormalization()

    def call(self, x):
        for block in self.blocks:
            x = block(x)
        x = self.norm(x)
        return self.heads["a"](x), self.heads["b"](x)


def test_every_layer_and_model_is_a_module():
    model = _mlp()
    assert isinstance(model, torch.nn.Module)
    assert all(isinstance(layer, torch.nn.Module) for layer in model.layers)
    assert isinstance(layers.Dropout(0.5), torch.nn.Module)


def test_parameters_are_the_variables_own_tensors():
    model = _mlp(bn=True)
    params = dict(model.named_parameters())
    assert list(params) == ["hidden.kernel", "hidden.bias", "bn.gamma", "bn.beta", "out.kernel", "out.bias"]
    for variable in model.trainable_variables:
        assert any(p is variable.value for p in params.values())
    # Moving statistics are buffers, as in torch.nn.BatchNorm1d.
    assert [n for n, _ in model.named_buffers()] == ["bn.moving_mean", "bn.moving_variance"]
    assert sum(p.numel() for p in model.parameters()) + sum(b.numel() for b in model.buffers()) \
        == model.count_params()


def test_names_in_a_subclassed_model_follow_attributes_and_containers():
    model = Blocks()
    model(np.ones((2, 5), "float32"))
    names = [n for n, _ in model.named_parameters()]
    assert names == ["blocks.0.kernel", "blocks.0.bias", "blocks.1.kernel", "blocks.1.bias",
                     "heads.a.kernel", "heads.a.bias", "heads.b.kernel", "heads.b.bias",
                     "norm.gamma", "norm.beta"]
    assert [n for n, _ in model.named_children()] == ["blocks.0", "blocks.1", "heads.a", "heads.b", "norm"]


def test_state_dict_round_trip_between_models_updates_lamina_weights():
    source, target = _mlp(seed=1, bn=True), _mlp(seed=2, bn=True)
    source.compile(optimizer="adam", loss="mse")
    source.fit(*_data(), epochs=1, verbose=0)  # moving statistics move off their initial values
    result = target.load_state_dict(source.state_dict())
    assert not result.missing_keys and not result.unexpected_keys
    for a, b in zip(source.get_weights(), target.get_weights()):
        np.testing.assert_array_equal(a, b)
    x, _ = _data(16, seed=3)
    np.testing.assert_allclose(source.predict(x, verbose=0), target.predict(x, verbose=0), rtol=0, atol=0)


def test_load_state_dict_refuses_wrong_shapes_and_keys_as_torch_does():
    model = _mlp()
    state = model.state_dict()
    state["out.kernel"] = torch.zeros(3, 3)
    with pytest.raises(RuntimeError, match="out.kernel"):
        model.load_state_dict(state)
    with pytest.raises(RuntimeError, match="Unexpected key"):
        model.load_state_dict({**_mlp().state_dict(), "extra.weight": torch.zeros(1)})


def test_lamina_assignments_are_seen_by_torch_and_torch_updates_by_lamina():
    model = _mlp()
    kernel = model.get_layer("out").kernel
    kernel.assign(np.full((16, 1), 2.0, "float32"))
    assert torch.equal(model.state_dict()["out.kernel"], torch.full((16, 1), 2.0))
    with torch.no_grad():
        dict(model.named_parameters())["out.kernel"].mul_(0.5)
    np.testing.assert_array_equal(kernel.numpy(), np.ones((16, 1), "float32"))


def test_zero_grad_clears_what_backward_filled():
    model = _mlp()
    x, y = _data(8)
    loss = ((model(torch.from_numpy(x)) - torch.from_numpy(y)) ** 2).mean()
    loss.backward()
    assert all(p.grad is not None for p in model.parameters())
    model.zero_grad()
    assert all(p.grad is None for p in model.parameters())


def test_train_and_eval_set_the_mode_of_direct_calls_only():
    model = lamina.Sequential([lamina.Input((1000,)), layers.Dropout(0.5)])
    x = np.ones((1, 1000), "float32")
    assert np.all(lamina.ops.convert_to_numpy(model(x)) == 1.0)  # Keras's default: inference
    model.train()
    assert all(layer.training for layer in model.modules())
    dropped = lamina.ops.convert_to_numpy(model(x))
    assert 300 < int((dropped == 0).sum()) < 700
    assert np.all(lamina.ops.convert_to_numpy(model(x, training=False)) == 1.0)  # an argument wins
    model.eval()
    assert np.all(lamina.ops.convert_to_numpy(model(x)) == 1.0)


def test_fit_trains_after_eval():
    model = _mlp()
    model.eval()
    model.compile(optimizer="adam", loss="mse")
    before = model.get_weights()
    model.fit(*_data(), epochs=1, verbose=0)
    assert any(not np.array_equal(a, b) for a, b in zip(before, model.get_weights()))


def test_to_keeps_the_variables_storage_and_dtype_follows():
    model = _mlp()
    before = [v.value for v in model.variables]
    assert model.to("cpu") is model
    assert all(v.value is b for v, b in zip(model.variables, before))
    model.to(torch.float64)
    assert {v.dtype for v in model.weights} == {"float64"}
    assert all(p.dtype == torch.float64 for p in model.parameters())
    model.float()
    assert {v.dtype for v in model.weights} == {"float32"}
    assert model.predict(_data(4)[0], verbose=0).shape == (4, 1)


def test_freezing_a_layer_turns_off_its_gradients_for_torch_optimizers():
    model = _mlp()
    hidden = model.get_layer("hidden")
    hidden.trainable = False
    assert not any(v.value.requires_grad for v in hidden.weights)
    before = hidden.get_weights()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    x, y = _data(16)
    ((model(torch.from_numpy(x)) - torch.from_numpy(y)) ** 2).mean().backward()
    optimizer.step()
    for a, b in zip(before, hidden.get_weights()):
        np.testing.assert_array_equal(a, b)
    hidden.trainable = True
    assert all(v.value.requires_grad for v in hidden.weights)


def test_registering_torch_state_directly_is_refused_with_a_clear_error():
    layer = layers.Dense(2)
    layer.build((None, 3))
    with pytest.raises(ValueError, match="add_weight"):
        layer.register_parameter("extra", torch.nn.Parameter(torch.zeros(2)))
    with pytest.raises(ValueError, match="Layer 'dense"):
        layer.register_buffer("extra_buffer", torch.zeros(2))
    with pytest.raises(ValueError, match="hooks do not run"):
        layer.register_forward_hook(lambda *a: None)


def test_a_torch_module_assigned_to_a_layer_is_wrapped_and_trained():
    class WithTorch(layers.Layer):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.fc = torch.nn.Linear(8, 1)

        def call(self, x):
            return self.fc(x)

    layer = WithTorch()
    assert type(layer.fc).__name__ == "TorchModuleWrapper"
    model = lamina.Sequential([lamina.Input((8,)), layer])
    assert [n for n, _ in model.named_parameters()] == ["with_torch.fc.weight", "with_torch.fc.bias"]
    model.compile(optimizer="sgd", loss="mse")
    before = layer.get_weights()
    model.fit(*_data(), epochs=1, verbose=0)
    assert any(not np.array_equal(a, b) for a, b in zip(before, layer.get_weights()))


class TorchGuideModel(lamina.Model):
    """The ``train_step`` of Keras 3's guide "Customizing what happens in fit() with PyTorch"."""

    def train_step(self, data):
        x, y = data
        self.zero_grad()
        y_pred = self(x, training=True)
        loss = self.compute_loss(y=y, y_pred=y_pred)
        loss.backward()
        trainable_weights = [v for v in self.trainable_weights]
        gradients = [v.value.grad for v in trainable_weights]
        with torch.no_grad():
            self.optimizer.apply(gradients, trainable_weights)
        for metric in self.metrics:
            if metric.name == "loss":
                metric.update_state(loss)
            else:
                metric.update_state(y, y_pred)
        return {m.name: m.result() for m in self.metrics}


def _functional(cls, seed=1):
    lamina.utils.set_random_seed(seed)
    inputs = lamina.Input((8,))
    hidden = layers.Dense(16, activation="relu")(inputs)
    return cls(inputs, layers.Dense(1)(hidden))


def test_keras_torch_guide_train_step_with_backward_matches_the_built_in_step():
    x, y = _data()
    histories = []
    for cls in (TorchGuideModel, lamina.Model):
        model = _functional(cls)
        model.compile(optimizer="adam", loss="mse", metrics=["mae"])
        histories.append(model.fit(x, y, batch_size=16, epochs=3, shuffle=False, verbose=0).history)
    guide, built_in = histories
    assert guide["loss"][-1] < guide["loss"][0]
    for key in ("loss", "mae"):
        np.testing.assert_allclose(guide[key], built_in[key], rtol=1e-5)


def test_plain_pytorch_loop_with_torch_optim_reaches_the_loss_of_fit():
    x, y = _data(256)
    fitted = _mlp(seed=3)
    initial = fitted.get_weights()
    fitted.compile(optimizer=lamina.optimizers.Adam(1e-2), loss="mse")
    fitted.fit(x, y, batch_size=32, epochs=4, shuffle=False, verbose=0)

    model = _mlp(seed=3)
    model.set_weights(initial)
    # torch.optim.Adam adds epsilon after the bias correction, lamina (as Keras) before it; the
    # two agree to a few parts in a million with these settings.
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-2, eps=1e-7)
    loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(torch.from_numpy(x), torch.from_numpy(y)),
                                         batch_size=32, shuffle=False)
    model.train()
    for _ in range(4):
        for xb, yb in loader:
            optimizer.zero_grad()
            loss = torch.nn.functional.mse_loss(model(xb), yb)
            loss.backward()
            optimizer.step()
    model.eval()
    for model_ in (fitted, model):
        model_.compile(loss="mse")
    fit_loss, torch_loss = fitted.evaluate(x, y, verbose=0), model.evaluate(x, y, verbose=0)
    assert torch_loss < 0.5 * float(np.mean(y ** 2))
    np.testing.assert_allclose(torch_loss, fit_loss, rtol=1e-3)
