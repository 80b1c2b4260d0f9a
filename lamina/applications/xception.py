"""Xception (Chollet, 2017): depthwise-separable convolutions with residual links, with Keras's layer names."""

from lamina import backend, layers
from lamina.applications import imagenet_utils
from lamina.models.functional import Functional

_HASHES = {
    "xception_weights_tf_dim_ordering_tf_kernels.h5": "0a58e3b7378bc2990ea3b43d5981f1f6",
    "xception_weights_tf_dim_ordering_tf_kernels_notop.h5": "b0042744bf5b25fce3cb969f33bebb97",
}


def _sepconv_bn(x, filters, name, channel_axis, relu_first=True, relu_name=None):
    """(ReLU) -> 3x3 separable conv -> BN, the unit every Xception block repeats."""
    if relu_first:
        x = layers.Activation("relu", name=relu_name or f"{name}_act")(x)
    x = layers.SeparableConv2D(filters, 3, padding="same", use_bias=False, name=name)(x)
    return layers.BatchNormalization(axis=channel_axis, name=f"{name}_bn")(x)


def _downsampling_block(x, filters, block, channel_axis, relu_first=True):
    """Two separable convs and a strided max pooling, added to a strided 1x1 projection."""
    residual = layers.Conv2D(filters[1], 1, strides=2, padding="same", use_bias=False)(x)
    residual = layers.BatchNormalization(axis=channel_axis)(residual)
    x = _sepconv_bn(x, filters[0], f"block{block}_sepconv1", channel_axis, relu_first=relu_first)
    x = _sepconv_bn(x, filters[1], f"block{block}_sepconv2", channel_axis)
    x = layers.MaxPooling2D(3, strides=2, padding="same", name=f"block{block}_pool")(x)
    return layers.add([x, residual])


def Xception(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None, classes=1000,
             classifier_activation="softmax", name="xception"):
    """Xception.

    Args:
        include_top: include the classification head.
        weights: ``None`` (random), ``"imagenet"`` (downloaded once and cached) or a file path.
        input_tensor: optional symbolic tensor to use as the image input.
        input_shape: image shape (299x299x3 with the top; any size of at least 71x71 without).
        pooling: ``None``, ``"avg"`` or ``"max"`` when ``include_top`` is False.
        classes: number of classes when ``include_top`` is True.
        classifier_activation: activation of the classifier (``softmax`` or ``None`` with
            pretrained weights).
        name: model name.

    Example:
        >>> model = lamina.applications.Xception(weights=None, input_shape=(71, 71, 3), classes=10)
        >>> model.output_shape
        (None, 10)
    """
    input_shape = imagenet_utils.check_arguments("Xception", weights, include_top, classes, input_shape, 299, 71,
                                                 pooling=pooling)
    imagenet_utils.check_classifier_activation("Xception", classifier_activation, weights if include_top else None)
    channel_axis = -1 if backend.image_data_format() == "channels_last" else 1
    x, inputs = imagenet_utils.image_input(input_tensor, input_shape)
    # Entry flow.
    for filters, strides, conv in ((32, 2, "block1_conv1"), (64, 1, "block1_conv2")):
        x = layers.Conv2D(filters, 3, strides=strides, use_bias=False, name=conv)(x)
        x = layers.BatchNormalization(axis=channel_axis, name=f"{conv}_bn")(x)
        x = layers.Activation("relu", name=f"{conv}_act")(x)
    # Block 2 starts without a ReLU (the stem just applied one) and names its ReLU after sepconv2.
    residual = layers.Conv2D(128, 1, strides=2, padding="same", use_bias=False)(x)
    residual = layers.BatchNormalization(axis=channel_axis)(residual)
    x = _sepconv_bn(x, 128, "block2_sepconv1", channel_axis, relu_first=False)
    x = _sepconv_bn(x, 128, "block2_sepconv2", channel_axis, relu_name="block2_sepconv2_act")
    x = layers.MaxPooling2D(3, strides=2, padding="same", name="block2_pool")(x)
    x = layers.add([x, residual])
    x = _downsampling_block(x, (256, 256), 3, channel_axis)
    x = _downsampling_block(x, (728, 728), 4, channel_axis)
    # Middle flow: eight residual blocks of three separable convolutions.
    for block in range(5, 13):
        residual = x
        for i in (1, 2, 3):
            x = _sepconv_bn(x, 728, f"block{block}_sepconv{i}", channel_axis)
        x = layers.add([x, residual])
    # Exit flow.
    x = _downsampling_block(x, (728, 1024), 13, channel_axis)
    for i, filters in ((1, 1536), (2, 2048)):
        x = _sepconv_bn(x, filters, f"block14_sepconv{i}", channel_axis, relu_first=False)
        x = layers.Activation("relu", name=f"block14_sepconv{i}_act")(x)
    if include_top:
        x = layers.GlobalAveragePooling2D(name="avg_pool")(x)
        x = layers.Dense(classes, activation=classifier_activation, name="predictions")(x)
    elif pooling == "avg":
        x = layers.GlobalAveragePooling2D()(x)
    elif pooling == "max":
        x = layers.GlobalMaxPooling2D()(x)
    model = Functional(inputs, x, name=name)
    filename = f"xception_weights_tf_dim_ordering_tf_kernels{'' if include_top else '_notop'}.h5"
    imagenet_utils.load_weights(model, weights, filename, _HASHES[filename], folder="xception")
    return model


def preprocess_input(x, data_format=None):
    """Scales pixels from [0, 255] to [-1, 1], as the Xception weights expect."""
    return imagenet_utils.preprocess_input(x, mode="tf", data_format=data_format)


decode_predictions = imagenet_utils.decode_predictions
