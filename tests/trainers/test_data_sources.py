"""Every data source fit/evaluate/predict accept: generators, PyDataset, DataLoader, tf.data, dicts."""

import numpy as np
import pytest

import lamina
from lamina import layers
from tests.conftest import keras_or_skip


def _regression(n=64, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 4)).astype("float32")
    y = (x @ np.array([[1.0], [-2.0], [0.5], [3.0]], "float32")).astype("float32")
    return x, y


def _model():
    model = lamina.Sequential([lamina.Input((4,)), layers.Dense(1)])
    model.compile(optimizer=lamina.optimizers.SGD(0.05), loss="mse", metrics=["mae"])
    return model


def test_python_generator():
    x, y = _regression()

    def gen():
        for i in range(0, 64, 16):
            yield x[i:i + 16], y[i:i + 16]

    model = _model()
    history = model.fit(gen(), epochs=1, verbose=0)
    assert len(history.history["loss"]) == 1
    assert model.evaluate(gen(), verbose=0)[0] < history.history["loss"][0] * 2
    assert model.predict((b for b, _ in gen()), verbose=0).shape == (64, 1)


def test_generator_runs_out_after_first_epoch_with_warning():
    x, y = _regression()
    gen = ((x[i:i + 16], y[i:i + 16]) for i in range(0, 64, 16))
    model = _model()
    with pytest.warns(UserWarning, match="ran out of data"):
        history = model.fit(gen, epochs=3, verbose=0)
    assert len(history.history["loss"]) == 1


class _Batches(lamina.utils.PyDataset):
    def __init__(self, x, y, batch_size, **kwargs):
        super().__init__(**kwargs)
        self.x, self.y, self.batch_size = x, y, batch_size
        self.epochs_ended = 0

    def __len__(self):
        return int(np.ceil(len(self.x) / self.batch_size))

    def __getitem__(self, i):
        s = slice(i * self.batch_size, (i + 1) * self.batch_size)
        return self.x[s], self.y[s]

    def on_epoch_end(self):
        self.epochs_ended += 1


@pytest.mark.parametrize("workers", [1, 3])
def test_py_dataset(workers):
    x, y = _regression()
    data = _Batches(x, y, 10, workers=workers, max_queue_size=2)
    model = _model()
    history = model.fit(data, epochs=3, verbose=0)
    assert len(history.history["loss"]) == 3
    assert history.history["loss"][-1] < history.history["loss"][0]
    assert data.epochs_ended == 3
    assert lamina.utils.Sequence is lamina.utils.PyDataset
    assert model.predict(_Batches(x, y, 10), verbose=0).shape == (64, 1)


def test_dataset_with_sample_weights_matches_arrays():
    x, y = _regression(n=32)
    w = np.linspace(0.1, 2.0, 32).astype("float32")

    def gen():
        for i in range(0, 32, 8):
            yield x[i:i + 8], y[i:i + 8], w[i:i + 8]

    model = _model()
    from_gen = model.evaluate(gen(), verbose=0, return_dict=True)
    from_arrays = model.evaluate(x, y, sample_weight=w, batch_size=8, verbose=0, return_dict=True)
    np.testing.assert_allclose(from_gen["loss"], from_arrays["loss"], rtol=1e-5)


def _fit_from_arrays(x, y, initial_weights, epochs, batch_size):
    model = _model()
    model.set_weights(initial_weights)
    history = model.fit(x, y, epochs=epochs, batch_size=batch_size, shuffle=False, verbose=0)
    return model, history


def _assert_same_training(model, history, reference, reference_history):
    np.testing.assert_allclose(history.history["loss"], reference_history.history["loss"], rtol=1e-5)
    for got, want in zip(model.get_weights(), reference.get_weights()):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


def test_torch_dataloader_trains_like_the_same_arrays():
    torch = pytest.importorskip("torch")
    x, y = _regression()
    dataset = torch.utils.data.TensorDataset(torch.from_numpy(x), torch.from_numpy(y))
    loader = torch.utils.data.DataLoader(dataset, batch_size=16, shuffle=False)
    model = _model()
    initial_weights = model.get_weights()
    history = model.fit(loader, epochs=2, verbose=0)
    reference, reference_history = _fit_from_arrays(x, y, initial_weights, epochs=2, batch_size=16)
    _assert_same_training(model, history, reference, reference_history)
    loss, mae = model.evaluate(loader, verbose=0)
    pred = x @ model.get_weights()[0] + model.get_weights()[1]
    np.testing.assert_allclose([loss, mae], [np.mean((pred - y) ** 2), np.mean(np.abs(pred - y))], rtol=1e-4)
    np.testing.assert_allclose(model.predict(loader, verbose=0), pred, rtol=1e-5, atol=1e-5)


class _TfDataLike:
    """The two methods of ``tf.data.Dataset`` lamina uses: ``cardinality`` and
    ``as_numpy_iterator`` (a fresh pass per call). TensorFlow itself is not installed by
    ``.ci/run``, so a test on a real ``tf.data.Dataset`` would never run there."""

    def __init__(self, x, y, batch_size):
        self.batches = [(x[i:i + batch_size], y[i:i + batch_size]) for i in range(0, len(x), batch_size)]
        self.passes = 0

    def cardinality(self):
        return np.int64(len(self.batches))

    def as_numpy_iterator(self):
        self.passes += 1
        return iter(self.batches)


def test_tf_data_style_dataset_trains_like_the_same_arrays():
    x, y = _regression()
    ds = _TfDataLike(x, y, 16)
    model = _model()
    initial_weights = model.get_weights()
    history = model.fit(ds, epochs=2, verbose=0)
    assert ds.passes == 2  # a new pass each epoch, unlike a one-shot generator
    reference, reference_history = _fit_from_arrays(x, y, initial_weights, epochs=2, batch_size=16)
    _assert_same_training(model, history, reference, reference_history)


def test_dict_inputs_and_outputs_by_name():
    x, y = _regression()
    a = lamina.Input((4,), name="a")
    b = lamina.Input((2,), name="b")
    h = layers.Dense(8)(a)
    out1 = layers.Dense(1, name="first")(h)
    out2 = layers.Dense(1, name="second")(b)
    model = lamina.Model([a, b], [out1, out2])
    model.compile(optimizer="sgd", loss={"first": "mse", "second": "mae"})
    xb = x[:, :2]
    history = model.fit({"a": x, "b": xb}, {"first": y, "second": y}, epochs=2, batch_size=16, verbose=0)
    assert {"loss", "first_loss", "second_loss"} <= set(history.history)
    preds = model.predict({"a": x, "b": xb}, verbose=0)
    assert [p.shape for p in preds] == [(64, 1), (64, 1)]


def _classification(n=40):
    rng = np.random.default_rng(1)
    x = rng.normal(size=(n, 4)).astype("float32")
    y = (x[:, 0] > 0).astype("int32")
    kernel = (rng.normal(size=(4, 2)) * 0.5).astype("float32")
    bias = np.array([0.1, -0.2], "float32")
    return x, y, kernel, bias


def _fit_classifier(lib, x, y, weights, **fit_kwargs):
    model = lib.Sequential([lib.Input((4,)), lib.layers.Dense(2)])
    model.compile(optimizer=lib.optimizers.SGD(0.1),
                  loss=lib.losses.SparseCategoricalCrossentropy(from_logits=True))
    model.set_weights(weights)
    history = model.fit(x, y, verbose=0, **fit_kwargs)
    return history.history["loss"], [np.asarray(w) for w in model.get_weights()]


def test_class_weight_scales_each_sample_loss():
    x, y, kernel, bias = _classification()
    class_weight = {0: 1.0, 1: 3.0}
    # One full batch: the reported loss is the loss before the update, sum(w * ce) / n.
    logits = x @ kernel + bias
    ce = np.log(np.exp(logits).sum(axis=1)) - logits[np.arange(len(y)), y]
    weighted = np.mean(np.where(y == 1, 3.0, 1.0) * ce)
    assert not np.isclose(weighted, ce.mean(), rtol=1e-2)
    loss, _ = _fit_classifier(lamina, x, y, [kernel, bias], epochs=1, batch_size=40,
                              class_weight=class_weight)
    np.testing.assert_allclose(loss[0], weighted, rtol=1e-5)
    # Several batches and epochs: the same losses and weights as Keras 3.
    keras = keras_or_skip()
    ours = _fit_classifier(lamina, x, y, [kernel, bias], epochs=3, batch_size=8, shuffle=False,
                           class_weight=class_weight)
    theirs = _fit_classifier(keras, x, y, [kernel, bias], epochs=3, batch_size=8, shuffle=False,
                             class_weight=class_weight)
    np.testing.assert_allclose(ours[0], theirs[0], rtol=1e-5)
    for got, want in zip(ours[1], theirs[1]):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
def test_shuffle_batch_keeps_rows_in_their_batch():
    # Keras 3 (array_data_adapter._get_iterator, get_torch_dataloader, tf path) shuffles rows
    # *within* each batch-sized chunk and keeps the chunks in order, so with a mean loss the
    # training equals shuffle=False; shuffling the order of the chunks does not.
    x, y, kernel, bias = _classification()
    kwargs = dict(epochs=3, batch_size=8, class_weight={0: 1.0, 1: 3.0})
    batch = _fit_classifier(lamina, x, y, [kernel, bias], shuffle="batch", **kwargs)
    in_order = _fit_classifier(lamina, x, y, [kernel, bias], shuffle=False, **kwargs)
    np.testing.assert_allclose(batch[0], in_order[0], rtol=1e-5)
    for got, want in zip(batch[1], in_order[1]):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
    keras = keras_or_skip()
    theirs = _fit_classifier(keras, x, y, [kernel, bias], shuffle="batch", **kwargs)
    np.testing.assert_allclose(batch[0], theirs[0], rtol=1e-5)


def test_shuffle_batch_permutes_rows_inside_each_chunk_only():
    from lamina.trainers.data_adapters.array_adapter import ArrayDataAdapter

    adapter = ArrayDataAdapter(np.arange(10), batch_size=4, shuffle="batch")
    epochs = [[np.asarray(batch[0] if isinstance(batch, tuple) else batch).tolist()
               for batch in adapter.iter_batches()] for _ in range(20)]
    for batches in epochs:
        assert [sorted(b) for b in batches] == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]
    assert any(batches[0] != [0, 1, 2, 3] for batches in epochs)  # rows do move within a chunk
