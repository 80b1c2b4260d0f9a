"""``lamina.legacy.saving``: Keras 2's ``{"class_name", "config"}`` object format."""

from lamina.utils.legacy import deserialize_keras_object, serialize_keras_object  # noqa: F401
