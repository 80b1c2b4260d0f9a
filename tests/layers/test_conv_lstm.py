"""ConvLSTM1D/2D/3D: shapes, harness, Keras 3 parity, training inside fit."""

import numpy as np
import pytest

import lamina
from lamina import backend, layers
from lamina.testing import run_layer_test


def _np(x):
    return backend.convert_to_numpy(x)


@pytest.mark.parametrize("cls,kwargs,in_shape,out_shape", [
    (layers.ConvLSTM1D, {"filters": 3, "kernel_size": 3}, (2, 4, 7, 2), (2, 5, 3)),
    (layers.ConvLSTM2D, {"filters": 2, "kernel_size": 3, "padding": "same", "return_sequences": True},
     (2, 3, 5, 5, 1), (2, 3, 5, 5, 2)),
    (layers.ConvLSTM3D, {"filters": 2, "kernel_size": 2}, (1, 2, 3, 3, 3, 1), (1, 2, 2, 2, 2)),
])
def test_conv_lstm_contract(cls, kwargs, in_shape, out_shape):
    run_layer_test(cls, kwargs, input_shape=in_shape, expected_output_shape=out_shape,
                   expected_num_trainable_weights=3, expected_num_non_trainable_weights=0)


@pytest.mark.parametrize("kwargs", [
    {"filters": 4, "kernel_size": 3, "padding": "same", "return_sequences": True},
    {"filters": 2, "kernel_size": (3, 2), "strides": (2, 1)},
    {"filters": 3, "kernel_size": 3, "data_format": "channels_first", "padding": "same", "go_backwards": True},
    {"filters": 2, "kernel_size": 3, "return_state": True, "activation": "relu"},
])
def test_conv_lstm2d_matches_keras(kwargs):
    keras = pytest.importorskip("keras")
    x = np.random.RandomState(0).rand(2, 4, 6, 6, 3).astype("float32")
    if kwargs.get("data_format") == "channels_first":
        x = np.transpose(x, (0, 1, 4, 2, 3))
    ours = layers.ConvLSTM2D(**kwargs)
    out = ours(x)
    theirs = keras.layers.ConvLSTM2D(**kwargs)
    theirs(x)
    assert [w.path.split("/", 1)[1] for w in ours.weights] == [w.path.split("/", 1)[1] for w in theirs.weights]
    theirs.set_weights(ours.get_weights())
    expected = theirs(x)
    if not isinstance(out, (list, tuple)):
        out, expected = [out], [expected]
    for a, b in zip(out, expected):
        np.testing.assert_allclose(_np(a), keras.ops.convert_to_numpy(b), rtol=1e-5, atol=1e-5)


def test_conv_lstm_trains_in_a_model_and_round_trips():
    lamina.utils.set_random_seed(0)
    inputs = lamina.Input((3, 6, 6, 1))
    x = layers.ConvLSTM2D(4, 3, padding="same")(inputs)
    outputs = layers.Dense(1)(layers.GlobalAveragePooling2D()(x))
    model = lamina.Model(inputs, outputs)
    model.compile(optimizer=lamina.optimizers.Adam(0.01), loss="mse")
    data = np.random.RandomState(1).rand(16, 3, 6, 6, 1).astype("float32")
    target = data.mean(axis=(1, 2, 3, 4))[:, None]
    history = model.fit(data, target, epochs=4, batch_size=8, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
    clone = lamina.Model.from_config(model.get_config())
    clone.set_weights(model.get_weights())
    np.testing.assert_allclose(_np(clone(data[:2])), _np(model(data[:2])), rtol=1e-5, atol=1e-6)


def test_conv_lstm_rank_error():
    with pytest.raises(ValueError, match=r"ConvLSTM2D.*rank 5"):
        layers.ConvLSTM2D(2, 3)(np.zeros((2, 3, 4, 4), "float32"))
