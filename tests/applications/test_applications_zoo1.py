"""MobileNet v1/v2/v3, DenseNet, ResNet v2 and Xception against real Keras 3: the same layer
names, the same weights layer by layer (so Keras's published ``.h5`` files load by topology),
the same predictions and the same preprocessing."""

import functools
import http.server
import threading

import numpy as np
import pytest

import lamina
from lamina.applications import densenet, resnet_v2
from lamina.layers.core.op_layer import OpLayer
from tests.conftest import keras_or_skip


@pytest.fixture
def keras(monkeypatch):
    """Real Keras on the same backend, with its random initializers drawn by NumPy: the
    weights are overwritten anyway, and JAX compiles a random kernel per weight shape."""
    keras = keras_or_skip()
    import keras.src.backend as keras_backend

    def uniform(shape, minval=0.0, maxval=1.0, dtype=None, seed=None):
        return keras.ops.convert_to_tensor(np.random.uniform(minval, maxval, shape).astype(dtype or "float32"))

    def normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
        return keras.ops.convert_to_tensor(np.random.normal(mean, stddev, shape).astype(dtype or "float32"))

    for name, fn in (("uniform", uniform), ("normal", normal), ("truncated_normal", normal)):
        monkeypatch.setattr(keras_backend.random, name, fn)
    keras.backend.clear_session()
    return keras


def _randomize(keras_model, seed=0):
    """Gives Keras's model non-trivial BatchNorm statistics and biases, so that a mismatched
    weight order or a wrong epsilon shows in the predictions."""
    rng = np.random.RandomState(seed)
    values = []
    for w, value in zip(keras_model.weights, keras_model.get_weights()):
        if w.path.endswith(("gamma", "moving_variance")):
            value = rng.uniform(0.5, 1.5, value.shape)
        elif w.path.endswith(("beta", "moving_mean", "bias")):
            value = rng.normal(0.0, 0.1, value.shape)
        values.append(value.astype("float32"))
    keras_model.set_weights(values)
    return values


def _layer_names(model):
    return [layer.name for layer in model.layers if not isinstance(layer, OpLayer)]


def _weights_by_layer(model):
    """``(path, shape)`` of every weight, layer by layer: the order of Keras's weight files."""
    return [(w.path, tuple(w.shape)) for layer in model.layers for w in layer.weights]


def _assert_same_model(model, keras_model, image_shape, seed=0, batch_size=2):
    """Names, weights (paths, shapes, order within the model's layers) and predictions on a random batch."""
    assert model.name == keras_model.name
    assert _layer_names(model) == [layer.name for layer in keras_model.layers]
    assert _weights_by_layer(model) == _weights_by_layer(keras_model)
    # Model.weights lists the trainable weights first, as the seed note's tf.keras does, where
    # Keras 3 goes layer by layer: copy by path.
    values = dict(zip((w.path for w in keras_model.weights), _randomize(keras_model, seed)))
    model.set_weights([values[w.path] for w in model.weights])
    x = np.random.RandomState(seed).uniform(0, 255, (batch_size,) + image_shape).astype("float32")
    expected = keras_model.predict(x, verbose=0)
    got = model.predict(x, verbose=0)
    np.testing.assert_allclose(got, expected, rtol=1e-4, atol=1e-5 * max(1.0, np.abs(expected).max()))
    return x, expected


@pytest.fixture
def weights_server(tmp_path, monkeypatch):
    """Serves ``tmp_path/served`` over HTTP as the weights' base URL, with a fresh cache."""
    served = tmp_path / "served"
    served.mkdir()
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(served))
    handler.log_message = lambda *args: None
    httpd = http.server.HTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    monkeypatch.setenv("LAMINA_HOME", str(tmp_path / "cache"))
    monkeypatch.setattr(lamina.applications.imagenet_utils, "WEIGHTS_BASE",
                        f"http://127.0.0.1:{httpd.server_address[1]}/")
    yield served
    httpd.shutdown()
    httpd.server_close()


def test_mobilenet_matches_keras_and_loads_its_published_file_format(keras, weights_server):
    args = dict(input_shape=(128, 128, 3), alpha=0.25, classifier_activation=None)
    model = lamina.applications.MobileNet(weights=None, **args)
    keras_model = keras.applications.MobileNet(weights=None, **args)
    assert model.name == "mobilenet_0.25_128"
    x, expected = _assert_same_model(model, keras_model, (128, 128, 3))
    # Keras's published file for these arguments, written by Keras in the tf.keras layout.
    import h5py
    from keras.src.legacy.saving import legacy_h5_format

    (weights_server / "mobilenet").mkdir()
    with h5py.File(weights_server / "mobilenet" / "mobilenet_2_5_128_tf.h5", "w") as f:
        legacy_h5_format.save_weights_to_hdf5_group(f, keras_model)
    pretrained = lamina.applications.mobilenet.MobileNet(weights="imagenet", **args)
    np.testing.assert_allclose(pretrained.predict(x, verbose=0), expected, rtol=1e-4,
                               atol=1e-5 * max(1.0, np.abs(expected).max()))


def test_mobilenet_v2_matches_keras(keras):
    args = dict(input_shape=(32, 32, 3), alpha=0.35, classes=5, classifier_activation=None)
    model = lamina.applications.MobileNetV2(weights=None, **args)
    _assert_same_model(model, keras.applications.MobileNetV2(weights=None, **args), (32, 32, 3))


def test_mobilenet_v3_small_matches_keras(keras):
    args = dict(input_shape=(32, 32, 3), alpha=0.75, classes=5, classifier_activation=None)
    model = lamina.applications.MobileNetV3Small(weights=None, **args)
    _assert_same_model(model, keras.applications.MobileNetV3Small(weights=None, **args), (32, 32, 3))


def test_mobilenet_v3_large_minimalistic_names_and_weights(keras):
    args = dict(minimalistic=True, include_top=False, pooling="avg", include_preprocessing=False)
    model = lamina.applications.MobileNetV3Large(weights=None, **args)
    keras_model = keras.applications.MobileNetV3Large(weights=None, **args)
    assert _layer_names(model) == [layer.name for layer in keras_model.layers]
    assert _weights_by_layer(model) == _weights_by_layer(keras_model)
    assert model.output_shape == keras_model.output_shape == (None, 960)


def test_xception_matches_keras(keras):
    args = dict(input_shape=(71, 71, 3), classes=5, classifier_activation=None)
    model = lamina.applications.Xception(weights=None, **args)
    _assert_same_model(model, keras.applications.Xception(weights=None, **args), (71, 71, 3), batch_size=1)


def test_resnet_v2_blocks_match_keras(keras):
    """The ResNet v2 builder with two blocks per stage, against Keras's own builder."""
    from keras.src.applications import resnet as keras_resnet

    def stacks(x):
        for stage, filters in ((2, 64), (3, 128), (4, 256), (5, 512)):
            x = keras_resnet.stack_residual_blocks_v2(x, filters, 2, stride1=1 if stage == 5 else 2,
                                                      name=f"conv{stage}")
        return x

    keras_model = keras_resnet.ResNet(stacks, True, True, weights=None, input_shape=(32, 32, 3), classes=5,
                                      classifier_activation=None, name="resnet_v2_small")
    model = resnet_v2._resnet_v2((2, 2, 2, 2), True, None, None, (32, 32, 3), None, 5, None, "resnet_v2_small")
    _assert_same_model(model, keras_model, (32, 32, 3))


def test_densenet_blocks_match_keras(keras):
    """The DenseNet builder with few dense layers per stage, against Keras's own builder."""
    from keras.src.applications import densenet as keras_densenet

    keras_model = keras_densenet.DenseNet([1, 2, 1, 1], weights=None, input_shape=(32, 32, 3), classes=5,
                                          classifier_activation=None, name="densenet_small")
    model = densenet._densenet((1, 2, 1, 1), True, None, None, (32, 32, 3), None, 5, None, "densenet_small")
    _assert_same_model(model, keras_model, (32, 32, 3))


def test_full_depth_models_and_pooling_shapes():
    # Keras's parameter counts for the feature extractors.
    resnet = lamina.applications.ResNet50V2(weights=None, include_top=False, pooling="avg")
    assert resnet.output_shape == (None, 2048) and resnet.count_params() == 23564800
    assert sum(l.name.endswith("_out") for l in resnet.layers) == 16
    dense = lamina.applications.DenseNet121(weights=None, include_top=False, pooling="max")
    assert dense.output_shape == (None, 1024) and dense.count_params() == 7037504
    assert lamina.applications.MobileNet(weights=None, include_top=False, alpha=0.5).output_shape == \
        (None, None, None, 512)
    assert lamina.applications.MobileNetV2(weights=None, include_top=False, input_shape=(64, 64, 3),
                                           pooling="max").output_shape == (None, 1280)
    assert lamina.applications.Xception(weights=None, include_top=False, input_shape=(96, 96, 3)).output_shape == \
        (None, 3, 3, 2048)
    assert lamina.applications.MobileNetV3Small(weights=None, include_top=False, input_shape=(48, 64, 3)).output_shape \
        == (None, 2, 2, 576)


def test_a_symbolic_input_tensor_becomes_the_model_input():
    image = lamina.Input((40, 40, 3))
    scaled = lamina.layers.Rescaling(1.0 / 255)(image)
    model = lamina.applications.MobileNetV2(weights=None, input_tensor=scaled, alpha=0.35, classes=3)
    assert model.inputs[0] is image
    assert model.name == "mobilenetv2_0.35_40" and model.output_shape == (None, 3)
    assert model.layers[1].name == "rescaling" and model.layers[2].name == "Conv1"


def test_bad_arguments_are_named():
    with pytest.raises(ValueError, match=r"MobileNet: ImageNet weights exist for alpha .* Received: alpha=0\.3"):
        lamina.applications.MobileNet(alpha=0.3)
    with pytest.raises(ValueError, match="MobileNetV2: `alpha` must be a positive number. Received: alpha=-1"):
        lamina.applications.MobileNetV2(weights=None, alpha=-1)
    with pytest.raises(ValueError, match="MobileNetV3Large: ImageNet weights exist .* minimalistic=True"):
        lamina.applications.MobileNetV3Large(alpha=0.75, minimalistic=True)
    with pytest.raises(ValueError, match="Xception: input height and width must be at least 71"):
        lamina.applications.Xception(weights=None, include_top=False, input_shape=(64, 64, 3))
    with pytest.raises(ValueError, match="DenseNet121: `pooling` must be None, 'avg' or 'max'. Received: pooling='sum'"):
        lamina.applications.DenseNet121(weights=None, include_top=False, pooling="sum")
    with pytest.raises(ValueError, match="ResNet50V2: with weights='imagenet' and include_top=True, classes must be"):
        lamina.applications.ResNet50V2(classes=10)
    with pytest.raises(ValueError, match="classifier_activation must be 'softmax' or None. Received: .*'relu'"):
        lamina.applications.MobileNetV3Small(input_shape=(224, 224, 3), classifier_activation="relu")


@pytest.mark.parametrize("module", ["mobilenet", "mobilenet_v2", "mobilenet_v3", "densenet", "resnet_v2",
                                    "xception", "resnet50", "vgg16", "vgg19"])
def test_preprocess_input_matches_keras(module):
    keras = keras_or_skip()
    x = np.random.RandomState(1).uniform(0, 255, (2, 5, 6, 3)).astype("float32")
    got = getattr(lamina.applications, module).preprocess_input(x.copy())
    expected = getattr(keras.applications, module).preprocess_input(x.copy())
    np.testing.assert_allclose(np.asarray(got), np.asarray(expected), rtol=1e-6, atol=1e-5)
    assert getattr(lamina.applications, module).decode_predictions is lamina.applications.imagenet_utils.\
        decode_predictions
