"""A partial last batch padded to full size (one compiled step for every batch) must give
exactly what the unpadded batch gives: Keras runs the short batch as it is."""

import numpy as np
import pytest

import lamina
from lamina import layers
from lamina.trainers import row_padding

rng = np.random.default_rng(0)
X = rng.normal(size=(107, 8)).astype("float32")
Y = (X[:, 0] + X[:, 1] > 0).astype("float32")
SW = rng.uniform(0.5, 2.0, size=107).astype("float32")


def _run(pad, build, fit_kwargs, eval_kwargs, monkeypatch):
    if not pad:
        monkeypatch.setattr(row_padding, "can_pad", lambda model, mode: False)
    lamina.utils.set_random_seed(1)
    model = build()
    history = model.fit(X, fit_kwargs.pop("y", Y), epochs=3, batch_size=10, verbose=0, **fit_kwargs)
    result = model.evaluate(X, eval_kwargs.pop("y", Y), batch_size=16, verbose=0, return_dict=True, **eval_kwargs)
    monkeypatch.undo()
    return [np.asarray(v) for _, v in sorted(history.history.items())], list(result.values()), model


def _binary_model():
    model = lamina.Sequential([layers.Input((8,)), layers.Dense(12, activation="relu"), layers.Dropout(0.1),
                               layers.Dense(1, activation="sigmoid")])
    model.compile(loss="binary_crossentropy", optimizer="adam",
                  metrics=["accuracy", lamina.metrics.AUC(), "mse"], weighted_metrics=["accuracy"])
    return model


def _assert_same(a, b):
    assert row_padding.can_pad(a[2], "train") and row_padding.can_pad(a[2], "test")
    for x, y in zip(a[0], b[0]):
        np.testing.assert_allclose(x, y, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(a[1], b[1], rtol=1e-5, atol=1e-6)
    for wa, wb in zip(a[2].get_weights(), b[2].get_weights()):
        np.testing.assert_allclose(wa, wb, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("weighted,shuffle", [(False, False), (True, False), (True, "batch"), (False, True)])
def test_padded_remainder_matches_unpadded(weighted, shuffle, monkeypatch):
    fit_kwargs = {"validation_split": 0.2, "shuffle": shuffle}
    eval_kwargs = {}
    if weighted:
        fit_kwargs["sample_weight"] = SW
        eval_kwargs["sample_weight"] = SW
    padded = _run(True, _binary_model, dict(fit_kwargs), dict(eval_kwargs), monkeypatch)
    plain = _run(False, _binary_model, dict(fit_kwargs), dict(eval_kwargs), monkeypatch)
    _assert_same(padded, plain)


def _two_output_model():
    inp = layers.Input((8,), name="x")
    h = layers.Dense(16, activation="tanh")(inp)
    seq = layers.Reshape((4, 4))(h)
    tokens = layers.Dense(3, activation="softmax", name="tokens")(seq)
    value = layers.Dense(1, name="value")(h)
    model = lamina.Model(inp, {"tokens": tokens, "value": value})
    model.compile(optimizer="rmsprop",
                  loss={"tokens": "sparse_categorical_crossentropy",
                        "value": lamina.losses.MeanSquaredError(reduction="sum")},
                  loss_weights={"tokens": 1.0, "value": 0.5},
                  metrics={"tokens": ["accuracy"], "value": ["mae"]})
    return model


def test_padded_remainder_matches_for_sequences_and_sum_reduction(monkeypatch):
    y = {"tokens": rng.integers(0, 3, size=(107, 4)), "value": rng.normal(size=(107, 1)).astype("float32")}
    padded = _run(True, _two_output_model, {"y": y, "class_weight": None}, {"y": y}, monkeypatch)
    plain = _run(False, _two_output_model, {"y": y, "class_weight": None}, {"y": y}, monkeypatch)
    _assert_same(padded, plain)


class _Scale(layers.Layer):
    def call(self, x):
        return x * 2.0


class _CustomStep(lamina.Sequential):
    def train_step(self, data):
        return super().train_step(data)


def _compiled(model, loss="mse", metrics=("mae",)):
    model.compile(optimizer="sgd", loss=loss, metrics=list(metrics))
    model.fit(X, Y, epochs=1, batch_size=32, verbose=0)
    return model


def test_only_row_independent_models_are_padded():
    dense = _compiled(lamina.Sequential([layers.Input((8,)), layers.Dense(1)]))
    assert row_padding.can_pad(dense, "train") and row_padding.can_pad(dense, "test")
    # BatchNormalization mixes rows while training, not at inference.
    bn = _compiled(lamina.Sequential([layers.Input((8,)), layers.BatchNormalization(), layers.Dense(1)]))
    assert not row_padding.can_pad(bn, "train") and row_padding.can_pad(bn, "test")
    # User code: a custom layer, a custom train_step, a custom loss or metric function.
    assert not row_padding.can_pad(_compiled(lamina.Sequential([layers.Input((8,)), _Scale(), layers.Dense(1)])), "train")
    assert not row_padding.can_pad(_compiled(_CustomStep([layers.Input((8,)), layers.Dense(1)])), "train")
    custom_loss = _compiled(lamina.Sequential([layers.Input((8,)), layers.Dense(1)]),
                            loss=lambda y, p: lamina.ops.mean(lamina.ops.square(y - p)))
    assert not row_padding.can_pad(custom_loss, "train")
    custom_metric = _compiled(lamina.Sequential([layers.Input((8,)), layers.Dense(1)]),
                              metrics=[lambda y, p: lamina.ops.abs(y - p)])
    assert not row_padding.can_pad(custom_metric, "test")
    # A loss over the whole batch, and a regularizer of the layer's output.
    dice = _compiled(lamina.Sequential([layers.Input((8,)), layers.Dense(1, activation="sigmoid")]), loss="dice")
    assert not row_padding.can_pad(dice, "train")
    act = _compiled(lamina.Sequential([layers.Input((8,)), layers.Dense(1, activity_regularizer="l2")]))
    assert not row_padding.can_pad(act, "train")


@pytest.mark.skipif(lamina.backend.backend() != "jax", reason="the compiled loop is the JAX executor's")
def test_folds_of_nearby_sizes_compile_one_training_program():
    def fold(n):
        model = lamina.Sequential([layers.Input((8,)), layers.Dense(4, activation="relu"), layers.Dense(1)])
        model.compile(optimizer="adam", loss="mse", metrics=["mae"])
        model.fit(X[:n], Y[:n], epochs=2, batch_size=10, verbose=0)
        model.evaluate(X[:n], Y[:n], batch_size=10, verbose=0)
        return model

    first = fold(101)
    compiled = first._step_cache["train/row_mask"]
    fn = next(iter(compiled.values()))
    fn = getattr(fn, "_compiled", fn).fused[("loop", True)]
    before = fn._cache_size()
    fold(102)  # another remainder size: the same program runs it
    fold(103)
    assert fn._cache_size() == before
