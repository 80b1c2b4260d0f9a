"""Compiled steps are shared between models only when they provably compute the same thing.

Each test builds two models that a config-only key would confuse (same config, different
Python behaviour) and checks each model's reported loss against NumPy. On JAX the second
model would otherwise reuse the first one's compiled step; on torch the same programs must
give the same answers.
"""

import numpy as np
import pytest

import lamina as keras
from lamina import backend, layers, ops

X = np.random.default_rng(0).random((32, 4)).astype("float32")
Y = np.random.default_rng(1).random((32, 1)).astype("float32")


def _dense_model(first=None):
    keras.utils.set_random_seed(0)
    inputs = keras.Input((4,))
    x = first(inputs) if first is not None else inputs
    return keras.Model(inputs, layers.Dense(1, kernel_initializer="ones")(x))


def _mse_of(model, transform=lambda x: x):
    kernel, bias = model.layers[-1].get_weights()
    return float(np.mean((transform(X) @ kernel + bias - Y) ** 2))


def test_loss_closures_with_different_captured_values_never_share_a_step():
    def make(w):
        def weighted_mse(y_true, y_pred):
            return w * ops.mean(ops.square(y_true - y_pred), axis=-1)
        return weighted_mse

    results = []
    for w in (1.0, 10.0):
        model = _dense_model()
        model.compile("sgd", loss=make(w))
        results.append((w, model.evaluate(X, Y, verbose=0), _mse_of(model)))
    for w, reported, mse in results:
        np.testing.assert_allclose(reported, w * mse, rtol=1e-5)


def test_custom_layer_attribute_outside_config_is_not_shared():
    class Scale(layers.Layer):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.factor = 1.0  # read by call, absent from get_config

        def call(self, x):
            return x * self.factor

    for factor in (1.0, 5.0):
        scale = Scale()
        scale.factor = factor
        model = _dense_model(scale)
        model.compile("sgd", loss="mse")
        np.testing.assert_allclose(model.evaluate(X, Y, verbose=0),
                                   _mse_of(model, lambda x: x * factor), rtol=1e-5)


def test_layer_class_redefined_in_a_notebook_runs_its_new_code():
    def define(k):
        class Shift(layers.Layer):  # same name and config each time, new code
            def call(self, x):
                return x + k
        return Shift

    for k in (0.0, 3.0):
        model = _dense_model(define(k)())
        model.compile("sgd", loss="mse")
        np.testing.assert_allclose(model.evaluate(X, Y, verbose=0),
                                   _mse_of(model, lambda x: x + k), rtol=1e-5)


def test_lambda_layers_with_different_closures_are_not_shared():
    for k in (1.0, 4.0):
        model = _dense_model(layers.Lambda(lambda x, k=k: x * k))
        model.compile("sgd", loss="mse")
        np.testing.assert_allclose(model.evaluate(X, Y, verbose=0),
                                   _mse_of(model, lambda x: x * k), rtol=1e-5)


def test_user_activation_functions_in_builtin_layers_are_keyed_by_identity():
    def make(k):
        def act(x):
            return x * k
        act.__name__ = "scaled"
        return act

    for k in (1.0, 2.0):
        keras.utils.set_random_seed(0)
        inputs = keras.Input((4,))
        model = keras.Model(inputs, layers.Dense(1, kernel_initializer="ones", activation=make(k))(inputs))
        model.compile("sgd", loss="mse")
        kernel, bias = model.layers[-1].get_weights()
        expected = np.mean(((X @ kernel + bias) * k - Y) ** 2)
        np.testing.assert_allclose(model.evaluate(X, Y, verbose=0), expected, rtol=1e-5)


def test_user_loss_objects_with_different_attributes_are_not_shared():
    class ScaledMSE(keras.losses.Loss):
        def __init__(self, w):
            super().__init__(name="scaled_mse")
            self.w = w

        def call(self, y_true, y_pred):
            return self.w * ops.mean(ops.square(y_true - y_pred), axis=-1)

    for w in (1.0, 7.0):
        model = _dense_model()
        model.compile("sgd", loss=ScaledMSE(w))
        np.testing.assert_allclose(model.evaluate(X, Y, verbose=0), w * _mse_of(model), rtol=1e-5)


def test_user_metric_closures_are_not_shared():
    def make(w):
        def scaled_mae(y_true, y_pred):
            return w * ops.mean(ops.abs(y_true - y_pred), axis=-1)
        return scaled_mae

    for w in (1.0, 3.0):
        model = _dense_model()
        model.compile("sgd", loss="mse", metrics=[make(w)])
        logs = model.evaluate(X, Y, verbose=0, return_dict=True)
        kernel, bias = model.layers[-1].get_weights()
        np.testing.assert_allclose(logs["scaled_mae"], w * np.mean(np.abs(X @ kernel + bias - Y)), rtol=1e-5)


def test_training_with_a_closure_loss_follows_its_own_gradient():
    def make(w):
        def weighted_mse(y_true, y_pred):
            return w * ops.mean(ops.square(y_true - y_pred), axis=-1)
        return weighted_mse

    kernels = []
    for w in (1.0, 0.0):
        model = _dense_model()
        model.compile(keras.optimizers.SGD(0.1), loss=make(w))
        model.fit(X, Y, epochs=2, batch_size=8, verbose=0)
        kernels.append(model.layers[-1].get_weights()[0])
    assert not np.allclose(kernels[0], 1.0)  # w=1 trains
    np.testing.assert_allclose(kernels[1], 1.0)  # w=0: zero gradient, the kernel stays


def _count_compiles(monkeypatch):
    step = backend.step
    if not hasattr(step, "_Compiled"):
        pytest.skip("this backend does not compile steps")
    calls = []
    original = step._Compiled.__init__

    def counting(self, *args, **kwargs):
        calls.append(1)
        original(self, *args, **kwargs)

    monkeypatch.setattr(step._Compiled, "__init__", counting)
    return calls


def test_builtin_models_of_equal_structure_still_share_compiled_steps(monkeypatch):
    """Cross-validation keeps its speed: the second fold of built-in layers compiles nothing."""
    calls = _count_compiles(monkeypatch)
    for fold in range(3):
        inputs = keras.Input((4,))
        x = layers.Dense(8, activation="relu", kernel_regularizer=keras.regularizers.l2(0.01))(inputs)
        model = keras.Model(inputs, layers.Dense(1)(x))
        model.compile("adam", loss="mse", metrics=["mae"], steps_per_execution=2)
        model.fit(X, Y, epochs=1, batch_size=8, verbose=0)
        model.evaluate(X, Y, verbose=0)
        if fold == 0:
            first = len(calls)
    assert first > 0
    assert len(calls) == first


def test_a_user_closure_model_compiles_its_own_step(monkeypatch):
    calls = _count_compiles(monkeypatch)

    def make(w):
        def weighted_mse(y_true, y_pred):
            return w * ops.mean(ops.square(y_true - y_pred), axis=-1)
        return weighted_mse

    loss = make(2.0)
    counts = []
    for fn in (loss, loss, make(2.0)):
        model = _dense_model()
        model.compile("sgd", loss=fn)
        model.evaluate(X, Y, verbose=0)
        counts.append(len(calls))
    assert counts[1] == counts[0]  # the same function object: shared
    assert counts[2] > counts[1]  # another closure object: compiled again
