"""Models that take raw strings: the host (NumPy) part and the compiled part of one Functional model."""

import os

import numpy as np
import pytest

import lamina
from lamina import layers
from lamina.models.host_split import has_host_layers, prepare_batch
from tests.preprocessing._util import npy

TEXTS = np.array(["good movie great fun", "bad film awful plot", "great acting good story", "awful boring bad",
                  "fun and great", "boring and bad"] * 4)
LABELS = np.array([1, 0, 1, 0, 1, 0] * 4, dtype="float32")


def _text_model(output_mode="int"):
    vectorizer = layers.TextVectorization(max_tokens=40, output_mode=output_mode,
                                          output_sequence_length=6 if output_mode == "int" else None)
    vectorizer.adapt(TEXTS)
    inputs = lamina.Input(shape=(1,), dtype="string")
    x = vectorizer(inputs)
    if output_mode == "int":
        x = layers.GlobalAveragePooling1D()(layers.Embedding(40, 8)(x))
    outputs = layers.Dense(1, activation="sigmoid")(x)
    return lamina.Model(inputs, outputs)


@pytest.mark.parametrize("mode", ["int", "tf_idf"])
def test_prepared_batch_gives_the_direct_result(mode):
    model = _text_model(mode)
    assert has_host_layers(model)
    raw = TEXTS[:5, None]
    prepared = prepare_batch(model, raw)
    assert list(prepared) == ["__lamina_host__:0"]
    assert all(isinstance(v, np.ndarray) and v.dtype.kind in "if" for v in prepared.values())
    np.testing.assert_allclose(npy(model(prepared)), npy(model(raw)), rtol=1e-6)
    # A batch one rank short of (None, 1) works as in Keras 3.
    np.testing.assert_allclose(npy(model(TEXTS[:5])), npy(model(raw)), rtol=1e-6)
    # The device part traces abstractly, as in a compiled step.
    spec = lamina.backend.compute_output_spec(model.call, prepared)
    assert tuple(spec.shape) == (5, 1)
    assert prepare_batch(model, prepared) is prepared


def test_embedding_lstm_on_raw_strings_like_the_seed():
    vectorizer = layers.TextVectorization()
    vectorizer.adapt(TEXTS)
    vocab = vectorizer.get_vocabulary()
    inputs = lamina.Input(shape=(1,), dtype="string")
    x = layers.Embedding(input_dim=len(vocab), output_dim=8)(vectorizer(inputs))
    model = lamina.Model(inputs, layers.LSTM(1)(x))
    out = npy(model(np.array(["The film is good beyond words"])))
    assert out.shape == (1, 1)
    np.testing.assert_allclose(npy(model(prepare_batch(model, np.array([["The film is good beyond words"]])))), out,
                               rtol=1e-5)


def test_mixed_inputs_pass_numeric_through_and_keep_int64():
    text = lamina.Input(shape=(1,), dtype="string", name="text")
    ids = lamina.Input(shape=(1,), dtype="int64", name="ids")
    numbers = lamina.Input(shape=(2,), name="numbers")
    lookup = layers.StringLookup(vocabulary=["a", "b"], output_mode="one_hot")
    hashed = layers.Hashing(num_bins=5, output_mode="one_hot")
    merged = layers.Add()([layers.Dense(3)(numbers), layers.Dense(3)(lookup(text)), layers.Dense(3)(hashed(ids))])
    model = lamina.Model({"text": text, "ids": ids, "numbers": numbers}, merged)
    batch = {"text": np.array([["a"], ["q"]]), "ids": np.array([[2**40 + 1], [7]], dtype="int64"),
             "numbers": np.ones((2, 2), np.float32)}
    prepared = prepare_batch(model, batch)
    assert len(prepared) == 3
    expected_hot = npy(hashed(batch["ids"]))
    assert any(v.shape == (2, 5) and np.array_equal(v, expected_hot) for v in prepared.values())
    np.testing.assert_allclose(npy(model(prepared)), npy(model(batch)), rtol=1e-5)


def test_sequential_with_string_input():
    vectorizer = layers.TextVectorization(output_sequence_length=4, vocabulary=["good", "bad"])
    model = lamina.Sequential([lamina.Input(shape=(1,), dtype="string"), vectorizer, layers.Embedding(4, 2),
                               layers.Flatten(), layers.Dense(1)])
    prepared = prepare_batch(model, TEXTS[:3, None])
    np.testing.assert_allclose(npy(model(prepared)), npy(model(TEXTS[:3, None])), rtol=1e-6)


def test_host_layer_after_a_device_layer_is_refused():
    inputs = lamina.Input(shape=(2,))
    x = layers.Dense(1)(inputs)
    outputs = layers.Discretization(bin_boundaries=[0.0])(x)
    layers.Dense(1)(inputs)
    model = lamina.Model(inputs, layers.IntegerLookup(vocabulary=[0, 1])(outputs))
    with pytest.raises(ValueError, match="right after the Inputs"):
        prepare_batch(model, np.zeros((2, 2), np.float32))


def test_fit_evaluate_predict_save_load_on_raw_strings(tmp_path):
    model = _text_model("int")
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    history = model.fit(TEXTS[:, None], LABELS, epochs=2, batch_size=8, verbose=0)
    assert len(history.history["loss"]) == 2
    loss, accuracy = model.evaluate(TEXTS[:, None], LABELS, verbose=0)
    probs = model.predict(TEXTS[:, None], verbose=0)[:, 0]
    clipped = np.clip(probs, 1e-7, 1 - 1e-7)
    np.testing.assert_allclose(loss, -np.mean(LABELS * np.log(clipped) + (1 - LABELS) * np.log(1 - clipped)),
                               rtol=1e-4)
    np.testing.assert_allclose(accuracy, np.mean((probs > 0.5) == LABELS), rtol=1e-6)
    predicted = model.predict(TEXTS[:6], verbose=0)
    assert predicted.shape == (6, 1)
    np.testing.assert_allclose(predicted, npy(model(TEXTS[:6, None])), rtol=1e-5, atol=1e-6)
    path = os.path.join(str(tmp_path), "text.keras")
    model.save(path)
    import zipfile

    names = zipfile.ZipFile(path).namelist()
    assert any(n.startswith("assets/") and n.endswith("vocabulary.txt") for n in names)
    loaded = lamina.saving.load_model(path)
    assert loaded.layers[1].get_vocabulary() == model.layers[1].get_vocabulary()
    np.testing.assert_allclose(loaded.predict(TEXTS[:6], verbose=0), predicted, rtol=1e-5, atol=1e-6)


def test_tf_idf_model_saves_idf_weights(tmp_path):
    model = _text_model("tf_idf")
    path = os.path.join(str(tmp_path), "tfidf.keras")
    model.save(path)
    loaded = lamina.saving.load_model(path)
    np.testing.assert_allclose(loaded.layers[1].idf_weights, model.layers[1].idf_weights)
    np.testing.assert_allclose(npy(loaded(TEXTS[:4, None])), npy(model(TEXTS[:4, None])), rtol=1e-6)


def test_predict_on_a_python_list_of_strings():
    model = _text_model()
    from_list = model.predict(list(TEXTS[:4]), verbose=0)
    np.testing.assert_allclose(from_list, model.predict(TEXTS[:4], verbose=0), rtol=1e-6)
