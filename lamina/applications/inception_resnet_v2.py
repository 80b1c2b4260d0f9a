"""Inception-ResNet V2 (Szegedy et al., 2016), with Keras's layer names and weight order.

Keras leaves many convolutions of this model unnamed, so their names follow creation
order; build it in a fresh session (``lamina.utils.clear_session()``) to get the names of
Keras's published model.
"""

from lamina import layers
from lamina.applications import imagenet_utils
from lamina.applications._zoo import KerasApplicationLayer, channel_axis, fetch_weights, pooled
from lamina.models.functional import Functional

_WEIGHTS_URL = "https://storage.googleapis.com/tensorflow/keras-applications/inception_resnet_v2/"
_FILES = {True: ("inception_resnet_v2_weights_tf_dim_ordering_tf_kernels.h5", "e693bd0210a403b3192acc6073ad2e96"),
          False: ("inception_resnet_v2_weights_tf_dim_ordering_tf_kernels_notop.h5",
                  "d19885ff4a710c122648d3b5c3b684e4")}


class CustomScaleLayer(KerasApplicationLayer):
    """Adds a scaled residual to its shortcut: ``inputs[0] + inputs[1] * scale``.

    Args:
        scale: the residual's factor.

    Example:
        >>> layer = lamina.applications.inception_resnet_v2.CustomScaleLayer(0.5)
        >>> lamina.ops.convert_to_numpy(layer([lamina.ops.ones((1, 2)), lamina.ops.ones((1, 2))])).tolist()
        [[1.5, 1.5]]
    """

    keras_module = "keras.src.applications.inception_resnet_v2"

    def __init__(self, scale, **kwargs):
        super().__init__(**kwargs)
        if isinstance(scale, bool) or not isinstance(scale, (int, float)):
            raise ValueError(f"CustomScaleLayer: `scale` must be a number. Received: scale={scale!r}")
        self.scale = scale
        self.built = True

    def call(self, inputs):
        if not isinstance(inputs, (list, tuple)) or len(inputs) != 2:
            raise ValueError(f"CustomScaleLayer '{self.name}' expects a list [shortcut, residual]. "
                             f"Received: {type(inputs).__name__} of length {len(inputs) if isinstance(inputs, (list, tuple)) else 1}")
        return inputs[0] + inputs[1] * self.scale

    def compute_output_shape(self, input_shape):
        return tuple(input_shape[0])

    def get_config(self):
        config = super().get_config()
        config["scale"] = self.scale
        return config


def _conv_bn(x, filters, kernel_size, strides=1, padding="same", activation="relu", use_bias=False, name=None):
    """Convolution, then (without bias) batch norm without scale, then an optional activation."""
    x = layers.Conv2D(filters, kernel_size, strides=strides, padding=padding, use_bias=use_bias, name=name)(x)
    if not use_bias:
        x = layers.BatchNormalization(axis=channel_axis(), scale=False,
                                      name=None if name is None else f"{name}_bn")(x)
    if activation is not None:
        x = layers.Activation(activation, name=None if name is None else f"{name}_ac")(x)
    return x


def _residual_block(x, scale, block_type, block_idx, activation="relu"):
    """An Inception-ResNet A (block35), B (block17) or C (block8) block: ``x + scale * branches``."""
    if block_type == "block35":
        b0 = _conv_bn(x, 32, 1)
        b1 = _conv_bn(_conv_bn(x, 32, 1), 32, 3)
        b2 = _conv_bn(_conv_bn(_conv_bn(x, 32, 1), 48, 3), 64, 3)
        branches = [b0, b1, b2]
    elif block_type == "block17":
        b0 = _conv_bn(x, 192, 1)
        b1 = _conv_bn(_conv_bn(_conv_bn(x, 128, 1), 160, (1, 7)), 192, (7, 1))
        branches = [b0, b1]
    else:
        b0 = _conv_bn(x, 192, 1)
        b1 = _conv_bn(_conv_bn(_conv_bn(x, 192, 1), 224, (1, 3)), 256, (3, 1))
        branches = [b0, b1]
    name = f"{block_type}_{block_idx}"
    axis = channel_axis()
    mixed = layers.Concatenate(axis=axis, name=f"{name}_mixed")(branches)
    up = _conv_bn(mixed, x.shape[axis], 1, activation=None, use_bias=True, name=f"{name}_conv")
    x = CustomScaleLayer(scale)([x, up])
    if activation is not None:
        x = layers.Activation(activation, name=f"{name}_ac")(x)
    return x


def InceptionResNetV2(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None,
                      classes=1000, classifier_activation="softmax", name="inception_resnet_v2"):
    """Inception-ResNet V2 (Szegedy et al., 2016).

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
        >>> model = lamina.applications.InceptionResNetV2(weights=None, input_shape=(75, 75, 3), classes=10)
        >>> model.output_shape
        (None, 10)
    """
    function = "InceptionResNetV2"
    input_shape = imagenet_utils.check_arguments(function, weights, include_top, classes, input_shape, 299, 75,
                                                 pooling=pooling)
    imagenet_utils.check_classifier_activation(function, classifier_activation, weights if include_top else None)
    axis = channel_axis()
    x, inputs = imagenet_utils.image_input(input_tensor, input_shape)
    x = _conv_bn(x, 32, 3, strides=2, padding="valid")
    x = _conv_bn(x, 32, 3, padding="valid")
    x = _conv_bn(x, 64, 3)
    x = layers.MaxPooling2D(3, strides=2)(x)
    x = _conv_bn(x, 80, 1, padding="valid")
    x = _conv_bn(x, 192, 3, padding="valid")
    x = layers.MaxPooling2D(3, strides=2)(x)

    # Mixed 5b (Inception-A).
    b0 = _conv_bn(x, 96, 1)
    b1 = _conv_bn(_conv_bn(x, 48, 1), 64, 5)
    b2 = _conv_bn(_conv_bn(_conv_bn(x, 64, 1), 96, 3), 96, 3)
    bp = _conv_bn(layers.AveragePooling2D(3, strides=1, padding="same")(x), 64, 1)
    x = layers.Concatenate(axis=axis, name="mixed_5b")([b0, b1, b2, bp])
    for block_idx in range(1, 11):
        x = _residual_block(x, 0.17, "block35", block_idx)

    # Mixed 6a (Reduction-A).
    b0 = _conv_bn(x, 384, 3, strides=2, padding="valid")
    b1 = _conv_bn(_conv_bn(_conv_bn(x, 256, 1), 256, 3), 384, 3, strides=2, padding="valid")
    bp = layers.MaxPooling2D(3, strides=2, padding="valid")(x)
    x = layers.Concatenate(axis=axis, name="mixed_6a")([b0, b1, bp])
    for block_idx in range(1, 21):
        x = _residual_block(x, 0.1, "block17", block_idx)

    # Mixed 7a (Reduction-B).
    b0 = _conv_bn(_conv_bn(x, 256, 1), 384, 3, strides=2, padding="valid")
    b1 = _conv_bn(_conv_bn(x, 256, 1), 288, 3, strides=2, padding="valid")
    b2 = _conv_bn(_conv_bn(_conv_bn(x, 256, 1), 288, 3), 320, 3, strides=2, padding="valid")
    bp = layers.MaxPooling2D(3, strides=2, padding="valid")(x)
    x = layers.Concatenate(axis=axis, name="mixed_7a")([b0, b1, b2, bp])
    for block_idx in range(1, 10):
        x = _residual_block(x, 0.2, "block8", block_idx)
    x = _residual_block(x, 1.0, "block8", 10, activation=None)

    x = _conv_bn(x, 1536, 1, name="conv_7b")
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
        >>> float(lamina.applications.inception_resnet_v2.preprocess_input([[255.0]])[0][0])
        1.0
    """
    return imagenet_utils.preprocess_input(x, mode="tf", data_format=data_format)


decode_predictions = imagenet_utils.decode_predictions
