"""``applications.resnet50``: ResNet50 with its preprocessing, as Keras names the module."""

from lamina.applications.resnet import ResNet50, decode_predictions, preprocess_input  # noqa: F401
