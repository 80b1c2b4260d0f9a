"""``applications.vgg16``: VGG16 with its preprocessing, as Keras names the module."""

from lamina.applications.vgg import VGG16, decode_predictions, preprocess_input  # noqa: F401
