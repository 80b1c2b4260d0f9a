"""Seed S14 (lines 1085-1139): class_weight, sample_weight and a dataset yielding (x, y, w)."""

import numpy as np

import lamina
from lamina import layers


def _data(n=128, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 16)).astype("float32")
    y_train = rng.integers(0, 10, size=n)
    return x, y_train


def get_compiled_model():
    inputs = lamina.Input(shape=(16,), name="digits")
    x = layers.Dense(32, activation="relu")(inputs)
    outputs = layers.Dense(10, activation="softmax", name="predictions")(x)
    model = lamina.Model(inputs=inputs, outputs=outputs)
    model.compile(optimizer=lamina.optimizers.RMSprop(learning_rate=1e-3),
                  loss="sparse_categorical_crossentropy",
                  metrics=["sparse_categorical_accuracy"])
    return model


def _fit_history(**kwargs):
    lamina.utils.set_random_seed(5)
    model = get_compiled_model()
    x, y = kwargs.pop("data")
    return model.fit(x, y, batch_size=64, epochs=2, shuffle=False, verbose=0, **kwargs).history


def test_s14_class_weight_equals_matching_sample_weight():
    x_train, y_train = _data()
    class_weight = {i: 1.0 for i in range(10)}
    class_weight[5] = 2.0  # class "5" counts twice
    sample_weight = np.ones(shape=(len(y_train),))
    sample_weight[y_train == 5] = 2.0

    by_class = _fit_history(data=(x_train, y_train), class_weight=class_weight)
    by_sample = _fit_history(data=(x_train, y_train), sample_weight=sample_weight)
    unweighted = _fit_history(data=(x_train, y_train))
    np.testing.assert_allclose(by_class["loss"], by_sample["loss"], rtol=1e-5)
    assert not np.allclose(by_class["loss"], unweighted["loss"])


def test_s14_dataset_of_x_y_weight():
    x_train, y_train = _data()
    sample_weight = np.ones(shape=(len(y_train),))
    sample_weight[y_train == 5] = 2.0
    order = np.random.default_rng(0).permutation(len(y_train))  # shuffle, then batch 64

    def train_dataset():
        for i in range(0, len(order), 64):
            idx = order[i:i + 64]
            yield x_train[idx], y_train[idx], sample_weight[idx]

    lamina.utils.set_random_seed(5)
    model = get_compiled_model()
    initial_weights = model.get_weights()
    history = model.fit(train_dataset(), epochs=1, verbose=0)
    assert set(history.history) == {"loss", "sparse_categorical_accuracy"}
    # The same as fitting the same rows, in the same order, with sample_weight.
    twin = get_compiled_model()
    twin.set_weights(initial_weights)
    expected = twin.fit(x_train[order], y_train[order], sample_weight=sample_weight[order], batch_size=64,
                        shuffle=False, epochs=1, verbose=0)
    np.testing.assert_allclose(history.history["loss"], expected.history["loss"], rtol=1e-5)
    for got, want in zip(model.get_weights(), twin.get_weights()):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
