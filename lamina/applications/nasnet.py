"""NASNet-A Mobile and Large (Zoph et al., 2018), with Keras's layer names and weight order.

Keras leaves the ReLUs and a few other layers of these models unnamed, so their names
follow creation order; build in a fresh session (``lamina.utils.clear_session()``) to get
the names of Keras's published models.
"""

from lamina import layers
from lamina.applications import imagenet_utils
from lamina.applications._zoo import channel_axis, fetch_weights, pooled
from lamina.models.functional import Functional

_WEIGHTS_URL = "https://storage.googleapis.com/tensorflow/keras-applications/nasnet/"
# (cached file name, published file name, md5) per (variant, include_top).
_FILES = {
    ("mobile", True): ("nasnet_mobile.h5", "NASNet-mobile.h5", "020fb642bf7360b370c678b08e0adf61"),
    ("mobile", False): ("nasnet_mobile_no_top.h5", "NASNet-mobile-no-top.h5", "1ed92395b5b598bdda52abe5c0dbfd63"),
    ("large", True): ("nasnet_large.h5", "NASNet-large.h5", "11577c9a518f0070763c2b964a382f17"),
    ("large", False): ("nasnet_large_no_top.h5", "NASNet-large-no-top.h5", "d81d89dc07e6e56530c4e77faddd61b5"),
}
# variant: (penultimate filters, normal cells per stage, stem filters, skip reduction, default size)
_VARIANTS = {"mobile": (1056, 4, 32, False, 224), "large": (4032, 6, 96, True, 331)}
_FILTER_MULTIPLIER = 2


def _bn(x, name):
    return layers.BatchNormalization(axis=channel_axis(), momentum=0.9997, epsilon=1e-3, name=name)(x)


def _conv1x1(x, filters, name, strides=1):
    return layers.Conv2D(filters, 1, strides=strides, padding="same", use_bias=False, kernel_initializer="he_normal",
                         name=name)(x)


def _separable(x, filters, kernel_size=3, strides=1, block_id=None):
    """ReLU, separable conv (strided ones after TF-style padding), BN, twice."""
    x = layers.Activation("relu")(x)
    if strides == 2:
        x = layers.ZeroPadding2D(imagenet_utils.correct_pad(x, kernel_size), name=f"separable_conv_1_pad_{block_id}")(x)
    x = layers.SeparableConv2D(filters, kernel_size, strides=strides, padding="valid" if strides == 2 else "same",
                               use_bias=False, name=f"separable_conv_1_{block_id}")(x)
    x = _bn(x, f"separable_conv_1_bn_{block_id}")
    x = layers.Activation("relu")(x)
    x = layers.SeparableConv2D(filters, kernel_size, padding="same", use_bias=False,
                               name=f"separable_conv_2_{block_id}")(x)
    return _bn(x, f"separable_conv_2_bn_{block_id}")


def _adjust(p, ip, filters, block_id):
    """Brings the previous cell's output ``p`` to the size and width of the current input ``ip``."""
    axis = channel_axis()
    spatial = -2 if axis == 3 else 2
    if p is None:
        return ip
    if p.shape[spatial] != ip.shape[spatial]:
        # Halve the resolution along two paths offset by one pixel, then stack them.
        p = layers.Activation("relu", name=f"adjust_relu_1_{block_id}")(p)
        p1 = layers.AveragePooling2D(1, strides=2, padding="valid", name=f"adjust_avg_pool_1_{block_id}")(p)
        p1 = _conv1x1(p1, filters // 2, f"adjust_conv_1_{block_id}")
        p2 = layers.ZeroPadding2D(((0, 1), (0, 1)))(p)
        p2 = layers.Cropping2D(((1, 0), (1, 0)))(p2)
        p2 = layers.AveragePooling2D(1, strides=2, padding="valid", name=f"adjust_avg_pool_2_{block_id}")(p2)
        p2 = _conv1x1(p2, filters // 2, f"adjust_conv_2_{block_id}")
        p = layers.Concatenate(axis=axis)([p1, p2])
        return _bn(p, f"adjust_bn_{block_id}")
    if p.shape[axis] != filters:
        p = layers.Activation("relu")(p)
        p = _conv1x1(p, filters, f"adjust_conv_projection_{block_id}")
        return _bn(p, f"adjust_bn_{block_id}")
    return p


def _normal_cell(ip, p, filters, block_id):
    """Normal cell: five combinations of separable convs, poolings and identities, concatenated."""
    p = _adjust(p, ip, filters, block_id)
    h = layers.Activation("relu")(ip)
    h = _bn(_conv1x1(h, filters, f"normal_conv_1_{block_id}"), f"normal_bn_1_{block_id}")
    x1 = layers.Add(name=f"normal_add_1_{block_id}")([
        _separable(h, filters, 5, block_id=f"normal_left1_{block_id}"),
        _separable(p, filters, block_id=f"normal_right1_{block_id}")])
    x2 = layers.Add(name=f"normal_add_2_{block_id}")([
        _separable(p, filters, 5, block_id=f"normal_left2_{block_id}"),
        _separable(p, filters, 3, block_id=f"normal_right2_{block_id}")])
    x3 = layers.AveragePooling2D(3, strides=1, padding="same", name=f"normal_left3_{block_id}")(h)
    x3 = layers.Add(name=f"normal_add_3_{block_id}")([x3, p])
    x4 = layers.Add(name=f"normal_add_4_{block_id}")([
        layers.AveragePooling2D(3, strides=1, padding="same", name=f"normal_left4_{block_id}")(p),
        layers.AveragePooling2D(3, strides=1, padding="same", name=f"normal_right4_{block_id}")(p)])
    x5 = _separable(h, filters, block_id=f"normal_left5_{block_id}")
    x5 = layers.Add(name=f"normal_add_5_{block_id}")([x5, h])
    x = layers.Concatenate(axis=channel_axis(), name=f"normal_concat_{block_id}")([p, x1, x2, x3, x4, x5])
    return x, ip


def _reduction_cell(ip, p, filters, block_id):
    """Reduction cell: like the normal cell, with stride-2 branches halving the resolution."""
    p = _adjust(p, ip, filters, block_id)
    h = layers.Activation("relu")(ip)
    h = _bn(_conv1x1(h, filters, f"reduction_conv_1_{block_id}"), f"reduction_bn_1_{block_id}")
    h3 = layers.ZeroPadding2D(imagenet_utils.correct_pad(h, 3), name=f"reduction_pad_1_{block_id}")(h)
    x1 = layers.Add(name=f"reduction_add_1_{block_id}")([
        _separable(h, filters, 5, strides=2, block_id=f"reduction_left1_{block_id}"),
        _separable(p, filters, 7, strides=2, block_id=f"reduction_right1_{block_id}")])
    x2 = layers.Add(name=f"reduction_add_2_{block_id}")([
        layers.MaxPooling2D(3, strides=2, padding="valid", name=f"reduction_left2_{block_id}")(h3),
        _separable(p, filters, 7, strides=2, block_id=f"reduction_right2_{block_id}")])
    x3 = layers.Add(name=f"reduction_add3_{block_id}")([
        layers.AveragePooling2D(3, strides=2, padding="valid", name=f"reduction_left3_{block_id}")(h3),
        _separable(p, filters, 5, strides=2, block_id=f"reduction_right3_{block_id}")])
    x4 = layers.AveragePooling2D(3, strides=1, padding="same", name=f"reduction_left4_{block_id}")(x1)
    x4 = layers.Add()([x2, x4])
    x5 = layers.Add(name=f"reduction_add4_{block_id}")([
        _separable(x1, filters, 3, block_id=f"reduction_left4_{block_id}"),
        layers.MaxPooling2D(3, strides=2, padding="valid", name=f"reduction_right5_{block_id}")(h3)])
    x = layers.Concatenate(axis=channel_axis(), name=f"reduction_concat_{block_id}")([x2, x3, x4, x5])
    return x, ip


def _nasnet(variant, function, input_shape, include_top, weights, input_tensor, pooling, classes,
            classifier_activation, name):
    penultimate, num_blocks, stem_filters, skip_reduction, default_size = _VARIANTS[variant]
    if weights == "imagenet" and input_shape is not None and None in tuple(input_shape):
        raise ValueError(f"{function}: with ImageNet weights the input shape must be fully defined. "
                         f"Received: input_shape={tuple(input_shape)}")
    input_shape = imagenet_utils.check_arguments(function, weights, include_top, classes, input_shape, default_size,
                                                 32, pooling=pooling)
    imagenet_utils.check_classifier_activation(function, classifier_activation, weights if include_top else None)
    x, inputs = imagenet_utils.image_input(input_tensor, input_shape)
    multiplier = _FILTER_MULTIPLIER
    filters = penultimate // 24
    x = layers.Conv2D(stem_filters, 3, strides=2, padding="valid", use_bias=False, kernel_initializer="he_normal",
                      name="stem_conv1")(x)
    x = _bn(x, "stem_bn1")
    x, p = _reduction_cell(x, None, filters // multiplier**2, "stem_1")
    x, p = _reduction_cell(x, p, filters // multiplier, "stem_2")
    for stage in range(3):
        if stage > 0:
            # Large keeps the pre-reduction input as the next cell's "previous" input.
            x, p_reduced = _reduction_cell(x, p, filters * multiplier**stage, f"reduce_{stage * num_blocks}")
            p = p if skip_reduction else p_reduced
        for i in range(num_blocks):
            block_id = str(i) if stage == 0 else str(stage * num_blocks + i + 1)
            x, p = _normal_cell(x, p, filters * multiplier**stage, block_id)
    x = layers.Activation("relu")(x)
    if include_top:
        x = layers.GlobalAveragePooling2D()(x)
        x = layers.Dense(classes, activation=classifier_activation, name="predictions")(x)
    else:
        x = pooled(x, pooling)
    model = Functional(inputs, x, name=name)
    cached, published, file_hash = _FILES[(variant, bool(include_top))]
    fetch_weights(model, weights, cached, _WEIGHTS_URL + published, file_hash)
    return model


def NASNetMobile(input_shape=None, include_top=True, weights="imagenet", input_tensor=None, pooling=None,
                 classes=1000, classifier_activation="softmax", name="nasnet_mobile"):
    """NASNet-A Mobile (4 @ 1056), for 224x224 images.

    Args:
        input_shape: image shape (default 224x224x3); at least 32x32.
        include_top: include the classification head (average pooling, dense).
        weights: ``None`` (random), ``"imagenet"`` (downloaded once and cached) or a file path.
        input_tensor: optional symbolic tensor to use as the image input.
        pooling: ``None``, ``"avg"`` or ``"max"`` when ``include_top`` is False.
        classes: number of classes when ``include_top`` is True.
        classifier_activation: activation of the last layer (``None`` for logits).
        name: the model's name.

    Example:
        >>> model = lamina.applications.NASNetMobile(weights=None, input_shape=(32, 32, 3), classes=10)
        >>> model.output_shape
        (None, 10)
    """
    if not include_top and input_shape is None:
        input_shape = (224, 224, 3)
    return _nasnet("mobile", "NASNetMobile", input_shape, include_top, weights, input_tensor, pooling, classes,
                   classifier_activation, name)


def NASNetLarge(input_shape=None, include_top=True, weights="imagenet", input_tensor=None, pooling=None,
                classes=1000, classifier_activation="softmax", name="nasnet_large"):
    """NASNet-A Large (6 @ 4032), for 331x331 images; arguments as ``NASNetMobile``."""
    return _nasnet("large", "NASNetLarge", input_shape, include_top, weights, input_tensor, pooling, classes,
                   classifier_activation, name)


def preprocess_input(x, data_format=None):
    """Scales [0, 255] images to [-1, 1], as the ImageNet weights expect.

    Example:
        >>> float(lamina.applications.nasnet.preprocess_input([[255.0]])[0][0])
        1.0
    """
    return imagenet_utils.preprocess_input(x, mode="tf", data_format=data_format)


decode_predictions = imagenet_utils.decode_predictions
