"""Per-output losses are reported unweighted (as Keras 3 and tf.keras do); only the total
``loss`` applies ``loss_weights``."""

import numpy as np
import pytest

import lamina
from tests.conftest import keras_or_skip


def _two_output_model(lib, loss_weights):
    inp = lib.Input((3,), name="x")
    a = lib.layers.Dense(1, name="a")(inp)
    b = lib.layers.Dense(1, name="b")(inp)
    model = lib.Model(inp, {"a": a, "b": b})
    model.compile(optimizer=lib.optimizers.SGD(learning_rate=0.0), loss={"a": "mse", "b": "mse"},
                  loss_weights=loss_weights)
    kernel = np.linspace(-1.0, 1.0, 3, dtype="float32").reshape(3, 1)
    model.get_layer("a").set_weights([kernel, np.zeros(1, "float32")])
    model.get_layer("b").set_weights([-2.0 * kernel, np.full(1, 0.5, "float32")])
    return model


def _data():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(10, 3)).astype("float32")
    y = {"a": rng.normal(size=(10, 1)).astype("float32"), "b": rng.normal(size=(10, 1)).astype("float32")}
    return x, y


@pytest.mark.parametrize("batch_size", [10, 4])  # 4: a padded partial last batch on JAX
def test_per_output_loss_is_unweighted_like_keras(batch_size):
    keras = keras_or_skip()
    x, y = _data()
    weights = {"a": 1.0, "b": 0.2}
    ours = _two_output_model(lamina, weights).evaluate(x, y, batch_size=batch_size, verbose=0, return_dict=True)
    theirs = _two_output_model(keras, weights).evaluate(x, y, batch_size=batch_size, verbose=0, return_dict=True)
    assert set(ours) == set(theirs) == {"loss", "a_loss", "b_loss"}
    for key in theirs:
        np.testing.assert_allclose(ours[key], theirs[key], rtol=1e-5, err_msg=key)
    # The reported b_loss is b's own mse, not 0.2 x it.
    plain = _two_output_model(lamina, None).evaluate(x, y, batch_size=batch_size, verbose=0, return_dict=True)
    np.testing.assert_allclose(ours["b_loss"], plain["b_loss"], rtol=1e-6)
    np.testing.assert_allclose(ours["loss"], ours["a_loss"] + 0.2 * ours["b_loss"], rtol=1e-5)


def test_fit_history_reports_unweighted_output_losses():
    x, y = _data()
    model = _two_output_model(lamina, [1.0, 0.25])  # list form, in output order
    history = model.fit(x, y, batch_size=4, epochs=1, shuffle=False, verbose=0).history
    expected = model.evaluate(x, y, batch_size=4, verbose=0, return_dict=True)
    mse_b = float(np.mean((model.predict(x, verbose=0)["b"] - y["b"]) ** 2))
    np.testing.assert_allclose(history["b_loss"][0], mse_b, rtol=1e-5)
    np.testing.assert_allclose(history["b_loss"][0], expected["b_loss"], rtol=1e-5)
    np.testing.assert_allclose(history["loss"][0], history["a_loss"][0] + 0.25 * history["b_loss"][0], rtol=1e-5)


def test_compiled_loss_total_is_still_weighted():
    x, y = _data()
    model = _two_output_model(lamina, {"a": 1.0, "b": 0.2})
    y_pred = model(x)
    total = float(lamina.ops.convert_to_numpy(model.compute_loss(x, y, y_pred, training=False)))
    mse = {k: float(np.mean((lamina.ops.convert_to_numpy(y_pred[k]) - y[k]) ** 2)) for k in ("a", "b")}
    np.testing.assert_allclose(total, mse["a"] + 0.2 * mse["b"], rtol=1e-5)
