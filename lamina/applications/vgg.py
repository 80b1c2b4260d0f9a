"""VGG16 and VGG19 (Simonyan and Zisserman, 2014), with Keras's layer names."""

from lamina import layers
from lamina.applications import imagenet_utils
from lamina.layers.core.input_layer import Input
from lamina.models.functional import Functional

_BLOCKS = {"vgg16": (2, 2, 3, 3, 3), "vgg19": (2, 2, 4, 4, 4)}
_FILTERS = (64, 128, 256, 512, 512)
_HASHES = {
    "vgg16_weights_tf_dim_ordering_tf_kernels.h5": "64373286793e3c8b2b4e3219cbf3544b",
    "vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5": "6d6bbae143d832006294945121d1f1fc",
    "vgg19_weights_tf_dim_ordering_tf_kernels.h5": "cbe5617147190e668d6c5d5026f83318",
    "vgg19_weights_tf_dim_ordering_tf_kernels_notop.h5": "253f8cb515780f3b799900260a226db6",
}


def _vgg(name, include_top, weights, input_tensor, input_shape, pooling, classes, classifier_activation):
    input_shape = imagenet_utils.check_arguments(name.upper(), weights, include_top, classes, input_shape, 224, 32)
    inputs = input_tensor if input_tensor is not None else Input(shape=input_shape)
    x = inputs
    for block, (repeats, filters) in enumerate(zip(_BLOCKS[name], _FILTERS), start=1):
        for conv in range(1, repeats + 1):
            x = layers.Conv2D(filters, (3, 3), activation="relu", padding="same", name=f"block{block}_conv{conv}")(x)
        x = layers.MaxPooling2D((2, 2), strides=(2, 2), name=f"block{block}_pool")(x)
    if include_top:
        x = layers.Flatten(name="flatten")(x)
        x = layers.Dense(4096, activation="relu", name="fc1")(x)
        x = layers.Dense(4096, activation="relu", name="fc2")(x)
        x = layers.Dense(classes, activation=classifier_activation, name="predictions")(x)
    elif pooling == "avg":
        x = layers.GlobalAveragePooling2D()(x)
    elif pooling == "max":
        x = layers.GlobalMaxPooling2D()(x)
    model = Functional(inputs, x, name=name)
    suffix = "" if include_top else "_notop"
    filename = f"{name}_weights_tf_dim_ordering_tf_kernels{suffix}.h5"
    imagenet_utils.load_weights(model, weights, filename, _HASHES[filename])
    return model


def VGG16(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None, classes=1000,
          classifier_activation="softmax", name="vgg16"):
    """The 16-layer VGG network.

    Args:
        include_top: include the three dense layers at the top.
        weights: ``None`` (random), ``"imagenet"`` (downloaded once and cached) or a file path.
        input_shape: image shape (default 224x224x3).
        pooling: ``None``, ``"avg"`` or ``"max"`` when ``include_top`` is False.
        classes: number of classes when ``include_top`` is True.

    Example:
        >>> model = lamina.applications.VGG16(weights=None, input_shape=(32, 32, 3), classes=10)
    """
    return _vgg("vgg16", include_top, weights, input_tensor, input_shape, pooling, classes, classifier_activation)


def VGG19(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None, classes=1000,
          classifier_activation="softmax", name="vgg19"):
    """The 19-layer VGG network (same arguments as VGG16)."""
    return _vgg("vgg19", include_top, weights, input_tensor, input_shape, pooling, classes, classifier_activation)


def preprocess_input(x, data_format=None):
    """ImageNet "caffe" preprocessing used by the VGG weights."""
    return imagenet_utils.preprocess_input(x, mode="caffe", data_format=data_format)


decode_predictions = imagenet_utils.decode_predictions
