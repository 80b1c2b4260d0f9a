"""Seed S15 (lines 1141-1250): multi-input / multi-output models with list and dict losses,
dict metrics and loss_weights, a None loss, and fit on lists or dicts."""

import numpy as np
import pytest

import lamina
from lamina import layers
from tests.conftest import keras_or_skip


def _model(framework=lamina):
    layers = framework.layers
    image_input = framework.Input(shape=(32, 32, 3), name="img_input")
    timeseries_input = framework.Input(shape=(None, 10), name="ts_input")
    x1 = layers.Conv2D(3, 3)(image_input)
    x1 = layers.GlobalMaxPooling2D()(x1)
    x2 = layers.Conv1D(3, 3)(timeseries_input)
    x2 = layers.GlobalMaxPooling1D()(x2)
    x = layers.concatenate([x1, x2])
    score_output = layers.Dense(1, name="score_output")(x)
    class_output = layers.Dense(5, name="class_output")(x)
    return framework.Model(inputs=[image_input, timeseries_input], outputs=[score_output, class_output])


def _data(n=24):
    rng = np.random.default_rng(0)
    img_data = rng.random(size=(n, 32, 32, 3))
    ts_data = rng.random(size=(n, 20, 10))
    score_targets = rng.random(size=(n, 1))
    class_targets = rng.random(size=(n, 5))
    return img_data, ts_data, score_targets, class_targets


def test_s15_list_losses_fit_on_lists_and_dicts():
    keras = keras_or_skip()
    img_data, ts_data, score_targets, class_targets = _data()
    model, twin = _model(), _model(keras)
    twin.set_weights(model.get_weights())
    for m, framework in ((model, lamina), (twin, keras)):
        m.compile(optimizer=framework.optimizers.RMSprop(1e-3),
                  loss=[framework.losses.MeanSquaredError(), framework.losses.CategoricalCrossentropy()])
    fit = dict(batch_size=8, epochs=1, verbose=0, shuffle=False)
    h = model.fit([img_data, ts_data], [score_targets, class_targets], **fit)
    assert {"loss", "score_output_loss", "class_output_loss"} == set(h.history)
    np.testing.assert_allclose(h.history["loss"][0],
                               h.history["score_output_loss"][0] + h.history["class_output_loss"][0], rtol=1e-4)
    # Real Keras, from the same weights with the same optimizer, reports the same losses.
    theirs = twin.fit([img_data, ts_data], [score_targets, class_targets], **fit)
    for key in h.history:
        np.testing.assert_allclose(h.history[key], theirs.history[key], rtol=1e-3, err_msg=key)
    # The note's dict keys ("image_input", "timeseries_input") are not the input names.
    with pytest.raises(ValueError, match=r"img_input.*ts_input"):
        model.fit({"image_input": img_data, "timeseries_input": ts_data},
                  {"score_output": score_targets, "class_output": class_targets}, batch_size=8, epochs=1, verbose=0)
    # Dicts keyed by input and output names train the same model as lists: again as Keras does.
    h = model.fit({"img_input": img_data, "ts_input": ts_data},
                  {"score_output": score_targets, "class_output": class_targets}, **fit)
    theirs = twin.fit({"img_input": img_data, "ts_input": ts_data},
                      {"score_output": score_targets, "class_output": class_targets}, **fit)
    for key in h.history:
        np.testing.assert_allclose(h.history[key], theirs.history[key], rtol=1e-3, err_msg=key)
    for ours, theirs in zip(model.get_weights(), twin.get_weights()):
        np.testing.assert_allclose(ours, theirs, rtol=1e-3, atol=1e-5)


def test_s15_dict_losses_metrics_and_loss_weights():
    img_data, ts_data, score_targets, class_targets = _data()
    model = _model()
    model.compile(
        optimizer=lamina.optimizers.RMSprop(1e-3),
        loss={"score_output": lamina.losses.MeanSquaredError(),
              "class_output": lamina.losses.CategoricalCrossentropy()},
        metrics={"score_output": [lamina.metrics.MeanAbsolutePercentageError(),
                                  lamina.metrics.MeanAbsoluteError()],
                 "class_output": [lamina.metrics.CategoricalAccuracy()]},
        loss_weights={"score_output": 2.0, "class_output": 1.0},
    )
    logs = model.evaluate([img_data, ts_data], [score_targets, class_targets], batch_size=24, verbose=0,
                          return_dict=True)
    assert set(logs) == {"loss", "score_output_loss", "class_output_loss",
                         "score_output_mean_absolute_percentage_error",
                         "score_output_mean_absolute_error", "class_output_categorical_accuracy"}
    score, cls = model.predict([img_data, ts_data], verbose=0)
    mse = np.mean((score - score_targets) ** 2)
    # Each output reports its own loss (as in Keras); only the total applies the weights.
    np.testing.assert_allclose(logs["score_output_loss"], mse, rtol=1e-4)
    np.testing.assert_allclose(logs["score_output_mean_absolute_error"], np.mean(np.abs(score - score_targets)),
                               rtol=1e-4)
    np.testing.assert_allclose(logs["loss"], 2.0 * logs["score_output_loss"] + logs["class_output_loss"], rtol=1e-4)


@pytest.mark.parametrize("loss", [
    [None, lamina.losses.CategoricalCrossentropy()],
    {"class_output": lamina.losses.CategoricalCrossentropy()},
])
def test_s15_none_loss_for_an_output(loss):
    img_data, ts_data, score_targets, class_targets = _data()
    model = _model()
    model.compile(optimizer=lamina.optimizers.RMSprop(1e-3), loss=loss)
    score_kernel = model.get_layer("score_output").get_weights()[0].copy()
    h = model.fit([img_data, ts_data], [score_targets, class_targets], batch_size=8, epochs=1, verbose=0)
    assert set(h.history) == {"loss"}
    # The score head gets no gradient: its loss is None.
    np.testing.assert_allclose(model.get_layer("score_output").get_weights()[0], score_kernel)
