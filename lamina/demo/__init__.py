"""``python -m lamina.demo``: the seed's first model (S2) trained on the shipped 8x8 digits."""

import argparse
import time

import numpy as np


def build_model(input_dim=64, num_classes=10):
    """The seed's S2 model: Input -> Dense(64, relu) -> Dense(10), with a 64-feature input."""
    import lamina
    from lamina import layers

    inputs = lamina.Input(shape=(input_dim,), name="digits")
    x = layers.Dense(64, activation="relu", name="dense_1")(inputs)
    x = layers.Dense(64, activation="relu", name="dense_2")(x)
    outputs = layers.Dense(num_classes, name="predictions")(x)
    return lamina.Model(inputs=inputs, outputs=outputs, name="digits_mlp")


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m lamina.demo", description=__doc__)
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--verbose", type=int, default=1, help="0 silent, 1 progress bar, 2 one line per epoch")
    args = parser.parse_args(argv)

    import lamina

    lamina.utils.set_random_seed(args.seed)
    (x_train, y_train), (x_test, y_test) = lamina.datasets.digits.load_data()
    x_train = x_train.reshape(len(x_train), 64).astype("float32") / 16.0
    x_test = x_test.reshape(len(x_test), 64).astype("float32") / 16.0
    print(f"lamina {lamina.__version__} on backend '{lamina.backend.backend()}': "
          f"{len(x_train)} training and {len(x_test)} test images of 8x8 digits")

    model = build_model()
    model.summary()
    model.compile(
        loss=lamina.losses.SparseCategoricalCrossentropy(from_logits=True),
        optimizer=lamina.optimizers.RMSprop(learning_rate=1e-3),
        metrics=["accuracy"],
    )
    start = time.perf_counter()
    history = model.fit(x_train, y_train, batch_size=args.batch_size, epochs=args.epochs,
                        validation_split=0.2, verbose=args.verbose)
    elapsed = time.perf_counter() - start
    loss, accuracy = model.evaluate(x_test, y_test, verbose=0)
    first, last = history.history["loss"][0], history.history["loss"][-1]
    print(f"Trained {args.epochs} epochs in {elapsed:.1f} s; training loss {first:.3f} -> {last:.3f}")
    print(f"Test loss: {loss:.4f}")
    print(f"Test accuracy: {accuracy:.4f}")
    predictions = np.argmax(lamina.ops.convert_to_numpy(model.predict(x_test[:10], verbose=0)), axis=-1)
    print(f"First 10 test predictions: {predictions.tolist()} (true: {y_test[:10].tolist()})")
    return accuracy
