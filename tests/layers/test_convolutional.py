"""Convolution layers: the shared harness, errors, and parity with Keras 3."""

import numpy as np
import pytest

import lamina
from lamina import layers, testing

RNG = np.random.default_rng(0)


def _x(*shape):
    return RNG.normal(size=shape).astype("float32")


@pytest.mark.parametrize("cls,kwargs,in_shape,out_shape", [
    (layers.Conv1D, {"filters": 3, "kernel_size": 3, "padding": "causal", "dilation_rate": 2}, (2, 9, 4), (2, 9, 3)),
    (layers.Conv2D, {"filters": 4, "kernel_size": 3, "strides": 2, "padding": "same"}, (2, 7, 7, 2), (2, 4, 4, 4)),
    (layers.Conv2D, {"filters": 4, "kernel_size": (2, 3), "groups": 2, "activation": "relu"}, (2, 6, 6, 4), (2, 5, 4, 4)),
    (layers.Conv3D, {"filters": 2, "kernel_size": 2, "data_format": "channels_first"}, (1, 3, 4, 4, 4), (1, 2, 3, 3, 3)),
    (layers.Conv1DTranspose, {"filters": 2, "kernel_size": 3, "strides": 2}, (2, 5, 3), (2, 11, 2)),
    (layers.Conv2DTranspose, {"filters": 2, "kernel_size": 3, "strides": 2, "padding": "same", "output_padding": 1},
     (2, 4, 4, 3), (2, 8, 8, 2)),
    (layers.Conv3DTranspose, {"filters": 2, "kernel_size": 2, "strides": 2}, (1, 2, 2, 2, 3), (1, 4, 4, 4, 2)),
    (layers.SeparableConv1D, {"filters": 3, "kernel_size": 3, "depth_multiplier": 2}, (2, 8, 4), (2, 6, 3)),
    (layers.SeparableConv2D, {"filters": 3, "kernel_size": 3, "padding": "same"}, (2, 5, 5, 2), (2, 5, 5, 3)),
])
def test_conv_layers_harness(cls, kwargs, in_shape, out_shape):
    n_weights = 3 if "Separable" in cls.__name__ else 2
    testing.run_layer_test(cls, kwargs, input_shape=in_shape, expected_output_shape=out_shape,
                           expected_num_trainable_weights=n_weights, expected_num_non_trainable_weights=0)


@pytest.mark.parametrize("cls,in_shape,out_shape", [
    (layers.DepthwiseConv1D, (2, 8, 3), (2, 6, 6)),
    (layers.DepthwiseConv2D, (2, 6, 6, 3), (2, 4, 4, 6)),
])
def test_depthwise_harness(cls, in_shape, out_shape):
    testing.run_layer_test(cls, {"kernel_size": 3, "depth_multiplier": 2}, input_shape=in_shape,
                           expected_output_shape=out_shape, expected_num_trainable_weights=2)


def test_weight_names_and_shapes_follow_keras():
    conv = layers.Conv2D(4, 3, use_bias=True)
    conv.build((None, 8, 8, 2))
    assert [(v.name, v.shape) for v in conv.weights] == [("kernel", (3, 3, 2, 4)), ("bias", (4,))]
    conv_t = layers.Conv2DTranspose(5, 2)
    conv_t.build((None, 8, 8, 3))
    assert conv_t.kernel.shape == (2, 2, 5, 3)
    sep = layers.SeparableConv2D(6, 3, depth_multiplier=2, use_bias=False)
    sep.build((None, 8, 8, 3))
    assert [(v.name, v.shape) for v in sep.weights] == [("depthwise_kernel", (3, 3, 3, 2)),
                                                       ("pointwise_kernel", (1, 1, 6, 6))]
    assert conv.name == "conv2d" and conv_t.name == "conv2d_transpose"


def test_rank_and_channel_errors():
    conv = layers.Conv2D(4, 3, name="conv2d")
    with pytest.raises(ValueError, match=r"Conv2D layer 'conv2d' expects inputs of rank 4.*Received shape \(2, 5\)"):
        conv(np.ones((2, 5), "float32"))
    conv(np.ones((1, 5, 5, 3), "float32"))
    with pytest.raises(ValueError, match="axis -1"):
        conv(np.ones((1, 5, 5, 2), "float32"))
    with pytest.raises(ValueError, match="divisible by `groups`"):
        layers.Conv2D(4, 3, groups=3)
    with pytest.raises(ValueError, match="padding"):
        layers.Conv2D(4, 3, padding="causal")
    with pytest.raises(ValueError, match="kernel_size"):
        layers.Conv2D(4, (3, 3, 3))
    with pytest.raises(ValueError, match="filters"):
        layers.Conv2D(0, 3)
    with pytest.raises(ValueError, match="output_padding"):
        layers.Conv2DTranspose(2, 3, strides=2, output_padding=2)


def test_symbolic_shapes_channels_first_and_unknown_spatial():
    x = lamina.Input((3, None, 10))
    y = layers.Conv2D(5, 3, data_format="channels_first", padding="same")(x)
    assert y.shape == (None, 5, None, 10)
    z = layers.Conv2DTranspose(2, 3, strides=2, data_format="channels_first")(y)
    assert z.shape == (None, 2, None, 21)


@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
@pytest.mark.parametrize("name,kwargs,spatial", [
    ("Conv1D", {"filters": 3, "kernel_size": 3, "strides": 2, "padding": "same"}, (9,)),
    ("Conv1D", {"filters": 4, "kernel_size": 2, "dilation_rate": 2, "groups": 2}, (9,)),
    ("Conv2D", {"filters": 3, "kernel_size": (3, 2), "strides": (2, 1), "padding": "same"}, (7, 6)),
    ("Conv2D", {"filters": 4, "kernel_size": 3, "dilation_rate": 2, "groups": 2, "activation": "tanh"}, (8, 8)),
    ("Conv3D", {"filters": 2, "kernel_size": 2, "padding": "same", "strides": 2}, (5, 4, 3)),
    ("Conv1DTranspose", {"filters": 2, "kernel_size": 3, "strides": 2, "padding": "same"}, (5,)),
    ("Conv2DTranspose", {"filters": 3, "kernel_size": 3, "strides": 2, "output_padding": 1}, (4, 5)),
    ("Conv2DTranspose", {"filters": 2, "kernel_size": 2, "dilation_rate": 2, "padding": "same"}, (4, 4)),
    ("Conv3DTranspose", {"filters": 2, "kernel_size": 3, "strides": 2, "padding": "same"}, (3, 2, 3)),
    ("DepthwiseConv1D", {"kernel_size": 3, "depth_multiplier": 2, "padding": "same"}, (8,)),
    ("DepthwiseConv2D", {"kernel_size": 3, "strides": 2}, (7, 7)),
    ("SeparableConv1D", {"filters": 3, "kernel_size": 3, "depth_multiplier": 2}, (8,)),
    ("SeparableConv2D", {"filters": 5, "kernel_size": 3, "padding": "same", "dilation_rate": 2}, (7, 6)),
])
def test_parity_with_keras(parity, name, kwargs, spatial, data_format):
    channels = 4
    shape = (2,) + spatial + (channels,) if data_format == "channels_last" else (2, channels) + spatial
    parity(name, {**kwargs, "data_format": data_format}, _x(*shape))


def test_conv1d_causal_parity(parity):
    parity("Conv1D", {"filters": 2, "kernel_size": 3, "padding": "causal", "dilation_rate": 2}, _x(2, 10, 3))


def test_config_keys_match_keras():
    keras = pytest.importorskip("keras")
    for name, kwargs in [("Conv2D", {"filters": 2, "kernel_size": 3}), ("Conv2DTranspose", {"filters": 2, "kernel_size": 3}),
                         ("DepthwiseConv2D", {"kernel_size": 3}), ("SeparableConv1D", {"filters": 2, "kernel_size": 3})]:
        ours = set(getattr(layers, name)(**kwargs).get_config())
        theirs = set(getattr(keras.layers, name)(**kwargs).get_config())
        assert theirs - ours <= {"lora_rank", "lora_alpha", "quantization_config"}, (name, theirs - ours)
        assert ours - theirs <= {"batch_input_shape"}, (name, ours - theirs)
