"""lamina.remat: same values and gradients, with the engine's rematerialization really applied."""

import numpy as np
import pytest

import lamina
from lamina import ops


def _setup():
    lamina.utils.set_random_seed(1)
    dense = lamina.layers.Dense(4)
    dense.build((None, 3))
    x = ops.convert_to_tensor(np.random.default_rng(0).normal(size=(5, 3)).astype("float32"))
    calls = []

    def block(x, scale):
        calls.append(1)
        return ops.tanh(dense(x)) * scale

    return dense, x, block, calls


def test_remat_gives_the_same_values_and_gradients():
    dense, x, block, calls = _setup()
    plain_loss, plain_grads = lamina.ops.value_and_grad(lambda: ops.sum(block(x, 2.0) ** 2),
                                                        dense.trainable_variables)
    calls.clear()
    remat_block = lamina.remat(block)
    loss, grads = lamina.ops.value_and_grad(lambda: ops.sum(remat_block(x, scale=2.0) ** 2),
                                            dense.trainable_variables)
    np.testing.assert_allclose(ops.convert_to_numpy(loss), ops.convert_to_numpy(plain_loss), rtol=1e-6)
    for g, p in zip(grads, plain_grads):
        np.testing.assert_allclose(ops.convert_to_numpy(g), ops.convert_to_numpy(p), rtol=1e-5, atol=1e-6)
    if lamina.backend.backend() == "torch":
        assert len(calls) == 2  # run forward, then again in the backward pass
    else:
        import jax

        jaxpr = str(jax.make_jaxpr(lambda v: remat_block(v, 2.0))(ops.convert_to_numpy(x)))
        assert "remat" in jaxpr


class _Block(lamina.layers.Layer):
    """Keras's documented pattern: remat wraps part of a layer's call."""

    def __init__(self, use_remat, **kwargs):
        super().__init__(**kwargs)
        self.dense = lamina.layers.Dense(8)
        self.use_remat = use_remat
        self.calls = 0
        self.inner = lamina.remat(self._inner) if use_remat else self._inner

    def _inner(self, x):
        self.calls += 1
        return ops.relu(self.dense(x)) * 0.5

    def call(self, x):
        return self.inner(x)


def test_remat_inside_a_layer_trains_like_without():
    results, calls = [], []
    for use_remat in (False, True):
        lamina.utils.set_random_seed(2)
        inputs = lamina.Input((3,))
        block = _Block(use_remat)
        model = lamina.Model(inputs, lamina.layers.Dense(1)(block(inputs)))
        model.compile(optimizer="sgd", loss="mse")
        x = np.random.default_rng(0).normal(size=(16, 3)).astype("float32")
        model.fit(x, x[:, :1], epochs=1, batch_size=8, verbose=0)
        results.append(model.predict(x, verbose=0))
        if lamina.backend.backend() == "torch":
            model.train_on_batch(x[:8], x[:8, :1])
            block.calls = 0
            model.train_on_batch(x[:8], x[:8, :1])
            calls.append(block.calls)
    if calls:
        assert calls[1] == calls[0] + 1  # the backward pass ran the block again
    np.testing.assert_allclose(results[0], results[1], rtol=1e-5, atol=1e-6)


def test_remat_custom_train_step_on_symbolic_and_eager_inputs():
    dense = lamina.layers.Dense(2)
    block = lamina.remat(dense)
    assert block(lamina.Input((3,))).shape == (None, 2)
    assert ops.shape(block(ops.ones((4, 3)))) == (4, 2)
    with pytest.raises(TypeError, match="remat: expected a callable. Received: f=3"):
        lamina.remat(3)


def _recorded_remat(monkeypatch):
    import lamina.ops._remat as remat_module

    wrapped = []
    original = remat_module.remat

    def recording(f):
        wrapped.append(getattr(f, "__self__", None) or getattr(f, "__name__", f))
        return original(f)

    monkeypatch.setattr(remat_module, "remat", recording)
    return wrapped


@pytest.mark.parametrize("mode,kwargs,expected", [
    ("full", {}, ["a", "b", "c"]),
    ("list_of_layers", {"layer_names": ["b"]}, ["b"]),
    ("larger_than", {"output_size_threshold": 40}, ["a"]),   # a: 4x16=64 elements, b and c: 4x8=32
    ("activations", {}, ["relu"]),                            # only a has an activation besides linear
    (None, {}, []),
])
def test_remat_scope_picks_the_layers(monkeypatch, mode, kwargs, expected):
    wrapped = _recorded_remat(monkeypatch)
    with lamina.RematScope(mode="full"):
        with lamina.RematScope(mode=mode, **kwargs):  # the innermost scope wins
            a = lamina.layers.Dense(16, activation="relu", name="a")
            b = lamina.layers.Dense(8, name="b")
        c = lamina.layers.Dense(8, name="c")
    outside = lamina.layers.Dense(8, name="outside")
    x = ops.ones((4, 3))
    outside(b(a(x)))
    names = [w.name if isinstance(w, lamina.layers.Layer) else w for w in wrapped]
    if mode == "activations":
        names = [n for n in names if n != "linear"]
    assert names == [n for n in expected if n != "c"]
    wrapped.clear()
    c(x)
    assert [w.name for w in wrapped] == ["c"]


def test_remat_scope_model_trains_like_without():
    results = []
    for scoped in (False, True):
        lamina.utils.set_random_seed(3)
        scope = lamina.RematScope(mode="full") if scoped else lamina.RematScope(mode=None)
        with scope:
            model = lamina.Sequential([lamina.Input((3,)), lamina.layers.Dense(8, activation="tanh"),
                                       lamina.layers.Dense(1)])
        model.compile(optimizer="sgd", loss="mse")
        x = np.random.default_rng(0).normal(size=(16, 3)).astype("float32")
        model.fit(x, x[:, :1], epochs=1, batch_size=8, verbose=0)
        results.append(model.predict(x, verbose=0))
    np.testing.assert_allclose(results[0], results[1], rtol=1e-5, atol=1e-6)


def test_remat_scope_errors():
    with pytest.raises(ValueError, match="RematScope: expected mode to be one of .* Received: mode='some'"):
        lamina.RematScope(mode="some")
    with pytest.raises(ValueError, match="output_size_threshold"):
        lamina.RematScope(mode="larger_than", output_size_threshold=-1)
