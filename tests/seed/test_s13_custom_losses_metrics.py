"""Seed S13 (note lines 1021-1083): custom losses and metrics, add_loss / add_metric.

The note's tf.keras code, ported: ``tf.math.reduce_mean`` -> ``ops.mean``, ``tf.square`` ->
``ops.square``, ``tf.argmax`` / ``tf.reshape`` / ``tf.cast`` -> ``ops.*``. The note's
``reset_states`` is Keras 2's name; Keras 3 (and lamina) call ``reset_state``.
``Layer.add_metric`` does not exist in Keras 3: a layer (or model) holds a ``Metric`` as an
attribute and updates it itself, which is what the last test shows.
"""

import numpy as np

import lamina
from lamina import ops

RNG = np.random.default_rng(13)
X = RNG.random((64, 5)).astype("float32")
Y_CLASS = (X[:, 0] + X[:, 1] > 1.0).astype("int32")[:, None]     # (64, 1) integer labels
Y_REG = (X @ np.array([1.0, -2.0, 0.5, 0.0, 1.5], "float32"))[:, None]


def _np(x):
    return np.asarray(ops.convert_to_numpy(x))


# --- the note's custom loss function and Loss subclass ------------------------------------
def custom_mean_squared_error(y_true, y_pred):
    return ops.mean(ops.square(y_true - y_pred))


class CustomMSE(lamina.losses.Loss):
    def __init__(self, regularization_factor=0.1, name="custom_mse"):
        super().__init__(name=name)
        self.regularization_factor = regularization_factor

    def call(self, y_true, y_pred):
        mse = ops.mean(ops.square(y_true - y_pred))
        reg = ops.mean(ops.square(0.5 - y_pred))
        return mse + reg * self.regularization_factor


# --- the note's custom metric ---------------------------------------------------------------
class CategoricalTruePositives(lamina.metrics.Metric):
    def __init__(self, name="categorical_true_positives", **kwargs):
        super().__init__(name=name, **kwargs)
        self.true_positives = self.add_weight(name="ctp", initializer="zeros")

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_pred = ops.reshape(ops.argmax(y_pred, axis=1), (-1, 1))
        values = ops.cast(y_true, "int32") == ops.cast(y_pred, "int32")
        values = ops.cast(values, "float32")
        if sample_weight is not None:
            sample_weight = ops.cast(sample_weight, "float32")
            values = ops.multiply(values, sample_weight)
        self.true_positives.assign_add(ops.sum(values))

    def result(self):
        return self.true_positives

    def reset_state(self):
        # The state of the metric will be reset at the start of each epoch.
        self.true_positives.assign(0.0)


def test_custom_loss_function_and_subclass_values():
    y_true = np.array([[0.0, 1.0], [1.0, 1.0]], "float32")
    y_pred = np.array([[0.2, 0.6], [0.9, 1.3]], "float32")
    expected_mse = np.mean((y_true - y_pred) ** 2)
    np.testing.assert_allclose(_np(custom_mean_squared_error(y_true, y_pred)), expected_mse, rtol=1e-6)
    loss = CustomMSE(regularization_factor=0.1)
    expected = expected_mse + 0.1 * np.mean((0.5 - y_pred) ** 2)
    np.testing.assert_allclose(_np(loss(y_true, y_pred)), expected, rtol=1e-6)
    assert loss.name == "custom_mse" and loss.get_config()["reduction"] == "sum_over_batch_size"


def test_categorical_true_positives_counts_weighted_hits_and_resets():
    m = CategoricalTruePositives()
    assert [v.name for v in m.variables] == ["ctp"] and m.variables[0].shape == ()
    y_true = np.array([[1], [0], [2], [1]])
    y_pred = np.array([[0.1, 0.8, 0.1], [0.9, 0.05, 0.05], [0.3, 0.4, 0.3], [0.2, 0.7, 0.1]], "float32")
    m.update_state(y_true, y_pred)
    np.testing.assert_allclose(_np(m.result()), 3.0)
    m.update_state(y_true, y_pred, sample_weight=np.array([[0.5], [2.0], [1.0], [0.0]], "float32"))
    np.testing.assert_allclose(_np(m.result()), 5.5)
    m.reset_state()
    np.testing.assert_allclose(_np(m.result()), 0.0)


def test_custom_metric_is_functional_in_a_stateless_scope():
    m = CategoricalTruePositives()
    y_pred = np.eye(3, dtype="float32")[[0, 1, 2, 2]]
    with lamina.StatelessScope() as scope:
        m.update_state(np.array([[0], [1], [1], [2]]), y_pred)
    np.testing.assert_allclose(_np(scope.get_current_value(m.true_positives)), 3.0)
    np.testing.assert_allclose(_np(m.result()), 0.0)


def test_compile_and_fit_with_custom_loss_and_metric():
    model = lamina.Sequential([lamina.Input((5,)), lamina.layers.Dense(8, activation="relu"),
                               lamina.layers.Dense(1)])
    model.compile(optimizer="adam", loss=custom_mean_squared_error)
    history = model.fit(X, Y_REG, epochs=3, batch_size=16, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]

    model = lamina.Sequential([lamina.Input((5,)), lamina.layers.Dense(1)])
    model.compile(optimizer="adam", loss=CustomMSE())
    history = model.fit(X, Y_REG, epochs=2, batch_size=16, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
    pred = _np(model.predict(X, verbose=0))
    expected = np.mean((Y_REG - pred) ** 2) + 0.1 * np.mean((0.5 - pred) ** 2)
    np.testing.assert_allclose(model.evaluate(X, Y_REG, batch_size=64, verbose=0), expected, rtol=1e-5)

    model = lamina.Sequential([lamina.Input((5,)), lamina.layers.Dense(2, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy",
                  metrics=[CategoricalTruePositives()])
    history = model.fit(X, Y_CLASS, epochs=2, batch_size=16, verbose=0)
    # Reset at the start of each epoch: at most one epoch's worth of samples is counted.
    counts = history.history["categorical_true_positives"]
    assert all(0.0 <= c <= len(X) for c in counts)
    # evaluate counts the hits of the final model over all of X (the state sums across batches).
    predicted = np.argmax(_np(model.predict(X, verbose=0)), axis=1)
    evaluated = model.evaluate(X, Y_CLASS, batch_size=16, verbose=0, return_dict=True)
    assert evaluated["categorical_true_positives"] == np.sum(predicted == Y_CLASS[:, 0])


def test_add_loss_and_the_keras3_replacement_for_add_metric():
    class ActivityPenalty(lamina.layers.Layer):
        """``add_loss`` as in the note; instead of ``add_metric`` it owns a ``Mean`` metric."""

        def __init__(self, rate=0.01, **kwargs):
            super().__init__(**kwargs)
            self.rate = rate
            self.mean_activation = lamina.metrics.Mean(name="mean_activation")

        def call(self, inputs):
            self.add_loss(self.rate * ops.sum(ops.square(inputs)))
            self.mean_activation.update_state(inputs)
            return inputs

    inputs = lamina.Input((5,))
    hidden = lamina.layers.Dense(4, kernel_initializer="ones")(inputs)
    layer = ActivityPenalty(rate=0.01)
    model = lamina.Model(inputs, layer(hidden))
    layer.mean_activation.reset_state()
    out = _np(model(X[:8]))
    assert len(model.losses) == 1
    np.testing.assert_allclose(_np(model.losses[0]), 0.01 * np.sum(out ** 2), rtol=1e-5)
    np.testing.assert_allclose(_np(layer.mean_activation.result()), out.mean(), rtol=1e-5)
