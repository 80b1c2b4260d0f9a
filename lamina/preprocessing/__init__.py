"""``lamina.preprocessing``: the tf.keras-era helpers (``image``, ``sequence``)."""

from lamina.preprocessing import image, sequence  # noqa: F401
