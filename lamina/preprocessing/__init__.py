"""``lamina.preprocessing``: the tf.keras-era helpers (``image``, ``sequence``) and the
folder/array dataset builders under their ``keras.preprocessing`` names."""

from lamina.preprocessing import image, sequence  # noqa: F401
from lamina.utils.directory_datasets import text_dataset_from_directory  # noqa: F401
from lamina.utils.image_dataset import image_dataset_from_directory  # noqa: F401
from lamina.utils.timeseries_dataset import timeseries_dataset_from_array  # noqa: F401
