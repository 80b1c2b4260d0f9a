"""utils: get_file (download + cache + hash + extract), images, to_categorical, pad_sequences."""

import hashlib
import os
import tarfile
import zipfile

import numpy as np
import pytest

import lamina


def _sha256(path):
    return hashlib.sha256(open(path, "rb").read()).hexdigest()


def test_get_file_downloads_once_and_verifies(tmp_path):
    source = tmp_path / "src" / "data.npz"
    source.parent.mkdir()
    np.savez(source, x=np.arange(5))
    origin = source.as_uri()
    cache = tmp_path / "cache"
    path = lamina.utils.get_file("data.npz", origin=origin, file_hash=_sha256(source), cache_dir=str(cache))
    assert os.path.exists(path) and path.startswith(str(cache))
    np.testing.assert_array_equal(np.load(path)["x"], np.arange(5))
    source.unlink()  # cached: no second download needed
    assert lamina.utils.get_file("data.npz", origin=origin, cache_dir=str(cache)) == path


def test_get_file_bad_hash_caches_nothing(tmp_path):
    source = tmp_path / "blob.bin"
    source.write_bytes(b"abc")
    with pytest.raises(ValueError, match="does not match the expected hash"):
        lamina.utils.get_file("blob.bin", origin=source.as_uri(), file_hash="0" * 64, cache_dir=str(tmp_path / "c"))
    assert not any(p.name == "blob.bin" for p in (tmp_path / "c").rglob("*"))


def test_get_file_unreachable_origin_names_it(tmp_path):
    with pytest.raises(OSError, match="could not download"):
        lamina.utils.get_file("x.bin", origin=(tmp_path / "missing.bin").as_uri(), cache_dir=str(tmp_path / "c"))


@pytest.mark.parametrize("kind", ["tar", "zip"])
def test_get_file_extracts_archives(tmp_path, kind):
    inner = tmp_path / "inner.txt"
    inner.write_text("hello")
    archive = tmp_path / ("pack.tar.gz" if kind == "tar" else "pack.zip")
    if kind == "tar":
        with tarfile.open(archive, "w:gz") as t:
            t.add(inner, arcname="pack/inner.txt")
    else:
        with zipfile.ZipFile(archive, "w") as z:
            z.write(inner, "pack/inner.txt")
    folder = lamina.utils.get_file(archive.name, origin=archive.as_uri(), extract=True, cache_dir=str(tmp_path / "c"))
    assert open(os.path.join(folder, "pack", "inner.txt")).read() == "hello"


def test_mnist_loader_reads_a_cached_file(tmp_path):
    # The real loader against a local mirror: same code path as the online download.
    mirror = tmp_path / "mnist.npz"
    np.savez(mirror, x_train=np.zeros((2, 28, 28), "uint8"), y_train=np.array([1, 2], "uint8"),
             x_test=np.zeros((1, 28, 28), "uint8"), y_test=np.array([3], "uint8"))
    import lamina.datasets.mnist as mnist

    original = mnist._HASH
    mnist._HASH = _sha256(mirror)
    try:
        (x_train, y_train), (x_test, y_test) = mnist.load_data(origin=mirror.as_uri(), cache_dir=str(tmp_path / "c"))
    finally:
        mnist._HASH = original
    assert x_train.shape == (2, 28, 28) and y_test.tolist() == [3]


def test_digits_are_shipped():
    (x_train, y_train), (x_test, y_test) = lamina.datasets.digits.load_data()
    assert x_train.shape[1:] == (8, 8) and len(x_train) + len(x_test) == 1797
    assert set(np.unique(y_train)) == set(range(10)) and x_train.max() == 16


def test_image_round_trip(tmp_path):
    path = tmp_path / "img.png"
    data = (np.random.RandomState(0).rand(6, 5, 3) * 255).astype("float32")
    lamina.utils.save_img(path, data, scale=False)
    img = lamina.utils.load_img(path)
    arr = lamina.utils.img_to_array(img)
    np.testing.assert_allclose(arr, data.astype("uint8"), atol=1)
    assert lamina.utils.img_to_array(img, data_format="channels_first").shape == (3, 6, 5)
    gray = lamina.preprocessing.image.load_img(path, color_mode="grayscale", target_size=(3, 3))
    assert lamina.utils.img_to_array(gray).shape == (3, 3, 1)
    with pytest.raises(FileNotFoundError, match="no such image file"):
        lamina.utils.load_img(tmp_path / "nope.png")


def test_to_categorical_and_pad_sequences():
    np.testing.assert_array_equal(lamina.utils.to_categorical([[1], [0]], 2), [[0, 1], [1, 0]])
    with pytest.raises(ValueError, match="out of range"):
        lamina.utils.to_categorical([3], num_classes=2)
    out = lamina.preprocessing.sequence.pad_sequences([[1, 2, 3], [4]], maxlen=4, padding="post")
    np.testing.assert_array_equal(out, [[1, 2, 3, 0], [4, 0, 0, 0]])
    out = lamina.utils.pad_sequences([[1, 2, 3], [4]], maxlen=2, truncating="post")
    np.testing.assert_array_equal(out, [[1, 2], [0, 4]])


def test_plot_model_draws_every_layer(tmp_path):
    from PIL import Image

    a = lamina.Input((8,), name="a")
    b = lamina.Input((8,), name="b")
    c = lamina.ops.concatenate([lamina.layers.Dense(4)(a), lamina.layers.Dense(4)(b)], axis=-1)
    model = lamina.Model([a, b], lamina.layers.Dense(1, name="out")(c), name="two_inputs")
    path = tmp_path / "model.png"
    lamina.utils.plot_model(model, path, show_shapes=True)
    image = Image.open(path)
    assert image.size[0] > 100 and image.size[1] > 200
    assert len(set(image.convert("L").getdata())) > 2  # drew boxes and text, not a blank canvas
    dot = lamina.utils.model_to_dot(model, show_shapes=True)
    for name in ("a", "b", "out", "concatenate"):
        assert f'"{name}"' in dot
    assert '"a" -> "dense"' in dot and "(None, 1)" in dot
    lamina.utils.plot_model(model, tmp_path / "model.dot")
    assert (tmp_path / "model.dot").read_text().startswith('digraph "two_inputs"')


def _nested_model():
    a, b = lamina.Input((4,), name="ia"), lamina.Input((4,), name="ib")
    pair = lamina.Model([a, b], lamina.layers.Subtract(name="minus")(
        [lamina.layers.Dense(3, name="left")(a), lamina.layers.Dense(3, name="right")(b)]), name="pair")
    core_in = lamina.Input((4,), name="ci")
    core = lamina.Model(core_in, lamina.layers.Dense(4, name="grow")(core_in), name="core")
    deep_in = lamina.Input((2,), name="hi")
    deeper = lamina.Model(deep_in, lamina.layers.Dense(1, name="deep")(deep_in), name="deeper")
    head = lamina.Sequential([lamina.layers.Dense(2, name="s1"), deeper], name="head")
    x, y = lamina.Input((4,), name="x"), lamina.Input((4,), name="y")
    return lamina.Model([x, y], head(pair([core(y), x])), name="outer")


def test_model_to_dot_expand_nested_draws_inner_layers_in_clusters():
    model = _nested_model()
    flat = lamina.utils.model_to_dot(model)
    assert '"x" -> "pair"' in flat and '"core" -> "pair"' in flat and "cluster" not in flat
    dot = lamina.utils.model_to_dot(model, expand_nested=True)
    # Each input of the nested model reaches the inner layer that reads that input.
    assert '"core/grow" -> "pair/left"' in dot and '"x" -> "pair/right"' in dot
    assert '"y" -> "core/grow"' in dot and '"pair/minus" -> "head/s1"' in dot
    # A model nested two deep is expanded inside its parent's cluster.
    assert '"head/s1" -> "head/deeper/deep"' in dot
    assert dot.index('subgraph "cluster_head"') < dot.index('subgraph "cluster_head/deeper"') < dot.index(
        '"head/deeper/deep" [label')
    for hidden in ('"pair" [', '"core" [', '"head" [', '"ia"', '"ci"', '"hi"'):
        assert hidden not in dot
    assert "dpi=96;" in lamina.utils.model_to_dot(model, dpi=96)


def test_plot_model_expand_nested_draws_more_boxes(tmp_path):
    from PIL import Image

    model = _nested_model()
    lamina.utils.plot_model(model, tmp_path / "flat.png")
    lamina.utils.plot_model(model, tmp_path / "nested.png", expand_nested=True)
    flat, nested = Image.open(tmp_path / "flat.png"), Image.open(tmp_path / "nested.png")
    assert nested.size[1] > flat.size[1] + 100  # three more rows of boxes
    lamina.utils.plot_model(model, tmp_path / "nested.dot", expand_nested=True)
    assert '"pair/minus" -> "head/s1"' in (tmp_path / "nested.dot").read_text()


def test_plot_model_refuses_unknown_arguments(tmp_path):
    model = _nested_model()
    with pytest.raises(TypeError, match="show_colors"):
        lamina.utils.plot_model(model, tmp_path / "m.png", show_colors=True)
    with pytest.raises(TypeError, match="layer_range"):
        lamina.utils.model_to_dot(model, layer_range=["x", "y"])
    with pytest.raises(TypeError, match="expand_nested"):
        lamina.utils.model_to_dot(model, expand_nested="yes")
