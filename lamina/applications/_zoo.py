"""Pieces shared by the EfficientNet, ConvNeXt, Inception and NASNet families.

Weights of these families are published at URLs that do not follow the
``keras-applications/<family>/<file>`` pattern of ``imagenet_utils.load_weights``, so they
are fetched here from an explicit URL.
"""

from lamina import backend, layers
from lamina.layers.layer import Layer

# EfficientNet (v1 and v2) initializers, as configs so every layer gets its own instance.
CONV_KERNEL_INITIALIZER = {"class_name": "VarianceScaling",
                           "config": {"scale": 2.0, "mode": "fan_out", "distribution": "truncated_normal"}}
DENSE_KERNEL_INITIALIZER = {"class_name": "VarianceScaling",
                            "config": {"scale": 1.0 / 3.0, "mode": "fan_out", "distribution": "uniform"}}


def channel_axis():
    """The channel axis of a 4D image batch under the current image data format."""
    return 3 if backend.image_data_format() == "channels_last" else 1


def fetch_weights(model, weights, filename, url, file_hash):
    """Loads ``"imagenet"`` weights from ``url`` (cached once as ``filename``) or a weights file path."""
    if weights is None:
        return
    if weights == "imagenet":
        from lamina.utils.file_utils import get_file

        weights = get_file(filename, url, cache_subdir="models", file_hash=file_hash)
    model.load_weights(weights)


def squeeze_excite(x, filters, filters_se, activation, name):
    """Squeeze-and-excitation: channel gates from a pooled 1x1 bottleneck, multiplied back onto ``x``."""
    se = layers.GlobalAveragePooling2D(name=f"{name}se_squeeze")(x)
    shape = (1, 1, filters) if channel_axis() == 3 else (filters, 1, 1)
    se = layers.Reshape(shape, name=f"{name}se_reshape")(se)
    se = layers.Conv2D(filters_se, 1, padding="same", activation=activation,
                       kernel_initializer=CONV_KERNEL_INITIALIZER, name=f"{name}se_reduce")(se)
    se = layers.Conv2D(filters, 1, padding="same", activation="sigmoid",
                       kernel_initializer=CONV_KERNEL_INITIALIZER, name=f"{name}se_expand")(se)
    return layers.Multiply(name=f"{name}se_excite")([x, se])


def pooled(x, pooling, avg_name=None, max_name=None):
    """The feature-extractor output: ``x`` as is, or globally average- or max-pooled."""
    if pooling == "avg":
        return layers.GlobalAveragePooling2D(name=avg_name)(x)
    if pooling == "max":
        return layers.GlobalMaxPooling2D(name=max_name)(x)
    return x


class KerasApplicationLayer(Layer):
    """Base of the small layers Keras defines inside its application modules.

    A concrete subclass names that module in ``keras_module``; it is written to files under
    that module and its class name, so Keras reads lamina's files and lamina reads Keras's
    (``object_registry.KERAS_MODULES`` maps the module back). A user subclass, which does
    not set ``keras_module`` itself, is written as an ordinary custom class.
    """

    keras_module = None

    def _keras_serialization(self):
        module = type(self).__dict__.get("keras_module")
        if module is None:
            return None
        name = type(self).__name__
        form = {"module": module, "class_name": name, "config": self.get_config(), "registered_name": name}
        build_config = self.get_build_config()
        if build_config is not None:
            form["build_config"] = build_config
        return form
