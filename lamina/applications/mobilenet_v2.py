"""MobileNetV2 (Sandler et al., 2018): inverted residual blocks, with Keras's layer names."""

from lamina import backend, layers
from lamina.applications import imagenet_utils
from lamina.applications.mobilenet import _check_width, _imagenet_rows, _rows, _square_size
from lamina.models.functional import Functional

# (expansion, output filters, stride) of the 17 inverted residual blocks, numbered from 0.
_BLOCKS = ((1, 16, 1), (6, 24, 2), (6, 24, 1), (6, 32, 2), (6, 32, 1), (6, 32, 1), (6, 64, 2), (6, 64, 1),
           (6, 64, 1), (6, 64, 1), (6, 96, 1), (6, 96, 1), (6, 96, 1), (6, 160, 2), (6, 160, 1), (6, 160, 1),
           (6, 320, 1))
_IMAGENET_SIZES = (96, 128, 160, 192, 224)
_IMAGENET_ALPHAS = (0.35, 0.5, 0.75, 1.0, 1.3, 1.4)


def make_divisible(value, divisor=8):
    """Rounds a channel count to a multiple of ``divisor``, never losing more than 10%."""
    rounded = max(divisor, int(value + divisor / 2) // divisor * divisor)
    return rounded + divisor if rounded < 0.9 * value else rounded


def _batch_norm(name, channel_axis):
    return layers.BatchNormalization(axis=channel_axis, epsilon=1e-3, momentum=0.999, name=name)


def _inverted_residual(inputs, expansion, filters, stride, block_id, channel_axis):
    """1x1 expansion (not in block 0), 3x3 depthwise, linear 1x1 projection; a skip when shapes allow."""
    in_channels = inputs.shape[channel_axis]
    x = inputs
    if block_id:
        prefix = f"block_{block_id}_"
        x = layers.Conv2D(expansion * in_channels, 1, padding="same", use_bias=False, name=f"{prefix}expand")(x)
        x = _batch_norm(f"{prefix}expand_BN", channel_axis)(x)
        x = layers.ReLU(6.0, name=f"{prefix}expand_relu")(x)
    else:
        prefix = "expanded_conv_"
    if stride == 2:
        x = layers.ZeroPadding2D(imagenet_utils.correct_pad(x, 3), name=f"{prefix}pad")(x)
    x = layers.DepthwiseConv2D(3, strides=stride, padding="same" if stride == 1 else "valid", use_bias=False,
                               name=f"{prefix}depthwise")(x)
    x = _batch_norm(f"{prefix}depthwise_BN", channel_axis)(x)
    x = layers.ReLU(6.0, name=f"{prefix}depthwise_relu")(x)
    x = layers.Conv2D(filters, 1, padding="same", use_bias=False, name=f"{prefix}project")(x)
    x = _batch_norm(f"{prefix}project_BN", channel_axis)(x)
    if stride == 1 and in_channels == filters:
        x = layers.Add(name=f"{prefix}add")([inputs, x])
    return x


def MobileNetV2(input_shape=None, alpha=1.0, include_top=True, weights="imagenet", input_tensor=None, pooling=None,
                classes=1000, classifier_activation="softmax", name=None):
    """MobileNetV2.

    Args:
        input_shape: image shape; at least 32x32. ImageNet weights exist for square images of
            side 96, 128, 160, 192 or 224 (default 224x224x3).
        alpha: width multiplier (ImageNet weights: 0.35, 0.5, 0.75, 1.0, 1.3 or 1.4).
        include_top: include the classification head.
        weights: ``None`` (random), ``"imagenet"`` (downloaded once and cached) or a file path.
        input_tensor: optional symbolic tensor to use as the image input.
        pooling: ``None``, ``"avg"`` or ``"max"`` when ``include_top`` is False.
        classes: number of classes when ``include_top`` is True.
        classifier_activation: activation of the classifier (``softmax`` or ``None`` with
            pretrained weights).
        name: model name (default ``mobilenetv2_<alpha>_<rows>``).

    Example:
        >>> model = lamina.applications.MobileNetV2(weights=None, input_shape=(32, 32, 3), alpha=0.35, classes=10)
        >>> model.output_shape
        (None, 10)
    """
    _check_width("MobileNetV2", alpha)
    if input_shape is None and input_tensor is not None and backend.is_keras_tensor(input_tensor):
        input_shape = tuple(input_tensor.shape[1:])
    default_size = _square_size(input_shape, _IMAGENET_SIZES)
    input_shape = imagenet_utils.check_arguments("MobileNetV2", weights, include_top, classes, input_shape,
                                                 default_size, 32, pooling=pooling)
    rows = _rows(input_shape)
    if weights == "imagenet":
        if alpha not in _IMAGENET_ALPHAS:
            raise ValueError(f"MobileNetV2: ImageNet weights exist for alpha in {_IMAGENET_ALPHAS}. "
                             f"Received: alpha={alpha}")
        rows = _imagenet_rows("MobileNetV2", input_shape, _IMAGENET_SIZES)
    imagenet_utils.check_classifier_activation("MobileNetV2", classifier_activation,
                                               weights if include_top else None)
    channel_axis = -1 if backend.image_data_format() == "channels_last" else 1
    x, inputs = imagenet_utils.image_input(input_tensor, input_shape)
    x = layers.Conv2D(make_divisible(32 * alpha), 3, strides=2, padding="same", use_bias=False, name="Conv1")(x)
    x = _batch_norm("bn_Conv1", channel_axis)(x)
    x = layers.ReLU(6.0, name="Conv1_relu")(x)
    for block_id, (expansion, filters, stride) in enumerate(_BLOCKS):
        x = _inverted_residual(x, expansion, make_divisible(int(filters * alpha)), stride, block_id, channel_axis)
    last_filters = make_divisible(1280 * alpha) if alpha > 1.0 else 1280
    x = layers.Conv2D(last_filters, 1, use_bias=False, name="Conv_1")(x)
    x = _batch_norm("Conv_1_bn", channel_axis)(x)
    x = layers.ReLU(6.0, name="out_relu")(x)
    if include_top:
        x = layers.GlobalAveragePooling2D()(x)
        x = layers.Dense(classes, activation=classifier_activation, name="predictions")(x)
    elif pooling == "avg":
        x = layers.GlobalAveragePooling2D()(x)
    elif pooling == "max":
        x = layers.GlobalMaxPooling2D()(x)
    model = Functional(inputs, x, name=name or f"mobilenetv2_{alpha:0.2f}_{rows}")
    if weights == "imagenet":
        filename = (f"mobilenet_v2_weights_tf_dim_ordering_tf_kernels_{float(alpha)}_{rows}"
                    f"{'' if include_top else '_no_top'}.h5")
        imagenet_utils.load_weights(model, weights, filename, None, folder="mobilenet_v2")
    else:
        imagenet_utils.load_weights(model, weights, None, None)
    return model


def preprocess_input(x, data_format=None):
    """Scales pixels from [0, 255] to [-1, 1], as the MobileNetV2 weights expect."""
    return imagenet_utils.preprocess_input(x, mode="tf", data_format=data_format)


decode_predictions = imagenet_utils.decode_predictions
