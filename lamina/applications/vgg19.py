"""``applications.vgg19``: VGG19 with its preprocessing, as Keras names the module."""

from lamina.applications.vgg import VGG19, decode_predictions, preprocess_input  # noqa: F401
