"""CTC: ``ops.ctc_loss`` and ``losses.CTC`` against real Keras 3, gradients, symbolic shape, fit."""

import numpy as np
import pytest

import lamina
from lamina import losses, ops
from tests.conftest import keras_or_skip

RNG = np.random.default_rng(7)
BATCH, TIME, CLASSES, LABELS = 6, 14, 6, 4


def _np(x):
    return np.asarray(ops.convert_to_numpy(x))


def _case(mask_index=0):
    logits = (2.0 * RNG.normal(size=(BATCH, TIME, CLASSES))).astype("float32")
    non_blank = [c for c in range(CLASSES) if c != mask_index]
    target = RNG.choice(non_blank, size=(BATCH, LABELS)).astype("int32")
    target[0, 1] = target[0, 0]  # a repeated label needs a blank between its two frames
    target_length = np.array([4, 3, 1, 0, 2, 4], "int32")
    output_length = np.array([14, 10, 9, 3, 5, 9], "int32")  # each >= 2 * length + 1
    return target, logits, target_length, output_length


@pytest.mark.parametrize("mask_index", [0, 5])
def test_ctc_loss_matches_keras(mask_index):
    keras = keras_or_skip()
    args = _case(mask_index)
    ours = _np(ops.ctc_loss(*args, mask_index=mask_index))
    theirs = np.asarray(keras.ops.convert_to_numpy(keras.ops.ctc_loss(*args, mask_index=mask_index)))
    assert ours.shape == (BATCH,) and ours.dtype == np.float32
    np.testing.assert_allclose(ours, theirs, rtol=1e-4)


def test_ctc_loss_known_value():
    # Uniform frames: 5 of the 27 paths of length 3 over {blank, 1, 2} collapse to "1 2".
    loss = _np(ops.ctc_loss([[1, 2]], ops.zeros((1, 3, 3)), [2], [3]))
    np.testing.assert_allclose(loss, [-np.log(5 / 27)], rtol=1e-6)
    # An empty label and no frames is certain: zero loss.
    np.testing.assert_allclose(_np(ops.ctc_loss([[1]], ops.zeros((1, 2, 3)), [0], [0])), [0.0], atol=1e-6)


@pytest.mark.parametrize("reduction", ["sum_over_batch_size", "sum", "none"])
def test_ctc_class_matches_keras(reduction):
    keras = keras_or_skip()
    target, logits, _, _ = _case()
    target[1, 3:] = 0  # rows padded with 0: shorter labels
    target[2, 1:] = 0
    ours = _np(losses.CTC(reduction=reduction)(target, logits))
    theirs = np.asarray(keras.ops.convert_to_numpy(keras.losses.CTC(reduction=reduction)(target, logits)))
    np.testing.assert_allclose(ours, theirs, rtol=1e-4)
    np.testing.assert_allclose(_np(losses.ctc(target, logits)),
                               keras.ops.convert_to_numpy(keras.losses.ctc(target, logits)), rtol=1e-4)


def test_ctc_config_and_get():
    loss = losses.CTC(reduction="sum", name="my_ctc")
    config = loss.get_config()
    assert config["name"] == "my_ctc" and config["reduction"] == "sum"
    clone = losses.CTC.from_config(config)
    assert clone.get_config() == config
    assert losses.get("ctc") is losses.ctc
    assert isinstance(losses.get("CTC"), losses.CTC)
    assert isinstance(losses.deserialize(losses.serialize(loss)), losses.CTC)


def _keras_ctc_value_and_grad(keras, target, logits, target_length, output_length):
    """sum(keras.ops.ctc_loss(...)) and its gradient with respect to the logits, in real Keras."""
    def total(x):
        return keras.ops.sum(keras.ops.ctc_loss(target, x, target_length, output_length))

    if keras.backend.backend() == "jax":
        import jax

        loss, grad = jax.value_and_grad(total)(logits)
        return float(loss), np.asarray(grad)
    import torch

    x = torch.tensor(logits, requires_grad=True)
    loss = total(x)
    loss.backward()
    return float(loss.detach()), x.grad.numpy()


def test_ctc_gradients_match_keras_and_finite_differences():
    keras = keras_or_skip()
    target, logits, target_length, output_length = _case()
    variable = lamina.Variable(logits)
    loss, (grad,) = ops.value_and_grad(
        lambda: ops.sum(ops.ctc_loss(target, variable, target_length, output_length)), [variable])
    grad = _np(grad)
    their_loss, their_grad = _keras_ctc_value_and_grad(keras, target, logits, target_length, output_length)
    np.testing.assert_allclose(float(_np(loss)), their_loss, rtol=1e-5)
    np.testing.assert_allclose(grad, their_grad, rtol=1e-4, atol=1e-5)
    # d loss / d logits = softmax - occupancy: rows sum to 0, padded frames get nothing.
    np.testing.assert_allclose(grad.sum(-1), 0.0, atol=1e-5)
    for i, length in enumerate(output_length):
        assert np.all(grad[i, length:] == 0.0)
    eps = 1e-2
    for index in [(0, 0, 1), (1, 4, 2), (4, 2, 0)]:
        bumped = [logits.copy(), logits.copy()]
        bumped[0][index] += eps
        bumped[1][index] -= eps
        up, down = (float(_np(ops.sum(ops.ctc_loss(target, b, target_length, output_length)))) for b in bumped)
        np.testing.assert_allclose(grad[index], (up - down) / (2 * eps), rtol=2e-2, atol=1e-3)


def test_ctc_loss_symbolic_shape():
    target = lamina.Input((LABELS,), dtype="int32")
    logits = lamina.Input((TIME, CLASSES))
    target_length = lamina.Input((), dtype="int32")
    output_length = lamina.Input((), dtype="int32")
    out = ops.ctc_loss(target, logits, target_length, output_length)
    assert tuple(out.shape) == (None,)
    assert out.dtype == "float32"


@pytest.mark.parametrize("args,message", [
    (((2, 3, 1), (2, 5, 4), (2,), (2,)), "`target` must have rank 2"),
    (((2, 3), (2, 5), (2,), (2,)), "`output` must have rank 3"),
    (((2, 3), (2, 5, 4), (2, 1), (2,)), "`target_length` must have rank 1"),
    (((2, 3), (2, 5, 4), (2,), ()), "`output_length` must have rank 1"),
    (((2, 3), (3, 5, 4), (2,), (2,)), "must share the batch size"),
])
def test_ctc_loss_errors(args, message):
    target, output, target_length, output_length = (np.zeros(s, "float32" if i == 1 else "int32")
                                                     for i, s in enumerate(args))
    with pytest.raises(ValueError, match="ctc_loss") as info:
        ops.ctc_loss(target, output, target_length, output_length)
    assert message in str(info.value) and "Received" in str(info.value)


def test_ctc_loss_error_names_the_received_shape():
    with pytest.raises(ValueError, match=r"ctc_loss: `output` must have rank 3.*Received: output.shape=\(2, 5\)"):
        ops.ctc_loss(np.ones((2, 3), "int32"), np.zeros((2, 5), "float32"), [3, 3], [5, 5])
    with pytest.raises(ValueError, match=r"ctc_loss: `mask_index`.*Received: mask_index=4"):
        ops.ctc_loss(np.ones((2, 3), "int32"), np.zeros((2, 5, 4), "float32"), [3, 3], [5, 5], mask_index=4)
    with pytest.raises(ValueError, match=r"ctc: `y_pred`.*Received: y_pred.shape=\(2, 5\)"):
        losses.ctc(np.ones((2, 3)), np.zeros((2, 5)))


def _dense_ctc_model(framework):
    inputs = framework.Input((12, 5))
    return framework.Model(inputs, framework.layers.Dense(6)(inputs))


def test_fit_with_ctc_loss_matches_keras_and_decodes_like_keras():
    keras = keras_or_skip()
    lamina.utils.set_random_seed(0)
    x = RNG.normal(size=(64, 12, 5)).astype("float32")
    y = RNG.integers(1, 6, size=(64, 3)).astype("int32")
    y[::3, 2] = 0  # some labels of length 2
    model, twin = _dense_ctc_model(lamina), _dense_ctc_model(keras)
    twin.set_weights(model.get_weights())
    model.compile(optimizer=lamina.optimizers.Adam(0.05), loss="ctc")
    twin.compile(optimizer=keras.optimizers.Adam(0.05), loss="ctc")
    history = model.fit(x, y, epochs=5, batch_size=16, shuffle=False, verbose=0).history["loss"]
    theirs = twin.fit(x, y, epochs=5, batch_size=16, shuffle=False, verbose=0).history["loss"]
    # Same weights, same Adam, same batches: real Keras reports the same loss every epoch.
    np.testing.assert_allclose(history, theirs, rtol=1e-3)
    assert history[-1] < 0.8 * history[0]
    for ours, their in zip(model.get_weights(), twin.get_weights()):
        np.testing.assert_allclose(ours, their, rtol=1e-3, atol=1e-4)
    # Greedy decoding of the trained model's softmax equals Keras's ctc_decode on the same frames.
    probs = _np(ops.softmax(model.predict(x[:8], verbose=0)))
    lengths = np.full((8,), 12, "int32")
    decoded, scores = ops.ctc_decode(probs, lengths, strategy="greedy")
    their_decoded, their_scores = keras.ops.ctc_decode(probs, lengths, strategy="greedy")
    np.testing.assert_array_equal(_np(decoded), keras.ops.convert_to_numpy(their_decoded))
    np.testing.assert_allclose(_np(scores), keras.ops.convert_to_numpy(their_scores), rtol=1e-5)
