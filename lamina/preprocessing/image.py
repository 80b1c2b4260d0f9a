"""Image helpers under their tf.keras-era names: ``lamina.preprocessing.image.load_img`` ..."""

from lamina.utils.image_dataset import smart_resize  # noqa: F401
from lamina.utils.image_utils import array_to_img, img_to_array, load_img, save_img  # noqa: F401
