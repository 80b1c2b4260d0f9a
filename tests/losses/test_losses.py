"""lamina.losses: values against real Keras 3 and NumPy, reductions, masks, configs, get()."""

import numpy as np
import pytest

import lamina
from lamina import losses, ops

RNG = np.random.default_rng(1)
Y_BIN = (RNG.random((6, 4)) > 0.5).astype("float32")
Y_PROB = RNG.uniform(0.05, 0.95, (6, 4)).astype("float32")
Y_REAL = RNG.normal(size=(6, 4)).astype("float32")
ONE_HOT = np.eye(4, dtype="float32")[RNG.integers(0, 4, 6)]
LABELS = RNG.integers(0, 4, 6)
WEIGHTS = RNG.uniform(0.1, 2.0, 6).astype("float32")

REDUCTIONS = ["sum_over_batch_size", "sum", "mean", "mean_with_sample_weight", "none"]

# (class name, constructor kwargs, y_true, y_pred)
CASES = [
    ("MeanSquaredError", {}, Y_REAL, Y_PROB),
    ("MeanAbsoluteError", {}, Y_REAL, Y_PROB),
    ("MeanAbsolutePercentageError", {}, Y_REAL, Y_PROB),
    ("MeanSquaredLogarithmicError", {}, Y_PROB, Y_BIN),
    ("Huber", {"delta": 0.7}, Y_REAL, Y_PROB),
    ("LogCosh", {}, Y_REAL, Y_PROB),
    ("KLDivergence", {}, Y_PROB, Y_PROB[::-1].copy()),
    ("Poisson", {}, Y_PROB, Y_PROB[::-1].copy()),
    ("Hinge", {}, Y_BIN, Y_REAL),
    ("SquaredHinge", {}, Y_BIN, Y_REAL),
    ("CategoricalHinge", {}, ONE_HOT, Y_REAL),
    ("CosineSimilarity", {"axis": -1}, Y_REAL, Y_PROB),
    ("BinaryCrossentropy", {}, Y_BIN, Y_PROB),
    ("BinaryCrossentropy", {"from_logits": True, "label_smoothing": 0.1}, Y_BIN, Y_REAL),
    ("BinaryFocalCrossentropy", {"gamma": 1.5}, Y_BIN, Y_PROB),
    ("BinaryFocalCrossentropy", {"apply_class_balancing": True, "alpha": 0.3, "from_logits": True}, Y_BIN, Y_REAL),
    ("CategoricalCrossentropy", {}, ONE_HOT, Y_PROB),
    ("CategoricalCrossentropy", {"from_logits": True, "label_smoothing": 0.2}, ONE_HOT, Y_REAL),
    ("CategoricalFocalCrossentropy", {"alpha": 0.4, "gamma": 1.0}, ONE_HOT, Y_PROB),
    ("CategoricalFocalCrossentropy", {"from_logits": True}, ONE_HOT, Y_REAL),
    ("SparseCategoricalCrossentropy", {}, LABELS, Y_PROB),
    ("SparseCategoricalCrossentropy", {"from_logits": True}, LABELS[:, None], Y_REAL),
    ("SparseCategoricalCrossentropy", {"ignore_class": 2}, LABELS, Y_PROB),
    ("Dice", {}, Y_BIN, Y_PROB),
    ("Dice", {"axis": -1}, Y_BIN, Y_PROB),
    ("Tversky", {"alpha": 0.7, "beta": 0.3}, Y_BIN, Y_PROB),
]


def _np(x):
    return np.asarray(ops.convert_to_numpy(x))


@pytest.mark.parametrize("name,kwargs,y_true,y_pred", CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_loss_matches_keras(name, kwargs, y_true, y_pred):
    keras = pytest.importorskip("keras")
    # Every reduction is checked on two losses; the rest check the unreduced and default ones.
    reductions = REDUCTIONS if name in ("MeanSquaredError", "SparseCategoricalCrossentropy") else (
        "none", "sum_over_batch_size")
    for reduction in reductions:
        for weights in (None, WEIGHTS):
            if name in ("Dice", "Tversky") and weights is not None and kwargs.get("axis") is None:
                continue  # a scalar per batch: Keras cannot weight it per sample either.
            ours = getattr(losses, name)(reduction=reduction, **kwargs)(y_true, y_pred, sample_weight=weights)
            ref = getattr(keras.losses, name)(reduction=reduction, **kwargs)(y_true, y_pred, sample_weight=weights)
            np.testing.assert_allclose(_np(ours), keras.ops.convert_to_numpy(ref), rtol=2e-5, atol=2e-6,
                                       err_msg=f"{name} {kwargs} reduction={reduction} weighted={weights is not None}")


def test_functions_against_numpy_formulas():
    t, p = Y_REAL, Y_PROB
    np.testing.assert_allclose(_np(losses.mse(t, p)), ((t - p) ** 2).mean(-1), rtol=1e-6)
    np.testing.assert_allclose(_np(losses.mae(t, p)), np.abs(t - p).mean(-1), rtol=1e-6)
    np.testing.assert_allclose(_np(losses.log_cosh(t, p)), np.log(np.cosh(p - t)).mean(-1), rtol=1e-5)
    err = p - t
    huber = np.where(np.abs(err) <= 1.0, 0.5 * err ** 2, np.abs(err) - 0.5).mean(-1)
    np.testing.assert_allclose(_np(losses.huber(t, p)), huber, rtol=1e-6)
    bce = -(Y_BIN * np.log(p) + (1 - Y_BIN) * np.log(1 - p)).mean(-1)
    np.testing.assert_allclose(_np(losses.binary_crossentropy(Y_BIN, p)), bce, rtol=1e-5)
    probs = p / p.sum(-1, keepdims=True)
    np.testing.assert_allclose(_np(losses.categorical_crossentropy(ONE_HOT, p)),
                               -(ONE_HOT * np.log(probs)).sum(-1), rtol=1e-5)
    np.testing.assert_allclose(_np(losses.sparse_categorical_crossentropy(LABELS, p)),
                               -np.log(probs[np.arange(6), LABELS]), rtol=1e-5)
    logits = Y_REAL
    log_softmax = logits - np.log(np.exp(logits).sum(-1, keepdims=True))
    np.testing.assert_allclose(_np(losses.sparse_categorical_crossentropy(LABELS, logits, from_logits=True)),
                               -log_softmax[np.arange(6), LABELS], rtol=1e-5)
    y_pm = 2 * Y_BIN - 1
    np.testing.assert_allclose(_np(losses.hinge(Y_BIN, logits)), np.maximum(1 - y_pm * logits, 0).mean(-1),
                               rtol=1e-6)
    np.testing.assert_allclose(_np(losses.poisson(p, p[::-1])), (p[::-1] - p * np.log(p[::-1] + 1e-7)).mean(-1),
                               rtol=1e-5)
    cos = (t * p).sum(-1) / np.linalg.norm(t, axis=-1) / np.linalg.norm(p, axis=-1)
    np.testing.assert_allclose(_np(losses.cosine_similarity(t, p)), -cos, rtol=1e-5)


def test_reductions_and_sample_weight_by_hand():
    per_sample = ((Y_REAL - Y_PROB) ** 2).mean(-1)
    mse = losses.MeanSquaredError
    np.testing.assert_allclose(_np(mse()(Y_REAL, Y_PROB)), per_sample.mean(), rtol=1e-6)
    np.testing.assert_allclose(_np(mse(reduction="sum")(Y_REAL, Y_PROB, WEIGHTS)), (per_sample * WEIGHTS).sum(),
                               rtol=1e-6)
    np.testing.assert_allclose(_np(mse(reduction="mean_with_sample_weight")(Y_REAL, Y_PROB, WEIGHTS)),
                               (per_sample * WEIGHTS).sum() / WEIGHTS.sum(), rtol=1e-6)
    np.testing.assert_allclose(_np(mse(reduction=None)(Y_REAL, Y_PROB)), per_sample, rtol=1e-6)
    # A (batch, 1) weight and a scalar weight broadcast like Keras.
    np.testing.assert_allclose(_np(mse()(Y_REAL, Y_PROB, WEIGHTS[:, None])), (per_sample * WEIGHTS).mean(),
                               rtol=1e-6)
    np.testing.assert_allclose(_np(mse()(Y_REAL, Y_PROB, 2.0)), 2 * per_sample.mean(), rtol=1e-6)


def test_mask_averages_over_valid_entries_only():
    values = np.array([[1.0, 2.0, 3.0, 4.0]], "float32")
    mask = np.array([[True, True, False, False]])
    out = losses.reduce_weighted_values(values, mask=mask, reduction="sum_over_batch_size")
    np.testing.assert_allclose(_np(out), 1.5, rtol=1e-6)
    out = losses.reduce_weighted_values(values, sample_weight=np.array([[2.0]], "float32"), mask=mask,
                                        reduction="sum")
    np.testing.assert_allclose(_np(out), 6.0, rtol=1e-6)


def test_ignore_class_gives_zero_loss_for_ignored_labels():
    per_sample = losses.SparseCategoricalCrossentropy(ignore_class=2, reduction=None)(LABELS, Y_PROB)
    per_sample = _np(per_sample)
    assert np.all(per_sample[LABELS == 2] == 0.0)
    assert np.all(per_sample[LABELS != 2] > 0.0)


def test_invalid_arguments_raise_clear_errors():
    with pytest.raises(ValueError, match="reduction"):
        losses.MeanSquaredError(reduction="average")
    with pytest.raises(ValueError, match="same shape"):
        losses.categorical_crossentropy(np.zeros((2, 3)), np.zeros((2, 4)))
    with pytest.raises(ValueError, match="loss identifier"):
        losses.get(42)
    with pytest.raises(ValueError, match="axis"):
        losses.categorical_crossentropy(ONE_HOT, Y_PROB, axis=True)


ALL_CLASSES = sorted({c[0] for c in CASES})


@pytest.mark.parametrize("name", ALL_CLASSES)
def test_config_round_trip(name):
    kwargs = next(c[1] for c in CASES[::-1] if c[0] == name)
    loss = getattr(losses, name)(name="my_loss", reduction="sum", **kwargs)
    config = loss.get_config()
    assert config["name"] == "my_loss" and config["reduction"] == "sum"
    for key, value in kwargs.items():
        assert config[key] == value
    clone = type(loss).from_config(config)
    assert clone.get_config() == config
    restored = losses.deserialize(losses.serialize(loss))
    assert type(restored) is type(loss) and restored.get_config() == config
    np.testing.assert_allclose(_np(restored(Y_BIN, Y_PROB) if "Sparse" not in name else restored(LABELS, Y_PROB)),
                               _np(loss(Y_BIN, Y_PROB) if "Sparse" not in name else loss(LABELS, Y_PROB)))


def test_serialized_form_matches_keras_schema():
    config = losses.serialize(losses.BinaryCrossentropy(from_logits=True))
    assert config["module"] == "keras.losses" and config["class_name"] == "BinaryCrossentropy"
    assert config["config"] == {"name": "binary_crossentropy", "reduction": "sum_over_batch_size",
                                "from_logits": True, "label_smoothing": 0.0, "axis": -1}


def test_config_loads_in_keras():
    keras = pytest.importorskip("keras")
    ours = losses.CategoricalFocalCrossentropy(alpha=0.4, gamma=1.5, label_smoothing=0.1)
    theirs = keras.losses.deserialize(losses.serialize(ours))
    assert type(theirs).__name__ == "CategoricalFocalCrossentropy"
    np.testing.assert_allclose(_np(ours(ONE_HOT, Y_PROB)), keras.ops.convert_to_numpy(theirs(ONE_HOT, Y_PROB)),
                               rtol=1e-5)
    back = losses.deserialize(keras.losses.serialize(keras.losses.Huber(delta=2.0)))
    assert isinstance(back, losses.Huber)


def test_get_identifiers():
    assert losses.get("mse") is losses.mean_squared_error
    assert losses.get("mae") is losses.mean_absolute_error
    assert losses.get("sparse_categorical_crossentropy") is losses.sparse_categorical_crossentropy
    assert losses.get("binary_crossentropy") is losses.binary_crossentropy
    assert losses.get("kld") is losses.kl_divergence
    assert isinstance(losses.get("MeanSquaredError"), losses.MeanSquaredError)
    assert isinstance(losses.get({"class_name": "Huber", "config": {"delta": 3.0}}), losses.Huber)
    assert losses.get(None) is None
    fn = lambda t, p: ops.mean(p - t)  # noqa: E731
    assert losses.get(fn) is fn
    instance = losses.Poisson()
    assert losses.get(instance) is instance


def test_function_serializes_by_name():
    config = losses.serialize(losses.mean_squared_error)
    assert config["class_name"] == "function" and config["config"] == "mean_squared_error"
    assert losses.deserialize(config) is losses.mean_squared_error


def test_custom_loss_subclass_and_wrapper():
    class ScaledMSE(losses.Loss):
        def __init__(self, scale=2.0, name="scaled_mse", **kwargs):
            super().__init__(name=name, **kwargs)
            self.scale = scale

        def call(self, y_true, y_pred):
            return self.scale * ops.mean(ops.square(y_true - y_pred), axis=-1)

        def get_config(self):
            return {**super().get_config(), "scale": self.scale}

    loss = ScaledMSE(scale=3.0)
    np.testing.assert_allclose(_np(loss(Y_REAL, Y_PROB)), 3 * ((Y_REAL - Y_PROB) ** 2).mean(), rtol=1e-6)
    restored = losses.deserialize(losses.serialize(loss), custom_objects={"ScaledMSE": ScaledMSE})
    assert restored.scale == 3.0 and restored.name == "scaled_mse"
    wrapper = losses.LossFunctionWrapper(losses.huber, delta=2.0, name="h")
    np.testing.assert_allclose(_np(wrapper(Y_REAL, Y_PROB)), _np(losses.Huber(delta=2.0)(Y_REAL, Y_PROB)))
    assert losses.LossFunctionWrapper.from_config(wrapper.get_config()).get_config() == wrapper.get_config()


def test_loss_is_differentiable():
    w = lamina.Variable(np.full((4,), 0.5, "float32"))

    def fn():
        return losses.BinaryCrossentropy()(Y_BIN, ops.sigmoid(ops.multiply(w.value, Y_REAL)))

    value, grads = ops.value_and_grad(fn, [w])
    # BCE of p = sigmoid(w * r), averaged over all 24 entries: d/dw_j = sum_i (p_ij - y_ij) r_ij / 24.
    p = 1.0 / (1.0 + np.exp(-0.5 * Y_REAL))
    expected_value = -np.mean(Y_BIN * np.log(p) + (1 - Y_BIN) * np.log(1 - p))
    np.testing.assert_allclose(_np(value), expected_value, rtol=1e-5)
    np.testing.assert_allclose(_np(grads[0]), ((p - Y_BIN) * Y_REAL).sum(axis=0) / Y_BIN.size, rtol=1e-4, atol=1e-6)
