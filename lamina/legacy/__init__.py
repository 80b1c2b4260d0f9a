"""``lamina.legacy``: Keras 2 formats kept for old code and files."""

from lamina.legacy import saving  # noqa: F401
