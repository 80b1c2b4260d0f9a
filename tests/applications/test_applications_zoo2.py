"""EfficientNet, EfficientNetV2, ConvNeXt, InceptionV3, InceptionResNetV2 and NASNet against
Keras 3: layer names, weight shapes in Keras's order (so Keras's published files load by
topology), parameter counts and predictions, checked against Keras's answers recorded in
``zoo2_golden.json`` by ``zoo2_oracle.py`` (building these models in Keras takes minutes on a
shared CPU); preprocessing and the application layers' files against live Keras."""

import json

import numpy as np
import pytest

import lamina
from lamina.applications import convnext, efficientnet, inception_resnet_v2
from lamina.layers.core.op_layer import OpLayer
from tests.applications import zoo2_oracle
from tests.conftest import keras_or_skip

with open(zoo2_oracle.GOLDEN) as _f:
    GOLDEN = json.load(_f)


def _layer_names(model):
    return [layer.name for layer in model.layers if not isinstance(layer, OpLayer)]


@pytest.mark.parametrize("fn", sorted(zoo2_oracle.SMALL))
def test_matches_keras_recorded_model(fn):
    side, kwargs = zoo2_oracle.SMALL[fn]
    expected = GOLDEN[fn]
    lamina.utils.clear_session()
    model = getattr(lamina.applications, fn)(weights=None, input_shape=(side, side, 3), classes=zoo2_oracle.CLASSES,
                                             classifier_activation=None, **kwargs)
    assert _layer_names(model) == expected["layers"]
    variables = zoo2_oracle.keras_order(model)
    assert [list(w.shape) for w in variables] == [shape for _, shape in expected["weights"]]
    assert [w.path.split("/")[-1] for w in variables] == [path.split("/")[-1] for path, _ in expected["weights"]]
    assert model.count_params() == expected["params"]
    for w, value in zip(variables, zoo2_oracle.deterministic_weights(variables)):
        w.assign(value)
    got = model.predict(zoo2_oracle.sample_images(side), verbose=0)
    want = np.asarray(expected["logits"], dtype="float32")
    np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-4 * max(1.0, np.abs(want).max()))


@pytest.mark.parametrize("fn", ["EfficientNetB7", "ConvNeXtXLarge", "NASNetLarge"])
def test_largest_variants_match_keras_counts(fn):
    if fn not in GOLDEN:
        pytest.skip(f"{fn} not recorded")
    model = getattr(lamina.applications, fn)(weights=None)
    assert len(_layer_names(model)) == GOLDEN[fn]["num_layers"]
    assert len(model.weights) == GOLDEN[fn]["num_weights"]
    assert model.count_params() == GOLDEN[fn]["params"]


@pytest.mark.parametrize("fn, side, pooling, shape", [
    ("EfficientNetB0", 32, None, (None, 1, 1, 1280)),
    ("EfficientNetV2B0", 32, "max", (None, 1280)),
    ("ConvNeXtTiny", 32, "avg", (None, 768)),
    ("InceptionV3", 75, "avg", (None, 2048)),
    ("InceptionResNetV2", 75, "max", (None, 1536)),
    ("NASNetMobile", 32, "avg", (None, 1056)),
])
def test_feature_extractors(fn, side, pooling, shape):
    model = getattr(lamina.applications, fn)(weights=None, include_top=False, input_shape=(side, side, 3),
                                             pooling=pooling)
    assert model.output_shape == shape
    if fn == "ConvNeXtTiny":
        # Keras ends ConvNeXt's feature extractor with a layer norm after the pooling.
        assert [type(l).__name__ for l in model.layers[-2:]] == ["GlobalAveragePooling2D", "LayerNormalization"]


def test_imagenet_weights_come_from_keras_published_url(tmp_path, monkeypatch):
    """weights='imagenet' fetches Keras's file name from its URL, checks the hash and loads it
    by topology; EfficientNet then adds Keras's extra rescaling for those weights."""
    source = efficientnet.EfficientNetB0(weights=None, include_top=False, input_shape=(32, 32, 3), pooling="avg")
    served = tmp_path / "served"
    served.mkdir()
    source.save_weights(str(served / "efficientnetb0_notop.h5"))
    from lamina.utils.file_utils import _hash_file

    monkeypatch.setenv("LAMINA_HOME", str(tmp_path / "cache"))
    monkeypatch.setattr(efficientnet, "_WEIGHTS_URL", served.as_uri() + "/")
    monkeypatch.setitem(efficientnet._HASHES, "b0", (None, _hash_file(served / "efficientnetb0_notop.h5", "md5")))
    model = efficientnet.EfficientNetB0(weights="imagenet", include_top=False, input_shape=(32, 32, 3),
                                        pooling="avg")
    assert [type(l).__name__ for l in model.layers[1:4]] == ["Rescaling", "Normalization", "Rescaling"]
    for a, b in zip(source.get_weights(), model.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_bad_arguments_are_named():
    with pytest.raises(ValueError, match="EfficientNetB0: input height and width must be at least 32"):
        lamina.applications.EfficientNetB0(weights=None, input_shape=(16, 16, 3))
    with pytest.raises(ValueError, match="ConvNeXtTiny: `pooling` must be None, 'avg' or 'max'. Received: pooling='sum'"):
        lamina.applications.ConvNeXtTiny(weights=None, include_top=False, pooling="sum")
    with pytest.raises(ValueError, match="InceptionV3: with weights='imagenet' and include_top=True, classes must be"):
        lamina.applications.InceptionV3(classes=10)
    with pytest.raises(ValueError, match="InceptionResNetV2: input height and width must be at least 75"):
        lamina.applications.InceptionResNetV2(weights=None, include_top=False, input_shape=(64, 64, 3))
    with pytest.raises(ValueError, match=r"NASNetLarge: with ImageNet weights the input shape must be fully defined"):
        lamina.applications.NASNetLarge(include_top=False, input_shape=(None, None, 3))
    with pytest.raises(ValueError, match="EfficientNetV2S: with pretrained weights, classifier_activation"):
        lamina.applications.EfficientNetV2S(classifier_activation="relu")
    with pytest.raises(ValueError, match=r"StochasticDepth: `drop_path_rate` must be a float in \[0, 1\)"):
        convnext.StochasticDepth(1.5)
    lamina.config.set_image_data_format("channels_first")
    try:
        with pytest.raises(ValueError, match="ConvNeXtTiny: ConvNeXt supports only the 'channels_last'"):
            lamina.applications.ConvNeXtTiny(weights=None)
    finally:
        lamina.config.set_image_data_format("channels_last")


@pytest.mark.parametrize("module", ["efficientnet", "efficientnet_v2", "convnext", "inception_v3",
                                    "inception_resnet_v2", "nasnet"])
def test_preprocess_input_matches_keras(module):
    keras = keras_or_skip()
    x = np.random.RandomState(1).uniform(0, 255, (2, 5, 6, 3)).astype("float32")
    got = getattr(lamina.applications, module).preprocess_input(x.copy())
    expected = getattr(keras.applications, module).preprocess_input(x.copy())
    np.testing.assert_allclose(np.asarray(got), np.asarray(expected), rtol=1e-6, atol=1e-5)
    assert getattr(lamina.applications, module).decode_predictions is \
        lamina.applications.imagenet_utils.decode_predictions


def test_application_layers_files_move_both_ways_with_keras(tmp_path):
    """LayerScale, StochasticDepth and CustomScaleLayer are written under Keras's module and
    class names: Keras loads lamina's file and lamina loads Keras's."""
    keras = keras_or_skip()
    inputs = lamina.Input((4, 4, 3))
    x = lamina.layers.Dense(3)(inputs)
    x = convnext.LayerScale(0.5, 3)(x)
    x = convnext.StochasticDepth(0.25)(x)
    x = inception_resnet_v2.CustomScaleLayer(0.2)([inputs, x])
    model = lamina.Model(inputs, inputs + x)
    path = str(tmp_path / "layers.keras")
    model.save(path)
    loaded = keras.saving.load_model(path)
    assert [type(l).__name__ for l in loaded.layers[2:5]] == ["LayerScale", "StochasticDepth", "CustomScaleLayer"]
    image = np.random.RandomState(0).rand(2, 4, 4, 3).astype("float32")
    expected = model.predict(image, verbose=0)
    np.testing.assert_allclose(keras.ops.convert_to_numpy(loaded(image)), expected, rtol=1e-5, atol=1e-6)
    back_path = str(tmp_path / "back.keras")
    loaded.save(back_path)
    again = lamina.saving.load_model(back_path)
    assert isinstance(again.layers[2], convnext.LayerScale) and again.layers[3].drop_path_rate == 0.25
    assert isinstance(again.layers[4], inception_resnet_v2.CustomScaleLayer) and again.layers[4].scale == 0.2
    np.testing.assert_allclose(again.predict(image, verbose=0), expected, rtol=1e-5, atol=1e-6)
