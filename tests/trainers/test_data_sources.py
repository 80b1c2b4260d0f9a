"""Every data source fit/evaluate/predict accept: generators, PyDataset, DataLoader, tf.data, dicts."""

import numpy as np
import pytest

import lamina
from lamina import layers


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


def test_torch_dataloader():
    torch = pytest.importorskip("torch")
    x, y = _regression()
    dataset = torch.utils.data.TensorDataset(torch.from_numpy(x), torch.from_numpy(y))
    loader = torch.utils.data.DataLoader(dataset, batch_size=16)
    model = _model()
    history = model.fit(loader, epochs=2, verbose=0)
    assert len(history.history["loss"]) == 2
    assert model.evaluate(loader, verbose=0)[0] >= 0.0


def test_tf_data_dataset():
    tf = pytest.importorskip("tensorflow")
    x, y = _regression()
    ds = tf.data.Dataset.from_tensor_slices((x, y)).batch(16)
    model = _model()
    history = model.fit(ds, epochs=2, verbose=0)
    assert len(history.history["loss"]) == 2


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


def test_shuffle_batch_and_class_weight():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(40, 4)).astype("float32")
    y = (x[:, 0] > 0).astype("int32")
    model = lamina.Sequential([lamina.Input((4,)), layers.Dense(2)])
    model.compile(optimizer="sgd", loss=lamina.losses.SparseCategoricalCrossentropy(from_logits=True))
    history = model.fit(x, y, epochs=2, shuffle="batch", class_weight={0: 1.0, 1: 3.0}, verbose=0)
    assert len(history.history["loss"]) == 2
