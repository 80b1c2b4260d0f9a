"""MobileNet (Howard et al., 2017): depthwise-separable convolutions, with Keras's layer names."""

import warnings

from lamina import backend, layers
from lamina.applications import imagenet_utils
from lamina.models.functional import Functional

# (pointwise filters, stride) of the 13 depthwise-separable blocks, numbered from 1.
_BLOCKS = ((64, 1), (128, 2), (128, 1), (256, 2), (256, 1), (512, 2), (512, 1), (512, 1), (512, 1), (512, 1),
           (512, 1), (1024, 2), (1024, 1))
_IMAGENET_SIZES = (128, 160, 192, 224)
_IMAGENET_ALPHAS = {1.0: "1_0", 0.75: "7_5", 0.5: "5_0", 0.25: "2_5"}


def _check_width(name, alpha, depth_multiplier=1):
    if isinstance(alpha, bool) or not isinstance(alpha, (int, float)) or alpha <= 0:
        raise ValueError(f"{name}: `alpha` must be a positive number. Received: alpha={alpha!r}")
    if isinstance(depth_multiplier, bool) or not isinstance(depth_multiplier, int) or depth_multiplier < 1:
        raise ValueError(f"{name}: `depth_multiplier` must be a positive integer. "
                         f"Received: depth_multiplier={depth_multiplier!r}")


def _square_size(input_shape, sizes):
    """The image side when ``input_shape`` is square with a side in ``sizes``; else 224."""
    if input_shape is None or len(input_shape) != 3:
        return 224
    channels_last = backend.image_data_format() == "channels_last"
    rows, cols = (input_shape[0], input_shape[1]) if channels_last else (input_shape[1], input_shape[2])
    return rows if rows == cols and rows in sizes else 224


def _rows(input_shape):
    return input_shape[0] if backend.image_data_format() == "channels_last" else input_shape[1]


def _imagenet_rows(name, input_shape, sizes):
    """The side of the ImageNet weights to load: the model's own when one was published, else 224."""
    channels_last = backend.image_data_format() == "channels_last"
    rows, cols = (input_shape[0], input_shape[1]) if channels_last else (input_shape[1], input_shape[2])
    if rows != cols or rows not in sizes:
        warnings.warn(f"{name}: the input shape is undefined, not square, or its side is not one of {sizes}; "
                      "the weights for 224x224 images are loaded.", stacklevel=3)
        return 224
    return rows


def _separable_block(x, filters, depth_multiplier, stride, block_id, channel_axis):
    """3x3 depthwise convolution then 1x1 pointwise convolution, each followed by BN and ReLU6."""
    if stride == 2:
        x = layers.ZeroPadding2D(((0, 1), (0, 1)), name=f"conv_pad_{block_id}")(x)
    x = layers.DepthwiseConv2D(3, strides=stride, padding="same" if stride == 1 else "valid",
                               depth_multiplier=depth_multiplier, use_bias=False, name=f"conv_dw_{block_id}")(x)
    x = layers.BatchNormalization(axis=channel_axis, name=f"conv_dw_{block_id}_bn")(x)
    x = layers.ReLU(6.0, name=f"conv_dw_{block_id}_relu")(x)
    x = layers.Conv2D(filters, 1, padding="same", use_bias=False, name=f"conv_pw_{block_id}")(x)
    x = layers.BatchNormalization(axis=channel_axis, name=f"conv_pw_{block_id}_bn")(x)
    return layers.ReLU(6.0, name=f"conv_pw_{block_id}_relu")(x)


def MobileNet(input_shape=None, alpha=1.0, depth_multiplier=1, dropout=1e-3, include_top=True, weights="imagenet",
              input_tensor=None, pooling=None, classes=1000, classifier_activation="softmax", name=None):
    """MobileNet v1.

    Args:
        input_shape: image shape; at least 32x32. ImageNet weights exist for square images of
            side 128, 160, 192 or 224 (default 224x224x3).
        alpha: width multiplier: scales the number of filters of every layer (ImageNet
            weights: 0.25, 0.5, 0.75 or 1.0).
        depth_multiplier: channel multiplier of the depthwise convolutions (1 for ImageNet).
        dropout: dropout rate before the classifier.
        include_top: include the classification head.
        weights: ``None`` (random), ``"imagenet"`` (downloaded once and cached) or a file path.
        input_tensor: optional symbolic tensor to use as the image input.
        pooling: ``None``, ``"avg"`` or ``"max"`` when ``include_top`` is False.
        classes: number of classes when ``include_top`` is True.
        classifier_activation: activation of the classifier (``softmax`` or ``None`` with
            pretrained weights).
        name: model name (default ``mobilenet_<alpha>_<rows>``).

    Example:
        >>> model = lamina.applications.MobileNet(weights=None, input_shape=(32, 32, 3), alpha=0.25, classes=10)
        >>> model.output_shape
        (None, 10)
    """
    _check_width("MobileNet", alpha, depth_multiplier)
    default_size = _square_size(input_shape, _IMAGENET_SIZES)
    input_shape = imagenet_utils.check_arguments("MobileNet", weights, include_top, classes, input_shape,
                                                 default_size, 32, pooling=pooling)
    rows = _rows(input_shape)
    if weights == "imagenet":
        if depth_multiplier != 1:
            raise ValueError(f"MobileNet: ImageNet weights need depth_multiplier=1. "
                             f"Received: depth_multiplier={depth_multiplier}")
        if alpha not in _IMAGENET_ALPHAS:
            raise ValueError(f"MobileNet: ImageNet weights exist for alpha in {tuple(_IMAGENET_ALPHAS)}. "
                             f"Received: alpha={alpha}")
        rows = _imagenet_rows("MobileNet", input_shape, _IMAGENET_SIZES)
    imagenet_utils.check_classifier_activation("MobileNet", classifier_activation, weights if include_top else None)
    channel_axis = -1 if backend.image_data_format() == "channels_last" else 1
    x, inputs = imagenet_utils.image_input(input_tensor, input_shape)
    x = layers.Conv2D(int(32 * alpha), 3, strides=2, padding="same", use_bias=False, name="conv1")(x)
    x = layers.BatchNormalization(axis=channel_axis, name="conv1_bn")(x)
    x = layers.ReLU(6.0, name="conv1_relu")(x)
    for block_id, (filters, stride) in enumerate(_BLOCKS, start=1):
        x = _separable_block(x, int(filters * alpha), depth_multiplier, stride, block_id, channel_axis)
    if include_top:
        x = layers.GlobalAveragePooling2D(keepdims=True)(x)
        x = layers.Dropout(dropout, name="dropout")(x)
        x = layers.Conv2D(classes, 1, padding="same", name="conv_preds")(x)
        x = layers.Reshape((classes,), name="reshape_2")(x)
        x = layers.Activation(classifier_activation, name="predictions")(x)
    elif pooling == "avg":
        x = layers.GlobalAveragePooling2D()(x)
    elif pooling == "max":
        x = layers.GlobalMaxPooling2D()(x)
    model = Functional(inputs, x, name=name or f"mobilenet_{alpha:0.2f}_{rows}")
    if weights == "imagenet":
        filename = f"mobilenet_{_IMAGENET_ALPHAS[alpha]}_{rows}_tf{'' if include_top else '_no_top'}.h5"
        imagenet_utils.load_weights(model, weights, filename, None, folder="mobilenet")
    else:
        imagenet_utils.load_weights(model, weights, None, None)
    return model


def preprocess_input(x, data_format=None):
    """Scales pixels from [0, 255] to [-1, 1], as the MobileNet weights expect."""
    return imagenet_utils.preprocess_input(x, mode="tf", data_format=data_format)


decode_predictions = imagenet_utils.decode_predictions
