"""Inception V3 (Szegedy et al., 2015), with Keras's layer names and weight order.

Keras leaves the convolutions of this model unnamed, so their names (``conv2d_7``,
``batch_normalization_7`` ...) follow creation order; build it in a fresh session
(``lamina.utils.clear_session()``) to get the names of Keras's published model.
"""

from lamina import layers
from lamina.applications import imagenet_utils
from lamina.applications._zoo import channel_axis, fetch_weights, pooled
from lamina.models.functional import Functional

_WEIGHTS_URL = "https://storage.googleapis.com/tensorflow/keras-applications/inception_v3/"
_FILES = {True: ("inception_v3_weights_tf_dim_ordering_tf_kernels.h5", "9a0d58056eeedaa3f26cb7ebd46da564"),
          False: ("inception_v3_weights_tf_dim_ordering_tf_kernels_notop.h5", "bcbd6486424b2319ff4ef7d526e38f63")}


def _conv_bn(x, filters, rows, cols, padding="same", strides=1):
    """Convolution without bias, batch norm without scale, ReLU."""
    x = layers.Conv2D(filters, (rows, cols), strides=strides, padding=padding, use_bias=False)(x)
    x = layers.BatchNormalization(axis=channel_axis(), scale=False)(x)
    return layers.Activation("relu")(x)


def _avg_branch(x, filters):
    x = layers.AveragePooling2D(3, strides=1, padding="same")(x)
    return _conv_bn(x, filters, 1, 1)


def _block_35(x, pool_filters, name):
    """35x35 module: 1x1, 5x5, double 3x3 and pooled branches."""
    b1 = _conv_bn(x, 64, 1, 1)
    b5 = _conv_bn(x, 48, 1, 1)
    b5 = _conv_bn(b5, 64, 5, 5)
    b3 = _conv_bn(x, 64, 1, 1)
    b3 = _conv_bn(b3, 96, 3, 3)
    b3 = _conv_bn(b3, 96, 3, 3)
    bp = _avg_branch(x, pool_filters)
    return layers.Concatenate(axis=channel_axis(), name=name)([b1, b5, b3, bp])


def _block_17(x, mid, name):
    """17x17 module: 1x1, factorized 7x7, double factorized 7x7 and pooled branches."""
    b1 = _conv_bn(x, 192, 1, 1)
    b7 = _conv_bn(x, mid, 1, 1)
    b7 = _conv_bn(b7, mid, 1, 7)
    b7 = _conv_bn(b7, 192, 7, 1)
    bd = _conv_bn(x, mid, 1, 1)
    bd = _conv_bn(bd, mid, 7, 1)
    bd = _conv_bn(bd, mid, 1, 7)
    bd = _conv_bn(bd, mid, 7, 1)
    bd = _conv_bn(bd, 192, 1, 7)
    bp = _avg_branch(x, 192)
    return layers.Concatenate(axis=channel_axis(), name=name)([b1, b7, bd, bp])


def _block_8(x, index):
    """8x8 module with expanded (1x3 and 3x1 side by side) branches."""
    axis = channel_axis()
    b1 = _conv_bn(x, 320, 1, 1)
    b3 = _conv_bn(x, 384, 1, 1)
    b3 = layers.Concatenate(axis=axis, name=f"mixed9_{index}")([_conv_bn(b3, 384, 1, 3), _conv_bn(b3, 384, 3, 1)])
    bd = _conv_bn(x, 448, 1, 1)
    bd = _conv_bn(bd, 384, 3, 3)
    bd = layers.Concatenate(axis=axis)([_conv_bn(bd, 384, 1, 3), _conv_bn(bd, 384, 3, 1)])
    bp = _avg_branch(x, 192)
    return layers.Concatenate(axis=axis, name=f"mixed{9 + index}")([b1, b3, bd, bp])


def InceptionV3(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None,
                classes=1000, classifier_activation="softmax", name="inception_v3"):
    """Inception V3 (Szegedy et al., 2015).

    Args:
        include_top: include the classification head (average pooling, dense).
        weights: ``None`` (random), ``"imagenet"`` (downloaded once and cached) or a file path.
        input_tensor: optional symbolic tensor to use as the image input.
        input_shape: image shape (default 299x299x3); at least 75x75.
        pooling: ``None``, ``"avg"`` or ``"max"`` when ``include_top`` is False.
        classes: number of classes when ``include_top`` is True.
        classifier_activation: activation of the last layer (``None`` for logits).
        name: the model's name.

    Example:
        >>> model = lamina.applications.InceptionV3(weights=None, input_shape=(75, 75, 3), classes=10)
        >>> model.output_shape
        (None, 10)
    """
    input_shape = imagenet_utils.check_arguments("InceptionV3", weights, include_top, classes, input_shape, 299, 75,
                                                 pooling=pooling)
    imagenet_utils.check_classifier_activation("InceptionV3", classifier_activation, weights if include_top else None)
    axis = channel_axis()
    x, inputs = imagenet_utils.image_input(input_tensor, input_shape)
    x = _conv_bn(x, 32, 3, 3, strides=2, padding="valid")
    x = _conv_bn(x, 32, 3, 3, padding="valid")
    x = _conv_bn(x, 64, 3, 3)
    x = layers.MaxPooling2D(3, strides=2)(x)
    x = _conv_bn(x, 80, 1, 1, padding="valid")
    x = _conv_bn(x, 192, 3, 3, padding="valid")
    x = layers.MaxPooling2D(3, strides=2)(x)

    for index, pool_filters in enumerate((32, 64, 64)):
        x = _block_35(x, pool_filters, name=f"mixed{index}")
    # 35x35 -> 17x17 reduction.
    b3 = _conv_bn(x, 384, 3, 3, strides=2, padding="valid")
    bd = _conv_bn(x, 64, 1, 1)
    bd = _conv_bn(bd, 96, 3, 3)
    bd = _conv_bn(bd, 96, 3, 3, strides=2, padding="valid")
    bp = layers.MaxPooling2D(3, strides=2)(x)
    x = layers.Concatenate(axis=axis, name="mixed3")([b3, bd, bp])

    for index, mid in enumerate((128, 160, 160, 192)):
        x = _block_17(x, mid, name=f"mixed{4 + index}")
    # 17x17 -> 8x8 reduction.
    b3 = _conv_bn(x, 192, 1, 1)
    b3 = _conv_bn(b3, 320, 3, 3, strides=2, padding="valid")
    b7 = _conv_bn(x, 192, 1, 1)
    b7 = _conv_bn(b7, 192, 1, 7)
    b7 = _conv_bn(b7, 192, 7, 1)
    b7 = _conv_bn(b7, 192, 3, 3, strides=2, padding="valid")
    bp = layers.MaxPooling2D(3, strides=2)(x)
    x = layers.Concatenate(axis=axis, name="mixed8")([b3, b7, bp])

    for index in range(2):
        x = _block_8(x, index)
    if include_top:
        x = layers.GlobalAveragePooling2D(name="avg_pool")(x)
        x = layers.Dense(classes, activation=classifier_activation, name="predictions")(x)
    else:
        x = pooled(x, pooling)
    model = Functional(inputs, x, name=name)
    filename, file_hash = _FILES[bool(include_top)]
    fetch_weights(model, weights, filename, _WEIGHTS_URL + filename, file_hash)
    return model


def preprocess_input(x, data_format=None):
    """Scales [0, 255] images to [-1, 1], as the ImageNet weights expect.

    Example:
        >>> float(lamina.applications.inception_v3.preprocess_input([[255.0]])[0][0])
        1.0
    """
    return imagenet_utils.preprocess_input(x, mode="tf", data_format=data_format)


decode_predictions = imagenet_utils.decode_predictions
