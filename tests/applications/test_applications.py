"""Application models: architecture (Keras layer names), feature extraction (seed S8), weights files."""

import numpy as np
import pytest

import lamina
from lamina import backend


def test_s08_vgg19_feature_extraction():
    vgg19 = lamina.applications.VGG19(weights=None, input_shape=(32, 32, 3), classes=10)
    assert [l.name for l in vgg19.layers][:4] == ["input_layer", "block1_conv1", "block1_conv2", "block1_pool"]
    assert len([l for l in vgg19.layers if "conv" in l.name]) == 16
    features_list = [layer.output for layer in vgg19.layers]
    features_name = [layer.name for layer in vgg19.layers]
    feat_extraction_model = lamina.Model(vgg19.inputs, features_list)
    image = np.random.RandomState(0).rand(1, 32, 32, 3).astype("float32") * 255
    features = feat_extraction_model(image)
    assert len(features) == len(features_name)
    shapes = {name: tuple(backend.convert_to_numpy(f).shape) for name, f in zip(features_name, features)}
    assert shapes["block1_conv1"] == (1, 32, 32, 64)
    assert shapes["block5_pool"] == (1, 1, 1, 512)
    assert shapes["predictions"] == (1, 10)


def test_resnet50_structure_and_prediction():
    model = lamina.applications.ResNet50(weights=None, input_shape=(32, 32, 1), classes=10)
    names = [l.name for l in model.layers]
    assert "conv2_block1_0_conv" in names and "conv5_block3_out" in names and names[-1] == "predictions"
    assert sum(1 for n in names if n.endswith("_add")) == 16
    out = backend.convert_to_numpy(model(np.zeros((2, 32, 32, 1), "float32")))
    assert out.shape == (2, 10)
    np.testing.assert_allclose(out.sum(axis=-1), 1.0, rtol=1e-5)


def test_weights_from_a_file_and_argument_checks(tmp_path):
    model = lamina.applications.VGG16(weights=None, include_top=False, input_shape=(32, 32, 3), pooling="avg")
    assert model.output_shape == (None, 512)
    path = tmp_path / "vgg16_notop.weights.h5"
    model.save_weights(path)
    again = lamina.applications.VGG16(weights=str(path), include_top=False, input_shape=(32, 32, 3), pooling="avg")
    for a, b in zip(model.get_weights(), again.get_weights()):
        np.testing.assert_array_equal(a, b)
    with pytest.raises(ValueError, match="classes must be 1000"):
        lamina.applications.VGG16(weights="imagenet", classes=10)
    with pytest.raises(ValueError, match="at least 32"):
        lamina.applications.ResNet50(weights=None, input_shape=(16, 16, 3))


def test_preprocess_input_caffe_mode():
    x = np.full((1, 2, 2, 3), 128.0, dtype="float32")
    out = lamina.applications.vgg.preprocess_input(x)
    np.testing.assert_allclose(out[0, 0, 0], [128 - 103.939, 128 - 116.779, 128 - 123.68], rtol=1e-5)
