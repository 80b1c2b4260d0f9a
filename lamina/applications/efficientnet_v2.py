"""EfficientNetV2 B0-B3, S, M and L (Tan and Le, 2021), with Keras's layer names and weight order.

With ``include_preprocessing=True`` (the default) the model scales its own input: B0-B3
divide by 255 and normalize by the ImageNet mean and standard deviation, S/M/L map [0, 255]
to [-1, 1]. ``preprocess_input`` returns its input unchanged.
"""

import math

from lamina import initializers, layers
from lamina.applications import imagenet_utils
from lamina.applications._zoo import (CONV_KERNEL_INITIALIZER, DENSE_KERNEL_INITIALIZER, channel_axis,
                                      fetch_weights, pooled, squeeze_excite)
from lamina.models.functional import Functional

_WEIGHTS_URL = "https://storage.googleapis.com/tensorflow/keras-applications/efficientnet_v2/"
# (include_top hash, notop hash) of the published files.
_HASHES = {
    "b0": ("21ecbf6da12460d5c40bb2f29ceb2188", "893217f2bb855e2983157299931e43ff"),
    "b1": ("069f0534ff22adf035c89e2d9547a9dc", "0e80663031ca32d657f9caa404b6ec37"),
    "b2": ("424e49f28180edbde1e94797771950a7", "1dfe2e7a5d45b6632553a8961ea609eb"),
    "b3": ("1f1fc43bd98a6e4fd8fdfd551e02c7a0", "f6abf7b5849ac99a89b50dd3fd532856"),
    "s": ("e1d88a8495beba45748fedd0cecbe016", "af0682fb74e8c54910f2d4393339c070"),
    "m": ("a3bf6aa3276309f4fc6a34aa114c95cd", "1b8dc055df72dde80d614482840fe342"),
    "l": ("27e6d408b53c7ebc868fefa357689935", "b0b66b5c863aef5b46e8608fe1711615"),
}
# Stages: (kernel size, repeats, filters in, filters out, expansion, squeeze-excite ratio, stride, fused).
_B_STAGES = (
    (3, 1, 32, 16, 1, 0, 1, True), (3, 2, 16, 32, 4, 0, 2, True), (3, 2, 32, 48, 4, 0, 2, True),
    (3, 3, 48, 96, 4, 0.25, 2, False), (3, 5, 96, 112, 6, 0.25, 1, False), (3, 8, 112, 192, 6, 0.25, 2, False),
)
_S_STAGES = (
    (3, 2, 24, 24, 1, 0, 1, True), (3, 4, 24, 48, 4, 0, 2, True), (3, 4, 48, 64, 4, 0, 2, True),
    (3, 6, 64, 128, 4, 0.25, 2, False), (3, 9, 128, 160, 6, 0.25, 1, False), (3, 15, 160, 256, 6, 0.25, 2, False),
)
_M_STAGES = (
    (3, 3, 24, 24, 1, 0, 1, True), (3, 5, 24, 48, 4, 0, 2, True), (3, 5, 48, 80, 4, 0, 2, True),
    (3, 7, 80, 160, 4, 0.25, 2, False), (3, 14, 160, 176, 6, 0.25, 1, False), (3, 18, 176, 304, 6, 0.25, 2, False),
    (3, 5, 304, 512, 6, 0.25, 1, False),
)
_L_STAGES = (
    (3, 4, 32, 32, 1, 0, 1, True), (3, 7, 32, 64, 4, 0, 2, True), (3, 7, 64, 96, 4, 0, 2, True),
    (3, 10, 96, 192, 4, 0.25, 2, False), (3, 19, 192, 224, 6, 0.25, 1, False), (3, 25, 224, 384, 6, 0.25, 2, False),
    (3, 7, 384, 640, 6, 0.25, 1, False),
)
# variant: (width coefficient, depth coefficient, default image size, stages)
_VARIANTS = {
    "b0": (1.0, 1.0, 224, _B_STAGES), "b1": (1.0, 1.1, 240, _B_STAGES), "b2": (1.1, 1.2, 260, _B_STAGES),
    "b3": (1.2, 1.4, 300, _B_STAGES), "s": (1.0, 1.0, 384, _S_STAGES), "m": (1.0, 1.0, 480, _M_STAGES),
    "l": (1.0, 1.0, 480, _L_STAGES),
}
_BN_MOMENTUM = 0.9
_DROPOUT_RATE = 0.2
_DROP_CONNECT_RATE = 0.2


def _round_filters(filters, width, divisor=8):
    return int(max(divisor, int(filters * width + divisor / 2) // divisor * divisor))


def _bn(x, name):
    return layers.BatchNormalization(axis=channel_axis(), momentum=_BN_MOMENTUM, name=name)(x)


def _conv(x, filters, kernel_size, strides, name):
    return layers.Conv2D(filters, kernel_size, strides=strides, padding="same", use_bias=False,
                         kernel_initializer=CONV_KERNEL_INITIALIZER, name=name)(x)


def _residual(x, inputs, strides, filters_in, filters_out, drop_rate, name):
    if strides == 1 and filters_in == filters_out:
        if drop_rate:
            # Keras passes the block's drop-connect value as the Dropout rate; kept for parity.
            x = layers.Dropout(drop_rate, noise_shape=(None, 1, 1, 1), name=f"{name}drop")(x)
        x = layers.Add(name=f"{name}add")([x, inputs])
    return x


def _mbconv(x, filters_in, filters_out, kernel_size, strides, expand_ratio, se_ratio, drop_rate, name):
    """Inverted residual block: 1x1 expansion, depthwise conv, squeeze-excite, 1x1 projection."""
    inputs = x
    filters = filters_in * expand_ratio
    if expand_ratio != 1:
        x = _conv(x, filters, 1, 1, f"{name}expand_conv")
        x = _bn(x, f"{name}expand_bn")
        x = layers.Activation("swish", name=f"{name}expand_activation")(x)
    x = layers.DepthwiseConv2D(kernel_size, strides=strides, padding="same", use_bias=False,
                               depthwise_initializer=CONV_KERNEL_INITIALIZER, name=f"{name}dwconv2")(x)
    x = _bn(x, f"{name}bn")
    x = layers.Activation("swish", name=f"{name}activation")(x)
    if 0 < se_ratio <= 1:
        x = squeeze_excite(x, filters, max(1, int(filters_in * se_ratio)), "swish", name)
    x = _conv(x, filters_out, 1, 1, f"{name}project_conv")
    x = _bn(x, f"{name}project_bn")
    return _residual(x, inputs, strides, filters_in, filters_out, drop_rate, name)


def _fused_mbconv(x, filters_in, filters_out, kernel_size, strides, expand_ratio, se_ratio, drop_rate, name):
    """The depthwise conv and 1x1 expansion fused into one full convolution."""
    inputs = x
    filters = filters_in * expand_ratio
    if expand_ratio != 1:
        x = _conv(x, filters, kernel_size, strides, f"{name}expand_conv")
        x = _bn(x, f"{name}expand_bn")
        x = layers.Activation("swish", name=f"{name}expand_activation")(x)
    if 0 < se_ratio <= 1:
        x = squeeze_excite(x, filters, max(1, int(filters_in * se_ratio)), "swish", name)
    expanded = expand_ratio != 1
    x = _conv(x, filters_out, 1 if expanded else kernel_size, 1 if expanded else strides, f"{name}project_conv")
    x = _bn(x, f"{name}project_bn")
    if not expanded:
        x = layers.Activation("swish", name=f"{name}project_activation")(x)
    return _residual(x, inputs, strides, filters_in, filters_out, drop_rate, name)


def _efficientnet_v2(variant, function, include_top, weights, input_tensor, input_shape, pooling, classes,
                     classifier_activation, include_preprocessing, name):
    width, depth, default_size, stages = _VARIANTS[variant]
    input_shape = imagenet_utils.check_arguments(function, weights, include_top, classes, input_shape, default_size,
                                                 32, pooling=pooling)
    imagenet_utils.check_classifier_activation(function, classifier_activation, weights if include_top else None)
    axis = channel_axis()
    x, inputs = imagenet_utils.image_input(input_tensor, input_shape)
    if include_preprocessing:
        if variant.startswith("b") and input_shape[axis - 1] == 3:
            x = layers.Rescaling(scale=1.0 / 255)(x)
            x = layers.Normalization(mean=[0.485, 0.456, 0.406], variance=[0.229**2, 0.224**2, 0.225**2],
                                     axis=axis)(x)
        else:
            x = layers.Rescaling(scale=1.0 / 128.0, offset=-1)(x)
    x = _conv(x, _round_filters(stages[0][2], width), 3, 2, "stem_conv")
    x = _bn(x, "stem_bn")
    x = layers.Activation("swish", name="stem_activation")(x)

    total, done = float(sum(stage[1] for stage in stages)), 0
    for i, (kernel_size, repeats, filters_in, filters_out, expand, se_ratio, strides, fused) in enumerate(stages):
        filters_in, filters_out = _round_filters(filters_in, width), _round_filters(filters_out, width)
        block = _fused_mbconv if fused else _mbconv
        for j in range(int(math.ceil(depth * repeats))):
            x = block(x, filters_in if j == 0 else filters_out, filters_out, kernel_size, strides if j == 0 else 1,
                      expand, se_ratio, _DROP_CONNECT_RATE * done / total, name=f"block{i + 1}{chr(97 + j)}_")
            done += 1

    x = _conv(x, _round_filters(1280, width), 1, 1, "top_conv")
    x = _bn(x, "top_bn")
    x = layers.Activation("swish", name="top_activation")(x)
    if include_top:
        x = layers.GlobalAveragePooling2D(name="avg_pool")(x)
        x = layers.Dropout(_DROPOUT_RATE, name="top_dropout")(x)
        x = layers.Dense(classes, activation=classifier_activation, kernel_initializer=DENSE_KERNEL_INITIALIZER,
                         bias_initializer=initializers.Constant(0.0), name="predictions")(x)
    else:
        x = pooled(x, pooling, "avg_pool", "max_pool")
    model = Functional(inputs, x, name=name)
    filename = f"efficientnetv2-{variant}{'.h5' if include_top else '_notop.h5'}"
    fetch_weights(model, weights, filename, _WEIGHTS_URL + filename, _HASHES[variant][0 if include_top else 1])
    return model


_DOC = """EfficientNetV2{v} (Tan and Le, 2021).

    Args:
        include_top: include the classification head (average pooling, dropout, dense).
        weights: ``None`` (random), ``"imagenet"`` (downloaded once and cached) or a file path.
        input_tensor: optional symbolic tensor to use as the image input.
        input_shape: image shape (default {size}x{size}x3); at least 32x32.
        pooling: ``None``, ``"avg"`` or ``"max"`` when ``include_top`` is False.
        classes: number of classes when ``include_top`` is True.
        classifier_activation: activation of the last layer (``None`` for logits).
        include_preprocessing: scale [0, 255] input inside the model (needed for the ImageNet weights).
        name: the model's name.
"""


def EfficientNetV2B0(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None,
                     classes=1000, classifier_activation="softmax", include_preprocessing=True,
                     name="efficientnetv2-b0"):
    return _efficientnet_v2("b0", "EfficientNetV2B0", include_top, weights, input_tensor, input_shape, pooling,
                            classes, classifier_activation, include_preprocessing, name)


def EfficientNetV2B1(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None,
                     classes=1000, classifier_activation="softmax", include_preprocessing=True,
                     name="efficientnetv2-b1"):
    return _efficientnet_v2("b1", "EfficientNetV2B1", include_top, weights, input_tensor, input_shape, pooling,
                            classes, classifier_activation, include_preprocessing, name)


def EfficientNetV2B2(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None,
                     classes=1000, classifier_activation="softmax", include_preprocessing=True,
                     name="efficientnetv2-b2"):
    return _efficientnet_v2("b2", "EfficientNetV2B2", include_top, weights, input_tensor, input_shape, pooling,
                            classes, classifier_activation, include_preprocessing, name)


def EfficientNetV2B3(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None,
                     classes=1000, classifier_activation="softmax", include_preprocessing=True,
                     name="efficientnetv2-b3"):
    return _efficientnet_v2("b3", "EfficientNetV2B3", include_top, weights, input_tensor, input_shape, pooling,
                            classes, classifier_activation, include_preprocessing, name)


def EfficientNetV2S(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None,
                    classes=1000, classifier_activation="softmax", include_preprocessing=True,
                    name="efficientnetv2-s"):
    return _efficientnet_v2("s", "EfficientNetV2S", include_top, weights, input_tensor, input_shape, pooling,
                            classes, classifier_activation, include_preprocessing, name)


def EfficientNetV2M(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None,
                    classes=1000, classifier_activation="softmax", include_preprocessing=True,
                    name="efficientnetv2-m"):
    return _efficientnet_v2("m", "EfficientNetV2M", include_top, weights, input_tensor, input_shape, pooling,
                            classes, classifier_activation, include_preprocessing, name)


def EfficientNetV2L(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None,
                    classes=1000, classifier_activation="softmax", include_preprocessing=True,
                    name="efficientnetv2-l"):
    return _efficientnet_v2("l", "EfficientNetV2L", include_top, weights, input_tensor, input_shape, pooling,
                            classes, classifier_activation, include_preprocessing, name)


for _fn, _variant in ((EfficientNetV2B0, "b0"), (EfficientNetV2B1, "b1"), (EfficientNetV2B2, "b2"),
                      (EfficientNetV2B3, "b3"), (EfficientNetV2S, "s"), (EfficientNetV2M, "m"),
                      (EfficientNetV2L, "l")):
    _fn.__doc__ = _DOC.format(v=_variant.upper(), size=_VARIANTS[_variant][2])
del _fn, _variant
EfficientNetV2B0.__doc__ += """
    Example:
        >>> model = lamina.applications.EfficientNetV2B0(weights=None, input_shape=(32, 32, 3), classes=10)
        >>> model.output_shape
        (None, 10)
"""


def preprocess_input(x, data_format=None):
    """Returns ``x`` unchanged: EfficientNetV2 models scale their input themselves.

    Example:
        >>> lamina.applications.efficientnet_v2.preprocess_input(255.0)
        255.0
    """
    return x


decode_predictions = imagenet_utils.decode_predictions
