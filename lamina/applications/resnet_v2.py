"""ResNet50V2/101V2/152V2 (He et al., 2016): pre-activation residual blocks, with Keras's layer names."""

from lamina import backend, layers
from lamina.applications import imagenet_utils
from lamina.models.functional import Functional

_DEPTHS = {"resnet50v2": (3, 4, 6, 3), "resnet101v2": (3, 4, 23, 3), "resnet152v2": (3, 8, 36, 3)}
_HASHES = {  # (with the top, without)
    "resnet50v2": ("3ef43a0b657b3be2300d5770ece849e0", "fac2f116257151a9d068a22e544a4917"),
    "resnet101v2": ("6343647c601c52e1368623803854d971", "c0ed64b8031c3730f411d2eb4eea35b5"),
    "resnet152v2": ("a49b44d1979771252814e80f8ec446f9", "ed17cf2e0169df9d443503ef94b23b33"),
}


def _batch_norm(name, bn_axis):
    return layers.BatchNormalization(axis=bn_axis, epsilon=1.001e-5, name=name)


def _preact_bottleneck(x, filters, stride, project, name, bn_axis):
    """BN-ReLU first, then 1x1 -> 3x3 (strided) -> 1x1 convolutions added to the shortcut.

    The shortcut is a 1x1 projection of the pre-activated input in a stage's first block,
    a 1x1 max pooling where the block strides, and the input itself otherwise.
    """
    preact = _batch_norm(f"{name}_preact_bn", bn_axis)(x)
    preact = layers.Activation("relu", name=f"{name}_preact_relu")(preact)
    if project:
        shortcut = layers.Conv2D(4 * filters, 1, strides=stride, name=f"{name}_0_conv")(preact)
    elif stride > 1:
        shortcut = layers.MaxPooling2D(1, strides=stride)(x)
    else:
        shortcut = x
    x = layers.Conv2D(filters, 1, use_bias=False, name=f"{name}_1_conv")(preact)
    x = _batch_norm(f"{name}_1_bn", bn_axis)(x)
    x = layers.Activation("relu", name=f"{name}_1_relu")(x)
    x = layers.ZeroPadding2D(1, name=f"{name}_2_pad")(x)
    x = layers.Conv2D(filters, 3, strides=stride, use_bias=False, name=f"{name}_2_conv")(x)
    x = _batch_norm(f"{name}_2_bn", bn_axis)(x)
    x = layers.Activation("relu", name=f"{name}_2_relu")(x)
    x = layers.Conv2D(4 * filters, 1, name=f"{name}_3_conv")(x)
    return layers.Add(name=f"{name}_out")([shortcut, x])


def _resnet_v2(depths, include_top, weights, input_tensor, input_shape, pooling, classes, classifier_activation,
               name, weights_name=None):
    """A ResNet v2 with ``depths[i]`` blocks in stage ``i + 2``; stages 2-4 downsample in their last block."""
    label = (weights_name or "ResNetV2").replace("resnet", "ResNet").replace("v2", "V2")
    if weights == "imagenet" and weights_name is None:
        raise ValueError(f"{label}: no ImageNet weights exist for depths={tuple(depths)}; pass weights=None.")
    input_shape = imagenet_utils.check_arguments(label, weights, include_top, classes, input_shape, 224, 32,
                                                 pooling=pooling)
    imagenet_utils.check_classifier_activation(label, classifier_activation, weights if include_top else None)
    bn_axis = 3 if backend.image_data_format() == "channels_last" else 1
    x, inputs = imagenet_utils.image_input(input_tensor, input_shape)
    x = layers.ZeroPadding2D(3, name="conv1_pad")(x)
    x = layers.Conv2D(64, 7, strides=2, name="conv1_conv")(x)
    x = layers.ZeroPadding2D(1, name="pool1_pad")(x)
    x = layers.MaxPooling2D(3, strides=2, name="pool1_pool")(x)
    last_stage = len(depths) + 1
    for stage, (blocks, filters) in enumerate(zip(depths, (64, 128, 256, 512)), start=2):
        for block in range(1, blocks + 1):
            stride = 2 if block == blocks and block > 1 and stage < last_stage else 1
            x = _preact_bottleneck(x, filters, stride, block == 1, f"conv{stage}_block{block}", bn_axis)
    x = _batch_norm("post_bn", bn_axis)(x)
    x = layers.Activation("relu", name="post_relu")(x)
    if include_top:
        x = layers.GlobalAveragePooling2D(name="avg_pool")(x)
        x = layers.Dense(classes, activation=classifier_activation, name="predictions")(x)
    elif pooling == "avg":
        x = layers.GlobalAveragePooling2D(name="avg_pool")(x)
    elif pooling == "max":
        x = layers.GlobalMaxPooling2D(name="max_pool")(x)
    model = Functional(inputs, x, name=name)
    if weights == "imagenet":
        filename = f"{weights_name}_weights_tf_dim_ordering_tf_kernels{'' if include_top else '_notop'}.h5"
        imagenet_utils.load_weights(model, weights, filename, _HASHES[weights_name][0 if include_top else 1],
                                    folder="resnet")
    else:
        imagenet_utils.load_weights(model, weights, None, None)
    return model


def ResNet50V2(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None, classes=1000,
               classifier_activation="softmax", name="resnet50v2"):
    """ResNet-50 v2 (pre-activation).

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
        >>> model = lamina.applications.ResNet50V2(weights=None, input_shape=(32, 32, 3), classes=10)
        >>> model.output_shape
        (None, 10)
    """
    return _resnet_v2(_DEPTHS["resnet50v2"], include_top, weights, input_tensor, input_shape, pooling, classes,
                      classifier_activation, name, "resnet50v2")


def ResNet101V2(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None,
                classes=1000, classifier_activation="softmax", name="resnet101v2"):
    """ResNet-101 v2; arguments as ResNet50V2."""
    return _resnet_v2(_DEPTHS["resnet101v2"], include_top, weights, input_tensor, input_shape, pooling, classes,
                      classifier_activation, name, "resnet101v2")


def ResNet152V2(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None,
                classes=1000, classifier_activation="softmax", name="resnet152v2"):
    """ResNet-152 v2; arguments as ResNet50V2."""
    return _resnet_v2(_DEPTHS["resnet152v2"], include_top, weights, input_tensor, input_shape, pooling, classes,
                      classifier_activation, name, "resnet152v2")


def preprocess_input(x, data_format=None):
    """Scales pixels from [0, 255] to [-1, 1], as the ResNet v2 weights expect."""
    return imagenet_utils.preprocess_input(x, mode="tf", data_format=data_format)


decode_predictions = imagenet_utils.decode_predictions
