"""``lamina.utils``: seeds, session reset, and small helpers."""

from lamina.utils.session_utils import clear_session, set_random_seed
from lamina.utils.file_utils import get_file, validate_file
from lamina.utils.summary_utils import print_summary
from lamina.utils.py_dataset import PyDataset, Sequence
from lamina.utils.image_utils import array_to_img, img_to_array, load_img, save_img
from lamina.utils.numerical_utils import normalize, pad_sequences, to_categorical
from lamina.utils.model_visualization import model_to_dot, plot_model
from lamina.utils.dataset import Dataset
from lamina.utils.dataset_utils import split_dataset
from lamina.utils.image_dataset import image_dataset_from_directory
from lamina.utils.directory_datasets import audio_dataset_from_directory, text_dataset_from_directory
from lamina.utils.timeseries_dataset import timeseries_dataset_from_array
from lamina.utils.progbar import Progbar
from lamina.utils.config_utils import Config
from lamina.utils.io_utils import disable_interactive_logging, enable_interactive_logging, is_interactive_logging_enabled
from lamina.utils.graph_utils import get_source_inputs
from lamina.utils import legacy  # noqa: F401
from lamina.backend import is_keras_tensor, standardize_dtype
from lamina.trainers.data_adapters.data_utils import pack_x_y_sample_weight, unpack_x_y_sample_weight

# Keras lists the saving registry under utils too. lamina.saving imports the layers, which
# import lamina.utils, so these names are bound from lamina.saving on first use.
_FROM_SAVING = ("CustomObjectScope", "custom_object_scope", "get_custom_objects", "get_registered_name",
                "get_registered_object", "register_keras_serializable", "serialize_keras_object",
                "deserialize_keras_object")


def __getattr__(name):
    if name in _FROM_SAVING:
        from lamina import saving

        value = getattr(saving, name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'lamina.utils' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(_FROM_SAVING))
