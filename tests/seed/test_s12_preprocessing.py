"""Seed S12 (note lines 650-1019): preprocessing layers, ported with lamina in place of tf.keras."""

import numpy as np

import lamina
from lamina import layers
from tests.conftest import keras_or_skip

keras = lamina
preprocessing = lamina.layers


def _np(x):
    return np.asarray(lamina.ops.convert_to_numpy(x))


def test_normalization_adapt():
    data = np.array([[0.1, 0.2, 0.3], [0.8, 0.9, 1.0], [1.5, 1.6, 1.7]])
    layer = preprocessing.Normalization()
    layer.adapt(data)
    normalized_data = _np(layer(data))
    assert "%.2f" % normalized_data.mean() in ("0.00", "-0.00")
    assert "%.2f" % normalized_data.std() == "1.00"


def test_text_vectorization_greek():
    data = [
        "ξεῖν᾽, ἦ τοι μὲν ὄνειροι ἀμήχανοι ἀκριτόμυθοι",
        "γίγνοντ᾽, οὐδέ τι πάντα τελείεται ἀνθρώποισι.",
        "δοιαὶ γάρ τε πύλαι ἀμενηνῶν εἰσὶν ὀνείρων:",
        "αἱ μὲν γὰρ κεράεσσι τετεύχαται, αἱ δ᾽ ἐλέφαντι:",
        "τῶν οἳ μέν κ᾽ ἔλθωσι διὰ πριστοῦ ἐλέφαντος,",
        "οἵ ῥ᾽ ἐλεφαίρονται, ἔπε᾽ ἀκράαντα φέροντες:",
        "οἱ δὲ διὰ ξεστῶν κεράων ἔλθωσι θύραζε,",
        "οἵ ῥ᾽ ἔτυμα κραίνουσι, βροτῶν ὅτε κέν τις ἴδηται.",
    ]
    layer = preprocessing.TextVectorization()
    layer.adapt(data)
    vectorized_text = _np(layer(data))
    expected = [[37, 12, 25, 5, 9, 20, 21, 0, 0],
                [51, 34, 27, 33, 29, 18, 0, 0, 0],
                [49, 52, 30, 31, 19, 46, 10, 0, 0],
                [7, 5, 50, 43, 28, 7, 47, 17, 0],
                [24, 35, 39, 40, 3, 6, 32, 16, 0],
                [4, 2, 15, 14, 22, 23, 0, 0, 0],
                [36, 48, 6, 38, 42, 3, 45, 0, 0],
                [4, 2, 13, 41, 53, 8, 44, 26, 11]]
    assert vectorized_text.tolist() == expected
    # one id per distinct token, 0 for padding
    tokens = {t for line in data for t in line.lower().translate(str.maketrans("", "", ",.:")).split()}
    assert layer.vocabulary_size() == len(tokens) + 2


def test_string_lookup_with_the_old_default_mask():
    vocab = ["a", "b", "c", "d"]
    data = np.array([["a", "c", "d"], ["d", "z", "f"]])
    # tf.keras 2.x's StringLookup reserved index 0 for the mask token "" by default.
    layer = preprocessing.StringLookup(vocabulary=vocab, mask_token="")
    assert _np(layer(data)).tolist() == [[2, 4, 5], [5, 1, 1]]


def test_preprocessing_inside_an_inference_model():
    input_shape = (3,)
    preprocessing_layer = preprocessing.Normalization()
    preprocessing_layer.adapt(np.random.default_rng(0).normal(size=(20, 3)))
    training_model = keras.Sequential([keras.Input(input_shape), layers.Dense(2)])
    inputs = keras.Input(shape=input_shape)
    x = preprocessing_layer(inputs)
    outputs = training_model(x)
    inference_model = keras.Model(inputs, outputs)
    raw = np.ones((4, 3), np.float32)
    np.testing.assert_allclose(_np(inference_model(raw)), _np(training_model(preprocessing_layer(raw))), rtol=1e-6)


def _augmented_convnet(framework, classes=10):
    preprocessing = framework.layers
    data_augmentation = framework.Sequential([
        preprocessing.RandomFlip("horizontal"),
        preprocessing.RandomRotation(0.1),
        preprocessing.RandomZoom(0.1),
        preprocessing.Resizing(32, 32),
    ])
    inputs = framework.Input(shape=(28, 28, 1))
    x = data_augmentation(inputs)
    x = preprocessing.Rescaling(1.0 / 255)(x)
    # A small convnet stands in for applications.ResNet50(weights=None, ...) to keep the test fast.
    x = preprocessing.Conv2D(4, 3, strides=2, activation="relu")(x)
    x = preprocessing.GlobalAveragePooling2D()(x)
    outputs = preprocessing.Dense(classes, activation="softmax")(x)
    return framework.Model(inputs, outputs), data_augmentation


def test_data_augmentation_model():
    keras_module = keras_or_skip()
    model, data_augmentation = _augmented_convnet(keras)
    classes = 10
    rng = np.random.default_rng(0)
    x_train = rng.integers(0, 256, (64, 28, 28)).astype("float32").reshape(-1, 28, 28, 1)
    y_train = rng.integers(0, classes, 64)
    model.compile(optimizer=keras.optimizers.Adam(), loss=keras.losses.SparseCategoricalCrossentropy(),
                  metrics=["accuracy"])
    history = model.fit(x_train, y_train, batch_size=16, epochs=1, validation_split=0.1, verbose=0)
    assert np.isfinite(history.history["loss"][0])
    # Validation runs in inference mode on the last 10% (int(64 * 0.9) = 57 onwards) with the trained weights.
    x_val, y_val = x_train[57:], y_train[57:]
    probs = _np(model.predict(x_val, verbose=0))
    np.testing.assert_allclose(history.history["val_loss"][0], -np.log(probs[np.arange(7), y_val]).mean(), rtol=1e-5)
    np.testing.assert_allclose(history.history["val_accuracy"][0], np.mean(probs.argmax(-1) == y_val), rtol=1e-6)
    # Inference (augmentation off, only Resizing) equals real Keras's model with the same weights.
    twin, _ = _augmented_convnet(keras_module)
    twin.set_weights(model.get_weights())
    np.testing.assert_allclose(_np(model(x_train[:4], training=False)),
                               keras_module.ops.convert_to_numpy(twin(x_train[:4], training=False)),
                               rtol=1e-5, atol=1e-6)
    # Augmentation is active only in training: inference is deterministic.
    np.testing.assert_allclose(_np(model(x_train[:4])), _np(model(x_train[:4])), rtol=1e-6)
    assert not np.allclose(_np(data_augmentation(x_train[:4], training=True)),
                           _np(data_augmentation(x_train[:4])))


def test_one_hot_encoding_of_string_features():
    data = np.array(["a", "b", "c", "b", "c", "a"])
    indexer = preprocessing.StringLookup()
    indexer.adapt(data)
    encoder = preprocessing.CategoryEncoding(output_mode="binary")
    encoder.adapt(indexer(data))
    test_data = np.array(["a", "b", "c", "d", "e", ""])
    encoded_data = _np(encoder(indexer(test_data)))
    # Keras 3: a rank-1 batch is one sample, so multi-hot marks every index present.
    assert encoded_data.tolist() == [1, 1, 1, 1]
    per_item = _np(encoder(indexer(test_data[:, None])))
    # Equal counts are ordered by token, larger first (as Keras does): c=1, b=2, a=3; OOV=0.
    assert indexer.get_vocabulary() == ["[UNK]", "c", "b", "a"]
    assert per_item.tolist() == [[0, 0, 0, 1], [0, 0, 1, 0], [0, 1, 0, 0], [1, 0, 0, 0], [1, 0, 0, 0], [1, 0, 0, 0]]


def test_hashing_then_category_encoding():
    data = np.random.randint(0, 100000, size=(10000, 1))
    hasher = preprocessing.Hashing(num_bins=64, salt=1337)
    encoder = preprocessing.CategoryEncoding(max_tokens=64, output_mode="binary")
    encoded_data = encoder(hasher(data))
    assert tuple(encoded_data.shape) == (10000, 64)
    assert np.all(_np(encoded_data).sum(axis=1) == 1)


POEM = ["The Brain is wider than the Sky", "For put them side by side", "The one the other will contain",
        "With ease and You beside"]


def test_text_vectorization_embedding_lstm_model():
    data = np.array(POEM)
    text_vectorizer = preprocessing.TextVectorization(output_mode="int")
    text_vectorizer.adapt(data)
    vocab = text_vectorizer.get_vocabulary()
    assert vocab[:3] == ["", "[UNK]", "the"] and len(vocab) == 22
    inputs = keras.Input(shape=(1,), dtype="string")
    x = text_vectorizer(inputs)
    x = layers.Embedding(input_dim=len(vocab), output_dim=64)(x)
    outputs = layers.LSTM(1)(x)
    model = keras.Model(inputs, outputs)
    test_data = np.array(["The Brain is deeper than the sea"])
    test_output = _np(model(test_data))
    # "deeper" and "sea" are out of the vocabulary: index 1.
    ids = _np(text_vectorizer(test_data))
    expected_ids = [vocab.index(t) if t in vocab else 1 for t in "the brain is deeper than the sea".split()]
    assert ids.tolist() == [expected_ids] and expected_ids[3] == expected_ids[6] == 1
    # The embedding and LSTM equal real Keras's with the same weights on those ids.
    real = keras_or_skip()
    twin = real.Sequential([real.Input((None,), dtype="int32"), real.layers.Embedding(len(vocab), 64),
                            real.layers.LSTM(1)])
    twin.set_weights(model.get_weights())
    assert test_output.shape == (1, 1)
    np.testing.assert_allclose(test_output, real.ops.convert_to_numpy(twin(ids.astype("int32"))),
                               rtol=1e-5, atol=1e-6)


def test_tf_idf_bigrams_with_dense_model():
    data = np.array(POEM)
    text_vectorizer = preprocessing.TextVectorization(output_mode="tf-idf", ngrams=2)
    text_vectorizer.adapt(data)
    encoded = _np(text_vectorizer(["The Brain is deeper than the sea"]))
    assert encoded.shape == (1, 41)
    np.testing.assert_allclose(encoded[0, :2], [5.461647, 1.6945957], rtol=1e-5)
    inputs = keras.Input(shape=(1,), dtype="string")
    x = text_vectorizer(inputs)
    outputs = layers.Dense(1)(x)
    model = keras.Model(inputs, outputs)
    test_output = _np(model(np.array(["The Brain is deeper than the sea"])))
    assert test_output.shape == (1, 1)
    dense = model.layers[-1]
    kernel, bias = dense.get_weights()
    np.testing.assert_allclose(test_output, encoded @ kernel + bias, rtol=1e-5, atol=1e-6)
