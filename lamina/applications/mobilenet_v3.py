"""MobileNetV3 Small and Large (Howard et al., 2019), with Keras's layer names.

The models include their preprocessing (a ``Rescaling`` to [-1, 1]) unless
``include_preprocessing=False``, so ``preprocess_input`` passes images through unchanged.
"""

import warnings

from lamina import backend, layers
from lamina.applications import imagenet_utils
from lamina.applications.mobilenet import _check_width
from lamina.applications.mobilenet_v2 import make_divisible
from lamina.models.functional import Functional

_HASHES = {  # (with the top, without)
    "large_224_0.75_float": ("765b44a33ad4005b3ac83185abf1d0eb", "40af19a13ebea4e2ee0c676887f69a2e"),
    "large_224_1.0_float": ("59e551e166be033d707958cf9e29a6a7", "07fb09a5933dd0c8eaafa16978110389"),
    "large_minimalistic_224_1.0_float": ("675e7b876c45c57e9e63e6d90a36599c", "ec5221f64a2f6d1ef965a614bdae7973"),
    "small_224_0.75_float": ("cb65d4e5be93758266aa0a7f2c6708b7", "ebdb5cc8e0b497cd13a7c275d475c819"),
    "small_224_1.0_float": ("8768d4c2e7dee89b9d02b2d03d65d862", "d3e8ec802a04aa4fc771ee12a9a9b836"),
    "small_minimalistic_224_1.0_float": ("99cd97fb2fcdad2bf028eb838de69e37", "cde8136e733e811080d9fcd8a252f7e4"),
}

# Blocks as (expansion, filters, kernel, stride, squeeze-excite, activation). A kernel of
# None is 5 (3 when minimalistic); "se" and "hswish" fall back to none and ReLU when minimalistic.
_SMALL = ((1, 16, 3, 2, "se", "relu"), (72 / 16, 24, 3, 2, None, "relu"), (88 / 24, 24, 3, 1, None, "relu"),
          (4, 40, None, 2, "se", "hswish"), (6, 40, None, 1, "se", "hswish"), (6, 40, None, 1, "se", "hswish"),
          (3, 48, None, 1, "se", "hswish"), (3, 48, None, 1, "se", "hswish"), (6, 96, None, 2, "se", "hswish"),
          (6, 96, None, 1, "se", "hswish"), (6, 96, None, 1, "se", "hswish"))
_LARGE = ((1, 16, 3, 1, None, "relu"), (4, 24, 3, 2, None, "relu"), (3, 24, 3, 1, None, "relu"),
          (3, 40, None, 2, "se", "relu"), (3, 40, None, 1, "se", "relu"), (3, 40, None, 1, "se", "relu"),
          (6, 80, 3, 2, None, "hswish"), (2.5, 80, 3, 1, None, "hswish"), (2.3, 80, 3, 1, None, "hswish"),
          (2.3, 80, 3, 1, None, "hswish"), (6, 112, 3, 1, "se", "hswish"), (6, 112, 3, 1, "se", "hswish"),
          (6, 160, None, 2, "se", "hswish"), (6, 160, None, 1, "se", "hswish"), (6, 160, None, 1, "se", "hswish"))


def _relu(x):
    return layers.ReLU()(x)


def _hard_swish(x):
    return layers.Activation("hard_swish")(x)


def _batch_norm(name, channel_axis):
    return layers.BatchNormalization(axis=channel_axis, epsilon=1e-3, momentum=0.999, name=name)


def _squeeze_excite(inputs, filters, prefix):
    """Channel gates: global average, 1x1 reduce + ReLU, 1x1 expand + hard sigmoid, multiply."""
    x = layers.GlobalAveragePooling2D(keepdims=True, name=f"{prefix}squeeze_excite_avg_pool")(inputs)
    x = layers.Conv2D(make_divisible(filters * 0.25), 1, padding="same", name=f"{prefix}squeeze_excite_conv")(x)
    x = layers.ReLU(name=f"{prefix}squeeze_excite_relu")(x)
    x = layers.Conv2D(filters, 1, padding="same", name=f"{prefix}squeeze_excite_conv_1")(x)
    x = layers.ReLU(6.0)(x + 3.0) * (1.0 / 6.0)  # hard sigmoid, spelled as the published graph spells it
    return layers.Multiply(name=f"{prefix}squeeze_excite_mul")([inputs, x])


def _inverted_residual(x, expansion, filters, kernel_size, stride, squeeze_excite, activation, block_id,
                       channel_axis):
    shortcut = x
    in_filters = x.shape[channel_axis]
    prefix = "expanded_conv_"
    if block_id:
        prefix = f"expanded_conv_{block_id}_"
        x = layers.Conv2D(make_divisible(in_filters * expansion), 1, padding="same", use_bias=False,
                          name=f"{prefix}expand")(x)
        x = _batch_norm(f"{prefix}expand_bn", channel_axis)(x)
        x = activation(x)
    if stride == 2:
        x = layers.ZeroPadding2D(imagenet_utils.correct_pad(x, kernel_size), name=f"{prefix}depthwise_pad")(x)
    x = layers.DepthwiseConv2D(kernel_size, strides=stride, padding="same" if stride == 1 else "valid",
                               use_bias=False, name=f"{prefix}depthwise")(x)
    x = _batch_norm(f"{prefix}depthwise_bn", channel_axis)(x)
    x = activation(x)
    if squeeze_excite:
        x = _squeeze_excite(x, make_divisible(in_filters * expansion), prefix)
    x = layers.Conv2D(filters, 1, padding="same", use_bias=False, name=f"{prefix}project")(x)
    x = _batch_norm(f"{prefix}project_bn", channel_axis)(x)
    if stride == 1 and in_filters == filters:
        x = layers.Add(name=f"{prefix}add")([shortcut, x])
    return x


def _mobilenet_v3(model_type, blocks, last_point_filters, input_shape, alpha, minimalistic, include_top, weights,
                  input_tensor, classes, pooling, dropout_rate, classifier_activation, include_preprocessing, name):
    label = f"MobileNetV3{model_type.capitalize()}"
    _check_width(label, alpha)
    if weights == "imagenet" and include_top and classes != 1000:
        raise ValueError(f"{label}: with weights='imagenet' and include_top=True, classes must be 1000. "
                         f"Received: classes={classes}")
    if input_shape is None and input_tensor is not None and backend.is_keras_tensor(input_tensor):
        input_shape = tuple(input_tensor.shape[1:])
    # Any image size works, with or without the top (the head is convolutional).
    input_shape = imagenet_utils.check_arguments(label, weights, False, classes, input_shape, None, 32,
                                                 pooling=pooling)
    if weights == "imagenet":
        if (minimalistic and alpha != 1.0) or (not minimalistic and alpha not in (0.75, 1.0)):
            raise ValueError(f"{label}: ImageNet weights exist for alpha 0.75 or 1.0 (1.0 only when minimalistic). "
                             f"Received: alpha={alpha}, minimalistic={minimalistic}")
        channels_last = backend.image_data_format() == "channels_last"
        rows, cols = input_shape[:2] if channels_last else input_shape[1:]
        if rows != cols or rows != 224:
            warnings.warn(f"{label}: the input shape is not 224x224; the weights for 224x224 images are loaded.",
                          stacklevel=3)
    imagenet_utils.check_classifier_activation(label, classifier_activation, weights if include_top else None)
    channel_axis = -1 if backend.image_data_format() == "channels_last" else 1
    activation = _relu if minimalistic else _hard_swish
    x, inputs = imagenet_utils.image_input(input_tensor, input_shape)
    if include_preprocessing:
        x = layers.Rescaling(scale=1.0 / 127.5, offset=-1.0)(x)
    x = layers.Conv2D(16, 3, strides=2, padding="same", use_bias=False, name="conv")(x)
    x = _batch_norm("conv_bn", channel_axis)(x)
    x = activation(x)
    for block_id, (expansion, filters, kernel, stride, se, act) in enumerate(blocks):
        x = _inverted_residual(x, expansion, make_divisible(filters * alpha),
                               3 if minimalistic else (kernel or 5), stride, se and not minimalistic,
                               _relu if act == "relu" else activation, block_id, channel_axis)
    last_conv_filters = make_divisible(x.shape[channel_axis] * 6)
    if alpha > 1.0:
        last_point_filters = make_divisible(last_point_filters * alpha)
    x = layers.Conv2D(last_conv_filters, 1, padding="same", use_bias=False, name="conv_1")(x)
    x = _batch_norm("conv_1_bn", channel_axis)(x)
    x = activation(x)
    if include_top:
        x = layers.GlobalAveragePooling2D(keepdims=True)(x)
        x = layers.Conv2D(last_point_filters, 1, padding="same", use_bias=True, name="conv_2")(x)
        x = activation(x)
        if dropout_rate > 0:
            x = layers.Dropout(dropout_rate)(x)
        x = layers.Conv2D(classes, 1, padding="same", name="logits")(x)
        x = layers.Flatten()(x)
        x = layers.Activation(classifier_activation, name="predictions")(x)
    elif pooling == "avg":
        x = layers.GlobalAveragePooling2D(name="avg_pool")(x)
    elif pooling == "max":
        x = layers.GlobalMaxPooling2D(name="max_pool")(x)
    model = Functional(inputs, x, name=name)
    if weights == "imagenet":
        key = f"{model_type}{'_minimalistic' if minimalistic else ''}_224_{alpha}_float"
        filename = f"weights_mobilenet_v3_{key}{'' if include_top else '_no_top_v2'}.h5"
        imagenet_utils.load_weights(model, weights, filename, _HASHES[key][0 if include_top else 1],
                                    folder="mobilenet_v3")
    else:
        imagenet_utils.load_weights(model, weights, None, None)
    return model


def MobileNetV3Small(input_shape=None, alpha=1.0, minimalistic=False, include_top=True, weights="imagenet",
                     input_tensor=None, classes=1000, pooling=None, dropout_rate=0.2,
                     classifier_activation="softmax", include_preprocessing=True, name="MobileNetV3Small"):
    """MobileNetV3-Small.

    Args:
        input_shape: image shape, at least 32x32; any size by default (ImageNet weights were
            trained on 224x224).
        alpha: width multiplier (ImageNet weights: 0.75 or 1.0; 1.0 when minimalistic).
        minimalistic: drop squeeze-and-excite, hard-swish and 5x5 kernels (for GPUs/DSPs).
        include_top: include the classification head.
        weights: ``None`` (random), ``"imagenet"`` (downloaded once and cached) or a file path.
        input_tensor: optional symbolic tensor to use as the image input.
        classes: number of classes when ``include_top`` is True.
        pooling: ``None``, ``"avg"`` or ``"max"`` when ``include_top`` is False.
        dropout_rate: dropout before the classifier.
        classifier_activation: activation of the classifier (``softmax`` or ``None`` with
            pretrained weights).
        include_preprocessing: rescale [0, 255] pixels to [-1, 1] inside the model.
        name: model name.

    Example:
        >>> model = lamina.applications.MobileNetV3Small(weights=None, input_shape=(32, 32, 3), classes=10)
        >>> model.output_shape
        (None, 10)
    """
    return _mobilenet_v3("small", _SMALL, 1024, input_shape, alpha, minimalistic, include_top, weights,
                         input_tensor, classes, pooling, dropout_rate, classifier_activation, include_preprocessing,
                         name)


def MobileNetV3Large(input_shape=None, alpha=1.0, minimalistic=False, include_top=True, weights="imagenet",
                     input_tensor=None, classes=1000, pooling=None, dropout_rate=0.2,
                     classifier_activation="softmax", include_preprocessing=True, name="MobileNetV3Large"):
    """MobileNetV3-Large; arguments as MobileNetV3Small.

    Example:
        >>> model = lamina.applications.MobileNetV3Large(weights=None, include_top=False, pooling="avg")
        >>> model.output_shape
        (None, 960)
    """
    return _mobilenet_v3("large", _LARGE, 1280, input_shape, alpha, minimalistic, include_top, weights,
                         input_tensor, classes, pooling, dropout_rate, classifier_activation, include_preprocessing,
                         name)


def preprocess_input(x, data_format=None):
    """Returns ``x`` unchanged: MobileNetV3 models rescale their inputs themselves."""
    return x


decode_predictions = imagenet_utils.decode_predictions
