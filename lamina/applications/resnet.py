"""ResNet50/101/152 v1 (He et al., 2015), with Keras's layer names."""

from lamina import backend, layers
from lamina.applications import imagenet_utils
from lamina.layers.core.input_layer import Input
from lamina.models.functional import Functional

_DEPTHS = {"resnet50": (3, 4, 6, 3), "resnet101": (3, 4, 23, 3), "resnet152": (3, 8, 36, 3)}
_HASHES = {
    "resnet50_weights_tf_dim_ordering_tf_kernels.h5": "2cb95161c43110f7111970584f804107",
    "resnet50_weights_tf_dim_ordering_tf_kernels_notop.h5": "4d473c1dd8becc155b73f8504c6f6626",
    "resnet101_weights_tf_dim_ordering_tf_kernels.h5": "f1aeb4b969a6efcfb50fad2f0c20cfc5",
    "resnet101_weights_tf_dim_ordering_tf_kernels_notop.h5": "88cf7a10940856eca736dc7b7e228a21",
    "resnet152_weights_tf_dim_ordering_tf_kernels.h5": "100835be76be38e30d865e96f2aaae62",
    "resnet152_weights_tf_dim_ordering_tf_kernels_notop.h5": "ee4c566cf9a93f14d82f913c2dc6dd0c",
}


def _bottleneck(x, filters, stride, project, name, bn_axis):
    """One bottleneck block: 1x1 -> 3x3 -> 1x1 convolutions plus a (projected) shortcut."""
    if project:
        shortcut = layers.Conv2D(4 * filters, 1, strides=stride, name=f"{name}_0_conv")(x)
        shortcut = layers.BatchNormalization(axis=bn_axis, epsilon=1.001e-5, name=f"{name}_0_bn")(shortcut)
    else:
        shortcut = x
    x = layers.Conv2D(filters, 1, strides=stride, name=f"{name}_1_conv")(x)
    x = layers.BatchNormalization(axis=bn_axis, epsilon=1.001e-5, name=f"{name}_1_bn")(x)
    x = layers.Activation("relu", name=f"{name}_1_relu")(x)
    x = layers.Conv2D(filters, 3, padding="same", name=f"{name}_2_conv")(x)
    x = layers.BatchNormalization(axis=bn_axis, epsilon=1.001e-5, name=f"{name}_2_bn")(x)
    x = layers.Activation("relu", name=f"{name}_2_relu")(x)
    x = layers.Conv2D(4 * filters, 1, name=f"{name}_3_conv")(x)
    x = layers.BatchNormalization(axis=bn_axis, epsilon=1.001e-5, name=f"{name}_3_bn")(x)
    x = layers.Add(name=f"{name}_add")([shortcut, x])
    return layers.Activation("relu", name=f"{name}_out")(x)


def _resnet(name, include_top, weights, input_tensor, input_shape, pooling, classes, classifier_activation):
    input_shape = imagenet_utils.check_arguments(name, weights, include_top, classes, input_shape, 224, 32,
                                                 channels=(input_shape[-1] if input_shape else 3))
    bn_axis = 3 if backend.image_data_format() == "channels_last" else 1
    inputs = input_tensor if input_tensor is not None else Input(shape=input_shape)
    x = layers.ZeroPadding2D(padding=3, name="conv1_pad")(inputs)
    x = layers.Conv2D(64, 7, strides=2, name="conv1_conv")(x)
    x = layers.BatchNormalization(axis=bn_axis, epsilon=1.001e-5, name="conv1_bn")(x)
    x = layers.Activation("relu", name="conv1_relu")(x)
    x = layers.ZeroPadding2D(padding=1, name="pool1_pad")(x)
    x = layers.MaxPooling2D(3, strides=2, name="pool1_pool")(x)
    for stage, (blocks, filters) in enumerate(zip(_DEPTHS[name], (64, 128, 256, 512)), start=2):
        for block in range(1, blocks + 1):
            stride = (1 if stage == 2 else 2) if block == 1 else 1
            x = _bottleneck(x, filters, stride, project=block == 1, name=f"conv{stage}_block{block}", bn_axis=bn_axis)
    if include_top:
        x = layers.GlobalAveragePooling2D(name="avg_pool")(x)
        x = layers.Dense(classes, activation=classifier_activation, name="predictions")(x)
    elif pooling == "avg":
        x = layers.GlobalAveragePooling2D(name="avg_pool")(x)
    elif pooling == "max":
        x = layers.GlobalMaxPooling2D(name="max_pool")(x)
    model = Functional(inputs, x, name=name)
    filename = f"{name}_weights_tf_dim_ordering_tf_kernels{'' if include_top else '_notop'}.h5"
    imagenet_utils.load_weights(model, weights, filename, _HASHES[filename], folder="resnet")
    return model


def ResNet50(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None, classes=1000,
             classifier_activation="softmax", name="resnet50"):
    """ResNet-50 (v1).

    Args:
        include_top: include the classification head.
        weights: ``None`` (random), ``"imagenet"`` (downloaded once and cached) or a file path.
        input_shape: image shape (default 224x224x3); at least 32x32.
        pooling: ``None``, ``"avg"`` or ``"max"`` when ``include_top`` is False.
        classes: number of classes when ``include_top`` is True.

    Example:
        >>> model = lamina.applications.ResNet50(weights=None, input_shape=(32, 32, 1), classes=10)
    """
    return _resnet("resnet50", include_top, weights, input_tensor, input_shape, pooling, classes, classifier_activation)


def ResNet101(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None, classes=1000,
              classifier_activation="softmax", name="resnet101"):
    """ResNet-101 (v1); arguments as ResNet50."""
    return _resnet("resnet101", include_top, weights, input_tensor, input_shape, pooling, classes, classifier_activation)


def ResNet152(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None, classes=1000,
              classifier_activation="softmax", name="resnet152"):
    """ResNet-152 (v1); arguments as ResNet50."""
    return _resnet("resnet152", include_top, weights, input_tensor, input_shape, pooling, classes, classifier_activation)


def preprocess_input(x, data_format=None):
    """ImageNet "caffe" preprocessing used by the ResNet weights."""
    return imagenet_utils.preprocess_input(x, mode="caffe", data_format=data_format)


decode_predictions = imagenet_utils.decode_predictions
