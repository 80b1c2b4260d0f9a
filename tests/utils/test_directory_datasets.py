"""Folder and array datasets without TensorFlow: file indexing and splits (against Keras's own
indexing function where it imports), label modes, shapes, resizing, text, WAV, timeseries
windows, split_dataset, and training on image and text folders."""

import os
import wave

import numpy as np
import pytest
from PIL import Image

import lamina
from lamina import layers, utils
from lamina.utils.image_dataset import resize_array


def _make_images(root, counts=None, size=(20, 30), ext="png", mode="RGB"):
    counts = counts or {"cats": 5, "dogs": 7}
    rng = np.random.default_rng(0)
    for class_name, n in counts.items():
        os.makedirs(os.path.join(root, class_name), exist_ok=True)
        for i in range(n):
            h, w = size
            shape = (h, w) if mode == "L" else (h, w, len(mode))
            pixels = rng.integers(0, 256, shape, dtype=np.uint8)
            Image.fromarray(pixels, mode).save(os.path.join(root, class_name, f"img_{i:02d}.{ext}"))
    return str(root)


def _make_texts(root, texts_by_class):
    for class_name, texts in texts_by_class.items():
        os.makedirs(os.path.join(root, class_name), exist_ok=True)
        for i, text in enumerate(texts):
            with open(os.path.join(root, class_name, f"t{i}.txt"), "w", encoding="utf-8") as f:
                f.write(text)
    return str(root)


def _write_wav(path, samples, rate=8000, width=2):
    samples = np.asarray(samples)
    with wave.open(str(path), "wb") as f:
        f.setnchannels(1 if samples.ndim == 1 else samples.shape[1])
        f.setsampwidth(width)
        f.setframerate(rate)
        f.writeframes(samples.astype({1: "uint8", 2: "<i2", 4: "<i4"}[width]).tobytes())


# -- indexing, labels, splits --------------------------------------------------------------
def test_file_order_and_labels_match_keras_index_directory(tmp_path):
    keras_dataset_utils = pytest.importorskip("keras.src.utils.dataset_utils")
    root = _make_images(tmp_path / "img", {"b": 4, "a": 3, "c": 5})
    os.makedirs(os.path.join(root, "a", "nested"))
    Image.new("RGB", (4, 4)).save(os.path.join(root, "a", "nested", "deep.jpg"))
    for shuffle in (False, True):
        ours = utils.image_dataset_from_directory(root, image_size=(8, 8), shuffle=shuffle, seed=7,
                                                  verbose=False)
        paths, labels, names = keras_dataset_utils.index_directory(
            root, "inferred", formats=(".bmp", ".gif", ".jpeg", ".jpg", ".png"), shuffle=shuffle,
            seed=7, verbose=False)
        assert ours.file_paths == list(paths)
        assert ours.class_names == names == ["a", "b", "c"]
    # With shuffle=False the labels follow the sorted files.
    ds = utils.image_dataset_from_directory(root, image_size=(8, 8), shuffle=False, batch_size=None,
                                            verbose=False)
    got = [int(y) for _, y in ds]
    assert got == [0] * 4 + [1] * 4 + [2] * 5


def test_validation_split_is_disjoint_complete_and_keras_aligned(tmp_path, capsys):
    keras_dataset_utils = pytest.importorskip("keras.src.utils.dataset_utils")
    root = _make_images(tmp_path / "img", {"x": 9, "y": 11})
    train, val = utils.image_dataset_from_directory(root, image_size=(8, 8), validation_split=0.25,
                                                    subset="both", seed=3)
    out = capsys.readouterr().out
    assert "Found 20 files belonging to 2 classes." in out
    assert "Using 15 files for training." in out and "Using 5 files for validation." in out
    assert not set(train.file_paths) & set(val.file_paths)
    assert len(train.file_paths) + len(val.file_paths) == 20
    paths, labels, _ = keras_dataset_utils.index_directory(
        root, "inferred", formats=(".png",), shuffle=True, seed=3, verbose=False)
    assert val.file_paths == list(paths[-5:])
    only_val = utils.image_dataset_from_directory(root, image_size=(8, 8), validation_split=0.25,
                                                  subset="validation", seed=3, verbose=False)
    assert only_val.file_paths == val.file_paths
    # The labels stay paired with their files (class = folder name).
    ds = utils.image_dataset_from_directory(root, image_size=(8, 8), validation_split=0.25,
                                            subset="training", seed=3, batch_size=None, verbose=False)
    expected = sorted(int(os.path.basename(os.path.dirname(p)) == "y") for p in ds.file_paths)
    assert sorted(int(y) for _, y in ds) == expected


def test_label_modes_shapes_and_dtypes(tmp_path):
    root = _make_images(tmp_path / "img")
    cases = {"int": ((4,), "int32"), "categorical": ((4, 2), "float32"), "binary": ((4, 1), "float32")}
    for mode, (shape, dtype) in cases.items():
        ds = utils.image_dataset_from_directory(root, label_mode=mode, image_size=(10, 12), batch_size=4,
                                                shuffle=False, verbose=False)
        assert len(ds) == 3
        x, y = next(iter(ds))
        assert x.shape == (4, 10, 12, 3) and x.dtype == np.float32
        assert y.shape == shape and y.dtype == dtype
    ds = utils.image_dataset_from_directory(root, label_mode=None, image_size=(10, 12), batch_size=5,
                                            color_mode="grayscale", verbose=False)
    batches = list(ds)
    assert [b.shape for b in batches] == [(5, 10, 12, 1), (5, 10, 12, 1), (2, 10, 12, 1)]
    ds = utils.image_dataset_from_directory(root, labels=None, image_size=(6, 6), color_mode="rgba",
                                            data_format="channels_first", verbose=False)
    assert next(iter(ds)).shape == (12, 4, 6, 6)
    # Explicit labels (one per sorted file) and class_names choosing the order.
    ds = utils.image_dataset_from_directory(root, labels=list(range(12)), image_size=(4, 4),
                                            shuffle=False, batch_size=None, verbose=False)
    assert [int(y) for _, y in ds] == list(range(12))
    assert ds.class_names == [str(i) for i in range(12)]
    ds = utils.image_dataset_from_directory(root, class_names=["dogs", "cats"], image_size=(4, 4),
                                            shuffle=False, batch_size=None, verbose=False)
    assert [int(y) for _, y in ds] == [0] * 7 + [1] * 5


def test_argument_errors_name_the_argument(tmp_path):
    root = _make_images(tmp_path / "img", {"a": 2, "b": 2, "c": 2})
    fn = utils.image_dataset_from_directory
    with pytest.raises(ValueError, match="label_mode='binary' needs exactly 2 classes"):
        fn(root, label_mode="binary", verbose=False)
    with pytest.raises(ValueError, match="pass a `seed`"):
        fn(root, validation_split=0.2, subset="training", verbose=False)
    with pytest.raises(ValueError, match="`subset` and `validation_split` must be given together"):
        fn(root, subset="training", seed=1, verbose=False)
    with pytest.raises(ValueError, match="color_mode"):
        fn(root, color_mode="cmyk")
    with pytest.raises(ValueError, match="interpolation"):
        fn(root, interpolation="cubic-ish")
    with pytest.raises(ValueError, match="image_size"):
        fn(root, image_size=(3, 4, 5))
    with pytest.raises(ValueError, match="class_names"):
        fn(root, class_names=["a", "zebra"], verbose=False)
    with pytest.raises(ValueError, match="one entry per file"):
        fn(root, labels=[0, 1], verbose=False)
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(ValueError, match="no files found"):
        fn(str(empty), labels=None, verbose=False)


def test_resize_crop_pad_and_smart_resize(tmp_path):
    # A 20x40 image whose left and right quarters are black and the middle white.
    pixels = np.zeros((20, 40, 3), np.uint8)
    pixels[:, 10:30] = 255
    os.makedirs(tmp_path / "one" / "a")
    Image.fromarray(pixels).save(tmp_path / "one" / "a" / "x.png")
    root = str(tmp_path / "one")
    crop = utils.image_dataset_from_directory(root, image_size=(10, 10), crop_to_aspect_ratio=True,
                                              batch_size=None, verbose=False)
    x, _ = next(iter(crop))
    np.testing.assert_allclose(x, 255.0)  # the centred square is all white
    pad = utils.image_dataset_from_directory(root, image_size=(8, 8), pad_to_aspect_ratio=True,
                                             batch_size=None, interpolation="nearest", verbose=False)
    x, _ = next(iter(pad))
    assert x.shape == (8, 8, 3) and x[:2].max() == 0 and x[-2:].max() == 0
    image = np.random.default_rng(1).random((13, 17, 3)).astype("float32")
    for method in ("bilinear", "nearest", "bicubic", "area", "lanczos3"):
        expected = lamina.ops.image.resize(image, (6, 9), interpolation=method)
        np.testing.assert_allclose(resize_array(image, (6, 9), method),
                                   lamina.backend.convert_to_numpy(expected), rtol=1e-5, atol=1e-4)
    for method in ("gaussian", "mitchellcubic"):
        out = resize_array(np.full((9, 9, 1), 3.0, "float32"), (4, 5), method)
        np.testing.assert_allclose(out, 3.0, rtol=1e-5)  # normalised kernels keep a constant image
    smart = lamina.preprocessing.image.smart_resize(image, (5, 5))
    assert isinstance(smart, np.ndarray) and smart.shape == (5, 5, 3)
    np.testing.assert_allclose(smart, resize_array(image[:, 2:15], (5, 5)), rtol=1e-5, atol=1e-5)
    with pytest.raises(ValueError, match="smart_resize"):
        lamina.preprocessing.image.smart_resize(np.ones((4, 4)), (2, 2))


def test_jpeg_and_gif_decode(tmp_path):
    root = _make_images(tmp_path / "jpg", {"a": 2}, ext="jpg")
    Image.new("P", (5, 7)).save(os.path.join(root, "a", "z.gif"))
    ds = utils.image_dataset_from_directory(root, image_size=(5, 5), batch_size=None, shuffle=False,
                                            verbose=False)
    assert [x.shape for x, _ in ds] == [(5, 5, 3)] * 3
    with open(os.path.join(root, "a", "broken.png"), "wb") as f:
        f.write(b"not an image")
    with pytest.raises(ValueError, match="could not decode image file .*broken.png"):
        list(utils.image_dataset_from_directory(root, image_size=(5, 5), verbose=False))


# -- text and audio ------------------------------------------------------------------------
def test_text_dataset_labels_and_max_length(tmp_path):
    root = _make_texts(tmp_path / "txt", {"neg": ["bad movie", "awful plot here"],
                                          "pos": ["great film", "héllo wonderful", "nice"]})
    ds = utils.text_dataset_from_directory(root, batch_size=2, shuffle=False, verbose=False)
    assert ds.class_names == ["neg", "pos"] and len(ds) == 3
    texts = [t for x, _ in ds for t in x.tolist()]
    assert texts == ["bad movie", "awful plot here", "great film", "héllo wonderful", "nice"]
    short = utils.text_dataset_from_directory(root, batch_size=None, shuffle=False, max_length=4,
                                              label_mode="categorical", verbose=False)
    items = [(str(x), y.tolist()) for x, y in short]
    assert [t for t, _ in items] == ["bad ", "awfu", "grea", "hél", "nice"]  # 4 bytes; é is 2
    assert items[0][1] == [1.0, 0.0] and items[-1][1] == [0.0, 1.0]
    with pytest.raises(ValueError, match="max_length"):
        utils.text_dataset_from_directory(root, max_length=0)


def test_audio_dataset_padding_and_decoding(tmp_path):
    for cls, lengths in (("no", (5, 9)), ("yes", (7,))):
        os.makedirs(tmp_path / "wav" / cls)
        for i, n in enumerate(lengths):
            _write_wav(tmp_path / "wav" / cls / f"{i}.wav", np.arange(n) * 1000)
    root = str(tmp_path / "wav")
    ds = utils.audio_dataset_from_directory(root, batch_size=2, shuffle=False, verbose=False)
    (a, ya), (b, yb) = list(ds)
    assert a.shape == (2, 9, 1) and b.shape == (1, 7, 1) and a.dtype == np.float32
    np.testing.assert_allclose(a[0, :, 0], np.r_[np.arange(5) * 1000, [0] * 4] / 32768.0)
    assert ya.tolist() == [0, 0] and yb.tolist() == [1]
    fixed = utils.audio_dataset_from_directory(root, batch_size=3, output_sequence_length=6,
                                               shuffle=False, verbose=False)
    assert next(iter(fixed))[0].shape == (3, 6, 1)
    _write_wav(tmp_path / "u8.wav", np.array([0, 128, 255]), width=1)
    from lamina.utils.directory_datasets import read_wav

    np.testing.assert_allclose(read_wav(tmp_path / "u8.wav")[:, 0], [-1.0, 0.0, 127 / 128])
    with open(tmp_path / "wav" / "no" / "bad.wav", "wb") as f:
        f.write(b"RIFF....WAVEfmt nonsense")
    with pytest.raises(ValueError, match="could not decode .*bad.wav"):
        list(utils.audio_dataset_from_directory(root, verbose=False))
    with pytest.raises(ValueError, match="ragged"):
        utils.audio_dataset_from_directory(root, ragged=True)


# -- timeseries and split_dataset ----------------------------------------------------------
def _windows_by_hand(data, targets, length, stride, rate, start, end):
    windows, ys = [], []
    first = start
    while first + (length - 1) * rate < end:
        if targets is not None and first - start >= len(targets):
            break
        windows.append(data[first:first + (length - 1) * rate + 1:rate])
        if targets is not None:
            ys.append(targets[first])
        first += stride
    return np.array(windows), np.array(ys)


@pytest.mark.parametrize("length,stride,rate,start,end", [
    (3, 1, 1, None, None), (4, 2, 2, 3, 40), (5, 3, 1, 10, None), (2, 7, 3, None, 30)])
def test_timeseries_windows_match_hand_computation(length, stride, rate, start, end):
    data = np.arange(50 * 2).reshape(50, 2)
    targets = np.arange(50) * 10
    ds = utils.timeseries_dataset_from_array(data, targets, sequence_length=length,
                                             sequence_stride=stride, sampling_rate=rate, batch_size=4,
                                             start_index=start, end_index=end)
    x = np.concatenate([b[0] for b in ds])
    y = np.concatenate([b[1] for b in ds])
    s, e = start or 0, end or 50
    want_x, want_y = _windows_by_hand(data, targets, length, stride, rate, s, e)
    np.testing.assert_array_equal(x, want_x)
    np.testing.assert_array_equal(y, want_y)
    assert len(ds) == -(-len(want_x) // 4)


def test_timeseries_shuffle_and_errors():
    data = np.arange(30)
    ds = utils.timeseries_dataset_from_array(data, None, sequence_length=4, batch_size=None,
                                             shuffle=True, seed=1)
    windows = [w.tolist() for w in ds]
    assert sorted(windows) == [list(range(i, i + 4)) for i in range(27)]
    assert windows != sorted(windows)
    with pytest.raises(ValueError, match="sampling_rate"):
        utils.timeseries_dataset_from_array(data, None, 3, sampling_rate=0)
    with pytest.raises(ValueError, match="end_index"):
        utils.timeseries_dataset_from_array(data, None, 3, start_index=5, end_index=4)


def test_split_sizes_match_keras():
    keras_dataset_utils = pytest.importorskip("keras.src.utils.dataset_utils")
    from lamina.utils.dataset_utils import _split_sizes

    for left, right, total in [(0.8, None, 10), (None, 0.25, 7), (3, None, 10), (None, 4, 9), (0.5, 0.3, 11),
                               (2, 5, 10), (0.34, None, 3)]:
        assert _split_sizes(left, right, total) == \
            keras_dataset_utils._rescale_dataset_split_sizes(left, right, total)
    # Keras shuffles the sample list with Python's `random` seeded by `seed`.
    order = list(range(10))
    import random

    random.Random(4).shuffle(order)
    left, right = utils.split_dataset(np.arange(10), left_size=0.6, shuffle=True, seed=4)
    assert [int(v) for v in left] + [int(v) for v in right] == order


def test_split_dataset_fractions_and_types():
    x, y = np.arange(20).reshape(10, 2), np.arange(10)
    left, right = utils.split_dataset((x, y), left_size=0.7)
    assert len(left) == 7 and len(right) == 3
    np.testing.assert_array_equal(np.stack([a for a, _ in right]), x[7:])
    left, right = utils.split_dataset(np.arange(10), right_size=4, shuffle=True, seed=2)
    values = sorted(int(v) for v in list(left) + list(right))
    assert (len(left), len(right)) == (6, 4) and values == list(range(10))
    batched = utils.Dataset.from_tensor_slices((x, y)).batch(3)
    left, right = utils.split_dataset(batched, left_size=0.5)
    assert [b[0].shape[0] for b in left] == [3, 2] and [b[0].shape[0] for b in right] == [3, 2]
    with pytest.raises(ValueError, match="left_size"):
        utils.split_dataset(np.arange(10), left_size=1.5)
    with pytest.raises(ValueError, match="at least one of"):
        utils.split_dataset(np.arange(10))
    with pytest.raises(TypeError, match="split_dataset: `dataset`"):
        utils.split_dataset("abc", left_size=0.5)


# -- the Dataset pipeline and training -----------------------------------------------------
def test_dataset_chaining_semantics():
    ds = utils.Dataset.from_tensor_slices({"a": np.arange(6), "b": np.arange(6) * 2})
    assert [e["b"].tolist() for e in ds.batch(4)] == [[0, 2, 4, 6], [8, 10]]
    ds = utils.Dataset.from_tensor_slices(np.arange(10))
    one = [int(v) for v in ds.shuffle(10, seed=3)]
    again = [int(v) for v in ds.shuffle(10, seed=3)]
    assert one == again and sorted(one) == list(range(10)) and one != list(range(10))
    reshuffled = ds.shuffle(10, seed=3)
    assert [int(v) for v in reshuffled] != [int(v) for v in reshuffled]  # new order each epoch
    assert [int(v) for v in ds.skip(7)] == [7, 8, 9] and len(ds.skip(7)) == 3
    assert [int(v) for v in ds.repeat().take(12)][-2:] == [0, 1]
    assert ds.repeat().cardinality() == -1 and len(ds.repeat(2).batch(3)) == 7
    assert [int(v) for v in ds.filter(lambda v: v % 3 == 0)] == [0, 3, 6, 9]
    with pytest.raises(TypeError, match="unknown"):
        len(ds.filter(lambda v: True))
    assert [b.tolist() for b in ds.batch(4, drop_remainder=True)] == [[0, 1, 2, 3], [4, 5, 6, 7]]
    assert [int(v) for v in ds.batch(4).unbatch()] == list(range(10))
    assert [int(v) for v in ds.map(lambda v: v * v, num_parallel_calls=4).prefetch(3)] == \
        [i * i for i in range(10)]
    calls = []
    cached = ds.map(lambda v: calls.append(1) or v).cache()
    list(cached), list(cached)
    assert len(calls) == 10

    def explode(v):
        if v == 5:
            raise RuntimeError("boom at 5")
        return v

    with pytest.raises(RuntimeError, match="boom at 5"):
        list(ds.map(explode).prefetch(2))
    with pytest.raises(ValueError, match="different shapes"):
        list(ds.map(lambda v: np.ones(int(v) + 1)).batch(2))
    ragged = ds.take(3).map(lambda v: (np.ones(int(v) + 1), v))
    (x, y), = list(ragged.padded_batch(3, padded_shapes=((4,), ()), padding_values=(-1.0, 0)))
    np.testing.assert_array_equal(x, [[1, -1, -1, -1], [1, 1, -1, -1], [1, 1, 1, -1]])
    assert y.tolist() == [0, 1, 2]


def test_image_folder_trains_with_fit_evaluate_predict(tmp_path):
    root = _make_images(tmp_path / "img", {"a": 6, "b": 6}, size=(12, 12))
    train, val = utils.image_dataset_from_directory(root, image_size=(8, 8), batch_size=4,
                                                    validation_split=0.25, subset="both", seed=1,
                                                    verbose=False)
    model = lamina.Sequential([
        lamina.Input((8, 8, 3)), layers.Rescaling(1 / 255.0), layers.Conv2D(4, 3, activation="relu"),
        layers.GlobalAveragePooling2D(), layers.Dense(2)])
    model.compile("adam", lamina.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=["accuracy"])
    history = model.fit(train.map(lambda x, y: (x, y)), validation_data=val, epochs=2, verbose=0)
    assert len(history.history["loss"]) == 2 and np.isfinite(history.history["val_loss"][-1])
    assert model.predict(val, verbose=0).shape == (3, 2)


def test_text_folder_trains_with_text_vectorization(tmp_path):
    root = _make_texts(tmp_path / "txt", {"neg": ["bad bad movie", "awful plot", "boring"] * 2,
                                          "pos": ["great film", "wonderful", "nice nice"] * 2})
    ds = utils.text_dataset_from_directory(root, batch_size=4, seed=0, verbose=False)
    vectorizer = layers.TextVectorization(max_tokens=20, output_sequence_length=4)
    vectorizer.adapt(ds.map(lambda x, y: x))
    inputs = lamina.Input(shape=(), dtype="string")
    x = layers.Embedding(20, 4)(vectorizer(inputs))
    outputs = layers.Dense(1, activation="sigmoid")(layers.GlobalAveragePooling1D()(x))
    model = lamina.Model(inputs, outputs)
    model.compile("adam", "binary_crossentropy")
    history = model.fit(ds, epochs=2, verbose=0)
    assert len(history.history["loss"]) == 2
    assert model.predict(ds, verbose=0).shape == (12, 1)


def test_fit_takes_repeated_datasets_class_weight_and_grain():
    x = np.random.default_rng(0).random((20, 3)).astype("float32")
    y = (np.arange(20) % 2).astype("int32")
    ds = utils.Dataset.from_tensor_slices((x, y)).batch(5)
    model = lamina.Sequential([lamina.Input((3,)), layers.Dense(2)])
    model.compile("sgd", lamina.losses.SparseCategoricalCrossentropy(from_logits=True))
    history = model.fit(ds.repeat(), steps_per_epoch=3, epochs=2, verbose=0, class_weight={0: 1.0, 1: 2.0})
    assert len(history.history["loss"]) == 2
    with pytest.raises(ValueError, match="the Dataset yields no `y`"):
        model.fit(ds.map(lambda a, b: a), class_weight={0: 1.0, 1: 2.0}, verbose=0)
    grain = pytest.importorskip("grain")
    source = grain.MapDataset.source([(x[i], y[i]) for i in range(20)]).batch(5)
    assert len(model.fit(source, epochs=2, verbose=0).history["loss"]) == 2
    assert model.predict(source.to_iter_dataset(), verbose=0).shape == (20, 2)
    windows = utils.timeseries_dataset_from_array(x, y, sequence_length=1, batch_size=5, format="grain")
    assert len(model.fit(windows.map(lambda e: (e[0][:, 0], e[1])), verbose=0).history["loss"]) == 1


# -- real Keras as the oracle, through its grain path (needs grain; no TensorFlow) -----------
def _keras_with_grain():
    pytest.importorskip("grain")
    return pytest.importorskip("keras")


def test_images_match_keras_grain_path(tmp_path):
    keras = _keras_with_grain()
    if keras.backend.backend() != "jax":
        # Keras-on-JAX resizes like tf.image.resize (half-pixel centres, no antialias), the
        # semantics of Keras's default TensorFlow path; Keras-on-torch's grain path resizes with
        # torch's interpolate (and has no lanczos), so it is no oracle for these values.
        pytest.skip("Keras's grain image path matches its TensorFlow path only on JAX")
    root = _make_images(tmp_path / "img", {"a": 2, "b": 1}, size=(21, 34))
    Image.fromarray(np.random.default_rng(2).integers(0, 256, (40, 25, 3), dtype=np.uint8)).save(
        os.path.join(root, "b", "tall.png"))
    cases = [dict(label_mode="binary", data_format="channels_first"),
             dict(interpolation="nearest", color_mode="grayscale"),
             dict(interpolation="bicubic", crop_to_aspect_ratio=True, label_mode="categorical"),
             dict(interpolation="lanczos3", pad_to_aspect_ratio=True)]
    for kwargs in cases:
        common = dict(image_size=(12, 16), batch_size=2, seed=5, verbose=False, **kwargs)
        theirs = keras.utils.image_dataset_from_directory(root, format="grain", shuffle=False, **common)
        ours = utils.image_dataset_from_directory(root, shuffle=False, **common)
        for (kx, ky), (lx, ly) in zip(theirs, ours, strict=True):
            np.testing.assert_allclose(lx, np.asarray(kx), atol=1e-3, err_msg=str(kwargs))
            np.testing.assert_array_equal(ly, np.asarray(ky))
            assert ly.dtype == np.asarray(ky).dtype
    # format="grain" gives a grain dataset with Keras's shuffled order for the same seed.
    common = dict(image_size=(8, 8), batch_size=2, seed=9, verbose=False)
    theirs = keras.utils.image_dataset_from_directory(root, format="grain", **common)
    ours = utils.image_dataset_from_directory(root, format="grain", **common)
    assert ours.class_names == theirs.class_names and ours.file_paths == theirs.file_paths
    for (kx, ky), (lx, ly) in zip(theirs, ours, strict=True):
        np.testing.assert_allclose(lx, np.asarray(kx), atol=1e-3)
        np.testing.assert_array_equal(ly, np.asarray(ky))


def test_text_and_timeseries_match_keras_grain_path(tmp_path):
    keras = _keras_with_grain()
    root = _make_texts(tmp_path / "txt", {"n": ["one two", "three"], "p": ["four five six", "seven"]})
    theirs = keras.utils.text_dataset_from_directory(root, format="grain", shuffle=False, batch_size=3,
                                                     max_length=5, verbose=False)
    ours = utils.text_dataset_from_directory(root, shuffle=False, batch_size=3, max_length=5,
                                             verbose=False)
    for (kx, ky), (lx, ly) in zip(theirs, ours, strict=True):
        assert [str(t) for t in kx] == lx.tolist()
        np.testing.assert_array_equal(ly, np.asarray(ky))
    data, targets = np.arange(40).reshape(20, 2), np.arange(20) * 10
    kwargs = dict(sequence_length=4, sequence_stride=2, sampling_rate=2, batch_size=3, start_index=1,
                  end_index=18)
    theirs = keras.utils.timeseries_dataset_from_array(data, targets, format="grain", **kwargs)
    ours = utils.timeseries_dataset_from_array(data, targets, **kwargs)
    for (kx, ky), (lx, ly) in zip(theirs, ours, strict=True):
        np.testing.assert_array_equal(lx, np.asarray(kx))
        np.testing.assert_array_equal(ly, np.asarray(ky))
    kwargs.update(shuffle=True, seed=3)
    theirs = keras.utils.timeseries_dataset_from_array(data, targets, format="grain", **kwargs)
    ours = utils.timeseries_dataset_from_array(data, targets, format="grain", **kwargs)
    for (kx, ky), (lx, ly) in zip(theirs, ours, strict=True):
        np.testing.assert_array_equal(np.asarray(lx), np.asarray(kx))
        np.testing.assert_array_equal(np.asarray(ly), np.asarray(ky))
    theirs = keras.utils.text_dataset_from_directory(root, format="grain", batch_size=2, seed=1, verbose=False)
    ours = utils.text_dataset_from_directory(root, format="grain", batch_size=2, seed=1, verbose=False)
    for (kx, ky), (lx, ly) in zip(theirs, ours, strict=True):
        assert [str(t) for t in kx] == [str(t) for t in lx]
        np.testing.assert_array_equal(np.asarray(ly), np.asarray(ky))
    with pytest.raises(ValueError, match="`format` must be 'tf'"):
        utils.text_dataset_from_directory(root, format="torch")
