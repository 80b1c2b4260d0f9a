"""EfficientNet B0-B7 (Tan and Le, 2019), with Keras's layer names and weight order.

The input scaling is part of the model: a ``Rescaling(1/255)`` and a ``Normalization``
(whose mean and variance come with the ImageNet weights) open the network, so the model
takes raw [0, 255] images and ``preprocess_input`` returns its input unchanged.
"""

import math

from lamina import layers
from lamina.applications import imagenet_utils
from lamina.applications._zoo import (CONV_KERNEL_INITIALIZER, DENSE_KERNEL_INITIALIZER, channel_axis,
                                      fetch_weights, pooled, squeeze_excite)
from lamina.models.functional import Functional

_WEIGHTS_URL = "https://storage.googleapis.com/keras-applications/"
# (include_top hash, notop hash) of the published files.
_HASHES = {
    "b0": ("902e53a9f72be733fc0bcb005b3ebbac", "50bc09e76180e00e4465e1a485ddc09d"),
    "b1": ("1d254153d4ab51201f1646940f018540", "74c4e6b3e1f6a1eea24c589628592432"),
    "b2": ("b15cce36ff4dcbd00b6dd88e7857a6ad", "111f8e2ac8aa800a7a99e3239f7bfb39"),
    "b3": ("ffd1fdc53d0ce67064dc6a9c7960ede0", "af6d107764bb5b1abb91932881670226"),
    "b4": ("18c95ad55216b8f92d7e70b3a046e2fc", "ebc24e6d6c33eaebbd558eafbeedf1ba"),
    "b5": ("ace28f2a6363774853a83a0b21b9421a", "38879255a25d3c92d5e44e04ae6cec6f"),
    "b6": ("165f6e37dce68623721b423839de8be5", "9ecce42647a20130c1f39a5d4cb75743"),
    "b7": ("8c03f828fec3ef71311cd463b6759d99", "cbcfe4450ddf6f3ad90b1b398090fe4a"),
}
# variant: (width coefficient, depth coefficient, default image size, top dropout rate)
_VARIANTS = {
    "b0": (1.0, 1.0, 224, 0.2), "b1": (1.0, 1.1, 240, 0.2), "b2": (1.1, 1.2, 260, 0.3),
    "b3": (1.2, 1.4, 300, 0.3), "b4": (1.4, 1.8, 380, 0.4), "b5": (1.6, 2.2, 456, 0.4),
    "b6": (1.8, 2.6, 528, 0.5), "b7": (2.0, 3.1, 600, 0.5),
}
# The seven stages of B0: (kernel size, repeats, filters in, filters out, expansion, stride).
# Every block has squeeze-and-excitation with ratio 0.25 and an identity skip where shapes allow.
_STAGES = (
    (3, 1, 32, 16, 1, 1), (3, 2, 16, 24, 6, 2), (5, 2, 24, 40, 6, 2), (3, 3, 40, 80, 6, 2),
    (5, 3, 80, 112, 6, 1), (5, 4, 112, 192, 6, 2), (3, 1, 192, 320, 6, 1),
)
# The ImageNet weights divide by the standard deviation, not its square root (see Keras's
# note on tensorflow/tensorflow#49930): an extra rescaling restores that.
_IMAGENET_STDDEV_RGB = (0.229, 0.224, 0.225)
_DROP_CONNECT_RATE = 0.2


def _round_filters(filters, width, divisor=8):
    """Scales a filter count by ``width`` and rounds to a multiple of ``divisor`` (never >10% down)."""
    filters *= width
    rounded = max(divisor, int(filters + divisor / 2) // divisor * divisor)
    if rounded < 0.9 * filters:
        rounded += divisor
    return int(rounded)


def _mbconv(x, filters_in, filters_out, kernel_size, strides, expand_ratio, drop_rate, name):
    """Inverted residual block: 1x1 expansion, depthwise conv, squeeze-excite, 1x1 projection."""
    axis = channel_axis()
    inputs = x
    filters = filters_in * expand_ratio
    if expand_ratio != 1:
        x = layers.Conv2D(filters, 1, padding="same", use_bias=False, kernel_initializer=CONV_KERNEL_INITIALIZER,
                          name=f"{name}expand_conv")(x)
        x = layers.BatchNormalization(axis=axis, name=f"{name}expand_bn")(x)
        x = layers.Activation("swish", name=f"{name}expand_activation")(x)
    if strides == 2:
        x = layers.ZeroPadding2D(imagenet_utils.correct_pad(x, kernel_size), name=f"{name}dwconv_pad")(x)
    x = layers.DepthwiseConv2D(kernel_size, strides=strides, padding="valid" if strides == 2 else "same",
                               use_bias=False, depthwise_initializer=CONV_KERNEL_INITIALIZER,
                               name=f"{name}dwconv")(x)
    x = layers.BatchNormalization(axis=axis, name=f"{name}bn")(x)
    x = layers.Activation("swish", name=f"{name}activation")(x)
    x = squeeze_excite(x, filters, max(1, int(filters_in * 0.25)), "swish", name)
    x = layers.Conv2D(filters_out, 1, padding="same", use_bias=False, kernel_initializer=CONV_KERNEL_INITIALIZER,
                      name=f"{name}project_conv")(x)
    x = layers.BatchNormalization(axis=axis, name=f"{name}project_bn")(x)
    if strides == 1 and filters_in == filters_out:
        if drop_rate > 0:
            # Drops whole samples of the residual branch (drop-connect).
            x = layers.Dropout(drop_rate, noise_shape=(None, 1, 1, 1), name=f"{name}drop")(x)
        x = layers.Add(name=f"{name}add")([x, inputs])
    return x


def _efficientnet(variant, function, include_top, weights, input_tensor, input_shape, pooling, classes,
                  classifier_activation, name):
    width, depth, default_size, dropout_rate = _VARIANTS[variant]
    input_shape = imagenet_utils.check_arguments(function, weights, include_top, classes, input_shape, default_size,
                                                 32, pooling=pooling)
    imagenet_utils.check_classifier_activation(function, classifier_activation, weights if include_top else None)
    axis = channel_axis()
    x, inputs = imagenet_utils.image_input(input_tensor, input_shape)
    x = layers.Rescaling(1.0 / 255.0)(x)
    x = layers.Normalization(axis=axis)(x)
    if weights == "imagenet":
        x = layers.Rescaling([1.0 / math.sqrt(s) for s in _IMAGENET_STDDEV_RGB])(x)
    x = layers.ZeroPadding2D(imagenet_utils.correct_pad(x, 3), name="stem_conv_pad")(x)
    x = layers.Conv2D(_round_filters(32, width), 3, strides=2, padding="valid", use_bias=False,
                      kernel_initializer=CONV_KERNEL_INITIALIZER, name="stem_conv")(x)
    x = layers.BatchNormalization(axis=axis, name="stem_bn")(x)
    x = layers.Activation("swish", name="stem_activation")(x)

    repeats = [int(math.ceil(depth * stage[1])) for stage in _STAGES]
    total, done = float(sum(repeats)), 0
    for stage, ((kernel_size, _, filters_in, filters_out, expand, strides), count) in enumerate(zip(_STAGES, repeats)):
        filters_in, filters_out = _round_filters(filters_in, width), _round_filters(filters_out, width)
        for j in range(count):
            x = _mbconv(x, filters_in if j == 0 else filters_out, filters_out, kernel_size, strides if j == 0 else 1,
                        expand, _DROP_CONNECT_RATE * done / total, name=f"block{stage + 1}{chr(97 + j)}_")
            done += 1

    x = layers.Conv2D(_round_filters(1280, width), 1, padding="same", use_bias=False,
                      kernel_initializer=CONV_KERNEL_INITIALIZER, name="top_conv")(x)
    x = layers.BatchNormalization(axis=axis, name="top_bn")(x)
    x = layers.Activation("swish", name="top_activation")(x)
    if include_top:
        x = layers.GlobalAveragePooling2D(name="avg_pool")(x)
        if dropout_rate > 0:
            x = layers.Dropout(dropout_rate, name="top_dropout")(x)
        x = layers.Dense(classes, activation=classifier_activation, kernel_initializer=DENSE_KERNEL_INITIALIZER,
                         name="predictions")(x)
    else:
        x = pooled(x, pooling, "avg_pool", "max_pool")
    model = Functional(inputs, x, name=name)
    filename = f"efficientnet{variant}{'.h5' if include_top else '_notop.h5'}"
    fetch_weights(model, weights, filename, _WEIGHTS_URL + filename, _HASHES[variant][0 if include_top else 1])
    return model


_DOC = """EfficientNet{v} (Tan and Le, 2019).

    The model takes images with values in [0, 255]; scaling and normalization are inside it.

    Args:
        include_top: include the classification head (average pooling, dropout, dense).
        weights: ``None`` (random), ``"imagenet"`` (downloaded once and cached) or a file path.
        input_tensor: optional symbolic tensor to use as the image input.
        input_shape: image shape (default {size}x{size}x3); at least 32x32.
        pooling: ``None``, ``"avg"`` or ``"max"`` when ``include_top`` is False.
        classes: number of classes when ``include_top`` is True.
        classifier_activation: activation of the last layer (``None`` for logits).
        name: the model's name.
"""


def EfficientNetB0(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None,
                   classes=1000, classifier_activation="softmax", name="efficientnetb0"):
    return _efficientnet("b0", "EfficientNetB0", include_top, weights, input_tensor, input_shape, pooling, classes,
                         classifier_activation, name)


def EfficientNetB1(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None,
                   classes=1000, classifier_activation="softmax", name="efficientnetb1"):
    return _efficientnet("b1", "EfficientNetB1", include_top, weights, input_tensor, input_shape, pooling, classes,
                         classifier_activation, name)


def EfficientNetB2(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None,
                   classes=1000, classifier_activation="softmax", name="efficientnetb2"):
    return _efficientnet("b2", "EfficientNetB2", include_top, weights, input_tensor, input_shape, pooling, classes,
                         classifier_activation, name)


def EfficientNetB3(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None,
                   classes=1000, classifier_activation="softmax", name="efficientnetb3"):
    return _efficientnet("b3", "EfficientNetB3", include_top, weights, input_tensor, input_shape, pooling, classes,
                         classifier_activation, name)


def EfficientNetB4(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None,
                   classes=1000, classifier_activation="softmax", name="efficientnetb4"):
    return _efficientnet("b4", "EfficientNetB4", include_top, weights, input_tensor, input_shape, pooling, classes,
                         classifier_activation, name)


def EfficientNetB5(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None,
                   classes=1000, classifier_activation="softmax", name="efficientnetb5"):
    return _efficientnet("b5", "EfficientNetB5", include_top, weights, input_tensor, input_shape, pooling, classes,
                         classifier_activation, name)


def EfficientNetB6(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None,
                   classes=1000, classifier_activation="softmax", name="efficientnetb6"):
    return _efficientnet("b6", "EfficientNetB6", include_top, weights, input_tensor, input_shape, pooling, classes,
                         classifier_activation, name)


def EfficientNetB7(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None,
                   classes=1000, classifier_activation="softmax", name="efficientnetb7"):
    return _efficientnet("b7", "EfficientNetB7", include_top, weights, input_tensor, input_shape, pooling, classes,
                         classifier_activation, name)


for _fn, (_variant, _spec) in zip((EfficientNetB0, EfficientNetB1, EfficientNetB2, EfficientNetB3, EfficientNetB4,
                                   EfficientNetB5, EfficientNetB6, EfficientNetB7), _VARIANTS.items()):
    _fn.__doc__ = _DOC.format(v=_variant.upper(), size=_spec[2])
del _fn, _variant, _spec
EfficientNetB0.__doc__ += """
    Example:
        >>> model = lamina.applications.EfficientNetB0(weights=None, input_shape=(32, 32, 3), classes=10)
        >>> model.output_shape
        (None, 10)
"""


def preprocess_input(x, data_format=None):
    """Returns ``x`` unchanged: EfficientNet models scale their input themselves.

    Example:
        >>> lamina.applications.efficientnet.preprocess_input(255.0)
        255.0
    """
    return x


decode_predictions = imagenet_utils.decode_predictions
