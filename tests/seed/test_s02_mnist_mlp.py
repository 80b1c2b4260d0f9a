"""Seed S2 (lines 39-90): the functional MNIST MLP trained with fit(validation_split) and evaluated.

MNIST is replaced by a small synthetic set of 784-pixel "images" with learnable labels.
"""

import numpy as np

import lamina


def _synthetic_digits(n, seed):
    rng = np.random.default_rng(seed)
    prototypes = np.random.default_rng(0).random((10, 784))
    y = rng.integers(0, 10, size=n)
    x = np.clip(prototypes[y] + 0.3 * rng.normal(size=(n, 784)), 0, 1)
    return (x * 255).astype("uint8"), y.astype("uint8")


def test_s02_functional_mlp_fit_and_evaluate():
    inputs = lamina.Input(shape=(784,))
    dense1 = lamina.layers.Dense(64, activation="relu")
    dense2 = lamina.layers.Dense(10)
    outputs = dense2(dense1(inputs))
    model = lamina.Model(inputs=inputs, outputs=outputs, name="mnist_model")
    assert model.count_params() == 50890

    x_train, y_train = _synthetic_digits(1200, seed=1)
    x_test, y_test = _synthetic_digits(300, seed=2)
    x_train = x_train.reshape(1200, 784).astype("float32") / 255
    x_test = x_test.reshape(300, 784).astype("float32") / 255

    model.compile(loss=lamina.losses.SparseCategoricalCrossentropy(from_logits=True),
                  optimizer=lamina.optimizers.RMSprop(),
                  metrics=["accuracy"])
    hist = model.fit(x_train, y_train, batch_size=64, epochs=2, validation_split=0.1, verbose=0)
    assert set(hist.history) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    assert hist.history["loss"][1] < hist.history["loss"][0]

    evaluation = model.evaluate(x_test, y_test, verbose=0)
    loss, acc = evaluation  # eval[0] loss, eval[1] acc
    assert acc > 0.8
    assert loss < hist.history["loss"][0]
