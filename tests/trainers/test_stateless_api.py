"""The stateless API on every backend: ``stateless_call``, metrics' ``stateless_*``,
``stateless_compute_loss``, ``get_state_tree`` / ``set_state_tree`` and the
``make_*_function`` step functions; on torch, the JAX-only ``(state, data)`` step form is
refused with a clear error."""

import numpy as np
import pytest

import lamina
from lamina import layers, ops


def _np(x):
    return np.asarray(ops.convert_to_numpy(x))


def _model(regularized=False):
    reg = lamina.regularizers.L2(0.1) if regularized else None
    model = lamina.Sequential([
        lamina.Input((3,)),
        layers.Dense(4, kernel_regularizer=reg, activity_regularizer=reg),
        layers.BatchNormalization(),
        layers.Dense(1),
    ])
    model.compile(optimizer="adam", loss="mse", metrics=["mae"])
    return model


def _data(n=16):
    rng = np.random.default_rng(0)
    return rng.normal(size=(n, 3)).astype("float32"), rng.normal(size=(n, 1)).astype("float32")


def test_stateless_call_leaves_variables_untouched():
    model = _model()
    x, _ = _data()
    before = [v.numpy().copy() for v in model.variables]
    trainable = [ops.zeros_like(v.value) + 0.5 for v in model.trainable_variables]
    non_trainable = [v.value for v in model.non_trainable_variables]
    out, new_non_trainable = model.stateless_call(trainable, non_trainable, x, training=True)
    for b, v in zip(before, model.variables):
        np.testing.assert_array_equal(b, v.numpy())
    # BatchNormalization's statistics moved toward the batch's (momentum 0.99): the dense
    # output is 0.5 * sum(x) + 0.5 in every unit.
    hidden = 0.5 * x.sum(axis=1, keepdims=True) + 0.5
    np.testing.assert_allclose(_np(new_non_trainable[0]), np.full(4, 0.01 * hidden.mean()), rtol=1e-5)
    np.testing.assert_allclose(_np(new_non_trainable[1]), np.full(4, 0.99 + 0.01 * hidden.var()), rtol=1e-5)
    # The outputs are those of the model holding these values.
    model.set_weights([_np(t) for t in trainable] + [_np(n) for n in non_trainable])
    np.testing.assert_allclose(_np(out), _np(model(x, training=True)), rtol=1e-5, atol=1e-6)


def test_stateless_call_returns_losses_of_the_given_values():
    model = _model(regularized=True)
    x, _ = _data()
    trainable = [ops.zeros_like(v.value) + 0.5 for v in model.trainable_variables]
    non_trainable = [v.value for v in model.non_trainable_variables]
    _, _, losses = model.stateless_call(trainable, non_trainable, x, return_losses=True)
    hidden = 0.5 * x.sum(axis=1, keepdims=True) + 0.5  # (16, 1), broadcast to the 4 units
    activity = 0.1 * np.sum(np.repeat(hidden, 4, axis=1) ** 2)
    kernel = 0.1 * 12 * 0.25
    np.testing.assert_allclose(sorted(float(_np(l)) for l in losses), sorted([activity, kernel]), rtol=1e-5)
    assert model.losses and all(np.isfinite(float(_np(l))) for l in model.losses)  # only the penalty left


def test_stateless_call_checks_its_arguments():
    model = _model()
    trainable = [v.value for v in model.trainable_variables]
    with pytest.raises(ValueError, match=r"expected 2 values for `non_trainable_variables`.*Received 0"):
        model.stateless_call(trainable, [], _data()[0])
    layer = layers.Dense(2)
    with pytest.raises(ValueError, match="stateless_call needs the layer built"):
        layer.stateless_call([], [], np.ones((1, 3), "float32"))


@pytest.mark.parametrize("metric", [
    lambda: lamina.metrics.MeanAbsoluteError(),
    lambda: lamina.metrics.BinaryAccuracy(),
    lambda: lamina.metrics.AUC(num_thresholds=20),
    lambda: lamina.metrics.Precision(),
])
def test_metric_stateless_api_equals_stateful(metric):
    stateful, stateless = metric(), metric()
    rng = np.random.default_rng(1)
    batches = [(rng.integers(0, 2, size=(8, 1)).astype("float32"), rng.random((8, 1)).astype("float32"))
               for _ in range(3)]
    values = stateless.stateless_reset_state()
    for y_true, y_pred in batches:
        stateful.update_state(y_true, y_pred)
        values = stateless.stateless_update_state(values, y_true, y_pred)
    np.testing.assert_allclose(_np(stateless.stateless_result(values)), _np(stateful.result()), rtol=1e-6)
    for v in stateless.variables:  # nothing assigned
        np.testing.assert_array_equal(v.numpy(), np.zeros(v.shape, v.dtype))
    with pytest.raises(ValueError, match="expected"):
        stateless.stateless_update_state(values[:1], *batches[0])


def test_stateless_compute_loss_equals_compute_loss():
    model = _model(regularized=True)
    x, y = _data()
    y_pred = model(x)
    want = float(_np(model.compute_loss(x, y, y_pred)))
    state = ([v.value for v in model.trainable_variables], [v.value for v in model.non_trainable_variables],
             [v.value for v in model.metrics_variables])
    loss, (trainable, non_trainable, metrics) = model.stateless_compute_loss(*state, x=x, y=y, y_pred=y_pred)
    np.testing.assert_allclose(float(_np(loss)), want, rtol=1e-6)
    assert [len(trainable), len(non_trainable), len(metrics)] == [len(s) for s in state]
    # Zero kernels carry no weight penalty.
    zeros = [ops.zeros_like(v) for v in state[0]]
    loss0, _ = model.stateless_compute_loss(zeros, state[1], state[2], x=x, y=y, y_pred=y_pred)
    penalty = sum(float(_np(l)) for l in model.losses[1:])  # the kernel penalty of the current weights
    np.testing.assert_allclose(float(_np(loss0)), want - penalty, rtol=1e-5)
    with pytest.raises(ValueError, match="`metrics_variables`"):
        model.stateless_compute_loss(state[0], state[1], [], x=x, y=y, y_pred=y_pred)


def test_state_tree_round_trip():
    model = _model()
    x, y = _data()
    model.fit(x, y, batch_size=8, epochs=1, verbose=0)
    tree = model.get_state_tree("numpy_array")
    assert sorted(tree) == ["metrics_variables", "non_trainable_variables", "optimizer_variables",
                            "trainable_variables"]
    assert tree["trainable_variables"]["dense"]["kernel"].shape == (3, 4)
    assert isinstance(tree["non_trainable_variables"]["batch_normalization"]["moving_mean"], np.ndarray)
    assert "count" in tree["metrics_variables"]["loss"]
    saved = {v.path: v.numpy().copy() for v in model.variables + model.optimizer.variables
             + model.metrics_variables}
    model.fit(x, y, batch_size=8, epochs=1, verbose=0)
    changed = [p for p, v in saved.items() if not np.array_equal(v, _var(model, p).numpy())]
    assert "dense/kernel" in changed and "adam/iteration" in changed
    model.set_state_tree(tree)
    for path, value in saved.items():
        np.testing.assert_array_equal(_var(model, path).numpy(), value)
    tensors = model.get_state_tree()
    assert lamina.ops.is_tensor(tensors["trainable_variables"]["dense"]["kernel"])
    with pytest.raises(ValueError, match="value_format"):
        model.get_state_tree("lists")
    with pytest.raises(ValueError, match="'dense/weights', which names no variable"):
        model.set_state_tree({"trainable_variables": {"dense": {"weights": np.zeros((3, 4))}}})
    with pytest.raises(ValueError, match="unknown group 'variables'"):
        model.set_state_tree({"variables": {}})


def _var(model, path):
    for v in model.variables + model.optimizer.variables + model.metrics_variables:
        if v.path == path:
            return v
    raise KeyError(path)


def test_make_functions_run_one_step():
    model = _model()
    x, y = _data()
    assert model.train_function is None and model.test_function is None and model.predict_function is None
    train = model.make_train_function()
    assert model.train_function is train and model.make_train_function() is train
    kernel = model.trainable_variables[0].numpy().copy()
    logs = train((x, y))
    assert sorted(logs) == ["loss", "mae"]
    assert int(model.optimizer.iterations.numpy()) == 1
    assert not np.array_equal(kernel, model.trainable_variables[0].numpy())
    train(iter([(x[:8], y[:8])]))  # an iterator: its next batch
    assert int(model.optimizer.iterations.numpy()) == 2
    assert model.make_train_function(force=True) is not train
    model.reset_metrics()
    logs = model.make_test_function()((x, y))
    want = model.evaluate(x, y, batch_size=16, return_dict=True, verbose=0)
    np.testing.assert_allclose(float(_np(logs["loss"])), want["loss"], rtol=1e-5)
    np.testing.assert_allclose(_np(model.make_predict_function()(x)), model.predict(x, verbose=0), rtol=1e-5,
                               atol=1e-6)
    model.compile(optimizer="sgd", loss="mse")
    assert model.train_function is None
    model.fit(x, y, verbose=0)
    assert model.train_function is not None


def test_state_step_form_on_this_backend():
    class StateStep(lamina.Model):
        def train_step(self, state, data):
            trainable, non_trainable, optimizer_variables, metrics_variables = state
            return {}, (trainable, non_trainable, optimizer_variables, metrics_variables)

    inputs = lamina.Input((3,))
    model = StateStep(inputs, layers.Dense(1)(inputs))
    model.compile(optimizer="sgd", loss="mse")
    x, y = _data()
    kernel = model.trainable_variables[0].numpy().copy()
    if lamina.backend.backend() == "jax":
        model.fit(x, y, batch_size=8, verbose=0)  # the state comes back unchanged
        np.testing.assert_array_equal(kernel, model.trainable_variables[0].numpy())
        return
    with pytest.raises(TypeError, match=r"`train_step\(self, state, data\)` is the JAX form.*"
                                        r"`train_step\(self, data\)`"):
        model.fit(x, y, batch_size=8, verbose=0)
