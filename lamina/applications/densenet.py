"""DenseNet121/169/201 (Huang et al., 2017): densely connected blocks, with Keras's layer names."""

from lamina import backend, layers
from lamina.applications import imagenet_utils
from lamina.models.functional import Functional

_HASHES = {
    "densenet121_weights_tf_dim_ordering_tf_kernels.h5": "9d60b8095a5708f2dcce2bca79d332c7",
    "densenet121_weights_tf_dim_ordering_tf_kernels_notop.h5": "30ee3e1110167f948a6b9946edeeb738",
    "densenet169_weights_tf_dim_ordering_tf_kernels.h5": "d699b8f76981ab1b30698df4c175e90b",
    "densenet169_weights_tf_dim_ordering_tf_kernels_notop.h5": "b8c4d4c20dd625c148057b9ff1c1176b",
    "densenet201_weights_tf_dim_ordering_tf_kernels.h5": "1ceb130c1ea1b78c3bf6114dbdfd8807",
    "densenet201_weights_tf_dim_ordering_tf_kernels_notop.h5": "c13680b51ded0fb44dff2d8f86ac8bb1",
}
_GROWTH_RATE = 32


def _batch_norm(name):
    return layers.BatchNormalization(axis=3, epsilon=1.001e-5, name=name)


def _dense_layer(x, name):
    """BN-ReLU-1x1 conv (4k filters), BN-ReLU-3x3 conv (k filters), concatenated onto the input."""
    y = _batch_norm(f"{name}_0_bn")(x)
    y = layers.Activation("relu", name=f"{name}_0_relu")(y)
    y = layers.Conv2D(4 * _GROWTH_RATE, 1, use_bias=False, name=f"{name}_1_conv")(y)
    y = _batch_norm(f"{name}_1_bn")(y)
    y = layers.Activation("relu", name=f"{name}_1_relu")(y)
    y = layers.Conv2D(_GROWTH_RATE, 3, padding="same", use_bias=False, name=f"{name}_2_conv")(y)
    return layers.Concatenate(axis=3, name=f"{name}_concat")([x, y])


def _transition(x, name):
    """BN-ReLU, a 1x1 conv halving the channels, then 2x2 average pooling."""
    x = _batch_norm(f"{name}_bn")(x)
    x = layers.Activation("relu", name=f"{name}_relu")(x)
    x = layers.Conv2D(x.shape[3] // 2, 1, use_bias=False, name=f"{name}_conv")(x)
    return layers.AveragePooling2D(2, strides=2, name=f"{name}_pool")(x)


def _densenet(blocks, include_top, weights, input_tensor, input_shape, pooling, classes, classifier_activation, name,
              weights_name=None):
    """A DenseNet with ``blocks[i]`` dense layers in stage ``i + 2``."""
    label = (weights_name or "DenseNet").replace("densenet", "DenseNet")
    if backend.image_data_format() != "channels_last":
        raise ValueError(f"{label}: only the 'channels_last' image data format is supported. "
                         f"Received: image_data_format={backend.image_data_format()!r}")
    if weights == "imagenet" and weights_name is None:
        raise ValueError(f"{label}: no ImageNet weights exist for blocks={tuple(blocks)}; pass weights=None.")
    input_shape = imagenet_utils.check_arguments(label, weights, include_top, classes, input_shape, 224, 32,
                                                 pooling=pooling)
    imagenet_utils.check_classifier_activation(label, classifier_activation, weights if include_top else None)
    x, inputs = imagenet_utils.image_input(input_tensor, input_shape)
    x = layers.ZeroPadding2D(3)(x)
    x = layers.Conv2D(64, 7, strides=2, use_bias=False, name="conv1_conv")(x)
    x = _batch_norm("conv1_bn")(x)
    x = layers.Activation("relu", name="conv1_relu")(x)
    x = layers.ZeroPadding2D(1)(x)
    x = layers.MaxPooling2D(3, strides=2, name="pool1")(x)
    for stage, depth in enumerate(blocks, start=2):
        for i in range(1, depth + 1):
            x = _dense_layer(x, f"conv{stage}_block{i}")
        if stage < len(blocks) + 1:
            x = _transition(x, f"pool{stage}")
    x = _batch_norm("bn")(x)
    x = layers.Activation("relu", name="relu")(x)
    if include_top:
        x = layers.GlobalAveragePooling2D(name="avg_pool")(x)
        x = layers.Dense(classes, activation=classifier_activation, name="predictions")(x)
    elif pooling == "avg":
        x = layers.GlobalAveragePooling2D(name="avg_pool")(x)
    elif pooling == "max":
        x = layers.GlobalMaxPooling2D(name="max_pool")(x)
    model = Functional(inputs, x, name=name)
    filename = f"{weights_name}_weights_tf_dim_ordering_tf_kernels{'' if include_top else '_notop'}.h5"
    imagenet_utils.load_weights(model, weights, filename, _HASHES.get(filename), folder="densenet")
    return model


def DenseNet121(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None,
                classes=1000, classifier_activation="softmax", name="densenet121"):
    """DenseNet-121 (channels_last only).

    Args:
        include_top: include the classification head.
        weights: ``None`` (random), ``"imagenet"`` (downloaded once and cached) or a file path.
        input_tensor: optional symbolic tensor to use as the image input.
        input_shape: image shape (224x224x3 with the top; any size of at least 32x32 without).
        pooling: ``None``, ``"avg"`` or ``"max"`` when ``include_top`` is False.
        classes: number of classes when ``include_top`` is True.
        classifier_activation: activation of the classifier (``softmax`` or ``None`` with
            pretrained weights).
        name: model name.

    Example:
        >>> model = lamina.applications.DenseNet121(weights=None, include_top=False, pooling="avg")
        >>> model.output_shape
        (None, 1024)
    """
    return _densenet((6, 12, 24, 16), include_top, weights, input_tensor, input_shape, pooling, classes,
                     classifier_activation, name, "densenet121")


def DenseNet169(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None,
                classes=1000, classifier_activation="softmax", name="densenet169"):
    """DenseNet-169; arguments as DenseNet121."""
    return _densenet((6, 12, 32, 32), include_top, weights, input_tensor, input_shape, pooling, classes,
                     classifier_activation, name, "densenet169")


def DenseNet201(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None,
                classes=1000, classifier_activation="softmax", name="densenet201"):
    """DenseNet-201; arguments as DenseNet121."""
    return _densenet((6, 12, 48, 32), include_top, weights, input_tensor, input_shape, pooling, classes,
                     classifier_activation, name, "densenet201")


def preprocess_input(x, data_format=None):
    """ImageNet "torch" preprocessing used by the DenseNet weights: [0, 1] then mean/std per channel."""
    return imagenet_utils.preprocess_input(x, mode="torch", data_format=data_format)


decode_predictions = imagenet_utils.decode_predictions
